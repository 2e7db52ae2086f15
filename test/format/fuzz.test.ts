// Property test of decodeWaterfall over random mutations of the golden files
// (bit flips, byte and u32 overwrites, truncations, extensions, splices, block
// copies): each result is either accepted and re-encodes to the same bytes, or
// refused with a BytefallError. Never another exception, never a hang.
// FUZZ_SEED=<n> FUZZ_RUNS=<n> explore beyond the fixed seed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BytefallError } from '../../src/errors.js';
import { decodeWaterfall, encodeWaterfall } from '../../src/format/index.js';
import { signWaterfall } from '../../src/format/sign.js';
import { nameSaltHash } from '../../src/format/digests.js';
import { readFixture, FIXTURE_NAMES } from './fixtures.js';
import { hex } from './helpers.js';

const fixtures = FIXTURE_NAMES.map((name) => readFixture(name));
const files = fixtures.map((f) => f.bytes);
const seeds = fixtures.map((f) => hex(f.json.inputs.seed));
const INTERESTING_U32 = [0, 1, 2, 5, 6, 0x3ff, 0x400, 0x7fffffff, 0x80000000, 0xffffffff];

type Mutate = (b: Uint8Array) => Uint8Array;

const position = fc.nat({ max: 1 << 20 });
const bytes = fc.uint8Array({ minLength: 1, maxLength: 200 });
const mutation: fc.Arbitrary<Mutate> = fc.oneof(
  fc.tuple(position, fc.nat({ max: 7 })).map(([at, bit]): Mutate => (b) => {
    const c = b.slice();
    if (c.length) c[at % c.length] ^= 1 << bit;
    return c;
  }),
  fc.tuple(position, fc.integer({ min: 0, max: 255 })).map(([at, v]): Mutate => (b) => {
    const c = b.slice();
    if (c.length) c[at % c.length] = v;
    return c;
  }),
  fc.tuple(position, fc.constantFrom(...INTERESTING_U32)).map(([at, v]): Mutate => (b) => {
    const c = b.slice();
    const i = (at % Math.max(1, c.length >> 2)) << 2;
    if (i + 4 <= c.length) new DataView(c.buffer).setUint32(i, v, true);
    return c;
  }),
  position.map((len): Mutate => (b) => b.slice(0, len % (b.length + 1))),
  bytes.map((extra): Mutate => (b) => concat(b.slice(), extra)),
  fc.tuple(position, fc.nat({ max: 128 }), fc.uint8Array({ maxLength: 128 })).map(([at, del, insert]): Mutate => (b) => {
    const i = at % (b.length + 1);
    return concat(b.slice(0, i), insert, b.slice(i + del));
  }),
  fc.tuple(position, position, fc.integer({ min: 1, max: 512 })).map(([from, to, len]): Mutate => (b) => {
    const c = b.slice();
    if (c.length) c.copyWithin(to % c.length, from % c.length, (from % c.length) + len);
    return c;
  }),
);

/**
 * Makes the name/salt hash and both signatures right again where the layout
 * still allows, so that mutations reach the checks behind them.
 */
function resign(b: Uint8Array, seed: Uint8Array): Uint8Array {
  if (b.length < 640) return b;
  b.set(nameSaltHash(b.subarray(64, 320), b.subarray(320, 384)), 384);
  const n = new DataView(b.buffer, b.byteOffset).getUint32(448, true);
  if (640 + 448 * n + 64 <= b.length) signWaterfall(b, n, seed);
  return b;
}

for (const [title, numRuns, signed] of [
  ['mutated Waterfalls', 8000, false],
  ['mutated and re-signed Waterfalls', 2000, true],
] as const) {
  test(`${title} are accepted and re-encode identically, or refused with a BytefallError`, (t) => {
    const runs = Number(process.env.FUZZ_RUNS ?? numRuns);
    const outcomes = new Map<string, number>();
    const started = Date.now();
    fc.assert(
      fc.property(
        fc.nat({ max: files.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        (which, mutations, allowPrivateKey) => {
          const mutated = mutations.reduce((b, m) => m(b), files[which]);
          const input = signed ? resign(mutated, seeds[which]) : mutated;
          let w;
          try {
            w = decodeWaterfall(input, { allowPrivateKey });
          } catch (err) {
            assert.ok(err instanceof BytefallError, `not a BytefallError: ${(err as Error)?.stack ?? String(err)}`);
            outcomes.set(err.code, (outcomes.get(err.code) ?? 0) + 1);
            return;
          }
          outcomes.set('accepted', (outcomes.get('accepted') ?? 0) + 1);
          assert.ok(Buffer.from(encodeWaterfall(w)).equals(input), 'accepted but re-encodes differently');
        },
      ),
      { numRuns: runs, seed: Number(process.env.FUZZ_SEED ?? 20261123) }, // a fixed seed, so CI is repeatable
    );
    const seconds = (Date.now() - started) / 1000;
    const summary = [...outcomes].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ');
    t.diagnostic(`${runs} runs in ${seconds.toFixed(1)} s: ${summary}`);
    assert.ok((outcomes.get('accepted') ?? 0) > 0, 'no mutation was accepted: the property never reached re-encoding');
    assert.ok(outcomes.size >= 12, `only ${outcomes.size} distinct outcomes: ${summary}`);
  });
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
