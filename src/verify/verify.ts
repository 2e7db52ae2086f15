// Checks a directory against what a Waterfall says it should hold. With the piece
// layer every piece is compared, so a bad piece is located exactly; without it
// only the merkle root of each file can be compared. Work runs on the hash pool:
// large files in regions, small files in batches (pool-plan.ts). Content-defined
// files (format 1.1) are checked piece by piece at the offsets their layer records
// give, or, without a layer, cut again (the boundaries recomputed) and hashed.
import { BytefallError } from '../errors.js';
import type { HashProgress } from '../create/hash-tree.js';
import { scan, type ScanResult } from '../create/scan.js';
import { HASH_LEN, merkleRoot } from '../hash/merkle.js';
import type { HashPool } from '../hash/pool.js';
import { planJobs, regionCount, type Job } from '../hash/pool-plan.js';
import { runWindowed } from '../hash/pool-window.js';
import { CDC_RECORD_LEN, cdcRoot, recordLengths } from '../hash/cdc.js';
import { CHUNKING_CDC } from '../format/model.js';
import { planCdcJobs } from '../create/chunking.js';
import { planRecordJobs, type RecordJob } from './cdc-jobs.js';
import { badRanges, badRangesByLength, type EntryReport, type EntryStatus, type ExtraEntry, type FoundKind, type VerifyReport } from './report.js';
import { entryName, localPath } from '../storage/local-names.js';

export interface ExpectedEntry {
  path: string[];
  isDir: boolean;
  size: number;
  pieceSize: number;
  /** CHUNKING_CDC for content-defined pieces (format 1.1); fixed-size when absent or 0. */
  chunking?: number;
  /**
   * The file's layer from the piece layer file: piece hashes (32 bytes each) or,
   * for a content-defined file, records <length u32><hash 32>. Locates bad pieces exactly.
   */
  leaves?: Uint8Array;
  /**
   * Without a layer: the merkle root, or a test of a computed root (e.g.
   * `root => equal(entryHashFor(entry, root), entry.hash)`, since a Waterfall
   * stores only the entry hash that commits to the root).
   */
  root?: Uint8Array | ((root: Uint8Array) => boolean);
}

export interface VerifyOptions {
  pool: HashPool;
  onProgress?: (progress: HashProgress) => void;
}

/** One file whose content is checked on the pool. */
interface Check {
  at: number;
  e: ExpectedEntry;
  abs: string;
  size: number;
  pieceSize: number;
  cdc: boolean;
  actual: number;
  bad: number[];
  /** Root mode: the leaves (CDC: records) hashed from disk; undefined when the file could not be read far enough. */
  leaves?: Uint8Array;
  regionsLeft: number;
}

const key = (path: readonly string[]): string => path.join('\0');

export async function verifyTree(dir: string, expected: readonly ExpectedEntry[], options: VerifyOptions): Promise<VerifyReport> {
  const disk = asEntryNames(await scan(dir));
  const found = foundKinds(disk);
  const entries: EntryReport[] = [];
  const checks: Check[] = [];
  expected.forEach((e, at) => {
    const kind = found.get(key(e.path))?.kind;
    const base = { path: e.path, isDir: e.isDir };
    if (kind === undefined) entries.push({ ...base, status: 'missing' });
    else if (e.isDir) entries.push(kind === 'directory' ? { ...base, status: 'ok' } : { ...base, status: 'not-a-directory', found: kind });
    else if (kind !== 'file') entries.push({ ...base, status: 'not-a-file', found: kind });
    else {
      entries.push({ ...base, status: 'ok' });
      checks.push(check(dir, e, at, found.get(key(e.path))!.size));
    }
  });

  await runChecks(checks, options);
  for (const c of checks) entries[c.at] = { path: c.e.path, isDir: false, ...outcome(c) };
  return { ok: entries.every((r) => r.status === 'ok'), entries, extra: extras(disk, expected) };
}

/** The scan with each local name turned back into the entry name it stands for (Windows name mapping). */
function asEntryNames(disk: ScanResult): ScanResult {
  const names = (path: readonly string[]) => path.map((n) => entryName(n));
  return { ...disk, entries: disk.entries.map((e) => ({ ...e, path: names(e.path) })), warnings: disk.warnings.map((w) => ({ ...w, path: names(w.path) })) };
}

