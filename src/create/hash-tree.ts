// Hashes every file of a scanned tree on the pool: each file's leaves (its piece
// layer) and merkle root, as the EntryInputs that build a Waterfall. A file whose
// size or times differ from the scan once hashing ends is hashed again, once;
// if it changes again that is FILE_CHANGED. Files get fixed-size pieces, or
// content-defined ones (format 1.1) by the chunking option (chunking.ts).
// The entries may still be arriving from the walk (scanChunks): a file becomes
// pool work as soon as its batch is full, so hashing overlaps the walk.
import { lstat } from 'node:fs/promises';
import { BytefallError } from '../errors.js';
import { CHUNKING_CDC, type EntryInput } from '../format/model.js';
import { EMPTY_ROOT, HASH_LEN, merkleRoot } from '../hash/merkle.js';
import { CDC_RECORD_LEN, cdcRoot } from '../hash/cdc.js';
import type { HashPool } from '../hash/pool.js';
import { JobPlanner, regionCount, type Job } from '../hash/pool-plan.js';
import { JobWindow } from '../hash/pool-window.js';
import { sameStamp } from '../hash/tasks.js';
import { pieceCount } from './piece-size.js';
import { chunkingFor, type ChunkingMode, type FileChunking } from './chunking.js';
import { pathUnder, rootDir, toScanEntry, type ScanEntry } from './scan.js';

export interface HashProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
}

export interface HashTreeOptions {
  pool: HashPool;
  /** One piece size for every file (checked; the average for content-defined pieces); default: by file size. */
  pieceSize?: number;
  /** 'fixed' (the default), 'cdc', or 'auto': content-defined pieces where they pay (chunking.ts). */
  chunking?: ChunkingMode;
  /** Per file: chunking and piece size to keep (publish keeps a file's previous ones); undefined: the rule above. */
  chunkingOf?: (e: ScanEntry) => FileChunking | undefined;
  /** Called after each finished pool task. */
  onProgress?: (progress: HashProgress) => void;
}

export interface HashTreeResult {
  /** One per scanned entry, same order: fileVersion 1, created = birth time, changed = mtime. */
  entries: EntryInput[];
  /** The layer of each file entry in order (piece hashes, 32 bytes each, or CDC records, 36 bytes each); directories have none. */
  perFileLeaves: Uint8Array[];
  /** Bytes read and hashed, counting files hashed twice (they changed while hashed) twice. */
  bytesHashed: number;
}

interface FileJob {
  scan: ScanEntry;
  abs: string;
  size: number;
  pieceSize: number;
  chunking: number;
  /** Piece hashes (fixed) or, once hashed, layer records (CDC). */
  leaves: Uint8Array;
  regionsLeft: number;
  changed: boolean;
  root?: Uint8Array;
}

/** Scanned entries: a list, or chunks as the walk finds them (scanChunks), so hashing starts at once. */
export type ScanSource = readonly ScanEntry[] | AsyncIterable<readonly ScanEntry[]>;

/**
 * While the entries still arrive, this thread returns to its event loop at least this
 * often, so that finished tasks are collected and the workers handed new ones.
 */
const YIELD_MS = 1;

type PoolJob = Job<FileJob> | { kind: 'cdc'; files: FileJob[] };

export async function hashTree(root: string, entries: ScanSource, options: HashTreeOptions): Promise<HashTreeResult> {
  root = rootDir(root);
  const { pool, onProgress } = options;
  const rule = (e: ScanEntry): FileChunking => options.chunkingOf?.(e) ?? chunkingFor(e.size, options.chunking ?? 'fixed', options.pieceSize);
  const progress: HashProgress = { filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0 };
  const all: ScanEntry[] = [];
  const files: FileJob[] = [];
  async function* fileChunks(): AsyncGenerator<FileJob[]> {
    for await (const chunk of Array.isArray(entries) ? [entries as readonly ScanEntry[]] : (entries as AsyncIterable<readonly ScanEntry[]>)) {
      const jobs: FileJob[] = [];
      for (const e of chunk) {
        all.push(e);
        if (e.isDir) continue;
        const f = fileJob(root, e, rule(e));
        files.push(f);
        jobs.push(f);
      }
      yield jobs;
    }
  }
  onProgress?.({ ...progress });
  await hashPass(pool, fileChunks(), progress, onProgress);

  // Second and last chance for the files that changed under us, with fresh lstat values.
  const changed = files.flatMap((f, i) => (f.changed ? [i] : []));
  const again = await Promise.all(changed.map(async (i) => {
    const scanned = await rescan(files[i]);
    return fileJob(root, scanned, rule(scanned));
  }));
  await hashPass(pool, [again], progress, onProgress);
  changed.forEach((i, j) => {
    const f = again[j];
    if (f.changed) {
      throw new BytefallError('FILE_CHANGED', `${f.scan.path.join('/')} changed while it was being hashed (twice); try again when it is quiet`, {
        file: f.abs,
        op: 'hash',
      });
    }
    files[i] = f;
  });

  let k = 0;
  const out: EntryInput[] = all.map((e) => {
    if (e.isDir) return entryInput(e, 0, EMPTY_ROOT);
    const f = files[k++];
    const input = entryInput(f.scan, f.pieceSize, f.root!);
    if (f.chunking === CHUNKING_CDC) {
      input.chunking = CHUNKING_CDC;
      input.pieceCount = f.leaves.length / CDC_RECORD_LEN;
    }
    return input;
  });
  return { entries: out, perFileLeaves: files.map((f) => f.leaves), bytesHashed: progress.bytesTotal };
}

