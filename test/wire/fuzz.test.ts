// Property tests: random bytes and mutated frames fed to the frame parser, the
// decoder and a live Wire. Nothing may crash or hang; every refusal is a typed WIRE_* error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FrameParser } from '../../src/wire/framing.js';
import { decodeMessage, encodeMessage, type Message } from '../../src/wire/messages.js';
import { makeHello } from '../../src/wire/handshake.js';
import { Wire, type WireCloseInfo } from '../../src/wire/wire.js';
import { duplexPair } from '../../src/net/memory.js';
import { BytefallError } from '../../src/errors.js';
import { fill, plain } from './helpers.js';

const id32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const u32 = fc.nat({ max: 0xffffffff });

/** Valid messages of every kind. */
const message: fc.Arbitrary<Message> = fc.oneof(
  fc.constantFrom<Message>({ type: 'choke' }, { type: 'unchoke' }, { type: 'interested' }, { type: 'not-interested' }, { type: 'keep-alive' }),
  fc.record({ type: fc.constant('have' as const), piece: u32 }),
  fc.record({ type: fc.constant('have-all' as const), waterfallId: id32 }),
  fc.record({ type: fc.constant('bitfield' as const), waterfallId: id32, first: fc.nat({ max: 1000 }).map((n) => n * 8), bits: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
  fc.record({
    type: fc.constant('request' as const), reqId: u32,
    ref: fc.oneof(
      fc.record({ kind: fc.constant('index' as const), waterfallId: id32, piece: u32 }),
      fc.record({ kind: fc.constant('index' as const), waterfallId: id32, piece: u32, compress: fc.constant(true) }),
      fc.record({ kind: fc.constant('hash' as const), leaf: id32, length: fc.constant(1 << 20) }),
      fc.record({ kind: fc.constant('hash' as const), leaf: id32, length: fc.constant(1 << 20), compress: fc.constant(true) }),
      fc.record({ kind: fc.constant('waterfall' as const), waterfallId: id32 }),
      fc.record({ kind: fc.constant('waterfall' as const), waterfallId: id32, compress: fc.constant(true) }),
      fc.record({
        kind: fc.constant('index' as const), waterfallId: id32, piece: u32,
        delta: fc.record({ blockLen: fc.integer({ min: 32, max: 65535 }), signature: fc.integer({ min: 1, max: 40 }).chain((n) => fc.uint8Array({ minLength: 8 * n, maxLength: 8 * n })) }),
      }),
      fc.record({
        kind: fc.constant('waterfall' as const), waterfallId: id32, compress: fc.constant(true),
        delta: fc.record({ blockLen: fc.constant(64), signature: fc.uint8Array({ minLength: 8, maxLength: 8 }) }),
      }),
      fc.record({
        kind: fc.constant('dict' as const), leaf: id32, length: fc.constant(1 << 20), dictLeaf: id32,
        dictLength: fc.integer({ min: 1, max: 1 << 24 }), dictOffset: fc.constant(0),
      }),
    ),
    offset: fc.nat({ max: 1 << 19 }), length: fc.integer({ min: 1, max: 128 * 1024 }),
  }),
  fc.record({ type: fc.constant('piece' as const), reqId: u32, encoding: fc.nat({ max: 4 }), data: fc.uint8Array({ minLength: 1, maxLength: 300 }) }),
  fc.record({ type: fc.constant('reject' as const), reqId: u32, reason: fc.nat({ max: 255 }) }),
  fc.record({ type: fc.constant('cancel' as const), reqId: u32 }),
  fc.constantFrom(1, 2, 16, 512).chain((count) =>
    fc.record({ type: fc.constant('hash-request' as const), reqId: u32, waterfallId: id32, file: u32, first: fc.nat({ max: 1000 }).map((n) => n * count), count: fc.constant(count) }),
  ),
  fc.record({ type: fc.constant('hashes' as const), reqId: u32, hashes: fc.integer({ min: 1, max: 8 }).map((n) => fill(3, 32 * n)), proof: fc.nat({ max: 32 }).map((n) => fill(4, 32 * n)) }),
  fc.record({
    type: fc.constant('hashes' as const), reqId: u32, hashes: fc.integer({ min: 1, max: 8 }).map((n) => fill(3, 36 * n)),
    proof: fc.nat({ max: 32 }).map((n) => fill(4, 32 * n)), recordLen: fc.constant(36),
  }),
  fc.record({ type: fc.constant('version' as const), sequence: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), waterfallId: id32, waterfallSize: fc.nat({ max: 1000 }).map((n) => 1088 + 448 * n) }),
  fc.record({ type: fc.constant('close' as const), reason: fc.nat({ max: 255 }), text: fc.string({ maxLength: 60 }) }),
);

function expectTyped(err: unknown): void {
  if (!(err instanceof BytefallError) || !err.code.startsWith('WIRE_')) throw err;
}

/** Parses and decodes a byte stream; returns how many messages came out. */
function parseAll(chunks: Uint8Array[], max?: number): number {
  const parser = new FrameParser(max);
  let n = 0;
  try {
    for (const c of chunks) {
      parser.push(c, (body) => {
        try {
          decodeMessage(body);
          n++;
        } catch (err) {
          expectTyped(err);
        }
      });
    }
  } catch (err) {
    expectTyped(err);
  }
  return n;
}

test('valid messages round-trip through encode and decode', () => {
  fc.assert(
    fc.property(message, (m) => {
      const frame = encodeMessage(m);
      const back = decodeMessage(frame.subarray(4));
      if (m.type === 'close') return back.type === 'close' && back.reason === m.reason; // text may be cut
      assert.deepEqual(plain(back), plain(m));
    }),
    { numRuns: 2000 },
  );
});

test('random bytes: the parser and decoder only ever throw typed errors', () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 20 }), fc.integer({ min: 0, max: 4096 }), (chunks, max) => {
      parseAll(chunks, max);
    }),
    { numRuns: 3000 },
  );
});

