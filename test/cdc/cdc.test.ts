// Content-defined pieces (docs/FORMAT.md "Format 1.1"): the WASM chunker against
// the plain reference implementation (reference.ts) on random data, the pinned
// vector any second implementation must reproduce, and the property CDC is for:
// an insertion changes only the pieces around it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { blake3, blake3DeriveKey } from '../../src/hash/blake3.js';
import {
  CDC_RECORD_LEN, cdcGearTable, cdcLeaves, cdcParams, cdcRoot, chunkBytes, chunkFile, hashRuns, recordHashes, recordLengths,
} from '../../src/hash/cdc.js';
import { merkleRoot } from '../../src/hash/merkle.js';
import { Rng, testSeed } from '../hash/random.js';
import { referenceGear, referenceLeaf, referenceLengths, referenceRecords } from './reference.js';
import { readCdcVector, vectorInput } from './vector.js';
import { removeDir, tempDir } from '../create/tmp-tree.js';
import { contentOf, readFixture } from '../format/fixtures.js';

const KiB = 1024;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

test('the gear table is derive_key("ByteFall 2026-11-23 cdc gear", "") read as 256 u64 LE', () => {
  const wasm = cdcGearTable();
  assert.deepEqual([...wasm], referenceGear());
  assert.equal(wasm[0].toString(16), '46f8f383b79d723f');
});

test('min, avg and max follow the piece size; sizes outside 1 KiB..4 MiB are refused', () => {
  assert.deepEqual(cdcParams(1024), { min: 256, avg: 1024, max: 4096 });
  assert.deepEqual(cdcParams(4 << 20), { min: 1 << 20, avg: 4 << 20, max: 16 << 20 });
  for (const bad of [512, 3000, 8 << 20, 0, -1024]) assert.throws(() => cdcParams(bad), RangeError);
});

test('WASM chunker = reference implementation on random data (sizes and averages around every edge)', () => {
  const seed = testSeed();
  const rng = new Rng(seed);
  const cases: [number, number][] = [[0, 1024], [1, 1024], [256, 1024], [257, 1024], [4096, 1024], [4097, 1024], [100_000, 1024], [300_000, 4096], [1_200_000, 65536]];
  for (let i = 0; i < 6; i++) cases.push([rng.below(200_000), 1 << (10 + rng.below(6))]);
  for (const [size, avg] of cases) {
    const data = rng.bytes(size);
    assert.equal(hex(chunkBytes(data, avg)), hex(referenceRecords(data, avg)), `size ${size}, avg ${avg} (seed ${seed})`);
  }
});

test('a stream longer than one WASM call (pieces spanning calls) cuts exactly as in one piece of memory', () => {
  const rng = new Rng(testSeed());
  const data = rng.bytes(1_500_000); // > 467 KB, the call size at 1 KiB average
  const lengths = [...recordLengths(chunkBytes(data, 1024))];
  assert.deepEqual(lengths, referenceLengths(data, 1024));
});

test('piece lengths: min + 1 to max, the last 1 to max, adding up to the size; the hash is BLAKE3 of the piece', () => {
  const rng = new Rng(testSeed());
  const data = rng.bytes(500_000);
  const records = chunkBytes(data, 4096);
  const lengths = recordLengths(records);
  const hashes = recordHashes(records);
  let at = 0;
  lengths.forEach((len, i) => {
    if (i < lengths.length - 1) assert.ok(len >= 1025 && len <= 16384, `piece ${i}: ${len}`);
    assert.equal(hex(hashes.subarray(32 * i, 32 * i + 32)), hex(blake3(data.subarray(at, at + len))));
    at += len;
  });
  assert.equal(at, data.length);
  // Data that never matches the mask is cut at max.
  assert.deepEqual([...recordLengths(chunkBytes(new Uint8Array(40_000), 4096))], [16384, 16384, 40_000 - 32768]);
});

test('the CDC leaf is BLAKE3 keyed by derive_key("ByteFall 2026-11-23 cdc leaf", "") over the 36-byte record', () => {
  const records = chunkBytes(new Rng(testSeed()).bytes(100_000), 1024);
  const leaves = cdcLeaves(records);
  const n = records.length / CDC_RECORD_LEN;
  for (const i of [0, 1, n - 1]) {
    assert.equal(hex(leaves.subarray(32 * i, 32 * i + 32)), hex(referenceLeaf(records.subarray(36 * i, 36 * i + 36))));
  }
  assert.equal(hex(cdcRoot(records)), hex(merkleRoot(leaves)));
  // Many more leaves than one WASM call takes.
  const many = new Uint8Array(36 * 5000).map((_, i) => i * 7);
  const all = cdcLeaves(many);
  assert.equal(hex(all.subarray(32 * 4999)), hex(referenceLeaf(many.subarray(36 * 4999))));
});

