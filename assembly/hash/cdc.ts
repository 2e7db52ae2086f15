// Content-defined pieces (docs/FORMAT.md, "Format 1.1"): FastCDC with a gear hash and
// normalized chunking (two masks), cutting and BLAKE3-hashing each piece in one pass
// over the input buffer. The stream state (position in the piece, fingerprint, the
// piece's hasher) lives here between calls, so pieces may span many buffers.
// Also the CDC leaf: keyed BLAKE3 over a piece's layer record <length u32><hash 32>.
//
// The gear table and the leaf key are BLAKE3 derive-key outputs computed at start:
//   GEAR   = derive_key("ByteFall 2026-11-23 cdc gear", "") as 2048 bytes = 256 u64 LE
//   K_LEAF = derive_key("ByteFall 2026-11-23 cdc leaf", "") as 32 bytes

import { hasherInit, hasherOutput, hasherUpdate } from './hasher';
import { DERIVE_KEY_CONTEXT, DERIVE_KEY_MATERIAL, INPUT, INPUT_CAPACITY, IV, KEYED_HASH, OUTPUT, OUTPUT_CAPACITY } from './layout';

/** A layer record: <length u32><BLAKE3 of the piece 32>. */
const RECORD_LEN: u32 = 36;
const LEAF_LEN: u32 = 32;

const GEAR = memory.data(256 * 8, 16);
const K_LEAF = memory.data(32, 16);
const SCRATCH = memory.data(64, 16);

/** derive_key(context, empty material), `outLen` bytes to `out`. */
function deriveEmpty(context: string, out: usize, outLen: usize): void {
  for (let i = 0; i < context.length; i++) store<u8>(SCRATCH + <usize>i, <u8>context.charCodeAt(i));
  hasherInit(IV, DERIVE_KEY_CONTEXT);
  hasherUpdate(SCRATCH, <usize>context.length);
  hasherOutput(SCRATCH, 32, 0);
  hasherInit(SCRATCH, DERIVE_KEY_MATERIAL);
  hasherOutput(out, outLen, 0);
}
deriveEmpty('ByteFall 2026-11-23 cdc gear', GEAR, 256 * 8);
deriveEmpty('ByteFall 2026-11-23 cdc leaf', K_LEAF, 32);

// Parameters of the stream, set by cdcInit.
let minLen: u32 = 0;
let normalLen: u32 = 0;
let maxLen: u32 = 0;
let maskS: u64 = 0;
let maskL: u64 = 0;
// The stream: bytes of the current piece seen so far, and the gear fingerprint.
let pieceLen: u32 = 0;
let fingerprint: u64 = 0;

/** The mask of the `k` most significant bits of a u64. */
// @ts-ignore: decorator
@inline function topBits(k: u32): u64 {
  return ~(<u64>0) << (64 - <u64>k);
}

export function cdcGearPtr(): usize { return GEAR; }

/**
 * Starts a stream of pieces whose average (the entry's piece size) is 2^log2,
 * 10 <= log2 <= 22: min = avg/4, normal = avg, max = 4 avg, mask S = the top
 * log2 + 2 bits, mask L = the top log2 - 2 bits. Takes the hasher state.
 */
export function cdcInit(log2: u32): void {
  if (log2 < 10 || log2 > 22) unreachable();
  const avg: u32 = 1 << log2;
  minLen = avg >> 2;
  normalLen = avg;
  maxLen = avg << 2;
  maskS = topBits(log2 + 2);
  maskL = topBits(log2 - 2);
  pieceLen = 0;
  fingerprint = 0;
  hasherInit(IV, 0);
}

/** Finishes the piece of `len` bytes: its record goes to record slot `k` of the output buffer. */
function emit(len: u32, k: u32): void {
  const rec = OUTPUT + <usize>k * RECORD_LEN;
  if (rec + RECORD_LEN > OUTPUT + OUTPUT_CAPACITY) unreachable();
  store<u32>(rec, len);
  hasherOutput(rec + 4, 32, 0);
  hasherInit(IV, 0);
}

/**
 * Feeds the first `len` bytes of the input buffer to the stream. Each piece that
 * ends in them is written to the output buffer as a record <length u32><hash 32>;
 * with `last` != 0 the input ends here and the piece in progress ends too.
 * Returns the number of records written. The caller bounds `len` so that the
 * records fit: at most (pieceLen + len) / (min + 1) + 1 pieces can end.
 */
export function cdcUpdate(len: usize, last: u32): u32 {
  if (len > INPUT_CAPACITY) unreachable();
  const end = INPUT + len;
  let p = INPUT;
  let i = pieceLen;
  let h = fingerprint;
  let count: u32 = 0;
  while (p < end) {
    let q = p;
    let cut = false;
    // The first min bytes of a piece are never looked at.
    if (i < minLen) {
      const skip = min<usize>(<usize>(minLen - i), end - q);
      q += skip;
      i += <u32>skip;
    }
    if (i >= minLen) {
      // Before the normal size, the harder mask S; after it, the easier mask L.
      if (i < normalLen) {
        const stop = q + min<usize>(<usize>(normalLen - i), end - q);
        const from = q;
        while (q < stop) {
          h = (h << 1) + load<u64>(GEAR + (<usize>load<u8>(q) << 3));
          q++;
          if ((h & maskS) == 0) {
            cut = true;
            break;
          }
        }
        i += <u32>(q - from);
      }
      if (!cut && i >= normalLen) {
        const stop = q + min<usize>(<usize>(maxLen - i), end - q);
        const from = q;
        while (q < stop) {
          h = (h << 1) + load<u64>(GEAR + (<usize>load<u8>(q) << 3));
          q++;
          if ((h & maskL) == 0) {
            cut = true;
            break;
          }
        }
        i += <u32>(q - from);
        if (i == maxLen) cut = true;
      }
    }
    hasherUpdate(p, q - p);
    if (cut) {
      emit(i, count++);
      i = 0;
      h = 0;
    }
    p = q;
  }
  if (last != 0 && i > 0) {
    emit(i, count++);
    i = 0;
    h = 0;
  }
  pieceLen = i;
  fingerprint = h;
  return count;
}

/**
 * CDC leaves of `count` records at the start of the input buffer (36 bytes each):
 * leaf = BLAKE3 keyed by K_LEAF over the 36-byte record, 32 bytes each to the
 * output buffer. Replaces the hasher state (not to be called inside a stream).
 */
export function cdcLeaves(count: u32): void {
  if (<usize>count * RECORD_LEN > INPUT_CAPACITY || <usize>count * LEAF_LEN > OUTPUT_CAPACITY) unreachable();
  for (let k: u32 = 0; k < count; k++) {
    hasherInit(K_LEAF, KEYED_HASH);
    hasherUpdate(INPUT + <usize>k * RECORD_LEN, RECORD_LEN);
    hasherOutput(OUTPUT + <usize>k * LEAF_LEN, LEAF_LEN, 0);
  }
}