/**
 * Hashes files as they arrive: each becomes pool jobs as soon as its batch is full
 * (or at once, a large file), and the jobs run at most pool.maxInFlight at a time.
 * A failure of the source or of a job is thrown once no job is pending.
 */
async function hashPass(
  pool: HashPool,
  chunks: AsyncIterable<FileJob[]> | Iterable<FileJob[]>,
  progress: HashProgress,
  onProgress: ((p: HashProgress) => void) | undefined,
): Promise<void> {
  const window = new JobWindow<PoolJob>(pool.maxInFlight, async (job) => {
    await runJob(pool, job, (f) => {
      if (!f.changed) {
        // The root of one leaf is the leaf: a small file's root shares its layer's 32 bytes.
        f.root = f.chunking === CHUNKING_CDC ? cdcRoot(f.leaves) : f.leaves.length === HASH_LEN ? f.leaves : merkleRoot(f.leaves);
        progress.filesDone++;
      }
    });
    progress.bytesDone += job.kind === 'region' ? job.length : job.files.reduce((n, f) => n + f.size, 0);
    onProgress?.({ ...progress });
  });
  // Content-defined files are never cut: a large one is one task (the cuts depend on what came before).
  const fixed = new JobPlanner<FileJob>();
  const cdc = new JobPlanner<FileJob>(false);
  const push = (jobs: Job<FileJob>[], kind: 'cdc' | undefined): void => {
    for (const job of jobs) window.push(kind === 'cdc' && job.kind === 'batch' ? { kind, files: job.files } : job);
  };
  try {
    let yielded = performance.now();
    for await (const chunk of chunks) {
      for (const f of chunk) {
        progress.filesTotal++;
        progress.bytesTotal += f.size;
        if (f.chunking === CHUNKING_CDC) push(cdc.add(f), 'cdc');
        else push(fixed.add(f), undefined);
      }
      if (window.failed) break;
      if (performance.now() - yielded >= YIELD_MS) {
        await new Promise(setImmediate);
        yielded = performance.now();
      }
    }
    push(cdc.flush(), 'cdc');
    push(fixed.flush(), undefined);
  } catch (err) {
    await window.done().catch(() => undefined);
    throw err;
  }
  await window.done();
}

function fileJob(root: string, scan: ScanEntry, { chunking, pieceSize }: FileChunking): FileJob {
  const cdc = chunking === CHUNKING_CDC;
  const f: FileJob = {
    scan,
    abs: pathUnder(root, scan.local ?? scan.path),
    size: scan.size,
    pieceSize,
    chunking,
    leaves: new Uint8Array(cdc ? 0 : pieceCount(scan.size, pieceSize) * HASH_LEN),
    regionsLeft: 0,
    changed: false,
  };
  f.regionsLeft = cdc ? 0 : regionCount(f);
  return f;
}

function entryInput(e: ScanEntry, pieceSize: number, root: Uint8Array): EntryInput {
  return {
    path: e.path,
    isDir: e.isDir,
    size: e.size,
    created: e.birthtimeMs,
    changed: e.mtimeMs,
    pieceSize,
    fileVersion: 1,
    permissions: e.mode,
    root,
  };
}

/** Runs one job; calls `done` for each file whose last job this was. */
async function runJob(pool: HashPool, job: PoolJob, done: (f: FileJob) => void): Promise<void> {
  if (job.kind === 'cdc') {
    const r = await pool.chunkFiles({ files: job.files.map((f) => ({ path: f.abs, size: f.size, pieceSize: f.pieceSize, fileSize: f.size })) });
    let at = 0;
    job.files.forEach((f, i) => {
      const n = r.counts[i] * CDC_RECORD_LEN;
      if (r.hashed[i]) f.leaves = job.files.length === 1 ? r.records : r.records.slice(at, at + n);
      if (!r.hashed[i] || !sameStamp(r.stamps[i], f.scan.stamp)) f.changed = true;
      at += n;
      done(f);
    });
    return;
  }
  if (job.kind === 'region') {
    const f = job.file;
    const r = await pool.hashRegion({ path: f.abs, offset: job.offset, length: job.length, pieceSize: f.pieceSize, fileSize: f.size });
    if (r.hashed) f.leaves.set(r.leaves, (job.offset / f.pieceSize) * HASH_LEN);
    if (!r.hashed || !sameStamp(r.stamp, f.scan.stamp)) f.changed = true;
    if (--f.regionsLeft === 0) done(f);
    return;
  }
  const r = await pool.hashFiles({ files: job.files.map((f) => ({ path: f.abs, size: f.size, pieceSize: f.pieceSize, fileSize: f.size })) });
  let at = 0;
  job.files.forEach((f, i) => {
    const n = f.leaves.length;
    if (r.hashed[i]) f.leaves.set(r.leaves.subarray(at, at + n));
    if (!r.hashed[i] || !sameStamp(r.stamps[i], f.scan.stamp)) f.changed = true;
    at += n;
    done(f);
  });
}

async function rescan(f: FileJob): Promise<ScanEntry> {
  let st;
  try {
    st = await lstat(f.abs);
  } catch (err) {
    throw BytefallError.fromSystem(err, f.abs, 'lstat');
  }
  if (!st.isFile()) {
    throw new BytefallError('FILE_CHANGED', `${f.scan.path.join('/')} is no longer a regular file`, { file: f.abs, op: 'hash' });
  }
  return toScanEntry(f.scan.local ?? f.scan.path, st);
}
