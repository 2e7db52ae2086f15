// Deltas (docs/PROTOCOL.md, "Deltas"): the signature's exact bytes on a block worked out by
// hand, the exact ops of a small delta, the REQUEST delta flag and PIECE encoding 4 on the
// wire, rebuilding random edits of random bases (fast-check), and every op stream a receiver
// must refuse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import {
  applyDelta, deltaBlockLen, deltaSignature, encodeDelta, DELTA_MAX_BLOCKS, DELTA_SIG_ENTRY_LEN,
} from '../../src/wire/delta.js';
import { encodeMessage, decodeMessage, type Message } from '../../src/wire/messages.js';
import { decodeBlock, encodingRefusal } from '../../src/wire/messages/piece-encoding.js';
import { encodeBlock } from '../../src/swarm/compress.js';
import { deltaBase, pieceDeltaBlockLen } from '../../src/swarm/compress-fetch.js';
import { CAPS_IMPLEMENTED, CAP_DEFLATE, CAP_DELTA, ENCODING_DELTA } from '../../src/wire/constants.js';
import { BytefallError } from '../../src/errors.js';
import { hex, unhex, plain } from './helpers.js';

const ascii = (s: string) => new TextEncoder().encode(s);
const W = '11'.repeat(32);

test('signature: weak checksum of a block of 64 bytes 0x01 is a = 64, b = 64 * 65 / 2 = 2080', () => {
  const sig = deltaSignature(new Uint8Array(64).fill(1), 64);
  assert.equal(sig.length, DELTA_SIG_ENTRY_LEN);
  assert.equal(hex(sig.subarray(0, 4)), '40002008'); // 0x0820_0040 little-endian
  // A last partial block is left out; equal blocks have equal entries.
  const two = deltaSignature(new Uint8Array(64 * 2 + 10).fill(1), 64);
  assert.equal(two.length, 2 * DELTA_SIG_ENTRY_LEN);
  assert.equal(hex(two.subarray(0, 8)), hex(two.subarray(8, 16)));
  assert.notEqual(hex(deltaSignature(new Uint8Array(64).fill(2), 64).subarray(4, 8)), hex(sig.subarray(4, 8)), 'strong checksums differ');
});

test('delta: exact ops for blocks found out of order, at odd offsets, between literals', () => {
  const A = 'A'.repeat(64);
  const B = 'B'.repeat(64);
  const base = ascii(A + B);
  const target = ascii('xy' + B + A + 'z');
  const ops = encodeDelta(target, deltaSignature(base, 64), 64)!;
  // literal 2 "xy" | copy 1 block from block 1 | copy 1 block from block 0 | literal 1 "z"
  assert.equal(hex(ops), '04' + '7879' + '03' + '01' + '03' + '00' + '02' + '7a');
  assert.deepEqual(applyDelta(ops, base, 64, target.length), target);
});

test('delta: consecutive base blocks travel as one run; nothing in common gives none', () => {
  const base = new Uint8Array(64 * 10);
  for (let i = 0; i < base.length; i++) base[i] = (i * 7919) % 251;
  const target = new Uint8Array([9, ...base.subarray(64, 64 * 9)]);
  const ops = encodeDelta(target, deltaSignature(base, 64), 64)!;
  assert.equal(hex(ops), '02' + '09' + '11' + '01'); // literal 1, then 8 blocks from block 1 (varint 17)
  assert.equal(encodeDelta(new Uint8Array(500).fill(3), deltaSignature(base, 64), 64), undefined);
});

test('delta: random edits of random bases rebuild exactly (fast-check)', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 0, maxLength: 6000 }),
      fc.array(fc.record({ at: fc.nat(), del: fc.nat({ max: 300 }), ins: fc.uint8Array({ maxLength: 200 }) }), { maxLength: 6 }),
      fc.integer({ min: 32, max: 300 }),
      (base, edits, blockLen) => {
        let target = Uint8Array.from(base);
        for (const e of edits) {
          const at = target.length ? e.at % target.length : 0;
          target = Uint8Array.from([...target.subarray(0, at), ...e.ins, ...target.subarray(Math.min(target.length, at + e.del))]);
        }
        const ops = encodeDelta(target, deltaSignature(base, blockLen), blockLen);
        if (ops === undefined) return true;
        assert.deepEqual(applyDelta(ops, base, blockLen, target.length), target);
        return true;
      },
    ),
    { numRuns: 400 },
  );
});

