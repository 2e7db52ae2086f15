// The codec's two static areas: the I/O area the host copies block bytes into
// and out of, and the fields area of 8-byte slots the host reads and writes
// through typed arrays. Nothing in the codec allocates.

/** A name field (256 bytes) is the largest unit the host ever copies in at once. */
export const IO_LEN: u32 = 256;
export const IO: usize = memory.data(IO_LEN, 16);

/** 16 slots of 8 bytes; each block kind documents which slots it uses. */
export const SLOT_COUNT: u32 = 16;
export const FIELDS: usize = memory.data(SLOT_COUNT << 3, 16);

/** Slot 14: on a *_FIELD_RANGE status, the slot whose value did not fit. */
export const F_ARG: u32 = 14;
/** Slot 15: on a status about one byte, that byte's offset in the I/O area. */
export const F_WHERE: u32 = 15;

/** Largest integer a JS number holds exactly (2^53 - 1); larger u64/i64 values are refused. */
export const MAX_SAFE: i64 = 9007199254740991;

// @ts-ignore: decorator
@inline export function setSlot(slot: u32, value: i64): void {
  store<i64>(FIELDS + (<usize>slot << 3), value);
}

// @ts-ignore: decorator
@inline export function getSlot(slot: u32): i64 {
  return load<i64>(FIELDS + (<usize>slot << 3));
}

/** True when [at, at+len) lies inside the I/O area. */
// @ts-ignore: decorator
@inline export function fits(at: u32, len: u32): bool {
  return <u64>at + <u64>len <= <u64>IO_LEN;
}

/** True when the slot holds a value in [0, 2^32). */
// @ts-ignore: decorator
@inline export function isU32(slot: u32): bool {
  const v = getSlot(slot);
  return v >= 0 && v <= <i64>0xffffffff;
}

/** True when the slot holds a value in [lo, hi]. */
// @ts-ignore: decorator
@inline export function inRange(slot: u32, lo: i64, hi: i64): bool {
  const v = getSlot(slot);
  return v >= lo && v <= hi;
}

/** True when -2^53 < v < 2^53 (for i64 times). */
// @ts-ignore: decorator
@inline export function isSafeI64(v: i64): bool {
  return v >= -MAX_SAFE && v <= MAX_SAFE;
}

/** Index of the first non-zero byte in io[at, at+len), or -1. Sets F_WHERE when found. */
export function firstNonZero(at: u32, len: u32): i32 {
  for (let i: u32 = 0; i < len; i++) {
    if (load<u8>(IO + at + i) != 0) {
      setSlot(F_WHERE, at + i);
      return <i32>(at + i);
    }
  }
  return -1;
}
