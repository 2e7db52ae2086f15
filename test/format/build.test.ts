// buildWaterfall and what surrounds it: canonical sorting, refusals of bad
// inputs, the private-key form and toPublicForm, rewritePeers, entryHashFor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  buildWaterfall, decodeWaterfall, encodeLayers, entryHashFor, rewritePeers, toPublicForm, comparePaths,
  comparePathStrings,
  swarmIdHex, waterfallIdHex, parseId, type BuildInput, type EntryInput, type PeerRecord,
} from '../../src/format/index.js';
import { readFixture, buildFixture, FIXTURE_NAMES, type FixtureInputs } from './fixtures.js';
import { throwsCode, hex } from './helpers.js';

const treeInputs = readFixture('tree').json.inputs;

function base(entries: EntryInput[], extra: Partial<BuildInput> = {}): BuildInput {
  return { name: 'w', salt: new Uint8Array(64), sequence: 1, publishTime: 0, seed: new Uint8Array(32).fill(3), entries, ...extra };
}
const root = new Uint8Array(32).fill(0x5a);
const dir = (...path: string[]): EntryInput => ({ path, isDir: true, size: 0, created: 0, changed: 0, pieceSize: 0, fileVersion: 1, permissions: 0o755, root });
const file = (...path: string[]): EntryInput => ({ path, isDir: false, size: 10, created: 0, changed: 0, pieceSize: 1024, fileVersion: 1, permissions: 0o644, root });

test('any order of the same entries builds the same bytes', () => {
  const expected = readFixture('tree').bytes;
  fc.assert(
    fc.property(fc.shuffledSubarray(treeInputs.entries, { minLength: treeInputs.entries.length }), (entries) => {
      const inputs: FixtureInputs = { ...treeInputs, entries };
      assert.ok(Buffer.from(buildFixture(inputs).bytes).equals(expected));
    }),
    { numRuns: 20, seed: 1 },
  );
});

test('canonical order compares raw UTF-8 bytes, component by component, prefixes first', () => {
  const p = (...names: string[]) => names.map((n) => new TextEncoder().encode(n));
  const sorted = [p('Z'), p('a'), p('a', 'b'), p('a', 'b', 'c'), p('a', 'c'), p('a!'), p('ab'), p('é'), p('日'), p('🎉')];
  for (let i = 0; i < sorted.length; i++) {
    for (let j = 0; j < sorted.length; j++) assert.equal(Math.sign(comparePaths(sorted[i], sorted[j])), Math.sign(i - j), `${i} vs ${j}`);
  }
});

test('comparePathStrings orders as comparePaths over the UTF-8 bytes, surrogates and all', () => {
  const enc = new TextEncoder();
  const bytes = (p: string[]) => p.map((n) => enc.encode(n));
  // Names drawn from a few code points around the UTF-16/UTF-8 order change (U+D800..U+FFFF vs U+10000 up).
  const unit = fc.constantFrom('a', 'b', '\u00e9', '\u07ff', '\ud7ff', '\ue000', '\uffff', '\u{10000}', '\u{1f389}', '\ud800', '\udc00');
  const name = fc.array(unit, { minLength: 1, maxLength: 4 }).map((us) => us.join(''));
  const path = fc.array(name, { minLength: 1, maxLength: 3 });
  fc.assert(
    fc.property(path, path, (a, b) => {
      assert.equal(Math.sign(comparePathStrings(a, b)), Math.sign(comparePaths(bytes(a), bytes(b))), JSON.stringify([a, b]));
    }),
    { numRuns: 2000, seed: 7 },
  );
  assert.ok(comparePathStrings(['\uffff'], ['\u{10000}']) < 0, 'U+FFFF sorts before U+10000 though its UTF-16 unit is larger');
});

test('a missing parent directory is refused, never added', () => {
  throwsCode(() => buildWaterfall(base([file('docs', 'a.txt')])), 'MISSING_PARENT', /^entry docs\/a\.txt: its directory docs is not among the entries/);
  throwsCode(() => buildWaterfall(base([dir('a'), file('a', 'b', 'c')])), 'MISSING_PARENT', /directory a\/b/);
  throwsCode(() => buildWaterfall(base([file('a'), file('a', 'b')])), 'MISSING_PARENT'); // a file is no directory
  assert.equal(buildWaterfall(base([dir('a'), dir('a', 'b'), file('a', 'b', 'c')])).waterfall.entries.length, 3);
  // A directory seen earlier at the same depth (a sibling, a cousin) is not the parent.
  throwsCode(() => buildWaterfall(base([dir('a'), dir('a', 'b'), file('a', 'c', 'x')])), 'MISSING_PARENT', /directory a\/c/);
  throwsCode(() => buildWaterfall(base([dir('a'), dir('a', 'b'), dir('c'), file('c', 'b', 'x')])), 'MISSING_PARENT', /directory c\/b/);
  throwsCode(() => buildWaterfall(base([dir('a'), file('b'), file('b', 'x')])), 'MISSING_PARENT', /directory b/);
  const deep = buildWaterfall(base([dir('a'), dir('a', 'b'), dir('a', 'b', 'c'), file('a', 'b', 'c', 'x'), file('a', 'y'), dir('d'), file('d', 'z')]));
  const byPath = new Map(deep.waterfall.entries.map((e) => [e.path.join('/'), e]));
  for (const e of deep.waterfall.entries) {
    const parent = e.path.length === 1 ? new Uint8Array(64) : byPath.get(e.path.slice(0, -1).join('/'))!.hash;
    assert.deepEqual(e.parentHash, parent, e.path.join('/'));
  }
});

