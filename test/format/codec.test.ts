// The block codec (assembly/codec/ through src/format/blocks.ts), block by
// block: exact bytes both ways, then every rule each block kind enforces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as blocks from '../../src/format/blocks.js';
import { STATUS, statusError } from '../../src/format/status.js';
import { type PeerRecord } from '../../src/format/model.js';
import { throwsCode, edited, hex, toHex } from './helpers.js';

const MAGIC_HEX = Buffer.from('Waterfall data by Bryce Wilson!!', 'ascii').toString('hex');
const zeros = (n: number) => '00'.repeat(n);

test('header block 0: exact bytes both ways', () => {
  const out = new Uint8Array(64);
  blocks.writeHeaderBlock(out, 0, { version: [1, 0, 3], hashAlgorithm: 1 });
  assert.equal(toHex(out), MAGIC_HEX + '01000000' + '00000000' + '03000000' + '01000000' + zeros(16));
  assert.deepEqual(blocks.readHeaderBlock(out, 0), { version: [1, 0, 3], hashAlgorithm: 1 });
});

test('header block 0: magic, version, hash algorithm, reserved', () => {
  const good = new Uint8Array(64);
  blocks.writeHeaderBlock(good, 0, { version: [1, 0, 0], hashAlgorithm: 1 });
  throwsCode(() => blocks.readHeaderBlock(edited(good, (b) => (b[31] = 0x3f)), 0), 'BAD_MAGIC');
  throwsCode(() => blocks.readHeaderBlock(edited(good, (b, v) => v.setUint32(32, 2, true)), 0), 'UNSUPPORTED_VERSION', /format 2\.0\.0; this build reads 1\.1/);
  throwsCode(() => blocks.readHeaderBlock(edited(good, (b, v) => v.setUint32(32, 0, true)), 0), 'UNSUPPORTED_VERSION');
  // Format 1.1 (content-defined pieces) is read since this build; 1.2 is not.
  assert.deepEqual(blocks.readHeaderBlock(edited(good, (b, v) => v.setUint32(36, 1, true)), 0).version, [1, 1, 0]);
  throwsCode(() => blocks.readHeaderBlock(edited(good, (b, v) => v.setUint32(36, 2, true)), 0), 'UNSUPPORTED_VERSION', /1\.2\.0 is newer/);
  throwsCode(() => blocks.readHeaderBlock(edited(good, (b, v) => v.setUint32(44, 2, true)), 0), 'UNSUPPORTED_HASH', /hash algorithm 2/);
  throwsCode(() => blocks.readHeaderBlock(edited(good, (b, v) => v.setUint32(44, 0, true)), 0), 'UNSUPPORTED_HASH');
  for (let i = 48; i < 64; i++) {
    throwsCode(() => blocks.readHeaderBlock(edited(good, (b) => (b[i] = 1)), 0), 'RESERVED_NONZERO', new RegExp(`offset ${i} `));
  }
  // The patch version is any value; offsets in messages are file offsets.
  assert.deepEqual(blocks.readHeaderBlock(edited(good, (b, v) => v.setUint32(40, 0xffffffff, true)), 0).version, [1, 0, 0xffffffff]);
  const shifted = new Uint8Array(128);
  shifted.set(edited(good, (b) => (b[50] = 1)), 64);
  throwsCode(() => blocks.readHeaderBlock(shifted, 64), 'RESERVED_NONZERO', /offset 114 /);
  // The encoder refuses to write what the decoder would refuse.
  throwsCode(() => blocks.writeHeaderBlock(new Uint8Array(64), 0, { version: [2, 0, 0], hashAlgorithm: 1 }), 'UNSUPPORTED_VERSION');
  throwsCode(() => blocks.writeHeaderBlock(new Uint8Array(64), 0, { version: [1, 0, -1], hashAlgorithm: 1 }), 'BAD_HEADER');
});

