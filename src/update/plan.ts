// The update plan (docs/UPDATES.md, "The update plan"): what a node holding one
// version must do to hold the next, compared by content. Pure: two versions and
// their piece layers in, a plan out; nothing is read or written.
// - a file whose content (root, chunking and piece size) is unchanged is kept;
// - a new file whose content an old file has is moved (the old path is gone) or copied;
// - every piece of the other new files that some old file holds (same leaf hash and
//   length, anywhere in the old version) is copied locally; the rest is fetched,
//   each distinct piece once;
// - old files and directories the new version does not have are removed.
import { BytefallError } from '../errors.js';
import { equalBytes } from '../format/bytes.js';
import { layerRecordLen, pieceCountOf } from '../format/layers.js';
import { CHUNKING_CDC, type Entry, type Waterfall } from '../format/model.js';
import { cdcRoot } from '../hash/cdc.js';
import { merkleRoot } from '../hash/merkle.js';
import { pieceKey, piecesOf } from './pieces.js';

export interface Version {
  waterfall: Waterfall;
  /** Each file entry's layer, in file-entry order (decodeLayers). */
  layers: readonly Uint8Array[];
}

export interface PlanOptions {
  /** Whether the node holds this file of the old version intact (default: all). Others are no source. */
  holds?: (path: readonly string[]) => boolean;
  /** Old files not held whole that still have some verified pieces (a download under way): sources of pieces only. */
  partial?: (path: readonly string[]) => boolean;
}

export interface Place {
  path: string[];
  offset: number;
}

export interface FileMove {
  from: string[];
  to: string[];
  size: number;
}

export interface FileChange {
  path: string[];
  size: number;
  pieces: number;
  /** Bytes of the file copied from old pieces, or from pieces fetched for another place. */
  reused: number;
  /** Bytes of the file fetched (its share of the distinct pieces fetched). */
  fetch: number;
}

export interface PieceCopy {
  hash: Uint8Array;
  length: number;
  from: Place;
  to: Place[];
}

export interface PieceFetch {
  hash: Uint8Array;
  length: number;
  /** The piece's global index in the new version (wire REQUEST kind 0); kind 1 names it by hash and length. */
  piece: number;
  to: Place[];
}

export interface PlanBytes {
  /** Bytes of all files of the new version. */
  total: number;
  kept: number;
  /** Whole files moved or copied locally. */
  moved: number;
  copied: number;
  /** Bytes placed from old pieces. */
  pieces: number;
  /** Distinct bytes to fetch. */
  fetch: number;
  /** Bytes placed from a fetched piece at a second place. */
  duplicate: number;
  /** total - fetch. */
  reused: number;
  /** Piece-layer bytes of the changed and added files (their hashes or records: HASHES on the wire). */
  layer: number;
}

export interface UpdatePlan {
  from: { sequence: number; waterfallId: Uint8Array };
  to: { sequence: number; waterfallId: Uint8Array };
  kept: string[][];
  moved: FileMove[];
  copied: FileMove[];
  changed: FileChange[];
  added: FileChange[];
  removed: string[][];
  removedDirs: string[][];
  addedDirs: string[][];
  copies: PieceCopy[];
  fetches: PieceFetch[];
  bytes: PlanBytes;
}

interface FileOf {
  entry: Entry;
  layer: Uint8Array;
  /** Global index of the file's first piece. */
  firstPiece: number;
  root?: Uint8Array;
}

const pathKey = (path: readonly string[]): string => path.join('/');

