// What a node already holds when it starts, beyond what its resume state vouches for: a
// file under its final name (a publisher seeding in place, a copy the user had, a file that
// changed while we were away) is hashed on the pool and taken whole when every piece
// matches; a download may also salvage the matching pieces of a partly matching copy; a
// working copy whose state was lost is re-checked. Without a piece layer a file can only be
// taken whole: its hashed root must give the entry hash (and then we know its leaves too).
// A content-defined file is checked against its records (pieces at the offsets they give),
// or, without a layer, cut again in one task (cut points depend on every byte before them).
import { stat } from 'node:fs/promises';
import { CDC_RECORD_LEN } from '../hash/cdc.js';
import { HASH_LEN } from '../hash/merkle.js';
import { verifyPiece } from '../hash/piece-hash.js';
import type { HashPool } from '../hash/pool.js';
import { regionBytes } from '../hash/pool-plan.js';
import { runWindowed } from '../hash/pool-window.js';
import type { Storage } from '../storage/storage.js';
import type { PieceHashes } from './piece-hashes.js';

export interface DataPaths {
  finalPath(file: number): string;
  partPath(file: number): string;
}

export interface CheckOptions {
  storage: Storage;
  hashes: PieceHashes;
  pool: HashPool;
  paths: DataPaths;
  /** Copy the matching pieces of a partly matching final copy into the working copy (downloads only). */
  salvage: boolean;
  /** The files to look at (default: every file that is not complete). */
  files?: readonly number[];
  /** Bytes hashed so far, of the total to hash. */
  onProgress?: (done: number, total: number) => void;
  /** Stop early (the node is shutting down). */
  stopped?: () => boolean;
}

export interface CheckResult {
  /** Files taken whole. */
  adopted: number[];
  /** Pieces recorded as verified one by one (salvaged or re-checked). */
  pieces: number;
  /** Files found on disk that do not (wholly) match: path and matching pieces of all. */
  mismatched: { file: number; good: number; pieces: number }[];
}

interface Target {
  file: number;
  path: string;
  /** 'final': a copy under the final name; 'part': a working copy whose record was lost. */
  kind: 'final' | 'part';
  size: number;
  pieceSize: number;
  /** Expected leaves, or undefined: hash and compare the root. */
  leaves?: Uint8Array;
  /** Content-defined pieces: the expected records, when known. */
  records?: Uint8Array;
  cdc: boolean;
  got: Uint8Array;
  bad: number[];
  regionsLeft: number;
  stamp: string;
}

async function stampOf(path: string): Promise<string | undefined> {
  try {
    const st = await stat(path, { bigint: true });
    return st.isFile() ? `${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.ino}` : undefined;
  } catch {
    return undefined;
  }
}