function foundKinds(disk: ScanResult): Map<string, { kind: FoundKind; size: number }> {
  const m = new Map<string, { kind: FoundKind; size: number }>();
  for (const e of disk.entries) m.set(key(e.path), { kind: e.isDir ? 'directory' : 'file', size: e.size });
  for (const w of disk.warnings) m.set(key(w.path), { kind: w.kind, size: 0 });
  return m;
}

function check(dir: string, e: ExpectedEntry, at: number, actual: number): Check {
  const cdc = e.chunking === CHUNKING_CDC;
  if (cdc) checkRecords(e);
  const n = Math.ceil(e.size / e.pieceSize);
  if (!cdc && e.leaves && e.leaves.length !== n * HASH_LEN) {
    throw new BytefallError('BAD_PIECE_LAYER', `${e.path.join('/')}: the layer has ${e.leaves.length / HASH_LEN} piece hashes, the file ${n} pieces`);
  }
  if (!e.leaves && !e.root) throw new BytefallError('BAD_ARGUMENT', `${e.path.join('/')}: neither piece hashes nor a root to check`);
  const c: Check = { at, e, abs: localPath(dir, e.path), size: e.size, pieceSize: e.pieceSize, cdc, actual, bad: [], regionsLeft: 0 };
  c.regionsLeft = cdc ? 1 : regionCount(c);
  // Root mode hashes the expected prefix; a shorter file cannot match.
  if (!e.leaves && actual >= e.size) c.leaves = new Uint8Array(cdc ? 0 : n * HASH_LEN);
  return c;
}

/** A CDC layer is whole records whose lengths add up to the size. */
function checkRecords(e: ExpectedEntry): void {
  if (!e.leaves) return;
  const sum = e.leaves.length % CDC_RECORD_LEN === 0 ? recordLengths(e.leaves).reduce((a, b) => a + b, 0) : -1;
  if (sum !== e.size) {
    throw new BytefallError('BAD_PIECE_LAYER', `${e.path.join('/')}: the layer's piece records do not cover the file's ${e.size} bytes`);
  }
}

/** Root mode and too short: nothing to hash. */
const skipped = (c: Check): boolean => !c.e.leaves && !c.leaves;

async function runChecks(all: Check[], { pool, onProgress }: VerifyOptions): Promise<void> {
  const checks = all.filter((c) => !skipped(c));
  const progress: HashProgress = { filesDone: 0, filesTotal: checks.length, bytesDone: 0, bytesTotal: 0 };
  for (const c of checks) progress.bytesTotal += c.size;
  onProgress?.({ ...progress });
  const layer = checks.filter((c) => c.e.leaves && !c.cdc);
  const rooted = checks.filter((c) => !c.e.leaves && !c.cdc);
  const count = (job: Job<Check>): void => {
    progress.bytesDone += job.kind === 'region' ? job.length : job.files.reduce((n, c) => n + c.size, 0);
    progress.filesDone += job.kind === 'region' ? (--job.file.regionsLeft === 0 ? 1 : 0) : job.files.length;
    onProgress?.({ ...progress });
  };
  const countRecords = (job: RecordJob<Check>): void => {
    for (const item of job.items) {
      progress.bytesDone += item.bytes;
      if (item.last) progress.filesDone++;
    }
    onProgress?.({ ...progress });
  };
  const cdcLayer = checks.filter((c) => c.e.leaves && c.cdc);
  await runWindowed(planRecordJobs(cdcLayer, (c) => c.e.leaves!), pool.maxInFlight, async (job) => {
    await verifyRecordJob(pool, job);
    countRecords(job);
  });
  await runWindowed(planJobs(layer), pool.maxInFlight, async (job) => {
    await verifyJob(pool, job);
    count(job);
  });
  await runWindowed(planCdcJobs(checks.filter((c) => !c.e.leaves && c.cdc)), pool.maxInFlight, async (job) => {
    const r = await pool.chunkFiles({ files: job.files.map((c) => ({ path: c.abs, size: c.size, pieceSize: c.pieceSize })) });
    let at = 0;
    job.files.forEach((c, i) => {
      const n = r.counts[i] * CDC_RECORD_LEN;
      c.leaves = r.hashed[i] ? r.records.slice(at, at + n) : undefined;
      at += n;
    });
    count({ kind: 'batch', files: job.files });
  });
  await runWindowed(planJobs(rooted), pool.maxInFlight, async (job) => {
    await hashJob(pool, job);
    count(job);
  });
}