export function planUpdate(old: Version, next: Version, opts: PlanOptions = {}): UpdatePlan {
  const a = old.waterfall;
  const b = next.waterfall;
  if (!equalBytes(a.swarmId, b.swarmId)) throw new BytefallError('BAD_ARGUMENT', 'the two Waterfalls are not versions of one swarm (their swarm ids differ)');
  if (b.sequence <= a.sequence) throw new BytefallError('BAD_ARGUMENT', `version ${b.sequence} is not newer than version ${a.sequence}`);
  const holds = opts.holds ?? (() => true);
  const allOld = filesOf(old);
  const oldFiles = allOld.filter((f) => holds(f.entry.path));
  const pieceFiles = opts.partial ? allOld.filter((f) => holds(f.entry.path) || opts.partial!(f.entry.path)) : oldFiles;
  const newFiles = filesOf(next);
  const oldByPath = new Map(oldFiles.map((f) => [pathKey(f.entry.path), f]));
  const newPaths = new Set(newFiles.map((f) => pathKey(f.entry.path)));
  const oldPaths = new Set(a.entries.filter((e) => !e.isDir).map((e) => pathKey(e.path)));
  const byContent = new Map<string, FileOf[]>();
  for (const f of oldFiles) {
    const k = contentKey(f);
    byContent.set(k, [...(byContent.get(k) ?? []), f]);
  }

  const plan: UpdatePlan = {
    from: { sequence: a.sequence, waterfallId: a.waterfallId },
    to: { sequence: b.sequence, waterfallId: b.waterfallId },
    kept: [], moved: [], copied: [], changed: [], added: [], removed: [], copies: [], fetches: [],
    removedDirs: dirsOnlyIn(a, b), addedDirs: dirsOnlyIn(b, a),
    bytes: { total: 0, kept: 0, moved: 0, copied: 0, pieces: 0, fetch: 0, duplicate: 0, reused: 0, layer: 0 },
  };
  const bytes = plan.bytes;
  const movedFrom = new Set<string>();
  const rest: FileOf[] = [];
  for (const f of newFiles) {
    const { path, size } = f.entry;
    bytes.total += size;
    const same = oldByPath.get(pathKey(path));
    if (same && contentKey(same) === contentKey(f)) {
      plan.kept.push(path);
      bytes.kept += size;
      continue;
    }
    const source = size > 0 ? byContent.get(contentKey(f))?.[0] : undefined;
    if (source) {
      const from = pathKey(source.entry.path);
      const move = !newPaths.has(from) && !movedFrom.has(from);
      if (move) movedFrom.add(from);
      (move ? plan.moved : plan.copied).push({ from: source.entry.path, to: path, size });
      if (move) bytes.moved += size;
      else bytes.copied += size;
      continue;
    }
    rest.push(f);
  }

  // Pieces of the remaining files: copied from any old file that has them, else fetched once.
  const oldPieces = new Map<string, Place>();
  for (const f of pieceFiles) {
    for (const p of piecesOf(f.entry, f.layer)) {
      const k = pieceKey(p);
      if (!oldPieces.has(k)) oldPieces.set(k, { path: f.entry.path, offset: p.offset });
    }
  }
  const copies = new Map<string, PieceCopy>();
  const fetches = new Map<string, PieceFetch>();
  for (const f of rest) {
    const { path, size } = f.entry;
    const change: FileChange = { path, size, pieces: 0, reused: 0, fetch: 0 };
    for (const p of piecesOf(f.entry, f.layer)) {
      change.pieces++;
      const k = pieceKey(p);
      const to: Place = { path, offset: p.offset };
      const from = oldPieces.get(k);
      if (from) {
        const c = copies.get(k) ?? { hash: p.hash, length: p.length, from, to: [] };
        if (c.to.length === 0) copies.set(k, c);
        c.to.push(to);
        change.reused += p.length;
        bytes.pieces += p.length;
        continue;
      }
      const got = fetches.get(k);
      if (got) {
        got.to.push(to);
        change.reused += p.length;
        bytes.duplicate += p.length;
        continue;
      }
      fetches.set(k, { hash: p.hash, length: p.length, piece: f.firstPiece + p.index, to: [to] });
      change.fetch += p.length;
      bytes.fetch += p.length;
    }
    bytes.layer += f.layer.length;
    (oldPaths.has(pathKey(path)) ? plan.changed : plan.added).push(change);
  }
  plan.copies = [...copies.values()];
  plan.fetches = [...fetches.values()];
  for (const e of a.entries) {
    const k = pathKey(e.path);
    if (!e.isDir && !newPaths.has(k) && !movedFrom.has(k)) plan.removed.push(e.path);
  }
  bytes.reused = bytes.total - bytes.fetch;
  return plan;
}

/** The files of a version with their layers and the global index of their first piece. */
function filesOf(v: Version): FileOf[] {
  const files = v.waterfall.entries.filter((e) => !e.isDir);
  if (files.length !== v.layers.length) {
    throw new BytefallError('BAD_PIECE_LAYER', `${v.layers.length} piece layers for ${files.length} files`);
  }
  let first = 0;
  return files.map((entry, i) => {
    const layer = v.layers[i];
    if (layer.length !== pieceCountOf(entry) * layerRecordLen(entry)) {
      throw new BytefallError('BAD_PIECE_LAYER', `piece layer of ${entry.path.join('/')} does not fit its ${pieceCountOf(entry)} pieces`);
    }
    const f = { entry, layer, firstPiece: first };
    first += pieceCountOf(entry);
    return f;
  });
}

/** Same key, same content: the content root and the pieces it is made of. */
function contentKey(f: FileOf): string {
  f.root ??= f.entry.chunking === CHUNKING_CDC ? cdcRoot(f.layer) : merkleRoot(f.layer);
  return `${f.entry.chunking}:${f.entry.pieceSize}:${f.entry.size}:${Buffer.from(f.root).toString('hex')}`;
}

/** Directories of `a` that `b` does not have. */
function dirsOnlyIn(a: Waterfall, b: Waterfall): string[][] {
  const inB = new Set(b.entries.filter((e) => e.isDir).map((e) => pathKey(e.path)));
  return a.entries.filter((e) => e.isDir && !inB.has(pathKey(e.path))).map((e) => e.path);
}