test('the pinned vector (test/fixtures/cdc-vector.json): lengths, hashes and root', () => {
  const v = readCdcVector();
  const data = vectorInput(v);
  const records = chunkBytes(data, v.pieceSize);
  assert.deepEqual([...recordLengths(records)], v.lengths);
  assert.equal(hex(blake3(records)), v.recordsBlake3);
  assert.equal(hex(cdcRoot(records)), v.root);
});

test('an insertion or a deletion changes only the pieces around it', () => {
  // Content-defined boundaries resynchronise after an edit, usually at once (1 new piece) but
  // now and then a few pieces later: over 400 edits, 93% changed 1 piece and the worst 10 of
  // about 113. So the test checks 40 edits on fixed seeds: on average at most 2 new pieces, never
  // more than 12 (fixed-size pieces would change every piece after the edit: about 60 here).
  const avg = 16 * KiB;
  const keys = (d: Uint8Array) => {
    const r = chunkBytes(d, avg);
    return new Set(Array.from({ length: r.length / 36 }, (_, i) => hex(r.subarray(36 * i, 36 * i + 36))));
  };
  const counts: number[] = [];
  for (let seed = 1; seed <= 20; seed++) {
    const rng = new Rng(seed);
    const data = rng.bytes(2 << 20);
    const before = keys(data);
    const inserted = keys(Buffer.concat([data.subarray(0, 1_000_000), rng.bytes(100), data.subarray(1_000_000)]));
    const deleted = keys(Buffer.concat([data.subarray(0, 700_000), data.subarray(700_500)]));
    for (const after of [inserted, deleted]) counts.push([...after].filter((k) => !before.has(k)).length);
  }
  const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
  assert.ok(mean <= 2, `on average ${mean} new pieces per edit: ${counts}`);
  assert.ok(Math.max(...counts) <= 12, `an edit changed ${Math.max(...counts)} pieces: ${counts}`);
  assert.ok(counts.every((c) => c >= 1), 'every edit changes at least the piece it lands in');
});

test('chunkFile and hashRuns read a file straight into WASM memory', () => {
  const dir = tempDir();
  try {
    const data = new Rng(testSeed()).bytes(5 << 20); // > the 4 MiB input buffer
    const path = join(dir, 'f');
    writeFileSync(path, data);
    const fd = openSync(path, 'r');
    try {
      const records = chunkFile(fd, data.length, 65536);
      assert.equal(hex(records), hex(chunkBytes(data, 65536)));
      assert.equal(hex(hashRuns(fd, 0, recordLengths(records))), hex(recordHashes(records)));
      assert.equal(hex(hashRuns(fd, 100, [4 << 20, 7, 0])), hex(Buffer.concat([blake3(data.subarray(100, 100 + (4 << 20))), blake3(data.subarray(100 + (4 << 20), 107 + (4 << 20))), blake3(new Uint8Array(0))])));
      assert.throws(() => chunkFile(fd, data.length + 1, 65536), { code: 'FILE_CHANGED' });
    } finally {
      closeSync(fd);
    }
  } finally {
    removeDir(dir);
  }
});

test('the cdc golden file re-derived from FORMAT.md with the reference implementation', () => {
  const { bytes, json } = readFixture('cdc');
  const input = json.inputs.entries.find((e) => e.path.join('/') === 'data/log.bin')!;
  const records = referenceRecords(contentOf(input), input.pieceSize);
  const leaves = new Uint8Array((records.length / 36) * 32);
  for (let i = 0; i < records.length / 36; i++) leaves.set(referenceLeaf(records.subarray(36 * i, 36 * i + 36)), 32 * i);
  const root = merkleRoot(leaves);
  // Entry 1 (data/log.bin): name(256) | info(64) | entry hash(64) | parent hash(64).
  const e = bytes.subarray(640 + 448, 640 + 448 * 2);
  const info = new DataView(e.buffer, e.byteOffset + 256, 64);
  assert.equal(info.getUint32(40, true), 1); // chunking
  assert.equal(info.getUint32(44, true), records.length / 36); // piece count
  assert.equal(new DataView(bytes.buffer, bytes.byteOffset).getUint32(36, true), 1); // format minor
  const entryHash = blake3DeriveKey('ByteFall 2026-11-23 entry', Buffer.concat([e.subarray(0, 320), e.subarray(384, 448), root]), 64);
  assert.equal(hex(entryHash), hex(e.subarray(320, 384)));
});
