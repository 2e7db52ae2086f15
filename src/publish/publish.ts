// publishNext: the next version of a Waterfall from a directory (docs/UPDATES.md,
// "Publishing"): same key, name and salt (so the same swarm), sequence + 1. Only
// files whose lstat values differ from the publish index are hashed again; the
// others keep their piece layer, content root and file version (without an index,
// every file is hashed). A file keeps its chunking and piece size across versions,
// so its pieces line up with the old ones. indexRecordsFor lets `create` write an index too.
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { BytefallError } from '../errors.js';
import { buildWaterfall } from '../format/build.js';
import { encodeLayers } from '../format/layers.js';
import { equalBytes } from '../format/bytes.js';
import { CHUNKING_CDC, type EntryInput, type Entry, type PeerRecord, type Waterfall } from '../format/model.js';
import { publicKeyOf } from '../keys/ed25519.js';
import { cdcRoot } from '../hash/cdc.js';
import { EMPTY_ROOT, merkleRoot } from '../hash/merkle.js';
import type { HashPool } from '../hash/pool.js';
import { scan, type ScanEntry } from '../create/scan.js';
import { hashTree, type HashProgress } from '../create/hash-tree.js';
import { chunkingFor, defaultCdcPieceSize, type ChunkingMode, type FileChunking } from '../create/chunking.js';
import { defaultPieceSize } from '../create/piece-size.js';
import { encodeIndex, type IndexRecord, type PublishIndex } from './index-file.js';

export interface PreviousVersion {
  waterfall: Waterfall;
  /** Its decoded piece layer (decodeLayers), when at hand: without it every file is hashed. */
  layers?: readonly Uint8Array[];
  /** Its publish index, when at hand and written for this version. */
  index?: PublishIndex;
}

export interface PublishOptions {
  pool: HashPool;
  /** The publisher's seed; its public key must be the previous version's. */
  seed: Uint8Array;
  /** Hash every file, trusting nothing from the index. */
  rehash?: boolean;
  /** Chunking for every file (then files do not keep their previous one); default: kept, `auto` for new files. */
  chunking?: ChunkingMode;
  /** With `chunking`: one piece size (the average for CDC) for every file. */
  pieceSize?: number;
  /** Default: the previous sequence + 1. */
  sequence?: number;
  /** The footer's peer records (unsigned hints); default: the previous version's. */
  peers?: readonly PeerRecord[];
  publishTime?: number;
  onProgress?: (p: HashProgress) => void;
}

export interface PublishStats {
  files: number;
  directories: number;
  /** Files taken from the previous version without reading them. */
  reused: number;
  /** Files read again whose content turned out the same (touched). */
  same: number;
  /** Files whose content changed (their file version went up). */
  changed: number;
  added: number;
  removed: number;
  /** Bytes read and hashed. */
  bytesHashed: number;
  /** How unchanged files were recognised: by the publish index, or not at all (every file hashed). */
  quickCheck: 'index' | 'none';
}

export interface Published {
  bytes: Uint8Array;
  waterfall: Waterfall;
  /** The piece layer file of the new version. */
  layers: Uint8Array;
  /** The publish index of the new version. */
  index: Uint8Array;
  stats: PublishStats;
}

interface Previous {
  entry: Entry;
  layer?: Uint8Array;
  root?: Uint8Array;
}

const key = (path: readonly string[]): string => path.join('/');
const STAT_CONCURRENCY = 64;

