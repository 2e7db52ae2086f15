// Compressed pieces (docs/PROTOCOL.md, "Compressed pieces"): the exact bytes of a REQUEST that
// welcomes compression, of REQUEST kind 3 (a dictionary) and of PIECE encodings 1-3; two wires
// moving compressed blocks; and every answer a receiver must refuse: an encoding not negotiated
// or not asked for, data no smaller than the block, data past 128 KiB, a stream that inflates
// past the length asked for, a corrupt stream, an unknown encoding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Duplex } from 'node:stream';
import { brotliCompressSync, deflateRawSync } from 'node:zlib';
import { Wire, type WireOptions, type WireCloseInfo } from '../../src/wire/wire.js';
import { duplexPair } from '../../src/net/memory.js';
import { encodeMessage, decodeMessage, type Message } from '../../src/wire/messages.js';
import { decodeBlock } from '../../src/wire/messages/piece-encoding.js';
import { encodeBlock } from '../../src/swarm/compress.js';
import { windowStart } from '../../src/swarm/compress-fetch.js';
import {
  CAP_BROTLI, CAP_DEFLATE, CAP_DICT, CAP_PEX, CAPS_IMPLEMENTED, CLOSE_UNKNOWN_SWARM, ENCODING_BROTLI, ENCODING_DEFLATE,
  ENCODING_DICT, ENCODING_RAW,
} from '../../src/wire/constants.js';
import { BytefallError } from '../../src/errors.js';
import { hex, unhex, fill, plain } from './helpers.js';

const same = (a: Uint8Array, b: Uint8Array, what?: string) => assert.equal(Buffer.compare(a, b), 0, what);

const W = '11'.repeat(32);
const L = 'cc'.repeat(32);
const D = 'dd'.repeat(32);

const VECTORS: [string, Message, string][] = [
  [
    'REQUEST kind 0, compression welcome',
    { type: 'request', reqId: 7, ref: { kind: 'index', waterfallId: unhex(W), piece: 5, compress: true }, offset: 0, length: 16384 },
    '32000000' + '0a' + '07000000' + '80' + W + '05000000' + '00000000' + '00400000',
  ],
  [
    'REQUEST kind 1, compression welcome',
    { type: 'request', reqId: 8, ref: { kind: 'hash', leaf: unhex(L), length: 20000, compress: true }, offset: 16384, length: 3616 },
    '32000000' + '0a' + '08000000' + '81' + L + '204e0000' + '00400000' + '200e0000',
  ],
  [
    'REQUEST kind 3, a dictionary',
    { type: 'request', reqId: 9, ref: { kind: 'dict', leaf: unhex(L), length: 20000, dictLeaf: unhex(D), dictLength: 40000, dictOffset: 8192 }, offset: 16384, length: 3616 },
    // len = 1 + 4 + 77 + 8 = 90 = 0x5a; total 94 bytes
    '5a000000' + '0a' + '09000000' + '03' + L + '204e0000' + D + '409c0000' + '00200000' + '00400000' + '200e0000',
  ],
  ['PIECE encoding 1', { type: 'piece', reqId: 7, encoding: 1, data: unhex('0300') }, '08000000' + '0b' + '07000000' + '01' + '0300'],
  ['PIECE encoding 2', { type: 'piece', reqId: 7, encoding: 2, data: unhex('3b') }, '07000000' + '0b' + '07000000' + '02' + '3b'],
  ['PIECE encoding 3', { type: 'piece', reqId: 9, encoding: 3, data: unhex('abcd') }, '08000000' + '0b' + '09000000' + '03' + 'abcd'],
];

for (const [name, msg, frameHex] of VECTORS) {
  test(`${name}: exact bytes both ways`, () => {
    assert.equal(hex(encodeMessage(msg)), frameHex, 'encode');
    assert.deepEqual(plain(decodeMessage(unhex(frameHex).subarray(4))), plain(msg), 'decode');
  });
}

