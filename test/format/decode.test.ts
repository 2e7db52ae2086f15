// decodeWaterfall refuses every malformed file of FORMAT.md's reader list with
// the right code and a message that says where. Each case edits a golden file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeWaterfall } from '../../src/format/index.js';
import { readFixture } from './fixtures.js';
import { throwsCode, edited } from './helpers.js';

const tree = readFixture('tree').bytes; // 9 entries, no peers
const peers = readFixture('peers').bytes; // 1 entry, 6 peers
const empty = readFixture('empty').bytes; // 0 entries, 0 peers
const priv = readFixture('private-key').bytes; // 2 entries, 1 peer, private key form

const ENTRY = (i: number) => 640 + 448 * i;
const INFO = (i: number) => ENTRY(i) + 256;
const HASH = (i: number) => ENTRY(i) + 320;
const PARENT = (i: number) => ENTRY(i) + 384;
const FOOTER = (n: number) => 640 + 448 * n;
// tree: 0 Z.txt, 1 a.txt, 2 docs, 3 docs/guide, 4 docs/guide/intro.md, 5 empty.txt, 6 img, 7 img/logo.bin, 8 ä.txt

const refuses = (bytes: Uint8Array, code: Parameters<typeof throwsCode>[1], message?: RegExp) =>
  throwsCode(() => decodeWaterfall(bytes), code, message);

test('the golden files decode', () => {
  assert.equal(decodeWaterfall(tree).entries.length, 9);
  assert.equal(decodeWaterfall(peers).peers.length, 6);
  assert.equal(decodeWaterfall(empty).entries.length, 0);
});

test('1. TRUNCATED below the header, BAD_MAGIC, UNSUPPORTED_VERSION, UNSUPPORTED_HASH', () => {
  refuses(new Uint8Array(0), 'TRUNCATED', /file is 0 bytes; the header alone is 640/);
  refuses(tree.subarray(0, 639), 'TRUNCATED');
  refuses(edited(tree, (b) => (b[0] ^= 0x20)), 'BAD_MAGIC', /^header: wrong magic/);
  refuses(edited(tree, (b, v) => v.setUint32(32, 2, true)), 'UNSUPPORTED_VERSION', /format 2\.0\.0; this build reads 1\.1/);
  refuses(edited(tree, (b, v) => v.setUint32(36, 2, true)), 'UNSUPPORTED_VERSION', /format 1\.2\.0 is newer/);
  refuses(edited(tree, (b, v) => v.setUint32(44, 7, true)), 'UNSUPPORTED_HASH', /hash algorithm 7/);
});

test('1. every reserved byte of the header', () => {
  const reserved = [...range(48, 64), ...range(452, 456), ...range(472, 512)];
  for (const i of reserved) refuses(edited(tree, (b) => (b[i] = 0x01)), 'RESERVED_NONZERO', new RegExp(`^header: reserved byte at offset ${i} is not zero$`));
});

test('1. the sequence and the publish time', () => {
  refuses(edited(tree, (b, v) => v.setBigUint64(456, 0n, true)), 'BAD_HEADER', /sequence is 0/);
  refuses(edited(tree, (b, v) => v.setBigUint64(456, 2n ** 63n, true)), 'BAD_HEADER', /sequence/);
  refuses(edited(tree, (b, v) => v.setBigInt64(464, 2n ** 60n, true)), 'BAD_HEADER', /publish time/);
});