test('build refuses duplicates, bad names, bad entries and bad arguments', () => {
  throwsCode(() => buildWaterfall(base([file('a'), file('a')])), 'DUPLICATE_NAME', /entry a: given twice/);
  throwsCode(() => buildWaterfall(base([dir('a'), file('a')])), 'DUPLICATE_NAME');
  throwsCode(() => buildWaterfall(base([file('a/b')])), 'BAD_NAME', /^entry a\/b: name contains "\/"/);
  throwsCode(() => buildWaterfall(base([file('..')])), 'BAD_NAME');
  throwsCode(() => buildWaterfall(base([file('')])), 'BAD_NAME', /empty/);
  throwsCode(() => buildWaterfall(base([file('x'.repeat(256))])), 'BAD_NAME', /at most 255/);
  throwsCode(() => buildWaterfall(base([], { name: '' })), 'BAD_NAME', /^Waterfall name: name is empty/);
  throwsCode(() => buildWaterfall(base([], { name: 'tab\there' })), 'BAD_NAME', /control/);
  throwsCode(() => buildWaterfall(base([{ ...file('a'), pieceSize: 3000 }])), 'BAD_ENTRY', /^entry a: piece size 3000 is not a power of two/);
  throwsCode(() => buildWaterfall(base([{ ...dir('d'), size: 4 }])), 'BAD_ENTRY', /directory has size 4/);
  throwsCode(() => buildWaterfall(base([{ ...file('a'), permissions: 0o4755 }])), 'BAD_ENTRY', /permissions/);
  throwsCode(() => buildWaterfall(base([{ ...file('a'), fileVersion: 0 }])), 'BAD_ENTRY', /file version is 0/);
  throwsCode(() => buildWaterfall(base([{ ...file('a'), size: Number.MAX_SAFE_INTEGER + 1 }])), 'BAD_ENTRY', /safe integer/);
  throwsCode(() => buildWaterfall(base([{ ...file('a'), root: new Uint8Array(31) }])), 'BAD_ARGUMENT', /root/);
  throwsCode(() => buildWaterfall(base([{ ...file('a'), path: [] }])), 'BAD_ARGUMENT', /non-empty list/);
  throwsCode(() => buildWaterfall(base([], { seed: new Uint8Array(31) })), 'BAD_ARGUMENT', /seed/);
  throwsCode(() => buildWaterfall(base([], { salt: new Uint8Array(32) })), 'BAD_ARGUMENT', /salt/);
  throwsCode(() => buildWaterfall(base([], { sequence: 0 })), 'BAD_HEADER', /sequence is 0/);
  throwsCode(() => buildWaterfall(base([], { publishTime: 1.5 })), 'BAD_HEADER', /safe integer/);
  throwsCode(() => buildWaterfall(base([], { seed: new Uint8Array(32), embedPrivateKey: true })), 'BAD_KEY', /all-zero seed/);
  const badPeer: PeerRecord = { publicKey: new Uint8Array(32), ztAddress: 0n, confidence: 0, kind: 1, port: 0, ip: '1.2.3.4' };
  throwsCode(() => buildWaterfall(base([], { peers: [badPeer] })), 'BAD_PEER', /^peer record 0: port is 0/);
});

test('a directory root is ignored; a file root goes into its entry hash', () => {
  const a = buildWaterfall(base([{ ...dir('d'), root: new Uint8Array(32).fill(1) }, { ...file('f'), root }])).waterfall;
  const b = buildWaterfall(base([{ ...dir('d'), root: new Uint8Array(32).fill(2) }, { ...file('f'), root }])).waterfall;
  assert.deepEqual(a.entries[0].hash, b.entries[0].hash);
  assert.deepEqual(entryHashFor(a.entries[1], root), a.entries[1].hash);
  assert.notDeepEqual(entryHashFor(a.entries[1], new Uint8Array(32)), a.entries[1].hash);
  assert.deepEqual(entryHashFor(a.entries[0], new Uint8Array(32)), a.entries[0].hash);
});