test('REQUEST: the compression flag on kinds 0-2, not 3; kind 3 within its dictionary piece', () => {
  const refuses = (body: string, match: RegExp) =>
    assert.throws(() => decodeMessage(unhex(body)), (e: unknown) => e instanceof BytefallError && e.code === 'WIRE_BAD_MESSAGE' && match.test(e.message), body.slice(0, 20));
  assert.deepEqual(plain(decodeMessage(unhex('0a' + '07000000' + '82' + W + '00000000' + '01000000'))), plain({ type: 'request', reqId: 7, ref: { kind: 'waterfall', waterfallId: unhex(W), compress: true }, offset: 0, length: 1 }));
  const k3 = (flag: string, dictLength: string, dictOffset: string) => '0a' + '09000000' + flag + L + '204e0000' + D + dictLength + dictOffset + '00000000' + '00400000';
  refuses(k3('83', '409c0000', '00000000'), /not for kind 3/);
  refuses('0a' + '07000000' + '84' + W + '00000000' + '01000000', /unknown piece reference kind 4/);
  refuses(k3('03', '409c0000', '409c0000'), /dictionary offset 40000 is past/);
  refuses(k3('03', '00000000', '00000000'), /dictionary length 0/);
  refuses(k3('03', '01000001', '00000000'), /dictionary length/); // > 16 MiB
  refuses('0a' + '09000000' + '03' + L + '204e0000' + D + '409c0000' + '00000000' + '00400000' + '214e0000', /out of range/); // past the piece
  assert.throws(() => decodeMessage(unhex('0b' + '07000000' + '05' + 'ab')), { code: 'WIRE_BAD_MESSAGE', message: /unknown encoding 5/ });
  assert.throws(() => decodeMessage(unhex('0b' + '07000000' + '01' + '00'.repeat(131073))), { code: 'WIRE_BAD_MESSAGE', message: /data length 131073/ });
});

test('decodeBlock: output bounded to the length asked for; corrupt or short streams are bad data', () => {
  const block = new Uint8Array(50_000).fill(7);
  const deflated = deflateRawSync(block);
  same(decodeBlock(ENCODING_DEFLATE, deflated, 50_000), block);
  same(decodeBlock(ENCODING_BROTLI, brotliCompressSync(block), 50_000), block);
  // A bomb: 16 MiB of zeros in a few KiB; asked for 16 KiB, it stops there.
  const bomb = deflateRawSync(new Uint8Array(16 << 20));
  assert.ok(bomb.length < 20_000);
  assert.throws(() => decodeBlock(ENCODING_DEFLATE, bomb, 16384), { code: 'WIRE_BAD_DATA', message: /inflates past the 16384 bytes/ });
  assert.throws(() => decodeBlock(ENCODING_BROTLI, brotliCompressSync(new Uint8Array(1 << 20)), 16384), { code: 'WIRE_BAD_DATA', message: /inflates past/ });
  assert.throws(() => decodeBlock(ENCODING_DEFLATE, deflated, 50_001), { code: 'WIRE_BAD_DATA', message: /not the 50001/ });
  assert.throws(() => decodeBlock(ENCODING_DEFLATE, deflated.subarray(0, deflated.length - 2), 50_000), { code: 'WIRE_BAD_DATA' });
  assert.throws(() => decodeBlock(ENCODING_BROTLI, unhex('ffffffff'), 10), { code: 'WIRE_BAD_DATA' });
  assert.throws(() => decodeBlock(ENCODING_DICT, deflated, 50_000), { code: 'WIRE_BAD_DATA', message: /without its dictionary/ });
});