async function verifyRecordJob(pool: HashPool, job: RecordJob<Check>): Promise<void> {
  const r = await pool.verifyRecords({
    items: job.items.map((item) => ({ path: item.file.abs, offset: item.offset, count: item.count })),
    records: job.records,
  });
  job.items.forEach((item, k) => {
    for (const i of r.bad[k]) item.file.bad.push(item.first + i);
  });
}

async function verifyJob(pool: HashPool, job: Job<Check>): Promise<void> {
  if (job.kind === 'region') {
    const c = job.file;
    const first = (job.offset / c.pieceSize) * HASH_LEN;
    const expected = c.e.leaves!.subarray(first, first + Math.ceil(job.length / c.pieceSize) * HASH_LEN);
    const r = await pool.verifyRegion({ path: c.abs, offset: job.offset, length: job.length, pieceSize: c.pieceSize, expected });
    for (const i of r.bad) c.bad.push(i);
    return;
  }
  const expected = new Uint8Array(job.files.reduce((n, c) => n + c.e.leaves!.length, 0));
  let at = 0;
  for (const c of job.files) {
    expected.set(c.e.leaves!, at);
    at += c.e.leaves!.length;
  }
  const files = job.files.map((c) => ({ path: c.abs, size: c.size, pieceSize: c.pieceSize }));
  const r = await pool.verifyFiles({ files, expected });
  job.files.forEach((c, i) => c.bad.push(...r.bad[i]));
}

async function hashJob(pool: HashPool, job: Job<Check>): Promise<void> {
  if (job.kind === 'region') {
    const c = job.file;
    const r = await pool.hashRegion({ path: c.abs, offset: job.offset, length: job.length, pieceSize: c.pieceSize });
    if (!r.hashed) c.leaves = undefined;
    else c.leaves?.set(r.leaves, (job.offset / c.pieceSize) * HASH_LEN);
    return;
  }
  const r = await pool.hashFiles({ files: job.files.map((c) => ({ path: c.abs, size: c.size, pieceSize: c.pieceSize })) });
  let at = 0;
  job.files.forEach((c, i) => {
    const n = Math.ceil(c.size / c.pieceSize) * HASH_LEN;
    if (!r.hashed[i]) c.leaves = undefined;
    else c.leaves?.set(r.leaves.subarray(at, at + n));
    at += n;
  });
}

function rootMatches(c: Check): boolean {
  if (!c.leaves) return false;
  const root = c.cdc ? cdcRoot(c.leaves) : merkleRoot(c.leaves);
  const want = c.e.root!;
  if (typeof want === 'function') return want(root);
  return want.length === root.length && want.every((b, i) => b === root[i]);
}

function outcome(c: Check): EntryStatus {
  const narrowed = c.e.leaves !== undefined;
  const ranges = () => (c.cdc ? badRangesByLength(c.bad, recordLengths(c.e.leaves!)) : badRanges(c.bad, c.pieceSize, c.size));
  const corrupt = narrowed ? ranges() : c.size === 0 || rootMatches(c) ? [] : [[0, c.size] as [number, number]];
  if (c.actual !== c.size) return { status: 'wrong-size', expectedSize: c.size, actualSize: c.actual, corrupt, narrowed };
  return corrupt.length > 0 ? { status: 'corrupt', corrupt, narrowed } : { status: 'ok' };
}

/** Disk entries the Waterfall does not name, topmost only; inside an expected file that is a directory, nothing. */
function extras(disk: ScanResult, expected: readonly ExpectedEntry[]): ExtraEntry[] {
  const known = new Map(expected.map((e) => [key(e.path), e]));
  const quiet = new Set<string>();
  // Entries come in canonical order (a directory before its contents); skipped
  // items are never directories, so their parents are already known.
  const all = [
    ...disk.entries.map((e) => ({ path: e.path, kind: (e.isDir ? 'directory' : 'file') as FoundKind })),
    ...disk.warnings.map((w) => ({ path: w.path, kind: w.kind as FoundKind })),
  ];
  const out: ExtraEntry[] = [];
  for (const item of all) {
    const k = key(item.path);
    const parent = key(item.path.slice(0, -1));
    const e = known.get(k);
    if (item.path.length > 1 && quiet.has(parent)) {
      quiet.add(k);
    } else if (!e) {
      out.push(item);
      quiet.add(k);
    } else if (!e.isDir) {
      quiet.add(k); // an expected file: whatever is inside it on disk is part of that one problem
    }
  }
  return out;
}