test('mutated valid frames: typed errors or valid messages, never anything else', () => {
  const mutated = fc.tuple(fc.array(message, { minLength: 1, maxLength: 5 }), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { maxLength: 6 }), fc.nat(), fc.nat({ max: 64 }));
  fc.assert(
    fc.property(mutated, ([msgs, flips, cutAt, chunk]) => {
      const bytes = Buffer.concat(msgs.map(encodeMessage));
      for (const [at, v] of flips) bytes[at % bytes.length] = v;
      const cut = bytes.subarray(0, bytes.length - (cutAt % 3 === 0 ? cutAt % bytes.length : 0));
      const size = chunk + 1;
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < cut.length; i += size) chunks.push(cut.subarray(i, i + size));
      parseAll(chunks);
    }),
    { numRuns: 3000 },
  );
});

test('random input after a valid handshake: the Wire closes with a typed error or goes on', async () => {
  const S = fill(0x51);
  const A = fill(0xa1);
  const B = fill(0xb2);
  const hello = encodeMessage(makeHello({ versionMin: 1, versionMax: 1, capabilities: 1, listenPort: 0, nodeId: A }, S));
  await fc.assert(
    fc.asyncProperty(fc.array(fc.oneof(fc.uint8Array({ maxLength: 80 }), message.map(encodeMessage)), { maxLength: 8 }), async (chunks) => {
      const [raw, sb] = duplexPair();
      const wb = new Wire(sb, { initiator: false, nodeId: B, remoteNodeId: A, acceptSwarm: () => true });
      let info: WireCloseInfo | undefined;
      wb.on('close', (i) => (info = i));
      raw.on('data', () => {});
      raw.write(hello);
      for (const c of chunks) raw.write(c);
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
      if (info?.error) assert.ok(info.error.code.startsWith('WIRE_'), info.error.code);
      wb.close();
    }),
    { numRuns: 300 },
  );
});
