// Hashes every file of a scanned tree on the pool: each file's leaves (its piece
// layer) and merkle root, as the EntryInputs that build a Waterfall. A file whose
// size or times differ from the scan once hashing ends is hashed again, once;
// if it changes again that is FILE_CHANGED.
import { join } from 'node:path';
import { lstat } from 'node:fs/promises';
import { BytefallError } from '../errors.js';
import type { EntryInput } from '../format/model.js';
import { EMPTY_ROOT, HASH_LEN, merkleRoot } from '../hash/merkle.js';
import type { HashPool } from '../hash/pool.js';
import { planJobs, regionCount, type Job } from '../hash/pool-plan.js';
import { runWindowed } from '../hash/pool-window.js';
import { sameStamp } from '../hash/tasks.js';
import { pieceCount, pieceSizeFor } from './piece-size.js';
import { toScanEntry, type ScanEntry } from './scan.js';

export interface HashProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
}

export interface HashTreeOptions {
  pool: HashPool;
  /** One piece size for every file (checked); default: defaultPieceSize per file. */
  pieceSize?: number;
  /** Called after each finished pool task. */
  onProgress?: (progress: HashProgress) => void;
}

export interface HashTreeResult {
  /** One per scanned entry, same order: fileVersion 1, created = birth time, changed = mtime. */
  entries: EntryInput[];
  /** The leaves (piece hashes, 32 bytes each) of each file entry in order; directories have none. */
  perFileLeaves: Uint8Array[];
}

interface FileJob {
  scan: ScanEntry;
  abs: string;
  size: number;
  pieceSize: number;
  leaves: Uint8Array;
  regionsLeft: number;
  changed: boolean;
  root?: Uint8Array;
}

export async function hashTree(root: string, entries: readonly ScanEntry[], options: HashTreeOptions): Promise<HashTreeResult> {
  const { pool, pieceSize: explicit, onProgress } = options;
  const files = entries.filter((e) => !e.isDir).map((e) => fileJob(root, e, explicit));
  const progress: HashProgress = { filesDone: 0, filesTotal: files.length, bytesDone: 0, bytesTotal: 0 };
  for (const f of files) progress.bytesTotal += f.size;
  onProgress?.({ ...progress });

  const pass = async (list: FileJob[]): Promise<void> => {
    await runWindowed(planJobs(list), pool.maxInFlight, async (job) => {
      await runJob(pool, job, (f) => {
        if (!f.changed) {
          f.root = merkleRoot(f.leaves);
          progress.filesDone++;
        }
      });
      progress.bytesDone += job.kind === 'region' ? job.length : job.files.reduce((n, f) => n + f.size, 0);
      onProgress?.({ ...progress });
    });
  };

  await pass(files);
  // Second and last chance for the files that changed under us, with fresh lstat values.
  const changed = files.flatMap((f, i) => (f.changed ? [i] : []));
  const again = await Promise.all(changed.map(async (i) => fileJob(root, await rescan(files[i]), explicit)));
  for (const f of again) progress.bytesTotal += f.size;
  await pass(again);
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
  const out: EntryInput[] = entries.map((e) => {
    if (e.isDir) return entryInput(e, 0, EMPTY_ROOT);
    const f = files[k++];
    return entryInput(f.scan, f.pieceSize, f.root!);
  });
  return { entries: out, perFileLeaves: files.map((f) => f.leaves) };
}

function fileJob(root: string, scan: ScanEntry, explicit: number | undefined): FileJob {
  const pieceSize = pieceSizeFor(scan.size, explicit);
  const f: FileJob = {
    scan,
    abs: join(root, ...scan.path),
    size: scan.size,
    pieceSize,
    leaves: new Uint8Array(pieceCount(scan.size, pieceSize) * HASH_LEN),
    regionsLeft: 0,
    changed: false,
  };
  f.regionsLeft = regionCount(f);
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
async function runJob(pool: HashPool, job: Job<FileJob>, done: (f: FileJob) => void): Promise<void> {
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
  return toScanEntry(f.scan.path, st);
}