test('encodeBlock: the smallest encoding negotiated, raw when nothing is smaller; the dictionary pays', async () => {
  const text = new TextEncoder().encode('a line of a JSON file that repeats itself, '.repeat(400)).subarray(0, 16384);
  for (const caps of [CAP_DEFLATE, CAP_BROTLI, CAP_DEFLATE | CAP_BROTLI]) {
    const e = await encodeBlock(text, caps);
    assert.ok(e.encoding === ENCODING_DEFLATE || e.encoding === ENCODING_BROTLI, `caps ${caps}`);
    assert.ok(e.data.length < text.length / 10);
    same(decodeBlock(e.encoding, e.data, text.length), text);
  }
  assert.equal((await encodeBlock(text, CAP_PEX)).encoding, ENCODING_RAW, 'nothing negotiated');
  const noisy = crypto.getRandomValues(new Uint8Array(16384));
  assert.equal((await encodeBlock(noisy, CAPS_IMPLEMENTED)).encoding, ENCODING_RAW, 'incompressible: raw');
  // The old bytes as dictionary: an edited copy of random data costs a few bytes.
  const old = crypto.getRandomValues(new Uint8Array(32768));
  const edited = old.slice(8192, 8192 + 16384);
  edited[100] ^= 1;
  const d = await encodeBlock(edited, CAPS_IMPLEMENTED, old);
  assert.equal(d.encoding, ENCODING_DICT);
  assert.ok(d.data.length < 200, `${d.data.length} bytes`);
  same(decodeBlock(ENCODING_DICT, d.data, edited.length, old), edited);
});

test('windowStart: the same relative position, 8 KiB before, inside the old piece', () => {
  assert.equal(windowStart(0, 65536, 65536), 0);
  assert.equal(windowStart(16384, 65536, 65536), 8192);
  assert.equal(windowStart(49152, 65536, 65536), 32768); // clipped: the window ends with the piece
  assert.equal(windowStart(16384, 32768, 20000), 0); // a dictionary piece under 32 KiB: all of it
  assert.equal(windowStart(32768, 65536, 131072), 57344);
});

// ---- two wires ------------------------------------------------------------------------

const A = fill(0xa1);
const B = fill(0xb2);
const SWARM = fill(0x51);
const WID = fill(0x11);
const sameSwarm = (s: Uint8Array) => (hex(s) === hex(SWARM) ? true : CLOSE_UNKNOWN_SWARM);

async function opened(a: Partial<WireOptions> = {}, b: Partial<WireOptions> = {}) {
  const [sa, sb] = duplexPair();
  const wa = new Wire(sa, { initiator: true, nodeId: A, remoteNodeId: B, swarmId: SWARM, ...a });
  const wb = new Wire(sb, { initiator: false, nodeId: B, remoteNodeId: A, acceptSwarm: sameSwarm, ...b });
  await Promise.all([once(wa, 'handshake'), once(wb, 'handshake')]);
  /** Sends a PIECE from b as it is, bypassing b's own checks. */
  const rawPiece = (m: Message) => (wb as unknown as { stream: Duplex }).stream.write(encodeMessage(m));
  return { wa, wb, rawPiece };
}

const TEXT = new TextEncoder().encode('{"name": "value", "list": [1, 2, 3]}\n'.repeat(1000)).subarray(0, 32768);

test('two wires: a block asked with compression welcome comes back compressed and decoded', async () => {
  const { wa, wb } = await opened();
  const r = wa.request({ kind: 'index', waterfallId: WID, piece: 0, compress: true }, 0, TEXT.length);
  const [m] = await once(wb, 'request');
  assert.equal(m.ref.compress, true);
  const e = await encodeBlock(TEXT, wb.handshake!.capabilities);
  assert.ok(wb.piece(m.reqId, e.data, undefined, e.encoding));
  const [got, data, wireBytes] = await once(wa, 'piece');
  assert.equal(got.reqId, r.reqId);
  same(data, TEXT);
  assert.equal(wireBytes, e.data.length);
  assert.ok(wireBytes < TEXT.length / 20, `${wireBytes} bytes on the wire for ${TEXT.length}`);
  wa.close();
});

