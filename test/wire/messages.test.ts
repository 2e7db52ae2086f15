// Every message of docs/PROTOCOL.md with its exact bytes, both ways, and the
// inputs each decoder must refuse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeMessage, decodeMessage, type Message } from '../../src/wire/messages.js';
import { BytefallError } from '../../src/errors.js';
import { hex, unhex, plain } from './helpers.js';

const W = '11'.repeat(32); // a waterfall id
const A = 'aa'.repeat(32);
const B = 'bb'.repeat(32);
const L = 'cc'.repeat(32); // a leaf hash
const HEADER = '00'.repeat(456) + '0200000000000000' + '00'.repeat(176); // sequence 2 at offset 456

/** [name, message, the whole frame in hex] */
const VECTORS: [string, Message, string][] = [
  ['keep-alive', { type: 'keep-alive' }, '00000000'],
  [
    'hello',
    { type: 'hello', versionMin: 1, versionMax: 1, capabilities: 1, listenPort: 6888, swarmId: unhex(A), nodeId: unhex(B), extensions: new Uint8Array(0) },
    '53000000' + '00' + '4279746546616c6c' + '0100' + '0100' + '01000000' + 'e81a' + A + B,
  ],
  [
    'hello with extensions',
    { type: 'hello', versionMin: 1, versionMax: 3, capabilities: 0x80000001, listenPort: 0, swarmId: unhex(A), nodeId: unhex(B), extensions: unhex('ffee') },
    '55000000' + '00' + '4279746546616c6c' + '0100' + '0300' + '01000080' + '0000' + A + B + 'ffee',
  ],
  ['close', { type: 'close', reason: 3, text: 'no' }, '04000000' + '01' + '03' + '6e6f'],
  ['close without text', { type: 'close', reason: 0, text: '' }, '02000000' + '01' + '00'],
  ['choke', { type: 'choke' }, '01000000' + '02'],
  ['unchoke', { type: 'unchoke' }, '01000000' + '03'],
  ['interested', { type: 'interested' }, '01000000' + '04'],
  ['not-interested', { type: 'not-interested' }, '01000000' + '05'],
  ['have-all', { type: 'have-all', waterfallId: unhex(W) }, '21000000' + '06' + W],
  ['have-none', { type: 'have-none', waterfallId: unhex(W) }, '21000000' + '07' + W],
  ['bitfield', { type: 'bitfield', waterfallId: unhex(W), first: 8, bits: unhex('8001') }, '27000000' + '08' + W + '08000000' + '8001'],
  ['have', { type: 'have', piece: 0x01020304 }, '05000000' + '09' + '04030201'],
  [
    'request by index',
    { type: 'request', reqId: 7, ref: { kind: 'index', waterfallId: unhex(W), piece: 5 }, offset: 16384, length: 16384 },
    '32000000' + '0a' + '07000000' + '00' + W + '05000000' + '00400000' + '00400000',
  ],
  [
    'request by hash',
    { type: 'request', reqId: 1, ref: { kind: 'hash', leaf: unhex(L), length: 1024 }, offset: 0, length: 1024 },
    '32000000' + '0a' + '01000000' + '01' + L + '00040000' + '00000000' + '00040000',
  ],
  [
    'request of the waterfall',
    { type: 'request', reqId: 2, ref: { kind: 'waterfall', waterfallId: unhex(W) }, offset: 0, length: 1088 },
    '2e000000' + '0a' + '02000000' + '02' + W + '00000000' + '40040000',
  ],
  ['piece', { type: 'piece', reqId: 7, encoding: 0, data: unhex('abcd') }, '08000000' + '0b' + '07000000' + '00' + 'abcd'],
  ['cancel', { type: 'cancel', reqId: 7 }, '05000000' + '0c' + '07000000'],
  ['reject', { type: 'reject', reqId: 7, reason: 1 }, '06000000' + '0d' + '07000000' + '01'],
  [
    'hash-request',
    { type: 'hash-request', reqId: 3, waterfallId: unhex(W), file: 2, first: 4, count: 4 },
    '2f000000' + '0e' + '03000000' + W + '02000000' + '04000000' + '0400',
  ],
  [
    'hashes',
    { type: 'hashes', reqId: 3, hashes: unhex('dd'.repeat(32) + 'ee'.repeat(32)), proof: unhex('ff'.repeat(32)) },
    '68000000' + '0f' + '03000000' + '0200' + '01' + 'dd'.repeat(32) + 'ee'.repeat(32) + 'ff'.repeat(32),
  ],
  [
    'version',
    { type: 'version', sequence: 2, waterfallId: unhex(W), waterfallSize: 1536 },
    '2d000000' + '10' + '0200000000000000' + W + '00060000',
  ],
  [
    'version with header',
    { type: 'version', sequence: 2, waterfallId: unhex(W), waterfallSize: 1536, header: unhex(HEADER) },
    'ad020000' + '10' + '0200000000000000' + W + '00060000' + HEADER,
  ],
  [
    'pex',
    {
      type: 'pex',
      entries: [
        { nodeId: unhex(A), address: { kind: 'ip', host: '10.1.2.3', port: 6881 }, dropped: false, seed: true },
        { nodeId: new Uint8Array(32), address: { kind: 'ip', host: '2001:db8::1', port: 443 }, dropped: true, seed: false },
        { nodeId: unhex(B), address: { kind: 'zt', node: 'abcdef0123', port: 9993 }, dropped: false, seed: false },
      ],
    },
    '9e000000' + '11' + '03' +
      A + '01' + '02' + 'e11a' + '0a010203' + '00'.repeat(12) +
      '00'.repeat(32) + '02' + '01' + 'bb01' + '20010db8000000000000000000000001' +
      B + '00' + '00' + '0927' + '2301efcdab000000' + '00'.repeat(8),
  ],
  ['unknown id', { type: 'unknown', id: 200, payload: unhex('beef') }, '03000000' + 'c8' + 'beef'],
];