test('count block: exact bytes both ways and its rules', () => {
  const out = new Uint8Array(64);
  blocks.writeCountBlock(out, 0, { fileCount: 3, sequence: 7, publishTime: 1795392000000 });
  assert.equal(toHex(out), '03000000' + zeros(4) + '0700000000000000' + '00d0b305a2010000' + zeros(40));
  assert.deepEqual(blocks.readCountBlock(out, 0), { fileCount: 3, sequence: 7, publishTime: 1795392000000 });

  for (const i of [4, 5, 6, 7, 24, 40, 63]) throwsCode(() => blocks.readCountBlock(edited(out, (b) => (b[i] = 0x80)), 0), 'RESERVED_NONZERO');
  throwsCode(() => blocks.readCountBlock(edited(out, (b, v) => v.setBigUint64(8, 0n, true)), 0), 'BAD_HEADER', /sequence is 0/);
  throwsCode(() => blocks.readCountBlock(edited(out, (b, v) => v.setBigUint64(8, 2n ** 53n, true)), 0), 'BAD_HEADER', /sequence 9007199254740992/);
  throwsCode(() => blocks.readCountBlock(edited(out, (b, v) => v.setBigInt64(16, -(2n ** 53n), true)), 0), 'BAD_HEADER', /publish time/);
  const max = edited(out, (b, v) => {
    v.setUint32(0, 0xffffffff, true);
    v.setBigUint64(8, 2n ** 53n - 1n, true);
    v.setBigInt64(16, -(2n ** 53n - 1n), true);
  });
  assert.deepEqual(blocks.readCountBlock(max, 0), { fileCount: 0xffffffff, sequence: Number.MAX_SAFE_INTEGER, publishTime: -Number.MAX_SAFE_INTEGER });
  throwsCode(() => blocks.writeCountBlock(new Uint8Array(64), 0, { fileCount: 1, sequence: 0, publishTime: 0 }), 'BAD_HEADER');
  throwsCode(() => blocks.writeCountBlock(new Uint8Array(64), 0, { fileCount: 2 ** 32, sequence: 1, publishTime: 0 }), 'BAD_HEADER', /does not fit/);
  throwsCode(() => blocks.writeCountBlock(new Uint8Array(64), 0, { fileCount: 1, sequence: 2 ** 64, publishTime: 0 }), 'BAD_HEADER', /safe integer/);
});

test('key block form: 32 zero bytes is the public form, anything else the private form', () => {
  const block = new Uint8Array(64).fill(0xaa);
  assert.equal(blocks.isPrivateKeyForm(block, 0), true);
  block.fill(0, 0, 32);
  assert.equal(blocks.isPrivateKeyForm(block, 0), false);
  block[31] = 1;
  assert.equal(blocks.isPrivateKeyForm(block, 0), true);
});

test('name field: exact bytes both ways', () => {
  const out = new Uint8Array(256).fill(0xee);
  assert.deepEqual(blocks.writeName(out, 0, 'docs', true, 'x'), hex('646f6373'));
  assert.equal(toHex(out), '646f6373' + zeros(252));
  const back = blocks.readName(out, 0, true, 'x');
  assert.equal(back.name, 'docs');
  assert.deepEqual(back.bytes, hex('646f6373'));
  blocks.writeName(out, 0, 'é🎉', false, 'x');
  assert.equal(toHex(out), 'c3a9f09f8e89' + zeros(250));
});

/** A 256-byte name field holding `bytes` then zeros. */
function field(bytes: number[] | string): Uint8Array {
  const f = new Uint8Array(256);
  f.set(typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes);
  return f;
}

test('name field: well-formed names are accepted', () => {
  for (const name of ['a', '...', '.a', 'a.', 'é', '日本語', '🎉', '\u0085C1 control is allowed', 'a'.repeat(255), 'x'.repeat(253) + 'é', 'sp ace', 'back\\slash', 'co:lon']) {
    assert.equal(blocks.readName(field(name), 0, true, 'x').name, name);
    const out = new Uint8Array(256);
    blocks.writeName(out, 0, name, true, 'x');
    assert.deepEqual(out, field(name));
  }
  // "." , ".." and "/" are only entry-name rules.
  for (const name of ['.', '..', 'a/b', '/']) assert.equal(blocks.readName(field(name), 0, false, 'x').name, name);
});

