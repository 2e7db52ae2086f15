// derive_key with a cached context key (blake3ContextKey + blake3DeriveKeyWith, what
// the format's digests use) against the one-shot blake3DeriveKey and the official
// vectors: same bytes for every input length, however the material is split in parts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { blake3ContextKey, blake3DeriveKey, blake3DeriveKeyWith } from '../../src/hash/blake3.js';
import { hashWasm } from '../../src/hash/wasm.js';

interface Vectors { context_string: string; cases: { input_len: number; derive_key: string }[] }
const repoRoot = join(fileURLToPath(import.meta.url), '..', '..', '..', '..');
const vectors: Vectors = JSON.parse(readFileSync(join(repoRoot, '..', 'shared', 'vectors', 'blake3.json'), 'utf8'));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function input(len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) out[i] = i % 251;
  return out;
}

/** `data` cut at the given places. */
function cut(data: Uint8Array, at: number[]): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let from = 0;
  for (const to of [...at.filter((n) => n <= data.length), data.length]) {
    parts.push(data.subarray(from, to));
    from = to;
  }
  return parts;
}

test('derive_key with a cached context key matches the official vectors, in one part or many', () => {
  const ctxKey = blake3ContextKey(vectors.context_string);
  for (const c of vectors.cases) {
    const data = input(c.input_len);
    const expected = c.derive_key.slice(0, 128); // 64 bytes
    assert.equal(hex(blake3DeriveKeyWith(ctxKey, [data], 64)), expected, `len ${c.input_len}`);
    assert.equal(hex(blake3DeriveKeyWith(ctxKey, cut(data, [1, 64, 1023, 1024, 5000]), 64)), expected, `len ${c.input_len}, cut`);
  }
});

test('derive_key with a cached context key equals blake3DeriveKey across the input buffer boundary', () => {
  const w = hashWasm();
  const ctx = 'ByteFall 2026-11-23 test context';
  const ctxKey = blake3ContextKey(ctx);
  for (const len of [0, 1, w.inputCapacity - 1, w.inputCapacity, w.inputCapacity + 1, 2 * w.inputCapacity + 17]) {
    const data = input(len);
    const expected = hex(blake3DeriveKey(ctx, data, 32));
    assert.equal(hex(blake3DeriveKeyWith(ctxKey, [data])), expected, `len ${len}`);
    assert.equal(hex(blake3DeriveKeyWith(ctxKey, cut(data, [3, w.inputCapacity - 5, w.inputCapacity + 2]))), expected, `len ${len}, cut`);
  }
  assert.deepEqual(ctxKey, blake3ContextKey(ctx), 'the context key does not depend on what ran before');
});

test('blake3DeriveKeyWith refuses a context key that is not 32 bytes', () => {
  assert.throws(() => blake3DeriveKeyWith(new Uint8Array(31), [input(3)]), { code: 'BAD_ARGUMENT' });
});
