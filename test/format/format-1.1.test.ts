// Format 1.1 (docs/FORMAT.md, "Format 1.1: content-defined pieces"): the info
// block of a CDC file byte by byte, every rule the codec adds, the minor version a
// Waterfall gets, and the 36-byte records of a CDC file's piece layer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as blocks from '../../src/format/blocks.js';
import { buildWaterfall, decodeLayers, decodeWaterfall, encodeLayers, pieceCountOf, layerRecordLen, type EntryInput } from '../../src/format/index.js';
import { signWaterfall } from '../../src/format/sign.js';
import { cdcRoot, chunkBytes } from '../../src/hash/cdc.js';
import { merkleRoot, hashPieces } from '../../src/hash/merkle.js';
import { readFixture } from './fixtures.js';
import { throwsCode, edited, hex, toHex } from './helpers.js';

const zeros = (n: number) => '00'.repeat(n);
const CDC_INFO = {
  isDir: false, size: 20000, created: 0, changed: 1795392000000, pieceSize: 1024, fileVersion: 2, permissions: 0o644, chunking: 1, pieceCount: 17,
};
// size 20000, created 0, changed, piece size 1024, file version 2, 0o644, flags 0, chunking 1, piece count 17, 16 reserved
const CDC_INFO_HEX = '204e000000000000' + zeros(8) + '00d0b305a2010000' + '00040000' + '02000000' + 'a4010000' + zeros(4) + '01000000' + '11000000' + zeros(16);

test('1.1 info block of a CDC file: exact bytes both ways', () => {
  const out = new Uint8Array(64);
  blocks.writeInfo(out, 0, CDC_INFO, 'x', 1);
  assert.equal(toHex(out), CDC_INFO_HEX);
  assert.deepEqual(blocks.readInfo(out, 0, 'x', 1), CDC_INFO);
  // A fixed-size file reads the same under 1.0 and 1.1, and has no piece count.
  const fixed = { ...CDC_INFO, chunking: 0, pieceCount: undefined };
  delete fixed.pieceCount;
  blocks.writeInfo(out, 0, fixed, 'x', 1);
  assert.deepEqual(blocks.readInfo(out, 0, 'x', 1), fixed);
  assert.deepEqual(blocks.readInfo(out, 0, 'x', 0), fixed);
});

