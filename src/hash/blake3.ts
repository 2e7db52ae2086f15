// BLAKE3 (hash, keyed hash, derive-key, extendable output) over the WASM module.
// Arguments are checked here, before they reach WASM: a wrong key or data type is a
// BytefallError('BAD_ARGUMENT'), an out-of-range length or offset a RangeError.

import { BytefallError } from '../errors.js';
import { HasherState, HashModule, MODE_DERIVE_KEY_MATERIAL, MODE_HASH, MODE_KEYED, hashWasm } from './wasm.js';

export const BLAKE3_KEY_LEN = 32;
const DEFAULT_OUT_LEN = 32;
const encoder = new TextEncoder();

/** Plain BLAKE3 of `data`, `outLen` bytes of output (any length, default 32). */
export function blake3(data: Uint8Array, outLen = DEFAULT_OUT_LEN): Uint8Array {
  checkBytes('data', data);
  checkOutput(outLen, 0);
  const w = hashWasm();
  w.useState(null);
  w.x.init(MODE_HASH);
  w.feed(data);
  return w.squeeze(outLen, 0);
}

/** Keyed BLAKE3 (a MAC) of `data` under a 32-byte key. */
export function blake3Keyed(key: Uint8Array, data: Uint8Array, outLen = DEFAULT_OUT_LEN): Uint8Array {
  checkKey(key);
  checkBytes('data', data);
  checkOutput(outLen, 0);
  const w = hashWasm();
  w.useState(null);
  w.key.set(key);
  w.x.init(MODE_KEYED);
  w.feed(data);
  return w.squeeze(outLen, 0);
}

/** BLAKE3 derive_key: a key for the purpose named by `context` from `material`. */
export function blake3DeriveKey(context: string, material: Uint8Array, outLen = DEFAULT_OUT_LEN): Uint8Array {
  checkBytes('material', material);
  checkOutput(outLen, 0);
  const w = hashWasm();
  initDeriveKey(w, context);
  w.feed(material);
  return w.squeeze(outLen, 0);
}

/**
 * The context key of BLAKE3 derive_key: the hash of `context` in derive-key-context mode.
 * derive_key(context, m) is the hash of m in derive-key-material mode under this key,
 * so a caller deriving many keys for one context computes it once (blake3DeriveKeyWith).
 */
export function blake3ContextKey(context: string): Uint8Array {
  const w = hashWasm();
  initDeriveKey(w, context);
  return w.key.slice();
}

/**
 * BLAKE3 derive_key of the concatenation of `parts` under a context key from
 * blake3ContextKey: the same bytes as blake3DeriveKey(context, concatenation), without
 * hashing the context again or joining the parts (made for many small inputs).
 */
export function blake3DeriveKeyWith(contextKey: Uint8Array, parts: readonly Uint8Array[], outLen = DEFAULT_OUT_LEN): Uint8Array {
  checkKey(contextKey);
  checkOutput(outLen, 0);
  const w = hashWasm();
  w.useState(null);
  w.key.set(contextKey);
  w.x.init(MODE_DERIVE_KEY_MATERIAL);
  const input = w.input;
  const cap = w.inputCapacity;
  let n = 0;
  for (const part of parts) {
    checkBytes('material', part);
    for (let off = 0; off < part.length; ) {
      if (n === cap) {
        w.x.update(n);
        n = 0;
      }
      const k = Math.min(cap - n, part.length - off);
      input.set(k === part.length ? part : part.subarray(off, off + k), n);
      n += k;
      off += k;
    }
  }
  if (n > 0) w.x.update(n);
  return w.squeeze(outLen, 0);
}

/** Takes the state for a one-shot call and starts derive_key material hashing. */
function initDeriveKey(w: HashModule, context: string): void {
  if (typeof context !== 'string') throw new BytefallError('BAD_ARGUMENT', 'derive-key context must be a string');
  const bytes = encoder.encode(context);
  if (bytes.length > w.inputCapacity) {
    throw new RangeError(`derive-key context is ${bytes.length} bytes; at most ${w.inputCapacity} are supported`);
  }
  w.useState(null);
  w.input.set(bytes);
  w.x.initDeriveKey(bytes.length);
}

/**
 * An incremental BLAKE3 hash. Many may be in use at once: the WASM module has one
 * hasher state, and each Blake3Hasher swaps its own copy (about 2 KiB) in and out when
 * another hash used the module in between. digest() does not end the hash: update may
 * go on after it, and digest may be asked again at any length and offset.
 */
export class Blake3Hasher {
  readonly #state: HasherState;

  private constructor(state: HasherState) {
    this.#state = state;
  }

  static plain(): Blake3Hasher {
    const w = hashWasm();
    w.useState(null);
    w.x.init(MODE_HASH);
    return new Blake3Hasher(w.adoptState());
  }

  static keyed(key: Uint8Array): Blake3Hasher {
    checkKey(key);
    const w = hashWasm();
    w.useState(null);
    w.key.set(key);
    w.x.init(MODE_KEYED);
    return new Blake3Hasher(w.adoptState());
  }

  static deriveKey(context: string): Blake3Hasher {
    const w = hashWasm();
    initDeriveKey(w, context);
    return new Blake3Hasher(w.adoptState());
  }

  update(data: Uint8Array): this {
    checkBytes('data', data);
    const w = hashWasm();
    w.useState(this.#state);
    w.feed(data);
    return this;
  }

  /** Output bytes [offset, offset + outLen) of the hash so far (default: the 32-byte digest). */
  digest(outLen = DEFAULT_OUT_LEN, offset = 0): Uint8Array {
    checkOutput(outLen, offset);
    const w = hashWasm();
    w.useState(this.#state);
    return w.squeeze(outLen, offset);
  }
}

function checkBytes(name: string, data: unknown): asserts data is Uint8Array {
  if (!(data instanceof Uint8Array)) throw new BytefallError('BAD_ARGUMENT', `${name} must be a Uint8Array`);
}

function checkKey(key: unknown): asserts key is Uint8Array {
  checkBytes('key', key);
  if (key.length !== BLAKE3_KEY_LEN) {
    throw new BytefallError('BAD_ARGUMENT', `a BLAKE3 key is ${BLAKE3_KEY_LEN} bytes, not ${key.length}`);
  }
}

function checkOutput(outLen: number, offset: number): void {
  if (!Number.isSafeInteger(outLen) || outLen < 0) throw new RangeError(`output length must be an integer >= 0, got ${outLen}`);
  if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`output offset must be an integer >= 0, got ${offset}`);
  if (!Number.isSafeInteger(offset + outLen)) throw new RangeError('output offset + length is beyond 2^53');
}
