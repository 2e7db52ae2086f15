// The jobs a hashing worker runs, as plain synchronous functions: a worker opens
// the file itself and hashes straight into WASM memory (hashFileRegion), so piece
// data never crosses threads; only leaf hashes come back, in fresh buffers that
// the pool transfers. worker.ts wraps these; tests may call them directly.
import { closeSync, fstatSync, openSync, type Stats } from 'node:fs';
import { BytefallError } from '../errors.js';
import { HASH_LEN, hashPieces } from './merkle.js';
import { hashFileRegion } from './piece-hash.js';
import { CDC_RECORD_LEN, chunkFile, hashRuns, recordLengths } from './cdc.js';

/** What identifies one state of a file's content: compared before and after hashing. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

export function stampOf(st: Stats): FileStamp {
  return { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino };
}

export function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino;
}

/** Hash the pieces of [offset, offset+length) of one file; offset is a multiple of pieceSize. */
export interface HashRegionTask {
  path: string;
  offset: number;
  length: number;
  pieceSize: number;
  /** When set, a file whose size differs is not read (hashed: false): it changed since the scan. */
  fileSize?: number;
}

export interface HashRegionResult {
  /** ceil(length / pieceSize) leaves of 32 bytes; empty when not hashed. */
  leaves: Uint8Array;
  /** fstat after reading. */
  stamp: FileStamp;
  /** False when the file did not have the expected size or was shorter than the region. */
  hashed: boolean;
}

/** A batch of small files: the pieces of [0, size) of each. */
export interface HashFilesTask {
  /** `fileSize` as in HashRegionTask: when set, a file of another size is not read. */
  files: { path: string; size: number; pieceSize: number; fileSize?: number }[];
}

export interface HashFilesResult {
  /** Every file's leaves, one after the other, counted by the sizes in the task (zeros where not hashed). */
  leaves: Uint8Array;
  stamps: FileStamp[];
  /** As in HashRegionResult, per file. */
  hashed: boolean[];
}

/** Check the pieces of [offset, offset+length) against `expected` (their leaves). */
export interface VerifyRegionTask {
  path: string;
  offset: number;
  length: number;
  pieceSize: number;
  expected: Uint8Array;
}

export interface VerifyRegionResult {
  /** Indices (in the whole file) of pieces that differ or that the file does not fully contain. */
  bad: Uint32Array;
  /** The file's size on disk. */
  size: number;
}

/** A batch of whole small files to check; `expected` holds their leaves one after the other. */
export interface VerifyFilesTask {
  files: { path: string; size: number; pieceSize: number }[];
  expected: Uint8Array;
}

export interface VerifyFilesResult {
  /** Bad piece indices of each file. */
  bad: number[][];
  sizes: number[];
}

/**
 * Content-defined pieces (format 1.1): cut each whole file into pieces of average
 * `pieceSize` and hash them in one pass. A large file is one task (the cuts of a
 * stream depend on what came before); small ones go in batches.
 */
export interface ChunkFilesTask {
  /** `fileSize` as in HashRegionTask: when set, a file of another size is not read. */
  files: { path: string; size: number; pieceSize: number; fileSize?: number }[];
}

export interface ChunkFilesResult {
  /** Every file's layer records (36 bytes per piece), one file after the other. */
  records: Uint8Array;
  /** Pieces of each file (0 where not hashed). */
  counts: number[];
  stamps: FileStamp[];
  hashed: boolean[];
}

/**
 * Check content-defined pieces against their layer records: item k covers
 * `count` consecutive pieces of `path` from byte `offset`, their records being the
 * next `count` of `records`.
 */
export interface VerifyRecordsTask {
  items: { path: string; offset: number; count: number }[];
  records: Uint8Array;
}

export interface VerifyRecordsResult {
  /** Per item: indices (from the item's first piece) of pieces that differ or that the file does not fully hold. */
  bad: number[][];
  /** Per item: the file's size on disk. */
  sizes: number[];
}

export interface HashBufferTask {
  data: Uint8Array;
  pieceSize: number;
}

/** A result plus the buffers to transfer (not copy) back to the caller. */
export interface Moved<T> {
  value: T;
  transfer: ArrayBuffer[];
}

export function pieceCountOf(size: number, pieceSize: number): number {
  return Math.ceil(size / pieceSize);
}

/**
 * `bytes` itself when it owns exactly its buffer, else a copy: a view of WASM
 * memory (or of any larger buffer) must never be transferred away.
 */
function owned(bytes: Uint8Array): Uint8Array {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return whole && bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice();
}

/** openSync(path, 'r'), its failure as a BytefallError naming the path. */
function openForReading(path: string): number {
  try {
    return openSync(path, 'r');
  } catch (err) {
    throw BytefallError.fromSystem(err, path, 'open');
  }
}