test('1.1 info block: every rule of content-defined pieces', () => {
  const cdc = hex(CDC_INFO_HEX);
  const read = (b: Uint8Array, minor = 1) => blocks.readInfo(b, 0, 'entry 1 (data/log.bin)', minor);
  const u32 = (base: Uint8Array, at: number, v: number) => edited(base, (b, view) => view.setUint32(at, v, true));
  const u64 = (base: Uint8Array, at: number, v: bigint) => edited(base, (b, view) => view.setBigUint64(at, v, true));

  // Only a 1.1 file may use chunking 1; no version knows chunking 2.
  throwsCode(() => read(cdc, 0), 'UNSUPPORTED_CHUNKING', /^entry 1 \(data\/log\.bin\): chunking 1 \(format 1\.0 knows only 0/);
  throwsCode(() => read(u32(cdc, 40, 2)), 'UNSUPPORTED_CHUNKING', /chunking 2/);
  // The average piece size: a power of two from 1 KiB to 4 MiB.
  for (const ps of [512, 3000, 1 << 23, 1 << 24]) throwsCode(() => read(u32(cdc, 24, ps)), 'BAD_ENTRY', /content-defined piece size \d+ is not a power of two from 1024 to 4194304/);
  // The piece count must be able to cover the size: ceil(size / max) .. (size - 1) / (min + 1) + 1.
  // 20000 bytes at average 1024 (min 256, max 4096): 5 to 78 pieces.
  for (const n of [5, 78]) assert.equal(read(u32(cdc, 44, n)).pieceCount, n);
  for (const n of [0, 4, 79, 0xffffffff]) throwsCode(() => read(u32(cdc, 44, n)), 'BAD_ENTRY', new RegExp(`${n} content-defined pieces cannot cover 20000 bytes at piece size 1024`));
  const empty = u64(u32(cdc, 44, 0), 0, 0n);
  assert.equal(read(empty).pieceCount, 0);
  throwsCode(() => read(u32(empty, 44, 1)), 'BAD_ENTRY', /1 content-defined pieces cannot cover 0 bytes/);
  // Bytes 48-63 stay reserved; for a fixed-size file 44-63 do.
  for (let i = 48; i < 64; i++) throwsCode(() => read(edited(cdc, (b) => (b[i] = 1))), 'RESERVED_NONZERO', new RegExp(`offset ${i} `));
  throwsCode(() => read(u32(cdc, 40, 0)), 'RESERVED_NONZERO', /offset 44 /);
  // A directory never has chunking 1.
  const dir = edited(cdc, (b, v) => {
    v.setBigUint64(0, 0n, true);
    v.setUint32(24, 0, true);
    v.setUint32(36, 1, true);
    v.setUint32(44, 0, true);
  });
  throwsCode(() => read(dir), 'BAD_ENTRY', /directory has chunking 1/);
  // The encoder refuses what the decoder refuses.
  throwsCode(() => blocks.writeInfo(new Uint8Array(64), 0, { ...CDC_INFO, pieceCount: 3 }, 'x', 1), 'BAD_ENTRY', /3 content-defined pieces/);
  throwsCode(() => blocks.writeInfo(new Uint8Array(64), 0, CDC_INFO, 'x', 0), 'UNSUPPORTED_CHUNKING');
});

test('the cdc fixture is format 1.1; the 1.0 fixtures stay 1.0', () => {
  const w = decodeWaterfall(readFixture('cdc').bytes);
  assert.deepEqual(w.version, [1, 1, 0]);
  const log = w.entries.find((e) => e.path.join('/') === 'data/log.bin')!;
  assert.equal(log.chunking, 1);
  assert.equal(log.pieceCount, 17);
  assert.equal(pieceCountOf(log), 17);
  assert.equal(layerRecordLen(log), 36);
  assert.deepEqual(decodeWaterfall(readFixture('tree').bytes).version, [1, 0, 0]);
  // Same key, name and salt: the next version is the same swarm.
  const next = decodeWaterfall(readFixture('cdc-next').bytes);
  assert.deepEqual(next.swarmId, w.swarmId);
  assert.equal(next.sequence, 2);
});

test('a 1.0 file may not use content-defined pieces (even when correctly signed)', () => {
  const { bytes, json } = readFixture('cdc');
  const as10 = edited(bytes, (b, v) => v.setUint32(36, 0, true));
  signWaterfall(as10, 3, hex(json.inputs.seed));
  throwsCode(() => decodeWaterfall(as10), 'UNSUPPORTED_CHUNKING', /^entry 1 \(data\/log\.bin\): chunking 1/);
});

test('build writes 1.1 only when some file uses content-defined pieces', () => {
  const data = new Uint8Array(50_000).map((_, i) => (i * 2654435761) >>> 24);
  const records = chunkBytes(data, 1024);
  const base = { name: 'w', salt: new Uint8Array(64), seed: new Uint8Array(32).fill(7), sequence: 1, publishTime: 0 };
  const file = { path: ['f'], isDir: false, size: data.length, created: 0, changed: 0, pieceSize: 1024, fileVersion: 1, permissions: 0o644 };
  const fixed: EntryInput = { ...file, root: merkleRoot(hashPieces(data, 1024)) };
  const cdc: EntryInput = { ...file, chunking: 1, pieceCount: records.length / 36, root: cdcRoot(records) };
  assert.deepEqual(buildWaterfall({ ...base, entries: [fixed] }).waterfall.version, [1, 0, 0]);
  const built = buildWaterfall({ ...base, entries: [cdc] });
  assert.deepEqual(built.waterfall.version, [1, 1, 0]);
  const layers = encodeLayers(built.waterfall, [records]);
  assert.deepEqual(decodeLayers(layers, built.waterfall), [records]);
  assert.equal(layers.length, 64 + records.length);
});

test('the piece layer of a CDC file: records that do not match are refused', () => {
  const { bytes, layers } = readFixture('cdc');
  const w = decodeWaterfall(bytes);
  // Layer: 64-byte header, data/log.bin's 17 records (36 bytes), readme.txt's 1 hash (32 bytes).
  assert.equal(layers.length, 64 + 17 * 36 + 32);
  assert.equal(new DataView(layers.buffer, layers.byteOffset).getBigUint64(56, true), 18n);
  const first = new DataView(layers.buffer, layers.byteOffset + 64).getUint32(0, true);
  const setLen = (i: number, v: number) => edited(layers, (b, view) => view.setUint32(64 + 36 * i, v, true));
  throwsCode(() => decodeLayers(setLen(0, first + 1), w), 'BAD_PIECE_LAYER', /^piece layer of data\/log\.bin: the pieces add up to 20001 bytes; the file has 20000$/);
  throwsCode(() => decodeLayers(setLen(0, 256), w), 'BAD_PIECE_LAYER', /piece 0 is 256 bytes; pieces are 257 to 4096/);
  throwsCode(() => decodeLayers(setLen(16, 0), w), 'BAD_PIECE_LAYER', /piece 16 is 0 bytes; pieces are 1 to 4096/);
  throwsCode(() => decodeLayers(edited(layers, (b) => (b[64 + 36 * 5 + 10] ^= 1)), w), 'BAD_PIECE_LAYER', /data\/log\.bin: its merkle root does not match/);
  // Moving bytes between two pieces keeps the sum but not the root: the root commits to the boundaries.
  const shifted = edited(layers, (b, view) => {
    view.setUint32(64, view.getUint32(64, true) + 1, true);
    view.setUint32(64 + 36, view.getUint32(64 + 36, true) - 1, true);
  });
  throwsCode(() => decodeLayers(shifted, w), 'BAD_PIECE_LAYER', /merkle root does not match/);
  throwsCode(() => decodeLayers(layers.subarray(0, layers.length - 4), w), 'BAD_PIECE_LAYER', /18 pieces make 708/);
});
