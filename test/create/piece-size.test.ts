import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPieceSize, defaultPieceSize, pieceCount, pieceSizeFor } from '../../src/create/piece-size.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

test('default piece size: smallest power of two >= size/2048, within [256 KiB, 16 MiB]', () => {
  assert.equal(defaultPieceSize(0), 256 * KiB);
  assert.equal(defaultPieceSize(1), 256 * KiB);
  assert.equal(defaultPieceSize(512 * MiB), 256 * KiB); // exactly 2048 pieces
  assert.equal(defaultPieceSize(512 * MiB + 1), 512 * KiB);
  assert.equal(defaultPieceSize(1 * GiB), 512 * KiB);
  assert.equal(defaultPieceSize(2 * GiB), 1 * MiB);
  assert.equal(defaultPieceSize(32 * GiB), 16 * MiB);
  assert.equal(defaultPieceSize(32 * GiB + 1), 16 * MiB); // clamped
  assert.equal(defaultPieceSize(10 * 1024 * GiB), 16 * MiB);
});

test('an explicit piece size must be a power of two from 1 KiB to 16 MiB', () => {
  assert.equal(pieceSizeFor(5 * GiB, KiB), KiB);
  assert.equal(pieceSizeFor(5, 16 * MiB), 16 * MiB);
  assert.equal(pieceSizeFor(2 * GiB), MiB);
  for (const bad of [0, 512, 1000, 3 * KiB, 32 * MiB, -1024, 1.5, NaN]) {
    assert.throws(() => checkPieceSize(bad), { code: 'BAD_ARGUMENT' }, String(bad));
  }
});

test('piece count', () => {
  assert.equal(pieceCount(0, KiB), 0);
  assert.equal(pieceCount(1, KiB), 1);
  assert.equal(pieceCount(KiB, KiB), 1);
  assert.equal(pieceCount(KiB + 1, KiB), 2);
});