for (const [name, msg, frameHex] of VECTORS) {
  test(`${name}: exact bytes both ways`, () => {
    assert.equal(hex(encodeMessage(msg)), frameHex, 'encode');
    const frame = unhex(frameHex);
    const len = new DataView(frame.buffer).getUint32(0, true);
    assert.equal(len, frame.length - 4, 'length prefix');
    assert.deepEqual(plain(decodeMessage(frame.subarray(4))), plain(msg), 'decode');
  });
}

function refuses(bodyHex: string, code: string, match?: RegExp): void {
  assert.throws(
    () => decodeMessage(unhex(bodyHex)),
    (err: unknown) => err instanceof BytefallError && err.code === code && (!match || match.test(err.message)),
    `${bodyHex.slice(0, 40)}… should be refused with ${code}`,
  );
}

const FIXED = ['hello', 'have-all', 'have-none', 'have', 'request by index', 'request by hash', 'request of the waterfall', 'cancel', 'reject', 'hash-request', 'hashes', 'version', 'pex'];

test('truncated fixed-layout messages are refused with WIRE_TRUNCATED', () => {
  for (const [name, , frameHex] of VECTORS.filter(([n]) => FIXED.includes(n))) {
    const body = frameHex.slice(8);
    for (let cut = 2; cut < body.length; cut += 2) {
      assert.throws(() => decodeMessage(unhex(body.slice(0, cut))), (e: unknown) => e instanceof BytefallError && e.code === 'WIRE_TRUNCATED', `${name} cut to ${cut / 2} bytes`);
    }
  }
});

test('trailing bytes after an exact-length message are refused', () => {
  for (const [name, , frameHex] of VECTORS.filter(([n]) => FIXED.includes(n) && n !== 'hello')) {
    assert.throws(() => decodeMessage(unhex(frameHex.slice(8) + '00')), (e: unknown) => e instanceof BytefallError && /WIRE_(BAD_MESSAGE|TRUNCATED)/.test(e.code), name);
  }
  refuses('02' + '00', 'WIRE_BAD_MESSAGE', /trailing/); // CHOKE with a payload
});

