// hashFileRegion (reads straight into WASM memory) against hashPieces on the same
// bytes, over whole files and regions, small and buffer-sized pieces, and files that
// end early. Temp files are removed however the test ends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blake3 } from '../../src/hash/blake3.js';
import { hashPieces } from '../../src/hash/merkle.js';
import { hashFileRegion, verifyPiece } from '../../src/hash/piece-hash.js';
import { Rng } from './random.js';

const MIB = 1 << 20;

function withFile(data: Uint8Array, body: (fd: number) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'bytefall-piece-hash-'));
  try {
    const path = join(dir, 'data.bin');
    writeFileSync(path, data);
    const fd = openSync(path, 'r');
    try {
      body(fd);
    } finally {
      closeSync(fd);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('hashFileRegion equals hashPieces, whole file and regions', () => {
  const data = new Rng(1).bytes(3 * MIB + 12_345);
  withFile(data, (fd) => {
    for (const pieceSize of [16 * 1024, 65_536, MIB, 3 * MIB, 777]) {
      assert.deepEqual(hashFileRegion(fd, 0, data.length, pieceSize), hashPieces(data, pieceSize), `piece size ${pieceSize}`);
    }
    const pieceSize = 256 * 1024;
    const offset = 5 * pieceSize;
    for (const length of [0, 1, pieceSize, 3 * pieceSize + 1, data.length - offset]) {
      assert.deepEqual(
        hashFileRegion(fd, offset, length, pieceSize),
        hashPieces(data.subarray(offset, offset + length), pieceSize),
        `region of ${length} bytes`,
      );
    }
  });
});

test('pieces larger than the WASM input buffer are hashed in slices', () => {
  const data = new Rng(2).bytes(11 * MIB + 3);
  withFile(data, (fd) => {
    const pieceSize = 5 * MIB;
    const leaves = hashFileRegion(fd, 0, data.length, pieceSize);
    assert.equal(leaves.length, 3 * 32);
    assert.deepEqual(leaves, hashPieces(data, pieceSize));
    assert.deepEqual(leaves.subarray(32, 64), blake3(data.subarray(pieceSize, 2 * pieceSize)));
    assert.deepEqual(hashFileRegion(fd, pieceSize, 6 * MIB + 3, pieceSize), leaves.subarray(32));
    assert.ok(verifyPiece(data.subarray(0, pieceSize), leaves.subarray(0, 32)));
  });
});

test('a file shorter than the region is FILE_CHANGED; bad arguments are refused', () => {
  withFile(new Uint8Array(1000), (fd) => {
    assert.throws(() => hashFileRegion(fd, 0, 1001, 512), { code: 'FILE_CHANGED' });
    assert.throws(() => hashFileRegion(fd, 100, 10, 512), RangeError);
    assert.throws(() => hashFileRegion(fd, 0, 10, 0), RangeError);
    assert.throws(() => hashFileRegion(fd, 0, -1, 512), RangeError);
    assert.throws(() => hashFileRegion(-1, 0, 10, 512), { code: 'BAD_ARGUMENT' });
  });
  assert.throws(() => hashFileRegion(999_999, 0, 10, 512), { code: 'IO_ERROR' });
});

test('verifyPiece compares with the leaf hash', () => {
  const piece = new Rng(3).bytes(100_000);
  const leaf = blake3(piece);
  assert.equal(verifyPiece(piece, leaf), true);
  const bad = leaf.slice();
  bad[31] ^= 0x80;
  assert.equal(verifyPiece(piece, bad), false);
  assert.throws(() => verifyPiece(piece, leaf.subarray(1)), { code: 'BAD_ARGUMENT' });
});