test('name field: each rule refuses with BAD_NAME and says why', () => {
  const cases: [string, number[] | string, RegExp][] = [
    ['no NUL', new Array(256).fill(0x61), /no NUL terminator \(byte at offset 255/],
    ['NUL inside the padding', [0x61, 0, 0x62], /padding after the NUL is not zero \(offset 2\)/],
    ['padding byte 255', [...new Array(10).fill(0x61), ...new Array(245).fill(0), 1], /padding/],
    ['empty', [], /empty/],
    ['.', '.', /"\." or "\.\."/],
    ['..', '..', /"\." or "\.\."/],
    ['slash', 'a/b', /contains "\/" \(offset 1\)/],
    ['lone slash', '/', /contains "\/"/],
    ['U+0001', [0x61, 0x01], /control character \(offset 1\)/],
    ['tab', 'a\tb', /control/],
    ['newline', 'a\n', /control/],
    ['U+001F', [0x1f], /control/],
    ['DEL', [0x7f], /control/],
    ['overlong NUL C0 80', [0xc0, 0x80], /UTF-8 \(offset 0\)/],
    ['overlong C1 BF', [0xc1, 0xbf], /UTF-8/],
    ['overlong E0 80 80', [0xe0, 0x80, 0x80], /UTF-8/],
    ['overlong E0 9F BF', [0xe0, 0x9f, 0xbf], /UTF-8/],
    ['overlong F0 8F BF BF', [0xf0, 0x8f, 0xbf, 0xbf], /UTF-8/],
    ['surrogate ED A0 80', [0xed, 0xa0, 0x80], /UTF-8/],
    ['surrogate ED BF BF', [0xed, 0xbf, 0xbf], /UTF-8/],
    ['above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], /UTF-8/],
    ['F5 lead', [0xf5, 0x80, 0x80, 0x80], /UTF-8/],
    ['FF', [0xff], /UTF-8/],
    ['lone continuation', [0x61, 0x80], /UTF-8 \(offset 1\)/],
    ['truncated sequence', [0xe2, 0x82], /UTF-8/],
    ['truncated before the NUL', [0xf0, 0x9f, 0x8e], /UTF-8/],
    ['bad continuation', [0xe2, 0x28, 0xa1], /UTF-8/],
  ];
  for (const [what, bytes, message] of cases) {
    assert.throws(() => blocks.readName(field(bytes), 0, true, `entry 3 (${what})`), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'BAD_NAME', what);
      assert.match(e.message, message, what);
      assert.ok(e.message.startsWith('entry 3 ('), what);
      return true;
    });
  }
  // The same rules hold when writing, plus the length limit.
  throwsCode(() => blocks.writeName(new Uint8Array(256), 0, 'a'.repeat(256), true, 'x'), 'BAD_NAME', /256 bytes of UTF-8; at most 255/);
  throwsCode(() => blocks.writeName(new Uint8Array(256), 0, 'é'.repeat(128), true, 'x'), 'BAD_NAME', /at most 255/);
  throwsCode(() => blocks.writeName(new Uint8Array(256), 0, '', true, 'x'), 'BAD_NAME', /empty/);
  throwsCode(() => blocks.writeName(new Uint8Array(256), 0, '..', true, 'x'), 'BAD_NAME');
  throwsCode(() => blocks.writeName(new Uint8Array(256), 0, 'a\0b', true, 'x'), 'BAD_NAME', /padding/);
  throwsCode(() => blocks.writeName(new Uint8Array(256), 0, 'a\ud800', true, 'x'), 'BAD_NAME', /lone surrogate/);
});

const FILE_INFO = {
  isDir: false, size: 2500, created: 0, changed: 1795392000000, pieceSize: 1024, fileVersion: 3, permissions: 0o644, chunking: 0,
};
const FILE_INFO_HEX = 'c409000000000000' + zeros(8) + '00d0b305a2010000' + '00040000' + '03000000' + 'a4010000' + zeros(4) + zeros(4) + zeros(20);
const DIR_INFO = { isDir: true, size: 0, created: -1, changed: 0, pieceSize: 0, fileVersion: 1, permissions: 0o755, chunking: 0 };
const DIR_INFO_HEX = zeros(8) + 'ffffffffffffffff' + zeros(8) + zeros(4) + '01000000' + 'ed010000' + '01000000' + zeros(4) + zeros(20);

test('info block: exact bytes both ways', () => {
  for (const [info, expected] of [[FILE_INFO, FILE_INFO_HEX], [DIR_INFO, DIR_INFO_HEX]] as const) {
    const out = new Uint8Array(64);
    blocks.writeInfo(out, 0, info, 'x');
    assert.equal(toHex(out), expected);
    assert.deepEqual(blocks.readInfo(out, 0, 'x'), info);
  }
});

