// Which piece size a file gets. By default about 2048 pieces per file: the
// smallest power of two >= size/2048, clamped to [256 KiB, 16 MiB]. An explicit
// piece size (--piece-size) applies to every file and must be a power of two the
// format allows (docs/FORMAT.md: 1 KiB to 16 MiB).
import { BytefallError } from '../errors.js';
import { MAX_PIECE_SIZE, MIN_PIECE_SIZE } from '../format/model.js';

export const DEFAULT_MIN_PIECE_SIZE = 256 * 1024;
export const DEFAULT_MAX_PIECE_SIZE = MAX_PIECE_SIZE;
/** The number of pieces the default rule aims at for a large file. */
export const TARGET_PIECES = 2048;

/** The default piece size for a file of `size` bytes. */
export function defaultPieceSize(size: number): number {
  let ps = DEFAULT_MIN_PIECE_SIZE;
  while (ps < DEFAULT_MAX_PIECE_SIZE && ps * TARGET_PIECES < size) ps *= 2;
  return ps;
}

/** Refuses (BAD_ARGUMENT) a piece size that is not a power of two from 1 KiB to 16 MiB. */
export function checkPieceSize(pieceSize: number): number {
  const ok =
    Number.isInteger(pieceSize) && pieceSize >= MIN_PIECE_SIZE && pieceSize <= MAX_PIECE_SIZE && (pieceSize & (pieceSize - 1)) === 0;
  if (!ok) {
    throw new BytefallError('BAD_ARGUMENT', `piece size must be a power of two from 1 KiB to 16 MiB, got ${pieceSize}`);
  }
  return pieceSize;
}

/** The piece size of a file: the explicit one if given (checked), else the default rule. */
export function pieceSizeFor(size: number, explicit?: number): number {
  return explicit === undefined ? defaultPieceSize(size) : checkPieceSize(explicit);
}

/** ceil(size / pieceSize); an empty file has no pieces. */
export function pieceCount(size: number, pieceSize: number): number {
  return Math.ceil(size / pieceSize);
}
