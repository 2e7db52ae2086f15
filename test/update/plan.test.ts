// The update plan, read off readable specs (versions.ts: one letter = one 1 KiB
// piece) and off the golden files cdc -> cdc-next (an insertion in a content-
// defined file and a move): what is kept, moved, copied piece by piece, fetched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeLayers, decodeWaterfall } from '../../src/format/index.js';
import { planUpdate, type Version } from '../../src/update/plan.js';
import { planLines } from '../../src/update/plan-text.js';
import { readFixture } from '../format/fixtures.js';
import { version } from './versions.js';

const where = (p: { path: string[]; offset: number }) => `${p.path.join('/')}@${p.offset / 1024}K`;

test('kept, moved, changed, added, removed: each piece copied from wherever the old version has it', () => {
  const v1 = version(1, { 'a.txt': 'AB', 'b.txt': 'CD', 'docs/readme': 'E', 'gone.txt': 'F' });
  const v2 = version(2, { 'a.txt': 'AB', 'b.txt': 'CDG', 'docs/readme.md': 'E', 'new.txt': 'FAH', 'twice.txt': 'HH' });
  const plan = planUpdate(v1, v2);
  assert.deepEqual(planLines(plan), [
    'moved    docs/readme -> docs/readme.md (1024 B)',
    'changed  b.txt: 3072 B in 3 pieces, 2048 B already here, 1024 B to fetch',
    'added    new.txt: 3072 B in 3 pieces, 2048 B already here, 1024 B to fetch',
    'added    twice.txt: 2048 B in 2 pieces, 2048 B already here, nothing to fetch',
    'removed  gone.txt',
    'kept 1 file (2048 B); 1 moved, 0 copied, 1 changed, 2 added, 1 removed',
    'version 1 -> 2: 11.0 KiB, 9216 B already here (81.8 %), 2048 B to fetch in 2 pieces (+ 256 B of piece layer)',
  ]);
  // Piece copies name their source in the old version and every place they go.
  assert.deepEqual(
    plan.copies.map((c) => `${where(c.from)} -> ${c.to.map(where).join(' ')}`),
    ['b.txt@0K -> b.txt@0K', 'b.txt@1K -> b.txt@1K', 'gone.txt@0K -> new.txt@0K', 'a.txt@0K -> new.txt@1K'],
  );
  // G and H are fetched once each; H goes to three places. Pieces are numbered across the new version.
  assert.deepEqual(
    plan.fetches.map((f) => `piece ${f.piece} (${f.length} B) -> ${f.to.map(where).join(' ')}`),
    ['piece 4 (1024 B) -> b.txt@2K', 'piece 8 (1024 B) -> new.txt@2K twice.txt@0K twice.txt@1K'],
  );
  assert.deepEqual(plan.bytes, { total: 11264, kept: 2048, moved: 1024, copied: 0, pieces: 4096, fetch: 2048, duplicate: 2048, reused: 9216, layer: 256 });
});

test('a file that stays and appears elsewhere too is copied, not moved; directories come and go', () => {
  const v1 = version(3, { 'lib/x.js': 'XY', 'old/z': 'Z' });
  const v2 = version(4, { 'lib/x.js': 'XY', 'dist/x.js': 'XY', 'dist/y.js': 'YX' });
  assert.deepEqual(planLines(planUpdate(v1, v2)), [
    'copied   lib/x.js -> dist/x.js (2048 B)',
    'added    dist/y.js: 2048 B in 2 pieces, 2048 B already here, nothing to fetch',
    'removed  old/z',
    'mkdir    dist/',
    'rmdir    old/',
    'kept 1 file (2048 B); 0 moved, 1 copied, 0 changed, 1 added, 1 removed',
    'version 3 -> 4: 6144 B, 6144 B already here (100.0 %), 0 B to fetch in 0 pieces (+ 64 B of piece layer)',
  ]);
});

test('an old file the node does not hold is no source', () => {
  const v1 = version(1, { 'a': 'AB', 'b': 'C' });
  const v2 = version(2, { 'a': 'ABC', 'b': 'C' });
  const all = planUpdate(v1, v2);
  assert.equal(all.bytes.fetch, 0);
  const partial = planUpdate(v1, v2, { holds: (p) => p.join('/') !== 'b' });
  assert.equal(partial.bytes.fetch, 1024); // C, once, for a and for b
  assert.deepEqual(partial.fetches.map((f) => f.to.map(where).join(' ')), ['a@2K b@0K']);
  assert.deepEqual(partial.added.map((c) => c.path.join('/')), []);
  assert.deepEqual(partial.changed.map((c) => c.path.join('/')), ['a', 'b']);
});

test('golden files cdc -> cdc-next: 16 bytes inserted in a content-defined file cost a few pieces; the readme moves', () => {
  const load = (name: string): Version => {
    const { bytes, layers } = readFixture(name);
    const waterfall = decodeWaterfall(bytes);
    return { waterfall, layers: decodeLayers(layers, waterfall) };
  };
  const plan = planUpdate(load('cdc'), load('cdc-next'));
  const lines = planLines(plan);
  assert.equal(lines[0], 'moved    readme.txt -> docs/readme.txt (18 B)');
  assert.match(lines[1], /^changed  data\/log\.bin: 19\.5 KiB in 17 pieces, 18\.3 KiB already here, 1235 B to fetch$/);
  assert.equal(plan.changed[0].size, 20016);
  // Only the pieces around byte 10000 are new: at most 2 of 17 (at most 4096 B each at a 1 KiB average).
  assert.ok(plan.fetches.length <= 2 && plan.bytes.fetch <= 2 * 4096, lines.join('\n'));
  assert.equal(plan.bytes.fetch + plan.bytes.pieces + plan.bytes.moved, plan.bytes.total);
  assert.equal(plan.bytes.layer, 17 * 36);
  assert.deepEqual(plan.addedDirs, [['docs']]);
});

test('versions of two swarms, or an older version, are refused', () => {
  const v1 = version(2, { a: 'A' });
  assert.throws(() => planUpdate(v1, version(1, { a: 'B' })), { code: 'BAD_ARGUMENT', message: /version 1 is not newer than version 2/ });
  assert.throws(() => planUpdate(v1, version(3, { a: 'B' }, new Uint8Array(32).fill(6))), { code: 'BAD_ARGUMENT', message: /not versions of one swarm/ });
});