function withFile<T>(path: string, fn: (fd: number, st: Stats) => T): T {
  const fd = openForReading(path);
  try {
    const st = fstat(fd, path);
    if (!st.isFile()) throw new BytefallError('UNSUPPORTED_FILE', `not a regular file: ${path}`, { file: path, op: 'open' });
    return fn(fd, st);
  } finally {
    closeSync(fd);
  }
}

function fstat(fd: number, path: string): Stats {
  try {
    return fstatSync(fd);
  } catch (err) {
    throw BytefallError.fromSystem(err, path, 'stat');
  }
}

/** Leaves of [offset, offset+length), or undefined when the file turned out shorter (a short read). */
function readLeaves(fd: number, path: string, offset: number, length: number, pieceSize: number): Uint8Array | undefined {
  if (length === 0) return new Uint8Array(0);
  try {
    return hashFileRegion(fd, offset, length, pieceSize);
  } catch (err) {
    if (fstat(fd, path).size < offset + length) return undefined;
    throw named(err, fd, path);
  }
}

/** hashFileRegion only knows the descriptor: name the file instead. */
function named(err: unknown, fd: number, path: string): unknown {
  if (err instanceof BytefallError) {
    return new BytefallError(err.code, err.message.replace(`fd ${fd}`, path), { file: path, op: err.op, cause: err });
  }
  return err;
}

/** Whether a file of `size` bytes on disk is to be read for [offset, offset+length). */
function readable(size: number, offset: number, length: number, fileSize: number | undefined): boolean {
  return (fileSize === undefined || size === fileSize) && size >= offset + length;
}

export function hashRegion(t: HashRegionTask): Moved<HashRegionResult> {
  return withFile(t.path, (fd, st) => {
    const leaves = readable(st.size, t.offset, t.length, t.fileSize) ? readLeaves(fd, t.path, t.offset, t.length, t.pieceSize) : undefined;
    const out = leaves ? owned(leaves) : new Uint8Array(0);
    return { value: { leaves: out, stamp: stampOf(fstat(fd, t.path)), hashed: leaves !== undefined }, transfer: [out.buffer as ArrayBuffer] };
  });
}

export function hashFiles(t: HashFilesTask): Moved<HashFilesResult> {
  let total = 0;
  for (const f of t.files) total += pieceCountOf(f.size, f.pieceSize) * HASH_LEN;
  const leaves = new Uint8Array(total);
  const stamps: FileStamp[] = [];
  const hashed: boolean[] = [];
  let at = 0;
  for (const f of t.files) {
    const n = pieceCountOf(f.size, f.pieceSize) * HASH_LEN;
    const { got, stamp } = hashSmallFile(f.path, f.size, f.pieceSize, f.fileSize);
    if (got) leaves.set(got, at);
    stamps.push(stamp);
    hashed.push(got !== undefined);
    at += n;
  }
  return { value: { leaves, stamps, hashed }, transfer: [leaves.buffer] };
}

/**
 * The leaves of [0, size) of a small file, read first and fstat'ed once, after the
 * read (the stamp the caller compares with the scan's; a large file takes hashRegion,
 * which checks the size before reading). Undefined when the file does not have the
 * size expected (`fileSize`) or ended early.
 */
function hashSmallFile(path: string, size: number, pieceSize: number, fileSize: number | undefined): { got?: Uint8Array; stamp: FileStamp } {
  const fd = openForReading(path);
  try {
    let got: Uint8Array | undefined;
    let failure: unknown;
    try {
      got = size === 0 ? new Uint8Array(0) : hashFileRegion(fd, 0, size, pieceSize);
    } catch (err) {
      failure = err;
    }
    const st = fstat(fd, path);
    if (!st.isFile()) throw new BytefallError('UNSUPPORTED_FILE', `not a regular file: ${path}`, { file: path, op: 'open' });
    const stamp = stampOf(st);
    if (!readable(st.size, 0, size, fileSize)) return { stamp };
    if (failure !== undefined) {
      if (failure instanceof BytefallError && failure.code === 'FILE_CHANGED') return { stamp };
      throw named(failure, fd, path);
    }
    return { got, stamp };
  } finally {
    closeSync(fd);
  }
}

/**
 * Pieces of the region that the file holds completely are hashed and compared;
 * the ones it does not (it is shorter, or shrank while being read) are bad.
 */
