// The piece-layer sidecar: written and read back for every golden file, and
// refused (BAD_PIECE_LAYER) when it does not match its Waterfall.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeWaterfall, encodeLayers, decodeLayers, pieceCountOf } from '../../src/format/index.js';
import { readFixture } from './fixtures.js';
import { throwsCode, edited, toHex } from './helpers.js';

const { bytes, layers } = readFixture('tree');
const w = decodeWaterfall(bytes);

test('the header of the layer file, byte by byte', () => {
  assert.equal(Buffer.from(layers.subarray(0, 16)).toString('latin1'), 'ByteFall layers\0');
  const v = new DataView(layers.buffer, layers.byteOffset);
  assert.equal(v.getUint32(16, true), 1);
  assert.equal(v.getUint32(20, true), 9);
  assert.equal(toHex(layers.subarray(24, 56)), toHex(w.waterfallId));
  assert.equal(v.getBigUint64(56, true), 7n); // intro.md 1, logo.bin 3, a/Z/ä 1 each, empty.txt 0
  assert.equal(layers.length, 64 + 32 * 7);
  assert.deepEqual(w.entries.map(pieceCountOf), [1, 1, 0, 0, 1, 0, 0, 3, 1]);
});

test('decode then encode gives the same layer file', () => {
  assert.ok(Buffer.from(encodeLayers(w, decodeLayers(layers, w))).equals(layers));
});

test('a layer that does not match its Waterfall is refused', () => {
  throwsCode(() => decodeLayers(edited(layers, (b) => (b[64 + 32 * 3] ^= 1)), w), 'BAD_PIECE_LAYER', /^piece layer of img\/logo\.bin: its merkle root does not match the entry hash$/);
  throwsCode(() => decodeLayers(edited(layers, (b) => (b[layers.length - 1] ^= 1)), w), 'BAD_PIECE_LAYER', /ä\.txt/);
  throwsCode(() => decodeLayers(layers.subarray(0, 63), w), 'BAD_PIECE_LAYER', /header alone/);
  throwsCode(() => decodeLayers(layers.subarray(0, layers.length - 32), w), 'BAD_PIECE_LAYER', /7 pieces make/);
  throwsCode(() => decodeLayers(edited(layers, (b) => (b[0] = 0x62)), w), 'BAD_PIECE_LAYER', /magic/);
  throwsCode(() => decodeLayers(edited(layers, (b) => (b[16] = 2)), w), 'UNSUPPORTED_VERSION', /version 2/);
  throwsCode(() => decodeLayers(edited(layers, (b) => (b[20] = 8)), w), 'BAD_PIECE_LAYER', /8 entries/);
  throwsCode(() => decodeLayers(edited(layers, (b) => (b[30] ^= 1)), w), 'BAD_PIECE_LAYER', /another Waterfall/);
  throwsCode(() => decodeLayers(edited(layers, (b) => (b[56] = 8)), w), 'BAD_PIECE_LAYER', /total piece count 8/);
  const other = readFixture('peers');
  throwsCode(() => decodeLayers(other.layers, w), 'BAD_PIECE_LAYER');

  const leaves = decodeLayers(layers, w);
  throwsCode(() => encodeLayers(w, leaves.slice(1)), 'BAD_PIECE_LAYER', /5 piece layers given for 6 files/);
  throwsCode(() => encodeLayers(w, [leaves[1], leaves[0], ...leaves.slice(2)]), 'BAD_PIECE_LAYER', /Z\.txt/);
  throwsCode(() => encodeLayers(w, leaves.map((l, i) => (i === 4 ? l.subarray(32) : l))), 'BAD_PIECE_LAYER', /2 piece hashes for 3 pieces/);
});
