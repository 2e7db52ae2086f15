// Bytes held verified, as the progress display and --json report them: the lengths of the
// pieces verified, whichever they are (a short last piece counts its own length).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Layout, type FileSpec } from '../../src/storage/layout.js';
import { verifiedBytes } from '../../src/swarm/stats.js';

// 100,000 bytes in 64 KiB pieces: 65,536 + 34,464
const FIXED: FileSpec = { path: ['small.bin'], size: 100_000, pieceSize: 65_536 };
// content-defined: lengths 5, 1, 7, 3 (average 4)
const CDC: FileSpec = { path: ['c.bin'], size: 16, pieceSize: 4, pieceCount: 4, pieceLengths: [5, 1, 7, 3] };

function bytes(spec: FileSpec, verified: number[], complete = false): number {
  const layout = new Layout([spec]);
  const pieces = layout.pieceCounts[0];
  return verifiedBytes(layout, 0, { pieces, verified: verified.length, complete }, (p) => verified.includes(p));
}

test('fixed-size pieces: a short last piece counts its own length, not a whole piece', () => {
  assert.equal(bytes(FIXED, []), 0);
  assert.equal(bytes(FIXED, [1]), 34_464);
  assert.equal(bytes(FIXED, [0]), 65_536);
  assert.equal(bytes(FIXED, [0, 1]), 100_000);
  assert.equal(bytes(FIXED, [0, 1], true), 100_000);
});

test('content-defined pieces: the lengths of those verified; an estimate while lengths are unknown', () => {
  assert.equal(bytes(CDC, [2]), 7);
  assert.equal(bytes(CDC, [0, 3]), 8);
  assert.equal(bytes({ ...CDC, pieceLengths: undefined }, [2]), 4, 'one piece of the average size');
  assert.equal(bytes({ ...CDC, pieceLengths: undefined }, [0, 1, 2, 3]), 16, 'never more than the size');
});