test('writeNameField writes the bytes writeName writes, and refuses the same names', () => {
  const names = ['docs', 'é🎉', 'a'.repeat(255), 'é'.repeat(127) + 'a', '日本語のファイル名.txt'];
  for (const entry of [true, false]) {
    for (const name of names) {
      const a = new Uint8Array(300).fill(7);
      const b = new Uint8Array(300).fill(7);
      blocks.writeName(a, 20, name, entry, 'x');
      blocks.writeNameField(b, 20, name, entry, 'x');
      assert.deepEqual(b, a, name);
    }
  }
  const field = (name: string) => () => blocks.writeNameField(new Uint8Array(256), 0, name, true, 'x');
  throwsCode(field('a'.repeat(256)), 'BAD_NAME', /256 bytes of UTF-8; at most 255/);
  throwsCode(field('é'.repeat(128)), 'BAD_NAME', /at most 255/);
  throwsCode(field('a'.repeat(300)), 'BAD_NAME', /at most 255/);
  throwsCode(field(''), 'BAD_NAME', /empty/);
  throwsCode(field('..'), 'BAD_NAME');
  throwsCode(field('a\0b'), 'BAD_NAME', /padding/);
  throwsCode(field('a\ud800'), 'BAD_NAME', /lone surrogate/);
  throwsCode(field('\udc00b'), 'BAD_NAME', /lone surrogate/);
});

test('info block: 64-bit fields at the edges of the safe range, both ways', () => {
  const MAX = Number.MAX_SAFE_INTEGER;
  for (const [created, changed] of [[-MAX, MAX], [-1, 2 ** 32], [-(2 ** 32), 2 ** 32 - 1], [-(2 ** 32) - 1, 2 ** 53 - 2]]) {
    const info = { ...FILE_INFO, created, changed };
    const out = new Uint8Array(64);
    blocks.writeInfo(out, 0, info, 'x');
    const view = new DataView(out.buffer);
    assert.equal(view.getBigInt64(8, true), BigInt(created));
    assert.equal(view.getBigInt64(16, true), BigInt(changed));
    assert.deepEqual(blocks.readInfo(out, 0, 'x'), info);
  }
  throwsCode(() => blocks.writeInfo(new Uint8Array(64), 0, { ...FILE_INFO, changed: 2 ** 53 }, 'x'), 'BAD_ENTRY', /not a safe integer/);
});