test('HELLO: wrong magic and bad version ranges are refused', () => {
  const rest = '01000000' + 'e81a' + A + B;
  refuses('00' + '4279746546616c6d' + '0100' + '0100' + rest, 'WIRE_BAD_HANDSHAKE', /magic/);
  refuses('00' + '4279746546616c6c' + '0000' + '0100' + rest, 'WIRE_BAD_HANDSHAKE', /version range/);
  refuses('00' + '4279746546616c6c' + '0200' + '0100' + rest, 'WIRE_BAD_HANDSHAKE', /version range/);
});

test('CLOSE: text over 255 bytes or not UTF-8 is refused', () => {
  refuses('01' + '00' + '61'.repeat(256), 'WIRE_BAD_MESSAGE', /longer than 255/);
  refuses('01' + '00' + 'c328', 'WIRE_BAD_MESSAGE', /UTF-8/);
  // the encoder cuts long text at a character boundary
  const m = decodeMessage(encodeMessage({ type: 'close', reason: 1, text: 'é'.repeat(200) }).subarray(4));
  assert.equal(m.type === 'close' && m.text, 'é'.repeat(127));
});

test('BITFIELD: first not a multiple of 8, or no bits, is refused', () => {
  refuses('08' + W + '04000000' + 'ff', 'WIRE_BAD_MESSAGE', /multiple of 8/);
  refuses('08' + W + '00000000', 'WIRE_BAD_MESSAGE');
  refuses('08' + W + 'f8ffffff' + 'ffff', 'WIRE_BAD_MESSAGE'); // passes 2^32 pieces
});

test('REQUEST: out-of-range blocks and unknown reference kinds are refused', () => {
  const idx = (offset: string, length: string) => '0a' + '07000000' + '00' + W + '05000000' + offset + length;
  refuses(idx('00000000', '00000000'), 'WIRE_BAD_MESSAGE', /out of range/); // length 0
  refuses(idx('00000000', '01000200'), 'WIRE_BAD_MESSAGE', /out of range/); // 131073 bytes
  refuses(idx('ffffff00', '02000000'), 'WIRE_BAD_MESSAGE', /out of range/); // ends past 16 MiB
  refuses('0a' + '07000000' + '04' + W + '00000000' + '01000000', 'WIRE_BAD_MESSAGE', /unknown piece reference kind 4/);
  refuses('0a' + '01000000' + '01' + L + '00000000' + '00000000' + '01000000', 'WIRE_BAD_MESSAGE', /piece length 0/);
  refuses('0a' + '01000000' + '01' + L + '00040000' + '00020000' + '01040000', 'WIRE_BAD_MESSAGE', /out of range/); // past the piece
  refuses('0a' + '01000000' + '01' + L + '01000001' + '00000000' + '01000000', 'WIRE_BAD_MESSAGE', /piece length/); // piece > 16 MiB
});

test('PIECE: unknown encodings and empty or oversized data are refused', () => {
  refuses('0b' + '07000000' + '05' + 'ab', 'WIRE_BAD_MESSAGE', /encoding 5/);
  refuses('0b' + '07000000' + '00', 'WIRE_BAD_MESSAGE', /data length 0/);
  refuses('0b' + '07000000' + '00' + '00'.repeat(131073), 'WIRE_BAD_MESSAGE', /data length 131073/);
});

test('HASH_REQUEST and HASHES: counts out of range are refused', () => {
  const hr = (first: string, count: string) => '0e' + '03000000' + W + '02000000' + first + count;
  refuses(hr('00000000', '0300'), 'WIRE_BAD_MESSAGE', /power of two/);
  refuses(hr('00000000', '0004'), 'WIRE_BAD_MESSAGE', /power of two/); // 1024
  refuses(hr('00000000', '0000'), 'WIRE_BAD_MESSAGE', /power of two/);
  refuses(hr('02000000', '0400'), 'WIRE_BAD_MESSAGE', /dividing first 2/);
  refuses('0f' + '03000000' + '0000' + '00', 'WIRE_BAD_MESSAGE', /hash count 0/);
  refuses('0f' + '03000000' + '0102' + '00', 'WIRE_BAD_MESSAGE', /hash count 513/);
  refuses('0f' + '03000000' + '0100' + '21' + 'dd'.repeat(32 * 34), 'WIRE_BAD_MESSAGE', /proof length 33/);
});