test('the private-key form signs the same as the public form, and toPublicForm removes the seed', () => {
  const { json, bytes: priv } = readFixture('private-key');
  const pub = buildFixture({ ...json.inputs, embedPrivateKey: false }).bytes;
  const stripped = toPublicForm(priv);
  assert.ok(Buffer.from(stripped).equals(pub));
  assert.equal(waterfallIdHex(decodeWaterfall(stripped)), json.expected.waterfallId);
  assert.ok(Buffer.from(toPublicForm(pub)).equals(pub));
  throwsCode(() => toPublicForm(pub.subarray(0, pub.length - 1)), 'TRUNCATED');
});

test('rewritePeers replaces the unsigned peer list and nothing else', () => {
  const { bytes, json } = readFixture('tree');
  const peers: PeerRecord[] = [
    { publicKey: new Uint8Array(32).fill(9), ztAddress: 0xabcdefn, confidence: 3, kind: 0, port: 9993, ip: '' },
    { publicKey: new Uint8Array(32), ztAddress: 0n, confidence: 0, kind: 2, port: 1, ip: '2001:db8::' },
  ];
  const out = rewritePeers(bytes, peers);
  assert.equal(out.length, bytes.length); // two peers still take five slots
  const w = decodeWaterfall(out);
  assert.deepEqual(w.peers, peers);
  assert.equal(waterfallIdHex(w), json.expected.waterfallId);
  assert.equal(swarmIdHex(w), json.expected.swarmId);
  const many = rewritePeers(out, Array.from({ length: 7 }, () => peers[0]));
  assert.equal(many.length, bytes.length + 2 * 64);
  assert.ok(Buffer.from(rewritePeers(many, [])).equals(bytes));
  throwsCode(() => rewritePeers(bytes, [{ ...peers[0], ztAddress: 0n }]), 'BAD_PEER', /peer record 0/);
  throwsCode(() => rewritePeers(readFixture('private-key').bytes, []), 'PRIVATE_KEY_PRESENT');
  assert.equal(decodeWaterfall(rewritePeers(readFixture('private-key').bytes, [], { allowPrivateKey: true }), { allowPrivateKey: true }).peers.length, 0);
});

test('ids as hex', () => {
  const { bytes, json } = readFixture('peers');
  const w = decodeWaterfall(bytes);
  assert.equal(swarmIdHex(w), json.expected.swarmId);
  assert.deepEqual(parseId(json.expected.swarmId), w.swarmId);
  assert.deepEqual(parseId(json.expected.swarmId.toUpperCase()), w.swarmId);
  throwsCode(() => parseId(json.expected.swarmId.slice(2)), 'BAD_ARGUMENT');
  throwsCode(() => parseId(`${json.expected.swarmId.slice(2)}zz`), 'BAD_ARGUMENT');
  assert.deepEqual(hex(swarmIdHex(w)), w.swarmId);
});

test('without the read-back, build returns the same Waterfall and bytes as decodeWaterfall reads', () => {
  for (const name of FIXTURE_NAMES) {
    const { json, bytes, layers } = readFixture(name);
    const fast = buildFixture(json.inputs, { readBack: false, checkRoots: false });
    assert.ok(Buffer.from(fast.bytes).equals(bytes), `${name}: bytes`);
    assert.ok(Buffer.from(fast.layers).equals(layers), `${name}: layers`);
    const decoded = decodeWaterfall(bytes, { allowPrivateKey: json.inputs.embedPrivateKey });
    assert.deepStrictEqual(fast.waterfall, decoded, name);
  }
});

test('encodeLayers without the root check still refuses a layer of the wrong size', () => {
  const { json } = readFixture('tree');
  const built = buildFixture(json.inputs);
  const files = built.waterfall.entries.filter((e) => !e.isDir);
  const leaves = files.map((e) => new Uint8Array(Math.ceil(e.size / e.pieceSize) * 32));
  // Wrong hashes of the right size pass (the caller vouches for the roots) ...
  assert.equal(encodeLayers(built.waterfall, leaves, { checkRoots: false }).length, built.layers.length);
  // ... a wrong count of hashes does not, nor do wrong hashes with the check on.
  throwsCode(() => encodeLayers(built.waterfall, leaves.map((l, i) => (i === 0 ? new Uint8Array(l.length + 32) : l)), { checkRoots: false }), 'BAD_PIECE_LAYER');
  throwsCode(() => encodeLayers(built.waterfall, leaves), 'BAD_PIECE_LAYER');
});