test('two wires: kind 3 with a dictionary window moves only the difference', async () => {
  const { wa, wb } = await opened();
  const old = crypto.getRandomValues(new Uint8Array(40000));
  // The new block's bytes sit 8 KiB into the window (deflate reaches back less than 32 KiB).
  const edited = Buffer.concat([old.subarray(8192, 13192), Buffer.from('inserted'), old.subarray(13192, 24568)]);
  const window = old.subarray(0, 32768);
  wa.request({ kind: 'dict', leaf: fill(1), length: edited.length, dictLeaf: fill(2), dictLength: old.length, dictOffset: 0 }, 0, edited.length, window);
  const [m] = await once(wb, 'request');
  const e = await encodeBlock(edited, wb.handshake!.capabilities, window);
  assert.equal(e.encoding, ENCODING_DICT);
  wb.piece(m.reqId, e.data, undefined, e.encoding);
  const [, data, wireBytes] = await once(wa, 'piece');
  same(data, edited);
  assert.ok(wireBytes < 300, `${wireBytes} bytes for ${edited.length}`);
  wa.close();
});

async function refused(send: (o: Awaited<ReturnType<typeof opened>>, reqId: number) => void, code: string, match: RegExp, compress = true, caps?: number) {
  const o = await opened(caps === undefined ? {} : { capabilities: caps });
  const r = o.wa.request({ kind: 'index', waterfallId: WID, piece: 0, compress: compress && caps === undefined }, 0, TEXT.length);
  await once(o.wb, 'request');
  send(o, r.reqId);
  const [info] = (await once(o.wa, 'close')) as [WireCloseInfo];
  assert.equal(info.error?.code, code, info.error?.message);
  assert.match(info.error!.message, match);
  assert.equal(info.ban, true);
}

test('refused: a stream that inflates past the length asked for (a bomb), and a corrupt stream', async () => {
  const bomb = deflateRawSync(new Uint8Array(8 << 20));
  await refused((o, reqId) => o.rawPiece({ type: 'piece', reqId, encoding: ENCODING_DEFLATE, data: bomb }), 'WIRE_BAD_DATA', /inflates past the 32768 bytes/);
  await refused((o, reqId) => o.rawPiece({ type: 'piece', reqId, encoding: ENCODING_BROTLI, data: fill(0xff, 100) }), 'WIRE_BAD_DATA', /does not decode/);
});

test('refused: compressed data for a request that did not welcome it, or not negotiated, or no smaller', async () => {
  const small = deflateRawSync(TEXT);
  await refused((o, reqId) => o.rawPiece({ type: 'piece', reqId, encoding: ENCODING_DEFLATE, data: small }), 'WIRE_BAD_MESSAGE', /did not welcome compression/, false);
  await refused((o, reqId) => o.rawPiece({ type: 'piece', reqId, encoding: ENCODING_DEFLATE, data: small }), 'WIRE_BAD_MESSAGE', /not negotiated/, false, CAP_PEX);
  await refused((o, reqId) => o.rawPiece({ type: 'piece', reqId, encoding: ENCODING_DICT, data: small }), 'WIRE_BAD_MESSAGE', /answers only a kind-3 request/);
  await refused((o, reqId) => o.rawPiece({ type: 'piece', reqId, encoding: ENCODING_DEFLATE, data: new Uint8Array(TEXT.length) }), 'WIRE_BAD_MESSAGE', /32768 bytes of encoding 1 for a request of 32768/);
});

test('a caller cannot ask for what was not negotiated, nor answer with it', async () => {
  const { wa, wb } = await opened({ capabilities: CAP_PEX | CAP_DEFLATE }, { capabilities: CAP_PEX | CAP_BROTLI });
  assert.equal(wa.handshake!.capabilities, CAP_PEX);
  assert.throws(() => wa.request({ kind: 'index', waterfallId: WID, piece: 0, compress: true }, 0, 10), { code: 'BAD_ARGUMENT' });
  assert.throws(() => wa.request({ kind: 'dict', leaf: fill(1), length: 10, dictLeaf: fill(2), dictLength: 10, dictOffset: 0 }, 0, 10, fill(3, 10)), { code: 'BAD_ARGUMENT' });
  wa.request({ kind: 'index', waterfallId: WID, piece: 0 }, 0, TEXT.length);
  const [m] = await once(wb, 'request');
  assert.throws(() => wb.piece(m.reqId, deflateRawSync(TEXT), undefined, ENCODING_DEFLATE), { code: 'BAD_ARGUMENT' });
  assert.equal(CAP_DICT, 8);
  wa.close();
});
