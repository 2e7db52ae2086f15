// Dictionary choice for an update's fetched pieces (src/update/dictionary.ts), on readable
// versions: each letter is one 1 KiB piece, so "the old piece at the same place" can be read
// off the specs; and on the golden content-defined fixtures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeLayers, decodeWaterfall } from '../../src/format/index.js';
import { blake3 } from '../../src/hash/blake3.js';
import { dictionaryHints, mapToOld } from '../../src/update/dictionary.js';
import { planUpdate, type Version } from '../../src/update/plan.js';
import { piecesOf } from '../../src/update/pieces.js';
import { readFixture } from '../format/fixtures.js';
import { blocks, version } from './versions.js';

const letterHash = (c: string) => Buffer.from(blake3(blocks(c))).toString('hex');

/** The hints as readable strings: "<new global piece>: <old file>@<old offset in KiB> <letter>". */
function hints(a: Version, b: Version): string[] {
  const plan = planUpdate(a, b);
  const map = dictionaryHints(plan, a.waterfall, a.layers, b.waterfall, b.layers);
  const letters = Object.fromEntries([...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'].map((c) => [letterHash(c), c]));
  return [...map].sort((x, y) => x[0] - y[0]).map(([piece, d]) => {
    assert.equal(d.length, 1024);
    return `${piece}: ${d.file}@${d.offset / 1024}K ${letters[Buffer.from(d.leaf).toString('hex')]}`;
  });
}

test('an edited piece gets the old piece at the same place of the same file', () => {
  assert.deepEqual(hints(version(1, { a: 'ABCDE' }), version(2, { a: 'ABXDE' })), ['2: 0@2K C']);
});

test('after an insertion or a deletion, the position shifts like the copied pieces before it', () => {
  // Q inserted after C: new piece 3 (Q) maps to old offset 3K (D), where the old bytes continued.
  assert.deepEqual(hints(version(1, { a: 'ABCDEFGH' }), version(2, { a: 'ABCQDEFGH' })), ['3: 0@3K D']);
  // B deleted, then F edited into X: X (new 4K) shifts like E (new 3K = old 4K) to old 5K, F.
  assert.deepEqual(hints(version(1, { a: 'ABCDEFGH' }), version(2, { a: 'ACDEXGH' })), ['4: 0@5K F']);
  // An edit before any copied piece: shifted like the first copied piece after it.
  assert.deepEqual(hints(version(1, { a: 'ABCD' }), version(2, { a: 'XYBCD' })), ['0: 0@0K A', '1: 0@0K A']);
});

test('files are matched by path: the old file index is its storage index; a new path gets no dictionary', () => {
  const a = version(1, { 'd/one': 'AAAA', 'd/two': 'BCDE', top: 'FG' });
  const b = version(2, { 'd/one': 'AAAA', 'd/two': 'BCXE', new: 'HIJ', top: 'FG' });
  // New file entries in order: d/one (4 pieces), d/two (4), new (3), top (2); X is d/two's piece 2 = global 6.
  // H, I, J are fetched for the new path "new": no old file there, no dictionary.
  assert.deepEqual(hints(a, b), ['6: 1@2K D']);
});

test('mapToOld: shifted like the last anchor before, or the first after, or unmoved', () => {
  assert.equal(mapToOld([], 5000), 5000);
  assert.equal(mapToOld([[0, 0], [4096, 3000]], 5000), 3904);
  assert.equal(mapToOld([[4096, 8192]], 1000), 5096);
  assert.equal(mapToOld([[4096, 1000]], 1000), 0);
});

test('golden files cdc -> cdc-next: every fetched piece of the edited file gets an old piece of it that covers the position', () => {
  const load = (name: string): Version => {
    const { bytes, layers } = readFixture(name);
    const waterfall = decodeWaterfall(bytes);
    return { waterfall, layers: decodeLayers(layers, waterfall) };
  };
  const a = load('cdc');
  const b = load('cdc-next');
  const plan = planUpdate(a, b);
  const map = dictionaryHints(plan, a.waterfall, a.layers, b.waterfall, b.layers);
  assert.equal(map.size, plan.fetches.length);
  const oldFiles = a.waterfall.entries.filter((e) => !e.isDir);
  for (const f of plan.fetches) {
    const d = map.get(f.piece)!;
    assert.equal(oldFiles[d.file].path.join('/'), 'data/log.bin');
    const old = piecesOf(oldFiles[d.file], a.layers[d.file]);
    const p = old.find((q) => q.offset === d.offset)!;
    assert.ok(p, 'an old piece starts there');
    assert.equal(p.length, d.length);
    assert.deepEqual(p.hash, d.leaf);
    // The insertion is at byte 10000: the new piece around it came from the old piece around it.
    assert.ok(Math.abs(d.offset - f.to[0].offset) < 4096, `old ${d.offset}, new ${f.to[0].offset}`);
  }
});