function badPieces(fd: number, path: string, size: number, offset: number, length: number, pieceSize: number, expected: Uint8Array): number[] {
  const first = offset / pieceSize;
  const count = pieceCountOf(length, pieceSize);
  if (expected.length !== count * HASH_LEN) {
    throw new BytefallError('BAD_ARGUMENT', `expected ${count} piece hashes for ${path}, got ${expected.length / HASH_LEN}`);
  }
  const available = Math.min(Math.max(size - offset, 0), length);
  const whole = available === length ? count : Math.floor(available / pieceSize);
  const got = whole > 0 ? readLeaves(fd, path, offset, Math.min(whole * pieceSize, length), pieceSize) : new Uint8Array(0);
  const bad: number[] = [];
  for (let i = 0; i < count; i++) {
    if (!got || i >= whole || !equalAt(got, expected, i * HASH_LEN)) bad.push(first + i);
  }
  return bad;
}

function equalAt(a: Uint8Array, b: Uint8Array, at: number): boolean {
  for (let j = at; j < at + HASH_LEN; j++) if (a[j] !== b[j]) return false;
  return true;
}

export function verifyRegion(t: VerifyRegionTask): Moved<VerifyRegionResult> {
  return withFile(t.path, (fd, st) => {
    const bad = Uint32Array.from(badPieces(fd, t.path, st.size, t.offset, t.length, t.pieceSize, t.expected));
    return { value: { bad, size: st.size }, transfer: [bad.buffer] };
  });
}

export function verifyFiles(t: VerifyFilesTask): Moved<VerifyFilesResult> {
  const bad: number[][] = [];
  const sizes: number[] = [];
  let at = 0;
  for (const f of t.files) {
    const n = pieceCountOf(f.size, f.pieceSize) * HASH_LEN;
    const expected = t.expected.subarray(at, at + n);
    at += n;
    withFile(f.path, (fd, st) => {
      bad.push(badPieces(fd, f.path, st.size, 0, f.size, f.pieceSize, expected));
      sizes.push(st.size);
    });
  }
  return { value: { bad, sizes }, transfer: [] };
}

export function hashBuffer(t: HashBufferTask): Moved<Uint8Array> {
  const leaves = owned(hashPieces(t.data, t.pieceSize));
  return { value: leaves, transfer: [leaves.buffer as ArrayBuffer] };
}

export function chunkFiles(t: ChunkFilesTask): Moved<ChunkFilesResult> {
  const parts: Uint8Array[] = [];
  const counts: number[] = [];
  const stamps: FileStamp[] = [];
  const hashed: boolean[] = [];
  for (const f of t.files) {
    withFile(f.path, (fd, st) => {
      let records: Uint8Array | undefined;
      if (readable(st.size, 0, f.size, f.fileSize)) {
        try {
          records = chunkFile(fd, f.size, f.pieceSize, f.path);
        } catch (err) {
          if (!(err instanceof BytefallError && err.code === 'FILE_CHANGED')) throw err;
        }
      }
      parts.push(records ?? new Uint8Array(0));
      counts.push(records ? records.length / CDC_RECORD_LEN : 0);
      stamps.push(stampOf(fstat(fd, f.path)));
      hashed.push(records !== undefined);
    });
  }
  const records = parts.length === 1 ? owned(parts[0]) : joined(parts);
  return { value: { records, counts, stamps, hashed }, transfer: [records.buffer as ArrayBuffer] };
}

export function verifyRecords(t: VerifyRecordsTask): Moved<VerifyRecordsResult> {
  const bad: number[][] = [];
  const sizes: number[] = [];
  let at = 0;
  for (const item of t.items) {
    const records = t.records.subarray(at * CDC_RECORD_LEN, (at + item.count) * CDC_RECORD_LEN);
    at += item.count;
    withFile(item.path, (fd, st) => {
      const lengths = recordLengths(records);
      // The pieces the file holds completely are hashed; the rest are bad.
      let whole = 0;
      for (let end = item.offset; whole < lengths.length && end + lengths[whole] <= st.size; whole++) end += lengths[whole];
      let got: Uint8Array | undefined;
      try {
        got = hashRuns(fd, item.offset, lengths.subarray(0, whole), item.path);
      } catch (err) {
        if (!(err instanceof BytefallError && err.code === 'FILE_CHANGED')) throw err;
      }
      const out: number[] = [];
      for (let i = 0; i < lengths.length; i++) {
        if (!got || i >= whole || !equalRange(got, i * HASH_LEN, records, i * CDC_RECORD_LEN + 4)) out.push(i);
      }
      bad.push(out);
      sizes.push(st.size);
    });
  }
  return { value: { bad, sizes }, transfer: [] };
}

function equalRange(a: Uint8Array, aAt: number, b: Uint8Array, bAt: number): boolean {
  for (let j = 0; j < HASH_LEN; j++) if (a[aAt + j] !== b[bAt + j]) return false;
  return true;
}

function joined(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