test('2. the Waterfall name and the name/salt hash', () => {
  refuses(edited(tree, (b) => b.fill(0x61, 64, 320)), 'BAD_NAME', /^Waterfall name: name has no NUL terminator \(byte at offset 319/);
  refuses(edited(tree, (b) => b.fill(0, 64, 320)), 'BAD_NAME', /empty/);
  refuses(edited(tree, (b) => (b[300] = 0x61)), 'BAD_NAME', /padding .*offset 300/);
  refuses(edited(tree, (b) => (b[64] = 0x07)), 'BAD_NAME', /control character \(offset 64\)/);
  refuses(edited(tree, (b) => (b[64] = 0xc0)), 'BAD_NAME', /UTF-8 \(offset 64\)/);
  refuses(edited(tree, (b) => (b[64] = 0x62)), 'BAD_NAME_SALT_HASH', /name\/salt hash does not match/); // another valid name
  refuses(edited(tree, (b) => (b[320] ^= 1)), 'BAD_NAME_SALT_HASH'); // salt
  refuses(edited(tree, (b) => (b[447] ^= 1)), 'BAD_NAME_SALT_HASH'); // the hash itself
});

test('3. the size against the counts', () => {
  refuses(tree.subarray(0, tree.length - 1), 'TRUNCATED', /file is 5119 bytes; 9 entries and 0 peers make 5120/);
  refuses(tree.subarray(0, tree.length - 64), 'TRUNCATED');
  refuses(tree.subarray(0, 1000), 'TRUNCATED', /9 entries need at least/);
  refuses(concat(tree, new Uint8Array(1)), 'BAD_SIZE', /file is 5121 bytes/);
  refuses(concat(tree, new Uint8Array(64)), 'BAD_SIZE');
  refuses(edited(tree, (b, v) => v.setUint32(448, 10, true)), 'TRUNCATED'); // one more entry than there is room for
  refuses(edited(empty, (b, v) => v.setUint32(448, 0xffffffff, true)), 'TRUNCATED');
  refuses(edited(empty, (b, v) => v.setUint32(FOOTER(0) + 64, 6, true)), 'TRUNCATED', /0 entries and 6 peers make 1152/);
  refuses(edited(empty, (b, v) => v.setUint32(FOOTER(0) + 64, 0xffffffff, true)), 'TRUNCATED');
  refuses(edited(peers, (b, v) => v.setUint32(FOOTER(1) + 64, 5, true)), 'BAD_SIZE', /1 entries and 5 peers make 1536/);
  refuses(edited(peers, (b, v) => v.setUint32(FOOTER(1) + 64, 2, true)), 'BAD_SIZE');
  // Fewer than five peers still take five slots.
  assert.equal(decodeWaterfall(priv, { allowPrivateKey: true }).peers.length, 1);
});

test('4. the key block: PRIVATE_KEY_PRESENT unless allowed, BAD_KEY when the seed is not the key', () => {
  refuses(priv, 'PRIVATE_KEY_PRESENT', /^key block: .*allowPrivateKey/);
  const w = decodeWaterfall(priv, { allowPrivateKey: true });
  assert.equal(w.privateSeed?.length, 32);
  throwsCode(() => decodeWaterfall(edited(priv, (b) => (b[512] ^= 1)), { allowPrivateKey: true }), 'BAD_KEY', /does not derive the public key/);
  refuses(edited(tree, (b) => (b[530] = 1)), 'PRIVATE_KEY_PRESENT');
  throwsCode(() => decodeWaterfall(edited(tree, (b) => (b[530] = 1)), { allowPrivateKey: true }), 'BAD_KEY');
});

test('4. the header signature', () => {
  refuses(edited(tree, (b) => (b[464] ^= 1)), 'INVALID_SIGNATURE', /^header: the header signature does not verify$/); // publish time
  refuses(edited(tree, (b) => (b[600] ^= 1)), 'INVALID_SIGNATURE', /header signature/); // the signature
  refuses(edited(tree, (b) => (b[550] ^= 1)), 'INVALID_SIGNATURE', /header signature/); // the public key
  refuses(edited(tree, (b, v) => v.setUint32(40, 5, true)), 'INVALID_SIGNATURE', /header signature/); // the patch version
});

test('5. entry names', () => {
  const name = (i: number, text: string) => edited(tree, (b) => (b.fill(0, ENTRY(i), ENTRY(i) + 256), b.set(new TextEncoder().encode(text), ENTRY(i))));
  refuses(name(1, '.'), 'BAD_NAME', /^entry 1: name may not be "\." or "\.\."$/);
  refuses(name(1, '..'), 'BAD_NAME', /"\."/);
  refuses(name(1, 'a/txt'), 'BAD_NAME', /contains "\/"/);
  refuses(name(1, ''), 'BAD_NAME', /empty/);
  refuses(name(1, 'a\u0000x'), 'BAD_NAME', /padding/);
  refuses(name(1, 'a\u001bx'), 'BAD_NAME', /control/);
  refuses(edited(tree, (b) => (b[ENTRY(1)] = 0xff)), 'BAD_NAME', /UTF-8/);
  refuses(edited(tree, (b) => b.fill(0x61, ENTRY(1), ENTRY(1) + 256)), 'BAD_NAME', /NUL/);
});

test('5. entry info blocks', () => {
  const u32 = (i: number, at: number, v: number) => edited(tree, (b, view) => view.setUint32(INFO(i) + at, v, true));
  refuses(u32(7, 24, 3000), 'BAD_ENTRY', /^entry 7 \(img\/logo\.bin\): piece size 3000 is not a power of two from 1024 to 16777216$/);
  refuses(u32(7, 24, 0), 'BAD_ENTRY', /piece size 0/);
  refuses(edited(tree, (b, v) => v.setBigUint64(INFO(2), 5n, true)), 'BAD_ENTRY', /^entry 2 \(docs\): directory has size 5/);
  refuses(u32(2, 24, 1024), 'BAD_ENTRY', /directory has piece size/);
  refuses(u32(7, 40, 1), 'UNSUPPORTED_CHUNKING', /entry 7 \(img\/logo\.bin\): chunking 1/);
  refuses(u32(4, 28, 0), 'BAD_ENTRY', /^entry 4 \(docs\/guide\/intro\.md\): file version is 0/);
  refuses(u32(0, 32, 0o1777), 'BAD_ENTRY', /permissions 0o1777/);
  refuses(u32(0, 36, 4), 'BAD_ENTRY', /flags 0x4/);
  for (const k of range(44, 64)) {
    refuses(edited(tree, (b) => (b[INFO(3) + k] = 9)), 'RESERVED_NONZERO', new RegExp(`^entry 3 \\(docs/guide\\): reserved byte at offset ${INFO(3) + k} `));
  }
});

test('5. order and duplicates', () => {
  const swap = (bytes: Uint8Array, i: number, j: number) =>
    edited(bytes, (b) => {
      const a = bytes.slice(ENTRY(i), ENTRY(i + 1));
      b.set(bytes.subarray(ENTRY(j), ENTRY(j + 1)), ENTRY(i));
      b.set(a, ENTRY(j));
    });
  refuses(swap(tree, 0, 1), 'BAD_ORDER', /^entry 1 \(Z\.txt\): sorts before the entry before it/);
  refuses(swap(tree, 5, 8), 'BAD_ORDER', /entry 6 \(img\)/);
  refuses(edited(tree, (b) => b.set(tree.subarray(ENTRY(0), ENTRY(1)), ENTRY(1))), 'DUPLICATE_NAME', /^entry 1 \(Z\.txt\): the same path/);
});

test('5. parents: MISSING_PARENT unless the parent hash is an earlier directory', () => {
  refuses(edited(tree, (b) => (b[PARENT(4)] ^= 1)), 'MISSING_PARENT', /^entry 4 \(\.\.\.\/intro\.md\): parent hash matches no earlier directory entry$/);
  // A file's hash is no parent.
  refuses(edited(tree, (b) => b.set(tree.subarray(HASH(0), HASH(0) + 64), PARENT(1))), 'MISSING_PARENT', /entry 1/);
  // A directory that comes later is no parent either.
  refuses(edited(tree, (b) => b.set(tree.subarray(HASH(6), HASH(6) + 64), PARENT(5))), 'MISSING_PARENT', /entry 5/);
  // A directory may not be its own parent.
  refuses(edited(tree, (b) => b.set(tree.subarray(HASH(2), HASH(2) + 64), PARENT(2))), 'MISSING_PARENT', /entry 2/);
});

test('5. directory entry hashes', () => {
  refuses(edited(tree, (b) => (b[HASH(2) + 10] ^= 1)), 'BAD_ENTRY_HASH', /^entry 2 \(docs\): directory entry hash does not match the entry$/);
  refuses(edited(tree, (b, v) => v.setUint32(INFO(6) + 32, 0o777, true)), 'BAD_ENTRY_HASH', /entry 6 \(img\)/);
  refuses(edited(tree, (b, v) => v.setBigInt64(INFO(3) + 16, 1n, true)), 'BAD_ENTRY_HASH', /entry 3 \(docs\/guide\)/);
});

test('6. the files signature', () => {
  refuses(edited(tree, (b) => (b[HASH(0)] ^= 1)), 'INVALID_SIGNATURE', /^footer: the files signature does not verify$/); // a file's entry hash
  refuses(edited(tree, (b, v) => v.setBigUint64(INFO(7), 2501n, true)), 'INVALID_SIGNATURE', /files signature/); // a file's size
  refuses(edited(tree, (b) => (b[FOOTER(9) + 5] ^= 1)), 'INVALID_SIGNATURE', /files signature/);
});

test('6. the peer count block and peer records', () => {
  for (const k of range(68, 128)) {
    refuses(edited(tree, (b) => (b[FOOTER(9) + k] = 1)), 'RESERVED_NONZERO', new RegExp(`^peer count block: reserved byte at offset ${FOOTER(9) + k} `));
  }
  const record = (i: number) => FOOTER(1) + 128 + 64 * i;
  refuses(edited(peers, (b) => (b[record(2) + 44] = 3)), 'BAD_PEER', /^peer record 2: unknown address kind 3$/);
  refuses(edited(peers, (b, v) => v.setUint16(record(5) + 46, 0, true)), 'BAD_PEER', /^peer record 5: port is 0$/);
  refuses(edited(peers, (b) => (b[record(0) + 45] = 1)), 'RESERVED_NONZERO', /^peer record 0: reserved byte/);
  refuses(edited(peers, (b) => b.fill(0, record(1) + 48, record(1) + 52)), 'BAD_PEER', /kind 1 without an IP/);
  refuses(edited(empty, (b) => (b[FOOTER(0) + 128 + 64 * 3 + 7] = 1)), 'BAD_PEER', /^peer slot 3 \(peer count 0\): unused peer slot is not all zero/);
  refuses(edited(priv, (b) => (b[b.length - 1] = 1)), 'PRIVATE_KEY_PRESENT'); // step 4 comes first
  throwsCode(() => decodeWaterfall(edited(priv, (b) => (b[b.length - 1] = 1)), { allowPrivateKey: true }), 'BAD_PEER', /peer slot 4/);
});

test('the first failure in reader order is the one reported', () => {
  // A bad name (step 2) and a bad header signature (step 4): BAD_NAME.
  refuses(edited(tree, (b) => ((b[64] = 0x01), (b[600] ^= 1))), 'BAD_NAME');
  // Reserved header bytes (step 1) before the name (step 2).
  refuses(edited(tree, (b) => ((b[64] = 0x01), (b[500] = 1))), 'RESERVED_NONZERO');
  // An entry (step 5) before the files signature (step 6), a bad peer after both.
  refuses(edited(peers, (b, v) => (v.setUint32(INFO(0) + 24, 3, true), (b[FOOTER(1) + 128 + 44] = 9))), 'BAD_ENTRY');
  // The size (step 3) before the key block (step 4).
  refuses(priv.subarray(0, priv.length - 1), 'TRUNCATED');
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
