// The golden files in test/fixtures/: each is rebuilt from its JSON inputs and
// must match the committed bytes exactly; the committed bytes must decode, and
// their hashes and signatures are re-derived here straight from FORMAT.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blake3DeriveKey } from '../../src/hash/blake3.js';
import { hashPieces } from '../../src/hash/merkle.js';
import { chunkBytes } from '../../src/hash/cdc.js';
import { verify } from '../../src/keys/ed25519.js';
import { decodeWaterfall, encodeWaterfall, decodeLayers, swarmIdHex, waterfallIdHex } from '../../src/format/index.js';
import { buildFixture, readFixture, contentOf, sha256, FIXTURE_NAMES } from './fixtures.js';
import { toHex } from './helpers.js';

const opts = (name: string) => ({ allowPrivateKey: name === 'private-key' });

for (const name of FIXTURE_NAMES) {
  test(`fixture ${name}: rebuilt from its inputs byte for byte`, () => {
    const { json, bytes, layers } = readFixture(name);
    const built = buildFixture(json.inputs);
    assert.equal(built.bytes.length, bytes.length);
    assert.ok(Buffer.from(built.bytes).equals(bytes), 'the Waterfall bytes differ from the committed file');
    assert.ok(Buffer.from(built.layers).equals(layers), 'the piece layer differs from the committed file');
    assert.deepEqual(built.expected, json.expected);
  });

  test(`fixture ${name}: the committed bytes decode, re-encode identically, and match the expected ids`, () => {
    const { json, bytes, layers } = readFixture(name);
    assert.equal(bytes.length, json.expected.size);
    assert.equal(sha256(bytes), json.expected.sha256);
    assert.equal(sha256(layers), json.expected.layersSha256);
    const w = decodeWaterfall(bytes, opts(name));
    assert.equal(swarmIdHex(w), json.expected.swarmId);
    assert.equal(waterfallIdHex(w), json.expected.waterfallId);
    assert.ok(Buffer.from(encodeWaterfall(w)).equals(bytes));
    assert.equal(w.name, json.inputs.name);
    assert.equal(w.sequence, json.inputs.sequence);
    assert.equal(w.publishTime, json.inputs.publishTime);
    assert.equal(toHex(w.salt), json.inputs.salt);
    assert.equal(w.entries.length, json.inputs.entries.length);
    assert.equal(w.peers.length, json.inputs.peers.length);
    assert.equal(w.privateSeed === undefined, !json.inputs.embedPrivateKey);

    // The piece layer: each file's leaves are the BLAKE3 of its pieces (with their lengths for content-defined pieces).
    const leaves = decodeLayers(layers, w);
    const files = w.entries.filter((e) => !e.isDir);
    files.forEach((e, i) => {
      const input = json.inputs.entries.find((x) => JSON.stringify(x.path) === JSON.stringify(e.path))!;
      const expected = e.chunking === 1 ? chunkBytes(contentOf(input), e.pieceSize) : hashPieces(contentOf(input), e.pieceSize);
      assert.deepEqual(leaves[i], expected);
    });
  });

  test(`fixture ${name}: hashes and signatures re-derived from the raw bytes as FORMAT.md says`, () => {
    const { json, bytes } = readFixture(name);
    const H = (ctx: string, outLen: number, ...parts: Uint8Array[]) => blake3DeriveKey(`ByteFall 2026-11-23 ${ctx}`, Buffer.concat(parts), outLen);
    const n = new DataView(bytes.buffer, bytes.byteOffset).getUint32(448, true);
    const header = bytes.slice(0, 640);
    header.fill(0, 512, 544); // public form
    const pub = bytes.subarray(544, 576);
    const nameField = bytes.subarray(64, 320);
    const salt = bytes.subarray(320, 384);
    const entries = bytes.subarray(640, 640 + 448 * n);
    const filesSig = bytes.subarray(640 + 448 * n, 704 + 448 * n);
    assert.equal(Buffer.from(bytes.subarray(0, 32)).toString('ascii'), 'Waterfall data by Bryce Wilson!!');
    assert.deepEqual(H('name salt', 64, nameField, salt), bytes.subarray(384, 448));
    assert.ok(verify(bytes.subarray(576, 640), H('header signature', 64, header.subarray(0, 576)), pub));
    assert.ok(verify(filesSig, H('files signature', 64, header, entries), pub));
    assert.equal(toHex(H('swarm id', 32, pub, nameField, salt)), json.expected.swarmId);
    assert.equal(toHex(H('waterfall id', 32, header, entries, filesSig)), json.expected.waterfallId);
    for (let i = 0; i < n; i++) {
      const e = entries.subarray(448 * i, 448 * (i + 1));
      if (e[256 + 36] & 1) assert.deepEqual(H('entry', 64, e.subarray(0, 320), e.subarray(384), new Uint8Array(32)), e.subarray(320, 384));
    }
  });
}

test('fixture tree: entries are in canonical order (raw UTF-8 bytes) with parents before children', () => {
  const w = decodeWaterfall(readFixture('tree').bytes);
  assert.deepEqual(
    w.entries.map((e) => e.path.join('/')),
    ['Z.txt', 'a.txt', 'docs', 'docs/guide', 'docs/guide/intro.md', 'empty.txt', 'img', 'img/logo.bin', 'ä.txt'],
  );
  const byPath = new Map(w.entries.map((e) => [e.path.join('/'), e]));
  assert.deepEqual(byPath.get('docs/guide')!.parentHash, byPath.get('docs')!.hash);
  assert.deepEqual(byPath.get('docs/guide/intro.md')!.parentHash, byPath.get('docs/guide')!.hash);
  assert.deepEqual(byPath.get('Z.txt')!.parentHash, new Uint8Array(64));
  assert.equal(byPath.get('img/logo.bin')!.size, 2500);
  assert.equal(byPath.get('docs/guide')!.permissions, 0o700);
});

test('fixture peers: all three kinds of peer record come back as written', () => {
  const { json, bytes } = readFixture('peers');
  const w = decodeWaterfall(bytes);
  assert.deepEqual(
    w.peers.map((p) => ({ ...p, publicKey: toHex(p.publicKey), ztAddress: `0x${p.ztAddress.toString(16)}` })),
    json.inputs.peers.map((p) => ({ ...p, ztAddress: `0x${BigInt(p.ztAddress).toString(16)}` })),
  );
});