export async function publishNext(dir: string, prev: PreviousVersion, opts: PublishOptions): Promise<Published> {
  const w = prev.waterfall;
  if (!equalBytes(publicKeyOf(opts.seed), w.publicKey)) {
    throw new BytefallError('BAD_KEY', 'the key does not match the previous version: only its publisher can publish the next one');
  }
  const sequence = opts.sequence ?? w.sequence + 1;
  if (!Number.isSafeInteger(sequence) || sequence <= w.sequence) {
    throw new BytefallError('BAD_ARGUMENT', `the sequence must be greater than the previous version's ${w.sequence}, got ${sequence}`);
  }
  const before = previousFiles(prev);
  const indexed = new Map((prev.index?.records ?? []).map((r) => [key(r.path), r]));
  // Without an index every file is hashed: size and mtime alone miss changes by tools that keep
  // mtimes (tar, npm, rsync -a), and a wrong "unchanged" would publish hashes of old content.
  const quickCheck: PublishStats['quickCheck'] = opts.rehash || !prev.layers || !prev.index ? 'none' : 'index';

  const scanned = (await scan(dir)).entries;
  const files = scanned.filter((e) => !e.isDir);
  const stats = await statAll(dir, files);
  const params = (e: ScanEntry): FileChunking => paramsFor(e, before.get(key(e.path))?.entry, opts);

  // Which files can be taken as they were.
  const reuse = new Map<string, Previous>();
  if (quickCheck !== 'none') {
    files.forEach((e, i) => {
      const p = before.get(key(e.path));
      if (!p?.layer || !sameParams(p.entry, params(e))) return;
      const r = indexed.get(key(e.path));
      if (r !== undefined && sameStat(r, stats[i]) && equalBytes(r.root, rootOf(p))) reuse.set(key(e.path), p);
    });
  }

  const toHash = files.filter((e) => !reuse.has(key(e.path)));
  const hashed = await hashTree(dir, toHash, { pool: opts.pool, chunkingOf: params, onProgress: opts.onProgress });
  const fresh = new Map(toHash.map((e, i) => [key(e.path), { input: hashed.entries[i], layer: hashed.perFileLeaves[i] }]));

  const counts = { reused: 0, same: 0, changed: 0, added: 0 };
  const layerOf = new Map<string, Uint8Array>();
  // A directory that was already there keeps the times it had: adding or renaming a file in it
  // changes its mtime, and through its entry hash the parent hash of every entry under it, so
  // each publish would rewrite (and a Waterfall delta would carry) all of them for nothing.
  const dirsBefore = new Map(prev.waterfall.entries.filter((e) => e.isDir).map((e) => [key(e.path), e]));
  const entries: EntryInput[] = scanned.map((e) => {
    if (e.isDir) {
      const was = dirsBefore.get(key(e.path));
      return was ? { ...dirInput(e), created: was.created, changed: was.changed } : dirInput(e);
    }
    const k = key(e.path);
    const p = before.get(k);
    const kept = reuse.get(k);
    if (kept) {
      counts.reused++;
      layerOf.set(k, kept.layer!);
      return { ...fileInput(e, kept.entry, rootOf(kept)), fileVersion: kept.entry.fileVersion };
    }
    const { input, layer } = fresh.get(k)!;
    layerOf.set(k, layer);
    if (!p) {
      counts.added++;
      return input;
    }
    const same = p.layer && sameParams(p.entry, input) ? equalBytes(rootOf(p), input.root) : false;
    if (same) counts.same++;
    else counts.changed++;
    return { ...input, fileVersion: same ? p.entry.fileVersion : p.entry.fileVersion + 1 };
  });

  const built = buildWaterfall({
    name: w.name,
    salt: w.salt,
    sequence,
    publishTime: opts.publishTime ?? Date.now(),
    seed: opts.seed,
    entries,
    peers: [...(opts.peers ?? w.peers)],
  });
  const newFiles = built.waterfall.entries.filter((e) => !e.isDir);
  const layers = encodeLayers(built.waterfall, newFiles.map((e) => layerOf.get(key(e.path))!));
  const statOf = new Map(files.map((e, i) => [key(e.path), stats[i]]));
  const rootByPath = new Map(entries.filter((e) => !e.isDir).map((e) => [key(e.path), e.root]));
  const index = encodeIndex({
    waterfallId: built.waterfall.waterfallId,
    records: newFiles.map((e) => ({ path: e.path, ...statOf.get(key(e.path))!, root: rootByPath.get(key(e.path))! })),
  });
  const present = new Set(files.map((e) => key(e.path)));
  return {
    ...built,
    layers,
    index,
    stats: {
      files: files.length,
      directories: scanned.length - files.length,
      ...counts,
      removed: [...before.keys()].filter((k) => !present.has(k)).length,
      bytesHashed: hashed.bytesHashed,
      quickCheck,
    },
  };
}