test('VERSION: sequence 0 or beyond 2^53, impossible sizes and a mismatched header are refused', () => {
  refuses('10' + '0000000000000000' + W + '00060000', 'WIRE_BAD_MESSAGE', /sequence 0/);
  refuses('10' + '0000000000002000' + W + '00060000', 'WIRE_BAD_MESSAGE', /beyond 2\^53/);
  refuses('10' + '0200000000000000' + W + 'e8030000', 'WIRE_BAD_MESSAGE', /size 1000/);
  refuses('10' + '0200000000000000' + W + '01060000', 'WIRE_BAD_MESSAGE', /size 1537/);
  refuses('10' + '0300000000000000' + W + '00060000' + HEADER, 'WIRE_BAD_MESSAGE', /another sequence/);
  refuses('10' + '0200000000000000' + W + '00060000' + '00', 'WIRE_BAD_MESSAGE', /640 bytes/);
});

test('PEX: bad counts, kinds, flags, ports and addresses are refused', () => {
  const entry = (kind: string, flags: string, port: string, addr: string) => A + kind + flags + port + addr;
  const v4 = '0a010203' + '00'.repeat(12);
  refuses('11' + '00', 'WIRE_BAD_MESSAGE', /entry count 0/);
  refuses('11' + '33' + entry('01', '00', 'e11a', v4).repeat(51), 'WIRE_BAD_MESSAGE', /entry count 51/);
  refuses('11' + '01' + entry('03', '00', 'e11a', v4), 'WIRE_BAD_MESSAGE', /unknown address kind 3/);
  refuses('11' + '01' + entry('01', '04', 'e11a', v4), 'WIRE_BAD_MESSAGE', /reserved flag/);
  refuses('11' + '01' + entry('01', '00', '0000', v4), 'WIRE_BAD_MESSAGE', /port 0/);
  refuses('11' + '01' + entry('01', '00', 'e11a', '0a010203' + '01' + '00'.repeat(11)), 'WIRE_BAD_MESSAGE', /after an IPv4/);
  refuses('11' + '01' + entry('00', '00', 'e11a', '00'.repeat(16)), 'WIRE_BAD_MESSAGE', /ZeroTier/);
  refuses('11' + '01' + entry('00', '00', 'e11a', '0000000000010000' + '00'.repeat(8)), 'WIRE_BAD_MESSAGE', /ZeroTier/); // 2^40
  refuses('11' + '02' + entry('01', '00', 'e11a', v4), 'WIRE_TRUNCATED');
});

test('encoders refuse what decoders would refuse (BAD_ARGUMENT)', () => {
  const bad = (m: Message) => assert.throws(() => encodeMessage(m), (e: unknown) => e instanceof BytefallError && e.code === 'BAD_ARGUMENT', JSON.stringify(m.type));
  bad({ type: 'request', reqId: 1, ref: { kind: 'index', waterfallId: unhex(W), piece: 0 }, offset: 0, length: 0 });
  bad({ type: 'request', reqId: -1, ref: { kind: 'index', waterfallId: unhex(W), piece: 0 }, offset: 0, length: 1 });
  bad({ type: 'request', reqId: 1, ref: { kind: 'index', waterfallId: unhex('11'), piece: 0 }, offset: 0, length: 1 });
  bad({ type: 'piece', reqId: 1, encoding: 0, data: new Uint8Array(0) });
  bad({ type: 'hash-request', reqId: 1, waterfallId: unhex(W), file: 0, first: 1, count: 2 });
  bad({ type: 'hashes', reqId: 1, hashes: new Uint8Array(31), proof: new Uint8Array(0) });
  bad({ type: 'version', sequence: 0, waterfallId: unhex(W), waterfallSize: 1088 });
  bad({ type: 'pex', entries: [{ nodeId: unhex(A), address: { kind: 'ip', host: 'example.org', port: 1 }, dropped: false, seed: false }] });
  bad({ type: 'pex', entries: [] });
  bad({ type: 'bitfield', waterfallId: unhex(W), first: 3, bits: unhex('ff') });
  bad({ type: 'unknown', id: 9, payload: new Uint8Array(0) }); // 9 is HAVE
});