test('info block: every rule', () => {
  const file = hex(FILE_INFO_HEX);
  const dir = hex(DIR_INFO_HEX);
  const read = (b: Uint8Array) => blocks.readInfo(b, 0, 'entry 3 (docs/a.txt)');
  const u32 = (base: Uint8Array, at: number, v: number) => edited(base, (b, view) => view.setUint32(at, v, true));
  const u64 = (base: Uint8Array, at: number, v: bigint) => edited(base, (b, view) => view.setBigUint64(at, v, true));

  throwsCode(() => read(u32(file, 24, 3000)), 'BAD_ENTRY', /^entry 3 \(docs\/a\.txt\): piece size 3000 is not a power of two from 1024 to 16777216$/);
  for (const ps of [0, 1, 512, 1023, 1025, 2 ** 25, 2 ** 31]) throwsCode(() => read(u32(file, 24, ps)), 'BAD_ENTRY', /piece size/);
  for (let k = 10; k <= 24; k++) assert.equal(read(u32(file, 24, 2 ** k)).pieceSize, 2 ** k);
  throwsCode(() => read(u64(dir, 0, 1n)), 'BAD_ENTRY', /directory has size 1/);
  throwsCode(() => read(u32(dir, 24, 1024)), 'BAD_ENTRY', /directory has piece size 1024/);
  throwsCode(() => read(u32(dir, 40, 1)), 'BAD_ENTRY', /directory has chunking 1/);
  throwsCode(() => read(u32(file, 40, 1)), 'UNSUPPORTED_CHUNKING', /chunking 1/);
  throwsCode(() => read(u32(file, 36, 2)), 'BAD_ENTRY', /flags 0x2/);
  throwsCode(() => read(u32(dir, 36, 0x80000001)), 'BAD_ENTRY', /flags/);
  throwsCode(() => read(u32(file, 28, 0)), 'BAD_ENTRY', /file version is 0/);
  throwsCode(() => read(u32(dir, 28, 0)), 'BAD_ENTRY', /file version is 0/);
  throwsCode(() => read(u32(file, 32, 0o1000)), 'BAD_ENTRY', /permissions 0o1000/);
  throwsCode(() => read(u32(file, 32, 0o4755)), 'BAD_ENTRY', /permissions/);
  assert.equal(read(u32(file, 32, 0o777)).permissions, 0o777);
  throwsCode(() => read(u64(file, 0, 2n ** 53n)), 'BAD_ENTRY', /size 9007199254740992 is above/);
  throwsCode(() => read(u64(file, 0, 2n ** 64n - 1n)), 'BAD_ENTRY', /size/);
  assert.equal(read(u64(file, 0, 2n ** 53n - 1n)).size, Number.MAX_SAFE_INTEGER);
  throwsCode(() => read(u64(file, 8, 2n ** 53n)), 'BAD_ENTRY', /time 9007199254740992/);
  throwsCode(() => read(edited(file, (b, v) => v.setBigInt64(16, -(2n ** 63n), true))), 'BAD_ENTRY', /time -9223372036854775808/);
  assert.equal(read(edited(file, (b, v) => v.setBigInt64(16, -(2n ** 53n - 1n), true))).changed, -Number.MAX_SAFE_INTEGER);
  for (let i = 44; i < 64; i++) throwsCode(() => read(edited(file, (b) => (b[i] = 0xff))), 'RESERVED_NONZERO', new RegExp(`offset ${i} `));

  const w = (info: Partial<typeof FILE_INFO>) => () => blocks.writeInfo(new Uint8Array(64), 0, { ...FILE_INFO, ...info }, 'x');
  throwsCode(w({ pieceSize: 3000 }), 'BAD_ENTRY', /piece size 3000/);
  throwsCode(w({ pieceSize: -1 }), 'BAD_ENTRY', /value -1 does not fit/);
  throwsCode(w({ size: -1 }), 'BAD_ENTRY', /size/);
  throwsCode(w({ size: 1.5 }), 'BAD_ENTRY', /size 1\.5 is not a safe integer/);
  throwsCode(w({ size: 2 ** 53 }), 'BAD_ENTRY', /safe integer/);
  throwsCode(w({ permissions: 2 ** 32 }), 'BAD_ENTRY', /does not fit/);
  throwsCode(w({ isDir: true }), 'BAD_ENTRY', /directory has size 2500/);
});

const KEY = '11'.repeat(32);
const peer = (p: Partial<PeerRecord>): PeerRecord => ({ publicKey: hex(KEY), ztAddress: 0n, confidence: -5, kind: 1, port: 51413, ip: '192.0.2.17', ...p });

test('peer records: exact bytes both ways for each kind', () => {
  const cases: [PeerRecord, string][] = [
    [peer({}), KEY + zeros(8) + 'fbffffff' + '01' + '00' + 'd5c8' + 'c0000211' + zeros(12)],
    [peer({ kind: 2, ip: '2001:db8::2:1', confidence: 0, port: 443 }), KEY + zeros(8) + zeros(4) + '02' + '00' + 'bb01' + '20010db8' + zeros(8) + '00020001'],
    [peer({ kind: 0, ip: '', ztAddress: 0x8056c2e21cn, confidence: 2147483647, port: 9993, publicKey: new Uint8Array(32) }), zeros(32) + '1ce2c25680000000' + 'ffffff7f' + '00' + '00' + '0927' + zeros(16)],
  ];
  for (const [record, expected] of cases) {
    const out = new Uint8Array(64);
    blocks.writePeer(out, 0, record, 'x');
    assert.equal(toHex(out), expected);
    assert.deepEqual(blocks.readPeer(out, 0, 'x'), record);
  }
});

