// The layout: one global piece index over all files, piece lengths, and the path rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Layout } from '../../src/storage/layout.js';
import { FILES } from './helpers.js';

test('global piece indexes run over the files in order, skipping empty files', () => {
  const l = new Layout(FILES);
  assert.deepEqual(l.pieceCounts, [10, 4, 0, 1]);
  assert.deepEqual(l.firstPiece, [0, 10, 14, 14]);
  assert.equal(l.totalPieces, 15);
  assert.deepEqual(l.locate(0), { file: 0, piece: 0 });
  assert.deepEqual(l.locate(9), { file: 0, piece: 9 });
  assert.deepEqual(l.locate(13), { file: 1, piece: 3 });
  assert.deepEqual(l.locate(14), { file: 3, piece: 0 });
  for (let g = 0; g < l.totalPieces; g++) {
    const { file, piece } = l.locate(g);
    assert.equal(l.globalIndex(file, piece), g);
  }
  assert.throws(() => l.locate(15), { code: 'BAD_ARGUMENT' });
  assert.equal(l.pieceLength(0, 9), 784);
  assert.equal(l.pieceLength(3, 0), 1);
  assert.throws(() => l.pieceLength(2, 0), { code: 'BAD_ARGUMENT' });
});

test('layouts with leading and repeated empty files', () => {
  const l = new Layout([
    { path: ['e1'], size: 0, pieceSize: 16 },
    { path: ['e2'], size: 0, pieceSize: 16 },
    { path: ['f'], size: 33, pieceSize: 16 },
    { path: ['e3'], size: 0, pieceSize: 16 },
    { path: ['g'], size: 16, pieceSize: 16 },
  ]);
  assert.deepEqual([0, 1, 2, 3].map((g) => l.locate(g)), [
    { file: 2, piece: 0 },
    { file: 2, piece: 1 },
    { file: 2, piece: 2 },
    { file: 4, piece: 0 },
  ]);
});

test('bad files are refused', () => {
  const one = (f: object) => () => new Layout([{ path: ['a'], size: 1, pieceSize: 1024, ...f }]);
  assert.throws(one({ size: -1 }), { code: 'BAD_ARGUMENT' });
  assert.throws(one({ size: 1.5 }), { code: 'BAD_ARGUMENT' });
  assert.throws(one({ pieceSize: 0 }), { code: 'BAD_ARGUMENT' });
  assert.throws(one({ path: ['a', '..'] }), { code: 'UNSAFE_PATH' });
  assert.throws(one({ path: ['a/b'] }), { code: 'UNSAFE_PATH' });
  assert.throws(() => new Layout([{ path: ['a'], size: 1, pieceSize: 4 }, { path: ['a'], size: 2, pieceSize: 4 }]), {
    code: 'BAD_ARGUMENT',
  });
});