test('delta: op streams a receiver refuses, each with WIRE_BAD_DATA', () => {
  const base = new Uint8Array(128);
  const refuses = (opsHex: string, length: number, match: RegExp) =>
    assert.throws(() => applyDelta(unhex(opsHex), base, 64, length), (e: unknown) => e instanceof BytefallError && e.code === 'WIRE_BAD_DATA' && match.test(e.message));
  refuses('0302', 64, /past the base/); // block 2 of a 2-block base
  refuses('0500', 64, /past the 64 bytes/); // 2 blocks into 64 bytes
  refuses('06616263', 2, /past the 2 asked for/);
  refuses('066162', 3, /cut short/);
  refuses('03', 64, /cut short/);
  refuses('00', 1, /empty op/);
  refuses('0300', 100, /rebuilds 64 bytes, not the 100/);
  refuses('ffffffffffff01', 1, /too long/);
});

test('block length: at least the minimum, at most 4096 blocks of signature', () => {
  assert.equal(deltaBlockLen(1000, 128), 128);
  assert.equal(deltaBlockLen(128 * DELTA_MAX_BLOCKS + 1, 128), 256);
  assert.equal(deltaBlockLen(300_000, 64), 128);
});

test('piece delta blocks: about the square root of the base (rsync), from 32 bytes', () => {
  const table: [number, number][] = [[100, 32], [1024, 32], [1025, 64], [4096, 64], [16 * 1024, 128], [200_000, 512], [256 * 1024, 512], [16 << 20, 4096]];
  for (const [base, block] of table) assert.equal(pieceDeltaBlockLen(base), block, `base ${base}`);
});

test('the base of a block: its mapped place in the old piece, 64 KiB each side', () => {
  const dict = new Uint8Array(1 << 20);
  const b = deltaBase(dict, 512 * 1024, 128 * 1024, 1 << 20);
  assert.equal(b.byteOffset, 448 * 1024);
  assert.equal(b.length, 256 * 1024);
  assert.equal(deltaBase(new Uint8Array(1000), 0, 1000, 1000).length, 1000);
});

const SIG = '40002008' + 'aabbccdd';
const VECTORS: [string, Message, string][] = [
  [
    'REQUEST kind 0 with the delta flag (and compression welcome)',
    { type: 'request', reqId: 7, ref: { kind: 'index', waterfallId: unhex(W), piece: 5, compress: true, delta: { blockLen: 64, signature: unhex(SIG) } }, offset: 0, length: 16384 },
    // len = 1 + 4 + 37 + 4 + 8 + 8 = 62 = 0x3e
    '3e000000' + '0a' + '07000000' + 'c0' + W + '05000000' + '4000' + '0100' + SIG + '00000000' + '00400000',
  ],
  [
    'REQUEST kind 2 (the Waterfall) with the delta flag only',
    { type: 'request', reqId: 8, ref: { kind: 'waterfall', waterfallId: unhex(W), delta: { blockLen: 128, signature: unhex(SIG) } }, offset: 64, length: 1024 },
    '3a000000' + '0a' + '08000000' + '42' + W + '8000' + '0100' + SIG + '40000000' + '00040000',
  ],
  ['PIECE encoding 4', { type: 'piece', reqId: 8, encoding: 4, data: unhex('0300') }, '08000000' + '0b' + '08000000' + '04' + '0300'],
];

for (const [name, msg, frameHex] of VECTORS) {
  test(`${name}: exact bytes both ways`, () => {
    assert.equal(hex(encodeMessage(msg)), frameHex, 'encode');
    assert.deepEqual(plain(decodeMessage(unhex(frameHex).subarray(4))), plain(msg), 'decode');
  });
}

test('REQUEST delta flag: refused on kind 3, with a block under 32 bytes, with 0 or more than 4096 entries', () => {
  const refuses = (bodyHex: string, match: RegExp) =>
    assert.throws(() => decodeMessage(unhex(bodyHex)), (e: unknown) => e instanceof BytefallError && e.code === 'WIRE_BAD_MESSAGE' && match.test(e.message));
  const tail = '00000000' + '00040000';
  refuses('0a' + '01000000' + '42' + W + '1f00' + '0100' + SIG + tail, /block length 31/);
  refuses('0a' + '01000000' + '42' + W + '4000' + '0000' + tail, /0 blocks/);
  refuses('0a' + '01000000' + '42' + W + '4000' + '0110' + tail, /4097 blocks/);
  refuses('0a' + '01000000' + '43' + 'cc'.repeat(32) + '204e0000' + 'dd'.repeat(32) + '409c0000' + '00200000' + tail, /not for kind 3/);
});

