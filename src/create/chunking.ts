// Which pieces a file gets: fixed-size (format 1.0) or content-defined (FastCDC,
// format 1.1), and of which size. `auto` uses content-defined pieces where they
// pay: files of at least CDC_MIN_FILE_SIZE, where an insertion or deletion would
// otherwise shift every later piece. Also how CDC files become pool tasks.
import { BytefallError } from '../errors.js';
import { CHUNKING_CDC, CHUNKING_FIXED, MAX_CDC_PIECE_SIZE } from '../format/model.js';
import { BATCH_BYTES, BATCH_FILES } from '../hash/pool-plan.js';
import { checkPieceSize, pieceSizeFor } from './piece-size.js';

export type ChunkingMode = 'fixed' | 'cdc' | 'auto';
export const CHUNKING_MODES: readonly ChunkingMode[] = ['fixed', 'cdc', 'auto'];

/**
 * `auto` gives content-defined pieces to files of more than one default fixed piece
 * (256 KiB); docs/UPDATES.md has the measurements behind this and the sizes below.
 */
export const CDC_MIN_FILE_SIZE = 256 * 1024 + 1;
/** Default average CDC piece size: about size / CDC_TARGET_PIECES, within these bounds. */
export const DEFAULT_MIN_CDC_PIECE_SIZE = 16 * 1024;
export const DEFAULT_MAX_CDC_PIECE_SIZE = 1024 * 1024;
export const CDC_TARGET_PIECES = 2048;

export interface FileChunking {
  chunking: number;
  /** Fixed: the piece size; CDC: the average piece size. */
  pieceSize: number;
}

export function parseChunking(text: string): ChunkingMode {
  if (!(CHUNKING_MODES as readonly string[]).includes(text)) {
    throw new BytefallError('BAD_ARGUMENT', `--chunking must be one of ${CHUNKING_MODES.join(', ')}, got "${text}"`);
  }
  return text as ChunkingMode;
}

/** The default average piece size of a content-defined file of `size` bytes. */
export function defaultCdcPieceSize(size: number): number {
  let ps = DEFAULT_MIN_CDC_PIECE_SIZE;
  while (ps < DEFAULT_MAX_CDC_PIECE_SIZE && ps * CDC_TARGET_PIECES < size) ps *= 2;
  return ps;
}

/** Chunking and piece size of a file of `size` bytes under `mode`; `explicit` is --piece-size. */
export function chunkingFor(size: number, mode: ChunkingMode, explicit?: number): FileChunking {
  const cdc = mode === 'cdc' || (mode === 'auto' && size >= CDC_MIN_FILE_SIZE);
  if (!cdc) return { chunking: CHUNKING_FIXED, pieceSize: pieceSizeFor(size, explicit) };
  if (explicit === undefined) return { chunking: CHUNKING_CDC, pieceSize: defaultCdcPieceSize(size) };
  checkPieceSize(explicit);
  if (explicit > MAX_CDC_PIECE_SIZE) {
    throw new BytefallError('BAD_ARGUMENT', `a content-defined piece size (the average) is at most 4 MiB, got ${explicit}`);
  }
  return { chunking: CHUNKING_CDC, pieceSize: explicit };
}

/** Pool jobs for content-defined files: a large file alone, small ones in batches (as pool-plan.ts). */
export function* planCdcJobs<F extends { size: number }>(files: Iterable<F>): Generator<{ kind: 'cdc'; files: F[] }> {
  let batch: F[] = [];
  let bytes = 0;
  for (const f of files) {
    if (f.size > BATCH_BYTES) {
      yield { kind: 'cdc', files: [f] };
      continue;
    }
    if (batch.length > 0 && (bytes + f.size > BATCH_BYTES || batch.length >= BATCH_FILES)) {
      yield { kind: 'cdc', files: batch };
      batch = [];
      bytes = 0;
    }
    batch.push(f);
    bytes += f.size;
  }
  if (batch.length > 0) yield { kind: 'cdc', files: batch };
}