export async function checkExisting(o: CheckOptions): Promise<CheckResult> {
  const { storage, hashes, pool, paths } = o;
  const layout = storage.layout;
  const result: CheckResult = { adopted: [], pieces: 0, mismatched: [] };
  const targets: Target[] = [];
  const files = o.files ?? layout.files.map((_, i) => i);
  for (const file of files) {
    const f = layout.files[file];
    const status = storage.status(file);
    if (f.size === 0 || status.complete) continue;
    const leaves = hashes.fileLeaves(file);
    for (const kind of ['final', 'part'] as const) {
      if (kind === 'part' && (status.verified > 0 || !leaves)) continue;
      const path = kind === 'final' ? paths.finalPath(file) : paths.partPath(file);
      const st = await stampOf(path);
      if (!st || !st.startsWith(`${f.size}:`)) continue;
      const cdc = layout.isContentDefined(file);
      const t: Target = { file, path, kind, size: f.size, pieceSize: f.pieceSize, leaves, records: hashes.fileRecords(file), cdc, got: new Uint8Array(leaves || cdc ? 0 : layout.pieceCounts[file] * HASH_LEN), bad: [], regionsLeft: 0, stamp: st };
      for (const _ of regionsOf(t)) t.regionsLeft++;
      targets.push(t);
      break;
    }
  }
  const total = targets.reduce((n, t) => n + t.size, 0);
  let done = 0;
  o.onProgress?.(0, total);

  function* regionsOf(t: Target): Generator<{ t: Target; offset: number; length: number; first: number; count: number }> {
    if (t.cdc && !t.records) {
      yield { t, offset: 0, length: t.size, first: 0, count: layout.pieceCounts[t.file] }; // cut in one pass
      return;
    }
    const step = regionBytes(t.pieceSize);
    if (t.cdc) {
      const n = layout.pieceCounts[t.file];
      for (let first = 0; first < n; ) {
        const offset = layout.pieceOffset(t.file, first);
        let count = 0;
        let length = 0;
        while (first + count < n && (count === 0 || length + layout.pieceLength(t.file, first + count) <= step)) length += layout.pieceLength(t.file, first + count++);
        yield { t, offset, length, first, count };
        first += count;
      }
      return;
    }
    for (let offset = 0; offset < t.size; offset += step) {
      const length = Math.min(step, t.size - offset);
      yield { t, offset, length, first: offset / t.pieceSize, count: Math.ceil(length / t.pieceSize) };
    }
  }

  function* jobs() {
    for (const t of targets) yield* regionsOf(t);
  }
  await runWindowed(jobs(), pool.maxInFlight, async ({ t, offset, length, first, count }) => {
    if (o.stopped?.()) return;
    if (t.cdc && t.records) {
      const records = t.records.subarray(first * CDC_RECORD_LEN, (first + count) * CDC_RECORD_LEN);
      const r = await pool.verifyRecords({ items: [{ path: t.path, offset, count }], records });
      t.bad.push(...r.bad[0].map((i) => first + i));
    } else if (t.cdc) {
      const r = await pool.chunkFiles({ files: [{ path: t.path, size: t.size, pieceSize: t.pieceSize, fileSize: t.size }] });
      if (!r.hashed[0]) t.bad.push(-1);
      else t.got = r.records;
    } else if (t.leaves) {
      const expected = t.leaves.subarray(first * HASH_LEN, (first + count) * HASH_LEN);
      const r = await pool.verifyRegion({ path: t.path, offset, length, pieceSize: t.pieceSize, expected });
      t.bad.push(...r.bad);
    } else {
      const r = await pool.hashRegion({ path: t.path, offset, length, pieceSize: t.pieceSize, fileSize: t.size });
      if (!r.hashed) t.bad.push(-1);
      else t.got.set(r.leaves, first * HASH_LEN);
    }
    done += length;
    o.onProgress?.(done, total);
    if (--t.regionsLeft === 0) await settle(t);
  });
  return result;

  async function settle(t: Target): Promise<void> {
    if (o.stopped?.()) return;
    const pieces = layout.pieceCounts[t.file];
    if ((await stampOf(t.path)) !== t.stamp) {
      result.mismatched.push({ file: t.file, good: 0, pieces }); // changed while we hashed it: trust nothing
      return;
    }
    if (!t.leaves) {
      if (t.bad.length === 0 && hashes.trySetFile(t.file, t.got)) {
        await storage.adoptFinal(t.file);
        result.adopted.push(t.file);
      } else result.mismatched.push({ file: t.file, good: 0, pieces });
      return;
    }
    if (t.kind === 'final' && t.bad.length === 0) {
      await storage.adoptFinal(t.file);
      result.adopted.push(t.file);
      return;
    }
    const bad = new Set(t.bad);
    if (t.kind === 'final') result.mismatched.push({ file: t.file, good: pieces - bad.size, pieces });
    if (t.kind === 'final' && !o.salvage) return;
    for (let p = 0; p < pieces; p++) {
      if (bad.has(p) || storage.isVerified(t.file, p) || o.stopped?.()) continue;
      if (t.kind === 'part') await storage.markVerified(t.file, p);
      else {
        const data = await storage.readFinal(t.file, layout.pieceOffset(t.file, p), layout.pieceLength(t.file, p));
        if (!verifyPiece(data, t.leaves.subarray(p * HASH_LEN, (p + 1) * HASH_LEN))) continue; // changed since hashed
        await storage.writePiece(t.file, p, data);
      }
      result.pieces++;
    }
  }
}