test('encoding 4: answered only to a request with a signature, on a connection with DELTA; decodes with the base', async () => {
  const base = ascii('0123456789abcdef'.repeat(64)); // 1 KiB
  const block = Uint8Array.from([...base.subarray(0, 500), ...ascii('an edit'), ...base.subarray(500)]);
  const delta = { blockLen: 64, signature: deltaSignature(base, 64) };
  const req = (d?: typeof delta): Extract<Message, { type: 'request' }> => ({ type: 'request', reqId: 1, ref: { kind: 'index', waterfallId: unhex(W), piece: 0, ...(d ? { delta: d } : {}) }, offset: 0, length: block.length });
  const out = await encodeBlock(block, CAPS_IMPLEMENTED, undefined, delta);
  assert.equal(out.encoding, ENCODING_DELTA);
  assert.ok(out.data.length < 40, `a 7-byte edit travels in ${out.data.length} bytes`);
  assert.deepEqual(decodeBlock(out.encoding, out.data, block.length, base, 64), block);
  assert.equal(encodingRefusal(ENCODING_DELTA, req(delta), CAPS_IMPLEMENTED), undefined);
  assert.match(encodingRefusal(ENCODING_DELTA, req(), CAPS_IMPLEMENTED)!, /only a request with a delta signature/);
  assert.match(encodingRefusal(ENCODING_DELTA, req(delta), CAP_DEFLATE)!, /not negotiated/);
  // Without DELTA negotiated the responder falls back to plain compression.
  assert.notEqual((await encodeBlock(block, CAPS_IMPLEMENTED & ~CAP_DELTA, undefined, delta)).encoding, ENCODING_DELTA);
  // A stream that inflates past any delta of the block is refused before it is applied.
  assert.throws(() => decodeBlock(ENCODING_DELTA, deflateRawSync(new Uint8Array(block.length * 3)), block.length, base, 64), /inflate past/);
  assert.throws(() => decodeBlock(ENCODING_DELTA, out.data, block.length), /without the base/);
});

test('a hostile signature (4096 entries with one weak checksum, none matching) costs bounded work and still gives a right answer', () => {
  const target = new Uint8Array(128 * 1024); // zeros: the weak checksum of every window is 0
  const sig = new Uint8Array(DELTA_MAX_BLOCKS * DELTA_SIG_ENTRY_LEN);
  const view = new DataView(sig.buffer);
  for (let j = 0; j < DELTA_MAX_BLOCKS; j++) view.setUint32(j * DELTA_SIG_ENTRY_LEN + 4, j + 1, true); // weak 0, strong never the zeros'
  const started = process.hrtime.bigint();
  assert.equal(encodeDelta(target, sig, 4096), undefined, 'nothing matches');
  // Not a timing assertion: reported so a regression to O(n * blocks) work shows in the log.
  process.stdout.write(`# hostile signature: ${Number(process.hrtime.bigint() - started) / 1e6} ms\n`);
  // With one real entry among them the answer is still right.
  const base = new Uint8Array(4096);
  const honest = deltaSignature(base, 4096);
  sig.set(honest, 5 * DELTA_SIG_ENTRY_LEN);
  const ops = encodeDelta(target, sig, 4096);
  assert.ok(ops, 'the one real block is found');
  const bigBase = new Uint8Array(4096 * 6);
  assert.deepEqual(applyDelta(ops, bigBase, 4096, target.length), target);
});

test('any op stream is rebuilt to exactly the length asked for or refused with WIRE_BAD_DATA (fast-check)', () => {
  const base = new Uint8Array(64 * 4).fill(7);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), fc.integer({ min: 1, max: 600 }), (ops, length) => {
      try {
        assert.equal(applyDelta(ops, base, 64, length).length, length);
      } catch (e) {
        assert.ok(e instanceof BytefallError && e.code === 'WIRE_BAD_DATA', String(e));
      }
    }),
    { numRuns: 2000 },
  );
});
