// The header's fixed blocks: block 0 (magic, format version, hash algorithm),
// the count/sequence block (header bytes 448-511) and the key block's form.
// Layouts are in docs/FORMAT.md, "Header".
import { IO, fits, setSlot, getSlot, isU32, isSafeI64, firstNonZero, F_ARG, MAX_SAFE } from './memory';
import * as S from './status';

const MAGIC: usize = memory.data<u8>([
  87, 97, 116, 101, 114, 102, 97, 108, 108, 32, 100, 97, 116, 97, 32, 98,
  121, 32, 66, 114, 121, 99, 101, 32, 87, 105, 108, 115, 111, 110, 33, 33,
]); // "Waterfall data by Bryce Wilson!!"
const MAGIC_LEN: u32 = 32;
const FORMAT_MAJOR: u32 = 1;
/** The newest minor version this codec reads: 1.1 added content-defined pieces. */
const FORMAT_MINOR: u32 = 1;
const HASH_BLAKE3: u32 = 1;

// Block 0 slots: 0 major, 1 minor, 2 patch, 3 hash algorithm.
export const H_MAJOR: u32 = 0;
export const H_MINOR: u32 = 1;
export const H_PATCH: u32 = 2;
export const H_HASH: u32 = 3;

/**
 * Block 0: <magic 32><major u32><minor u32><patch u32><hash u32><reserved 16>.
 * Fills slots 0-3 even when the block is refused, so messages can quote them.
 */
export function decodeHeaderBlock(at: u32): i32 {
  if (!fits(at, 64)) return S.OUT_OF_BOUNDS;
  const p = IO + at;
  const major = load<u32>(p, 32);
  const minor = load<u32>(p, 36);
  const hash = load<u32>(p, 44);
  setSlot(H_MAJOR, major);
  setSlot(H_MINOR, minor);
  setSlot(H_PATCH, load<u32>(p, 40));
  setSlot(H_HASH, hash);
  for (let i: u32 = 0; i < MAGIC_LEN; i++) {
    if (load<u8>(p + i) != load<u8>(MAGIC + i)) return S.BAD_MAGIC;
  }
  if (major != FORMAT_MAJOR) return S.VERSION_MAJOR;
  if (minor > FORMAT_MINOR) return S.VERSION_MINOR;
  if (hash != HASH_BLAKE3) return S.UNSUPPORTED_HASH;
  if (firstNonZero(at + 48, 16) >= 0) return S.RESERVED_NONZERO;
  return S.OK;
}

/** Writes block 0 from slots 0-3, then validates what it wrote. */
export function encodeHeaderBlock(at: u32): i32 {
  if (!fits(at, 64)) return S.OUT_OF_BOUNDS;
  for (let s: u32 = H_MAJOR; s <= H_HASH; s++) {
    if (!isU32(s)) {
      setSlot(F_ARG, s);
      return S.HEADER_FIELD_RANGE;
    }
  }
  const p = IO + at;
  memory.copy(p, MAGIC, MAGIC_LEN);
  store<u32>(p, <u32>getSlot(H_MAJOR), 32);
  store<u32>(p, <u32>getSlot(H_MINOR), 36);
  store<u32>(p, <u32>getSlot(H_PATCH), 40);
  store<u32>(p, <u32>getSlot(H_HASH), 44);
  memory.fill(p + 48, 0, 16);
  return decodeHeaderBlock(at);
}

// Count block slots: 0 file count, 1 sequence, 2 publish time.
export const C_COUNT: u32 = 0;
export const C_SEQUENCE: u32 = 1;
export const C_TIME: u32 = 2;

/**
 * Count block (header bytes 448-511):
 * <file count u32><reserved 4><sequence u64><publish time i64><reserved 40>.
 * The sequence must be >= 1; the sequence and the time must fit a JS number.
 */
export function decodeCountBlock(at: u32): i32 {
  if (!fits(at, 64)) return S.OUT_OF_BOUNDS;
  const p = IO + at;
  const sequence = load<u64>(p, 8);
  const time = load<i64>(p, 16);
  setSlot(C_COUNT, load<u32>(p));
  setSlot(C_SEQUENCE, sequence);
  setSlot(C_TIME, time);
  if (firstNonZero(at + 4, 4) >= 0) return S.RESERVED_NONZERO;
  if (firstNonZero(at + 24, 40) >= 0) return S.RESERVED_NONZERO;
  if (sequence == 0) return S.SEQUENCE_ZERO;
  if (sequence > <u64>MAX_SAFE) return S.SEQUENCE_RANGE;
  if (!isSafeI64(time)) return S.PUBLISH_TIME_RANGE;
  return S.OK;
}

/** Writes the count block from slots 0-2, then validates it. */
export function encodeCountBlock(at: u32): i32 {
  if (!fits(at, 64)) return S.OUT_OF_BOUNDS;
  if (!isU32(C_COUNT)) {
    setSlot(F_ARG, C_COUNT);
    return S.HEADER_FIELD_RANGE;
  }
  const p = IO + at;
  memory.fill(p, 0, 64);
  store<u32>(p, <u32>getSlot(C_COUNT));
  store<i64>(p, getSlot(C_SEQUENCE), 8);
  store<i64>(p, getSlot(C_TIME), 16);
  return decodeCountBlock(at);
}

/**
 * Key block form: OK for the public form (32 zero bytes, then the public key),
 * PRIVATE_KEY for the private form (a non-zero seed, then the public key).
 */
export function keyForm(at: u32): i32 {
  if (!fits(at, 64)) return S.OUT_OF_BOUNDS;
  for (let i: u32 = 0; i < 32; i++) {
    if (load<u8>(IO + at + i) != 0) return S.PRIVATE_KEY;
  }
  return S.OK;
}
