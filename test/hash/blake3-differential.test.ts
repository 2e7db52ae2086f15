// BLAKE3 against another implementation (hash-wasm) on random inputs of random, odd
// lengths up to 4 MiB + a bit, one-shot and fed in random slices. Seeded: the seed is
// printed, and BYTEFALL_TEST_SEED=<seed> replays a failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBLAKE3 } from 'hash-wasm';
import { Blake3Hasher, blake3, blake3Keyed } from '../../src/hash/blake3.js';
import { Rng, testSeed } from './random.js';

const seed = testSeed();
const MIB = 1 << 20;

/** Mostly small and chunk-boundary lengths, some up to 4 MiB + 3 KiB. */
function randomLength(rng: Rng): number {
  switch (rng.below(5)) {
    case 0: return rng.below(200);
    case 1: return Math.max(0, 1024 * rng.below(70) + rng.below(3) - 1); // around chunk boundaries
    case 2: return rng.below(70_000);
    case 3: return rng.below(600_000);
    default: return rng.below(4 * MIB + 3000);
  }
}

async function reference(data: Uint8Array, outLen: number, key?: Uint8Array): Promise<string> {
  const h = await createBLAKE3(outLen * 8, key);
  h.init();
  h.update(data);
  return h.digest('hex');
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test(`random inputs, plain and keyed, any output length (seed ${seed})`, async () => {
  const rng = new Rng(seed);
  let bytes = 0;
  for (let i = 0; i < 300; i++) {
    const len = i < 8 ? [0, 1, 63, 64, 65, 1023, 1024, 1025][i] : randomLength(rng);
    const data = rng.bytes(len);
    bytes += len;
    // hash-wasm supports outputs of 1..256 bytes (a multiple of 8 bits).
    const outLen = 1 + rng.below(256);
    assert.equal(hex(blake3(data, outLen)), await reference(data, outLen), `plain, length ${len}, case ${i}`);
    if (i % 3 === 0) {
      const key = rng.bytes(32);
      assert.equal(hex(blake3Keyed(key, data, outLen)), await reference(data, outLen, key), `keyed, length ${len}`);
    }
  }
  assert.ok(bytes > 100 * MIB / 4, 'the random lengths covered a reasonable amount of data');
});

test(`incremental updates split at random points match one-shot (seed ${seed})`, async () => {
  const rng = new Rng(seed ^ 0x5bd1e995);
  for (let i = 0; i < 60; i++) {
    const len = randomLength(rng);
    const data = rng.bytes(len);
    const expected = await reference(data, 32);
    const a = Blake3Hasher.plain();
    const b = Blake3Hasher.plain(); // interleaved with a: the WASM state must be swapped
    let at = 0;
    while (at < len) {
      const step = rng.below(5) === 0 ? rng.below(5 * MIB) : rng.below(3000);
      a.update(data.subarray(at, at + step));
      b.update(data.subarray(at, at + step));
      if (rng.below(10) === 0) assert.equal(hex(a.digest()), await reference(data.subarray(0, at + step), 32));
      at += step;
    }
    a.update(new Uint8Array(0));
    assert.equal(hex(a.digest()), expected, `length ${len}, case ${i}`);
    assert.equal(hex(b.digest()), expected);
    assert.equal(hex(blake3(data)), expected);
  }
});
