// Content-defined pieces in the layout and both storages: a piece lies at the sum of the
// lengths before it, lengths are refused unless they fit the file, and a file whose lengths
// are not known yet has a piece count but no offsets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Layout, type FileSpec } from '../../src/storage/layout.js';
import { MemoryStorage } from '../../src/storage/memory-storage.js';
import { FsStorage } from '../../src/storage/fs-storage.js';
import type { Storage } from '../../src/storage/storage.js';
import { tempDir } from './helpers.js';

const LENGTHS = [5, 1, 7, 3];
const CDC: FileSpec = { path: ['c.bin'], size: 16, pieceSize: 4, pieceCount: 4, pieceLengths: LENGTHS };
const FIXED: FileSpec = { path: ['f.bin'], size: 10, pieceSize: 4 };
const data = Uint8Array.from({ length: 16 }, (_, i) => 100 + i);

test('a content-defined piece lies at the sum of the lengths before it', () => {
  const l = new Layout([FIXED, CDC]);
  assert.deepEqual(l.pieceCounts, [3, 4]);
  assert.equal(l.totalPieces, 7);
  assert.deepEqual([0, 1, 2, 3].map((p) => l.pieceOffset(1, p)), [0, 5, 6, 13]);
  assert.deepEqual([0, 1, 2, 3].map((p) => l.pieceLength(1, p)), LENGTHS);
  assert.deepEqual([0, 4, 5, 6, 12, 13, 15].map((o) => l.pieceAt(1, o)), [0, 0, 1, 2, 2, 3, 3]);
  assert.deepEqual([0, 1, 2].map((p) => [l.pieceOffset(0, p), l.pieceLength(0, p)]), [[0, 4], [4, 4], [8, 2]]);
  assert.equal(l.isContentDefined(0), false);
  assert.equal(l.isContentDefined(1), true);
});

test('without its lengths a content-defined file has a piece count, and no offsets until they come', () => {
  const l = new Layout([{ ...CDC, pieceLengths: undefined }]);
  assert.equal(l.totalPieces, 4);
  assert.equal(l.lengthsKnown(0), false);
  assert.throws(() => l.pieceOffset(0, 1), { code: 'BAD_ARGUMENT', message: /not known yet/ });
  assert.throws(() => l.pieceLength(0, 1), { code: 'BAD_ARGUMENT' });
  l.setPieceLengths(0, LENGTHS);
  assert.equal(l.lengthsKnown(0), true);
  assert.equal(l.pieceOffset(0, 3), 13);
  l.setPieceLengths(0, Uint32Array.from(LENGTHS)); // the same again: nothing happens
  assert.throws(() => l.setPieceLengths(0, [5, 1, 6, 4]), { code: 'BAD_PIECE_LAYER', message: /differ/ });
});

test('lengths that do not fit the file are refused', () => {
  const l = new Layout([{ ...CDC, pieceLengths: undefined }, FIXED]);
  assert.throws(() => l.setPieceLengths(0, [5, 1, 7]), { code: 'BAD_PIECE_LAYER', message: /3 piece lengths for 4/ });
  assert.throws(() => l.setPieceLengths(0, [5, 1, 7, 4]), { code: 'BAD_PIECE_LAYER', message: /add up to 17/ });
  assert.throws(() => l.setPieceLengths(0, [5, 0, 8, 3]), { code: 'BAD_PIECE_LAYER', message: /length 0/ });
  assert.throws(() => l.setPieceLengths(1, [4, 4, 2]), { code: 'BAD_ARGUMENT', message: /fixed-size/ });
  assert.equal(l.lengthsKnown(0), false, 'nothing was kept');
  assert.throws(() => new Layout([{ ...CDC, pieceCount: 17 }]), { code: 'BAD_ARGUMENT', message: /piece count 17/ });
  assert.throws(() => new Layout([{ ...FIXED, pieceLengths: [10] }]), { code: 'BAD_ARGUMENT', message: /without a piece count/ });
});

async function roundTrip(s: Storage): Promise<void> {
  // Written out of order, each at its offset; the final copy is the file.
  for (const p of [2, 0, 3, 1]) {
    const at = s.layout.pieceOffset(0, p);
    await s.writePiece(0, p, data.subarray(at, at + LENGTHS[p]));
  }
  assert.equal(s.status(0).complete, true);
  assert.deepEqual([...(await s.readFinal(0, 0, 16))], [...data]);
  assert.deepEqual([...(await s.readPiece(0, 2))], [...data.subarray(6, 13)]);
  await assert.rejects(s.writePiece(0, 1, new Uint8Array(2)), { code: 'BAD_ARGUMENT' }); // piece 1 is 1 byte
}

test('MemoryStorage writes and reads content-defined pieces at their offsets', async () => {
  await roundTrip(new MemoryStorage([CDC]));
});

test('FsStorage writes and reads content-defined pieces at their offsets', async (t) => {
  const dir = await tempDir(t);
  const s = await FsStorage.open(dir, [CDC]);
  try {
    await roundTrip(s);
  } finally {
    await s.close();
  }
});
