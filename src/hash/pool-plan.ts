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
  const planner = new JobPlanner<F>();
  for (const file of files) yield* planner.add(file);
  yield* planner.flush();
}

/**
 * planJobs one file at a time, for files that arrive while a tree is being walked:
 * add() returns the jobs that are complete once `file` is known (its regions, or a
 * full batch), flush() the last partial batch.
 */
export class JobPlanner<F extends PlannedFile> {
  #batch: F[] = [];
  #bytes = 0;

  /** `cut`: a large file becomes regions (else one batch of its own, for a task that must see the whole file). */
  constructor(readonly cut = true) {}

  add(file: F): Job<F>[] {
    if (file.size > BATCH_BYTES) {
      if (!this.cut) return [{ kind: 'batch', files: [file] }];
      const jobs: Job<F>[] = [];
      const step = regionBytes(file.pieceSize);
      for (let offset = 0; offset < file.size; offset += step) {
        jobs.push({ kind: 'region', file, offset, length: Math.min(step, file.size - offset) });
      }
      return jobs;
    }
    const full = this.#batch.length > 0 && (this.#bytes + file.size > BATCH_BYTES || this.#batch.length >= BATCH_FILES);
    const jobs = full ? this.flush() : [];
    this.#batch.push(file);
    this.#bytes += file.size;
    return jobs;
  }

  flush(): Job<F>[] {
    if (this.#batch.length === 0) return [];
    const files = this.#batch;
    this.#batch = [];
    this.#bytes = 0;
    return [{ kind: 'batch', files }];
  }
}
