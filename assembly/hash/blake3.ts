// Entry points for hashing: the static I/O buffers, the incremental hasher over the
// input buffer, and batch hashing of many inputs in one call. Callers (src/hash/*.ts)
// validate every length before calling; the checks here only stop memory corruption.

import { DERIVE_KEY_CONTEXT, DERIVE_KEY_MATERIAL, INPUT, INPUT_CAPACITY, IV, KEY, KEYED_HASH, LENS, LENS_CAPACITY, OUTPUT, OUTPUT_CAPACITY } from './layout';
import { STATE, STATE_SIZE, hasherInit, hasherOutput, hasherUpdate } from './hasher';

export function inputPtr(): usize { return INPUT; }
export function inputCapacity(): usize { return INPUT_CAPACITY; }
export function outputPtr(): usize { return OUTPUT; }
export function outputCapacity(): usize { return OUTPUT_CAPACITY; }
export function keyPtr(): usize { return KEY; }
/** Table of u32 input lengths for hashMany. */
export function lensPtr(): usize { return LENS; }
export function lensCapacity(): usize { return LENS_CAPACITY; }
/** The incremental hasher's state, for saving and restoring it from JS. */
export function statePtr(): usize { return STATE; }
export function stateSize(): usize { return STATE_SIZE; }

/** Starts a hash. mode 0: plain; 1: keyed, key from the key buffer; 2: derive-key
 *  material, the context key (from a previous initDeriveKey) in the key buffer. */
export function init(mode: u32): void {
  if (mode == 0) hasherInit(IV, 0);
  else if (mode == 1) hasherInit(KEY, KEYED_HASH);
  else if (mode == 2) hasherInit(KEY, DERIVE_KEY_MATERIAL);
  else unreachable();
}

/** Hashes the context string (UTF-8, the first ctxLen bytes of the input buffer) into
 *  the key buffer, then starts hashing key material under it. */
export function initDeriveKey(ctxLen: usize): void {
  if (ctxLen > INPUT_CAPACITY) unreachable();
  hasherInit(IV, DERIVE_KEY_CONTEXT);
  hasherUpdate(INPUT, ctxLen);
  hasherOutput(KEY, 32, 0);
  hasherInit(KEY, DERIVE_KEY_MATERIAL);
}

/** Absorbs the first len bytes of the input buffer. */
export function update(len: usize): void {
  if (len > INPUT_CAPACITY) unreachable();
  hasherUpdate(INPUT, len);
}

/** Writes outLen bytes of output, from byte offset (offsetHi:offsetLo) of the output
 *  stream, to the output buffer. The state is unchanged: update may go on after it. */
export function finalize(outLen: usize, offsetLo: u32, offsetHi: u32): void {
  if (outLen > OUTPUT_CAPACITY) unreachable();
  hasherOutput(OUTPUT, outLen, (<u64>offsetHi << 32) | offsetLo);
}

/** Plain-hashes `count` inputs packed one after another in the input buffer, their
 *  lengths in the length table, writing the 32-byte digests one after another to the
 *  output buffer. Replaces the hasher state. */
export function hashMany(count: usize): void {
  if (count > LENS_CAPACITY) unreachable();
  let p = INPUT, out = OUTPUT;
  for (let i: usize = 0; i < count; i++) {
    const len = <usize>load<u32>(LENS + i * 4);
    if (len > INPUT + INPUT_CAPACITY - p) unreachable();
    hasherInit(IV, 0);
    hasherUpdate(p, len);
    hasherOutput(out, 32, 0);
    p += len;
    out += 32;
  }
}

const DIGEST = memory.data(32, 16);

/** 1 if the plain hash of the first len bytes of the input buffer equals the 32 bytes
 *  at the start of the output buffer, else 0. Replaces the hasher state. */
export function verifyPiece(len: usize): u32 {
  if (len > INPUT_CAPACITY) unreachable();
  hasherInit(IV, 0);
  hasherUpdate(INPUT, len);
  hasherOutput(DIGEST, 32, 0);
  return memory.compare(DIGEST, OUTPUT, 32) == 0 ? 1 : 0;
}
