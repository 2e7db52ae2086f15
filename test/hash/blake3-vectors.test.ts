// BLAKE3 against the official test vectors (shared/vectors/blake3.json): hash, keyed
// hash and derive-key with 131-byte outputs, one-shot and incremental, and the
// extendable output read back at every offset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { Blake3Hasher, blake3, blake3DeriveKey, blake3Keyed } from '../../src/hash/blake3.js';
import { MODE_DERIVE_KEY_MATERIAL, hashWasm } from '../../src/hash/wasm.js';

interface VectorCase { input_len: number; hash: string; keyed_hash: string; derive_key: string }
interface Vectors { key: string; context_string: string; cases: VectorCase[] }

const repoRoot = join(fileURLToPath(import.meta.url), '..', '..', '..', '..');
const vectors: Vectors = JSON.parse(readFileSync(join(repoRoot, '..', 'shared', 'vectors', 'blake3.json'), 'utf8'));
const key = new TextEncoder().encode(vectors.key);

function input(len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) out[i] = i % 251;
  return out;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('the vector file has the cases the tests rely on', () => {
  assert.equal(key.length, 32);
  assert.ok(vectors.cases.length >= 20);
  assert.ok(vectors.cases.some((c) => c.input_len === 0) && vectors.cases.some((c) => c.input_len > 65536));
});

for (const c of vectors.cases) {
  test(`vectors, input length ${c.input_len}`, () => {
    const data = input(c.input_len);
    const outLen = c.hash.length / 2;
    assert.equal(hex(blake3(data, outLen)), c.hash);
    assert.equal(hex(blake3(data)), c.hash.slice(0, 64));
    assert.equal(hex(blake3Keyed(key, data, outLen)), c.keyed_hash);
    assert.equal(hex(blake3DeriveKey(vectors.context_string, data, outLen)), c.derive_key);

    // Incremental, in uneven slices, with the three hashers interleaved.
    const hashers: [Blake3Hasher, string][] = [
      [Blake3Hasher.plain(), c.hash],
      [Blake3Hasher.keyed(key), c.keyed_hash],
      [Blake3Hasher.deriveKey(vectors.context_string), c.derive_key],
    ];
    for (let at = 0, step = 1; at < data.length; at += step, step = (step * 3 + 7) % 1500) {
      for (const [h] of hashers) h.update(data.subarray(at, at + step));
    }
    for (const [h, expected] of hashers) {
      assert.equal(hex(h.digest(outLen)), expected);
      // Every offset and a few lengths of the extendable output.
      for (let offset = 0; offset < outLen; offset++) {
        const len = Math.min(outLen - offset, 1 + (offset % 70));
        assert.equal(hex(h.digest(len, offset)), expected.slice(2 * offset, 2 * (offset + len)), `offset ${offset}`);
      }
      assert.equal(h.digest(0).length, 0);
    }
  });
}

test('digest does not end the hash: update goes on after it', () => {
  const data = input(5000);
  const h = Blake3Hasher.plain().update(data.subarray(0, 1234));
  h.digest();
  h.update(data.subarray(1234));
  assert.equal(hex(h.digest(131)), hex(blake3(data, 131)));
});

test('long extendable output crosses WASM output-buffer slices and stays consistent', () => {
  const data = input(3000);
  const whole = blake3(data, 200_000);
  assert.deepEqual(whole.subarray(0, 131), blake3(data, 131));
  const h = Blake3Hasher.plain().update(data);
  assert.deepEqual(h.digest(70_000, 65_530), whole.subarray(65_530, 135_530));
  // Offsets past 2^32 bytes of output: block counters above 32 bits.
  const far = 2 ** 32 + 17;
  assert.deepEqual(h.digest(64, far).subarray(0, 47), h.digest(47, far));
  assert.notDeepEqual(h.digest(32, far), h.digest(32, 17));
});

test('WASM init(2) restarts derive-key material under the context key left by initDeriveKey', () => {
  const w = hashWasm();
  const context = new TextEncoder().encode(vectors.context_string);
  const material = input(3000);
  w.useState(null);
  w.input.set(context);
  w.x.initDeriveKey(context.length);
  w.feed(input(10)); // discarded by the restart below
  w.x.init(MODE_DERIVE_KEY_MATERIAL);
  w.feed(material);
  assert.deepEqual(w.squeeze(32, 0), blake3DeriveKey(vectors.context_string, material));
});

test('bad arguments are refused before reaching WASM', () => {
  assert.throws(() => blake3Keyed(new Uint8Array(31), new Uint8Array(1)), { code: 'BAD_ARGUMENT' });
  assert.throws(() => Blake3Hasher.keyed(new Uint8Array(33)), { code: 'BAD_ARGUMENT' });
  assert.throws(() => blake3('abc' as unknown as Uint8Array), { code: 'BAD_ARGUMENT' });
  assert.throws(() => blake3DeriveKey(7 as unknown as string, new Uint8Array(0)), { code: 'BAD_ARGUMENT' });
  assert.throws(() => blake3(new Uint8Array(1), -1), RangeError);
  assert.throws(() => blake3(new Uint8Array(1), 1.5), RangeError);
  assert.throws(() => Blake3Hasher.plain().digest(32, -1), RangeError);
  assert.throws(() => Blake3Hasher.plain().digest(32, 2 ** 53), RangeError);
});
