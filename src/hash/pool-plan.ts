// How a list of files becomes pool tasks: a large file is cut into regions of
// about 8 MiB (a whole number of pieces) spread over all workers; small files
// go together in batches of up to 8 MiB or 256 files, so the per-task cost stays
// small when a tree holds many small files (the usual website). Lazy: jobs are
// described only when the pool has room for them.

/** A file up to this size goes into a batch; a larger one is cut into regions. */
export const BATCH_BYTES = 8 * 1024 * 1024;
export const BATCH_FILES = 256;
/** Target size of one region of a large file. */
export const REGION_BYTES = 8 * 1024 * 1024;

export interface PlannedFile {
  size: number;
  pieceSize: number;
}

export type Job<F extends PlannedFile> =
  | { kind: 'region'; file: F; offset: number; length: number }
  | { kind: 'batch'; files: F[] };

/** Bytes per region for a piece size: a whole number of pieces, ~8 MiB (16 MiB for 16 MiB pieces). */
export function regionBytes(pieceSize: number): number {
  return Math.max(pieceSize, Math.floor(REGION_BYTES / pieceSize) * pieceSize);
}

/** How many region jobs a large file becomes (files up to BATCH_BYTES are batched, never cut). */
export function regionCount(file: PlannedFile): number {
  return file.size > BATCH_BYTES ? Math.ceil(file.size / regionBytes(file.pieceSize)) : 0;
}

export function* planJobs<F extends PlannedFile>(files: Iterable<F>): Generator<Job<F>> {
  let batch: F[] = [];
  let batchBytes = 0;
  for (const file of files) {
    if (file.size > BATCH_BYTES) {
      const step = regionBytes(file.pieceSize);
      for (let offset = 0; offset < file.size; offset += step) {
        yield { kind: 'region', file, offset, length: Math.min(step, file.size - offset) };
      }
      continue;
    }
    if (batch.length > 0 && (batchBytes + file.size > BATCH_BYTES || batch.length >= BATCH_FILES)) {
      yield { kind: 'batch', files: batch };
      batch = [];
      batchBytes = 0;
    }
    batch.push(file);
    batchBytes += file.size;
  }
  if (batch.length > 0) yield { kind: 'batch', files: batch };
}