test('peer records: every rule', () => {
  const good = new Uint8Array(64);
  blocks.writePeer(good, 0, peer({}), 'x');
  const read = (b: Uint8Array) => blocks.readPeer(b, 0, 'peer record 2');
  throwsCode(() => read(edited(good, (b) => (b[44] = 3))), 'BAD_PEER', /^peer record 2: unknown address kind 3$/);
  throwsCode(() => read(edited(good, (b) => (b[45] = 1))), 'RESERVED_NONZERO', /offset 45 /);
  throwsCode(() => read(edited(good, (b, v) => v.setUint16(46, 0, true))), 'BAD_PEER', /port is 0/);
  throwsCode(() => read(edited(good, (b, v) => v.setBigUint64(32, 1n << 40n, true))), 'BAD_PEER', /wider than 40 bits/);
  throwsCode(() => read(edited(good, (b) => b.fill(0, 48, 52))), 'BAD_PEER', /kind 1 without an IP/);
  throwsCode(() => read(edited(good, (b) => (b[52] = 1))), 'BAD_PEER', /non-zero bytes after/);
  throwsCode(() => read(edited(good, (b) => (b[63] = 1))), 'BAD_PEER', /non-zero bytes after/);
  throwsCode(() => read(edited(good, (b) => ((b[44] = 2), b.fill(0, 48)))), 'BAD_PEER', /kind 2 without an IP/);
  throwsCode(() => read(edited(good, (b) => (b[44] = 0))), 'BAD_PEER', /kind 0 \(ZeroTier\) without a ZeroTier address/);
  throwsCode(() => read(edited(good, (b, v) => ((b[44] = 0), v.setBigUint64(32, 5n, true)))), 'BAD_PEER', /carries IP bytes/);
  assert.equal(read(edited(good, (b) => ((b[44] = 2), b.fill(0, 48), (b[63] = 1)))).ip, '::1');

  const w = (p: Partial<PeerRecord>) => () => blocks.writePeer(new Uint8Array(64), 0, peer(p), 'x');
  throwsCode(w({ ip: '300.1.1.1' }), 'BAD_PEER', /is not an address of kind 1/);
  throwsCode(w({ ip: '::1' }), 'BAD_PEER');
  throwsCode(w({ kind: 2, ip: '1.2.3.4' }), 'BAD_PEER');
  throwsCode(w({ kind: 2, ip: 'fe80::1%eth0' }), 'BAD_PEER');
  throwsCode(w({ kind: 0, ip: '1.2.3.4', ztAddress: 1n }), 'BAD_PEER');
  throwsCode(w({ kind: 3 as 0, ip: '' }), 'BAD_PEER', /unknown address kind 3/);
  throwsCode(w({ port: 0 }), 'BAD_PEER', /port is 0/);
  throwsCode(w({ port: 65536 }), 'BAD_PEER', /does not fit/);
  throwsCode(w({ confidence: 2 ** 31 }), 'BAD_PEER', /does not fit/);
  throwsCode(w({ ztAddress: 2n ** 64n }), 'BAD_PEER', /2\^64/);
  throwsCode(w({ ztAddress: -1n }), 'BAD_PEER');
  throwsCode(w({ ztAddress: 2n ** 40n }), 'BAD_PEER', /40 bits/);
  throwsCode(w({ publicKey: new Uint8Array(31) }), 'BAD_PEER', /32 bytes/);
});

test('peer count block and unused peer slots', () => {
  const out = new Uint8Array(64);
  blocks.writePeerCountBlock(out, 0, 6);
  assert.equal(toHex(out), '06000000' + zeros(60));
  assert.equal(blocks.checkPeerCountBlock(out, 0), 6);
  assert.equal(blocks.peerCountOf(edited(out, (b) => (b[10] = 1)), 0), 6);
  throwsCode(() => blocks.checkPeerCountBlock(edited(out, (b) => (b[10] = 1)), 0), 'RESERVED_NONZERO', /peer count block: reserved byte at offset 10/);
  blocks.checkEmptyPeer(new Uint8Array(64), 0, 'x');
  throwsCode(() => blocks.checkEmptyPeer(edited(new Uint8Array(64), (b) => (b[63] = 1)), 0, 'peer slot 4'), 'BAD_PEER', /peer slot 4: unused peer slot is not all zero \(offset 63\)/);
});

test('status table: the TypeScript and AssemblyScript tables agree, and every status has a message', () => {
  const as = readFileSync(fileURLToPath(new URL('../../../assembly/codec/status.ts', import.meta.url)), 'utf8');
  const fromAs = Object.fromEntries([...as.matchAll(/export const (\w+): i32 = (\d+);/g)].map((m) => [m[1], Number(m[2])]));
  assert.deepEqual(fromAs, { ...STATUS });
  const ctx = { u: () => 0n, i: () => 0n, byte: () => 0, arg: () => 0n };
  for (const [name, status] of Object.entries(STATUS)) {
    if (status === STATUS.OK) continue;
    const e = statusError(status, 'x', ctx);
    assert.doesNotMatch(e.message, /unknown codec status/, name);
  }
  assert.match(statusError(999, 'x', ctx).message, /unknown codec status 999/);
});
