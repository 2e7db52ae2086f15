// The entry info block (entry bytes 256-319): size, times, piece size, file
// version, permissions, flags, chunking, then (format 1.1, content-defined
// chunking only) the piece count, and reserved bytes. See docs/FORMAT.md, "Entries"
// and "Format 1.1: content-defined pieces".
import { IO, fits, setSlot, getSlot, isU32, isSafeI64, firstNonZero, F_ARG, MAX_SAFE } from './memory';
import * as S from './status';

const FLAG_DIRECTORY: u32 = 1;
const MIN_PIECE_SIZE: u32 = 1 << 10;
const MAX_PIECE_SIZE: u32 = 1 << 24;
const PERMISSION_BITS: u32 = 0o777;
/** Chunking modes: 0 fixed-size pieces (1.0), 1 FastCDC (1.1). */
const CHUNKING_FIXED: u32 = 0;
const CHUNKING_CDC: u32 = 1;
/** A CDC file's piece size is its average piece size: 1 KiB to 4 MiB, so that max (4x) stays <= 16 MiB. */
const MAX_CDC_PIECE_SIZE: u32 = 1 << 22;

// Info block slots.
export const I_SIZE: u32 = 0;
export const I_CREATED: u32 = 1;
export const I_CHANGED: u32 = 2;
export const I_PIECE_SIZE: u32 = 3;
export const I_FILE_VERSION: u32 = 4;
export const I_PERMISSIONS: u32 = 5;
export const I_FLAGS: u32 = 6;
export const I_CHUNKING: u32 = 7;
/** Format 1.1, chunking 1: the file's piece count (bytes +44..+47); 0 otherwise. */
export const I_PIECE_COUNT: u32 = 8;

/**
 * <size u64><created i64><changed i64><piece size u32><file version u32>
 * <permissions u32><flags u32><chunking u32><reserved 20>; in a file of format
 * minor >= 1 whose chunking is 1: <piece count u32><reserved 16> after chunking.
 * Fills slots 0-8 even when the block is refused. `minor` is the file's format
 * minor version (0 when called with one argument).
 */
export function decodeInfo(at: u32, minor: u32): i32 {
  if (!fits(at, 64)) return S.OUT_OF_BOUNDS;
  const p = IO + at;
  const size = load<u64>(p);
  const created = load<i64>(p, 8);
  const changed = load<i64>(p, 16);
  const pieceSize = load<u32>(p, 24);
  const fileVersion = load<u32>(p, 28);
  const permissions = load<u32>(p, 32);
  const flags = load<u32>(p, 36);
  const chunking = load<u32>(p, 40);
  const pieceCount = load<u32>(p, 44);
  setSlot(I_PIECE_COUNT, pieceCount);
  setSlot(I_SIZE, size);
  setSlot(I_CREATED, created);
  setSlot(I_CHANGED, changed);
  setSlot(I_PIECE_SIZE, pieceSize);
  setSlot(I_FILE_VERSION, fileVersion);
  setSlot(I_PERMISSIONS, permissions);
  setSlot(I_FLAGS, flags);
  setSlot(I_CHUNKING, chunking);

  if ((flags & ~FLAG_DIRECTORY) != 0) return S.ENTRY_FLAGS;
  if (flags & FLAG_DIRECTORY) {
    if (size != 0) return S.DIR_SIZE;
    if (pieceSize != 0) return S.DIR_PIECE_SIZE;
    if (chunking != 0) return S.DIR_CHUNKING;
  } else if (chunking == CHUNKING_CDC && minor >= 1) {
    if (pieceSize < MIN_PIECE_SIZE || pieceSize > MAX_CDC_PIECE_SIZE || (pieceSize & (pieceSize - 1)) != 0) {
      return S.CDC_PIECE_SIZE;
    }
    if (size > <u64>MAX_SAFE) return S.SIZE_RANGE;
    if (!cdcCountFits(size, pieceSize, pieceCount)) return S.CDC_PIECE_COUNT;
  } else {
    if (chunking != CHUNKING_FIXED) return S.UNSUPPORTED_CHUNKING;
    if (pieceSize < MIN_PIECE_SIZE || pieceSize > MAX_PIECE_SIZE || (pieceSize & (pieceSize - 1)) != 0) {
      return S.PIECE_SIZE;
    }
    if (size > <u64>MAX_SAFE) return S.SIZE_RANGE;
  }
  if (fileVersion == 0) return S.FILE_VERSION;
  if ((permissions & ~PERMISSION_BITS) != 0) return S.PERMISSIONS;
  if (!isSafeI64(created) || !isSafeI64(changed)) return S.ENTRY_TIME_RANGE;
  // The piece count of a CDC file takes the first 4 reserved bytes; the rest stay reserved.
  const reservedAt: u32 = chunking == CHUNKING_CDC && (flags & FLAG_DIRECTORY) == 0 ? 48 : 44;
  if (firstNonZero(at + reservedAt, 64 - reservedAt) >= 0) return S.RESERVED_NONZERO;
  return S.OK;
}

/**
 * Whether `count` CDC pieces can cover `size` bytes: every piece but the last is
 * min + 1 to max bytes long (min = pieceSize / 4, max = 4 pieceSize), the last 1 to
 * max; an empty file has none.
 */
function cdcCountFits(size: u64, pieceSize: u32, count: u32): bool {
  if (size == 0) return count == 0;
  const min = <u64>(pieceSize >> 2);
  const max = <u64>pieceSize << 2;
  const least = (size + max - 1) / max;
  const most = (size - 1) / (min + 1) + 1;
  return <u64>count >= least && <u64>count <= most;
}

/** Writes the info block from slots 0-8, then validates it as a file of format minor `minor`. */
export function encodeInfo(at: u32, minor: u32): i32 {
  if (!fits(at, 64)) return S.OUT_OF_BOUNDS;
  for (let s: u32 = I_PIECE_SIZE; s <= I_PIECE_COUNT; s++) {
    if (!isU32(s)) {
      setSlot(F_ARG, s);
      return S.ENTRY_FIELD_RANGE;
    }
  }
  const p = IO + at;
  store<i64>(p, getSlot(I_SIZE));
  store<i64>(p, getSlot(I_CREATED), 8);
  store<i64>(p, getSlot(I_CHANGED), 16);
  store<u32>(p, <u32>getSlot(I_PIECE_SIZE), 24);
  store<u32>(p, <u32>getSlot(I_FILE_VERSION), 28);
  store<u32>(p, <u32>getSlot(I_PERMISSIONS), 32);
  store<u32>(p, <u32>getSlot(I_FLAGS), 36);
  store<u32>(p, <u32>getSlot(I_CHUNKING), 40);
  store<u32>(p, <u32>getSlot(I_PIECE_COUNT), 44);
  memory.fill(p + 48, 0, 16);
  return decodeInfo(at, minor);
}