/** The previous version's files by path, with their layers when known. */
function previousFiles(prev: PreviousVersion): Map<string, Previous> {
  const out = new Map<string, Previous>();
  let i = 0;
  for (const entry of prev.waterfall.entries) {
    if (entry.isDir) continue;
    out.set(key(entry.path), { entry, layer: prev.layers?.[i] });
    i++;
  }
  return out;
}

function rootOf(p: Previous): Uint8Array {
  p.root ??= p.entry.chunking === CHUNKING_CDC ? cdcRoot(p.layer!) : merkleRoot(p.layer!);
  return p.root;
}

/**
 * A file keeps its previous chunking and piece size, so that its pieces line up
 * with the old ones, unless its size moved so far that the default piece size for
 * it moved more than 8 times (then it gets that default); a new file gets `auto`.
 * An explicit --chunking applies to every file.
 */
function paramsFor(e: ScanEntry, prev: Entry | undefined, opts: PublishOptions): FileChunking {
  if (opts.chunking !== undefined) return chunkingFor(e.size, opts.chunking, opts.pieceSize);
  if (!prev) return chunkingFor(e.size, 'auto');
  const def = prev.chunking === CHUNKING_CDC ? defaultCdcPieceSize : defaultPieceSize;
  const moved = Math.max(def(e.size) / def(prev.size), def(prev.size) / def(e.size));
  return { chunking: prev.chunking, pieceSize: moved <= 8 ? prev.pieceSize : def(e.size) };
}

function sameParams(a: { chunking?: number; pieceSize: number }, b: { chunking?: number; pieceSize: number }): boolean {
  return (a.chunking ?? 0) === (b.chunking ?? 0) && a.pieceSize === b.pieceSize;
}

export type Stat = Omit<IndexRecord, 'path' | 'root'>;

function sameStat(a: Stat, b: Stat): boolean {
  return a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs && a.ino === b.ino && a.dev === b.dev;
}

/**
 * The publish index of a version just created from `dir` (for `create`): `files`
 * are its scanned files, `roots` their content roots. Call statAll before hashing.
 */
export function indexFor(waterfallId: Uint8Array, files: readonly ScanEntry[], stats: readonly Stat[], roots: readonly Uint8Array[]): Uint8Array {
  return encodeIndex({ waterfallId, records: files.map((e, i) => ({ path: e.path, ...stats[i], root: roots[i] })) });
}

/** Exact (nanosecond, 64-bit) lstat values of each file; take them before hashing. */
export async function statAll(dir: string, files: readonly ScanEntry[]): Promise<Stat[]> {
  const out: Stat[] = new Array(files.length);
  for (let i = 0; i < files.length; i += STAT_CONCURRENCY) {
    await Promise.all(
      files.slice(i, i + STAT_CONCURRENCY).map(async (e, j) => {
        const abs = join(dir, ...(e.local ?? e.path));
        try {
          const st = await lstat(abs, { bigint: true });
          out[i + j] = { size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs, ino: st.ino, dev: st.dev };
        } catch (err) {
          throw BytefallError.fromSystem(err, abs, 'lstat');
        }
      }),
    );
  }
  return out;
}

function dirInput(e: ScanEntry): EntryInput {
  return { path: e.path, isDir: true, size: 0, created: e.birthtimeMs, changed: e.mtimeMs, pieceSize: 0, fileVersion: 1, permissions: e.mode, root: EMPTY_ROOT };
}

function fileInput(e: ScanEntry, params: Pick<Entry, 'chunking' | 'pieceSize' | 'pieceCount'>, root: Uint8Array): EntryInput {
  const input: EntryInput = {
    path: e.path, isDir: false, size: e.size, created: e.birthtimeMs, changed: e.mtimeMs, pieceSize: params.pieceSize, fileVersion: 1, permissions: e.mode, root,
  };
  if (params.chunking === CHUNKING_CDC) Object.assign(input, { chunking: CHUNKING_CDC, pieceCount: params.pieceCount });
  return input;
}
