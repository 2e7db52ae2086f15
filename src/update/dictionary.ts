// Which old piece each fetched piece of an update should be compressed against (REQUEST kind 3,
// docs/PROTOCOL.md "Compressed pieces"): the old file at the same path, at the position the new
// piece most likely came from. Pure: the plan and both versions in, a map out. The position is
// shifted like the nearest piece before it that the plan copies within the same file (an
// insertion or a deletion before the edit moves everything after it), as bench/update-compress.ts
// measured it.
import { type Entry, type Waterfall } from '../format/model.js';
import { piecesOf, type Piece } from './pieces.js';
import type { UpdatePlan } from './plan.js';

/** The old piece to use as dictionary for one new piece. */
export interface DictionaryChoice {
  /** Plain BLAKE3 of the old piece (what kind 3 names as dictHash), and its length. */
  leaf: Uint8Array;
  length: number;
  /** The old file: its index among the old version's file entries (directories skipped), i.e. its storage index. */
  file: number;
  /** Where the old piece starts in the old file. */
  offset: number;
}

const key = (path: readonly string[]): string => path.join('/');

/**
 * For each piece the plan fetches (by its global index in the new version), the old piece at
 * the same relative place of the old file at the same path, when there is one. Pieces of files
 * that are new (no old file at any of their paths) get none.
 */
export function dictionaryHints(
  plan: UpdatePlan,
  oldWaterfall: Waterfall,
  oldLayers: readonly Uint8Array[],
  newWaterfall: Waterfall,
  newLayers: readonly Uint8Array[],
): Map<number, DictionaryChoice> {
  void newWaterfall; // the plan's places already say where each new piece goes
  void newLayers;
  const oldFiles = new Map<string, { file: number; pieces: Piece[] }>();
  oldWaterfall.entries.filter((e: Entry) => !e.isDir).forEach((e, file) => {
    if (e.size > 0) oldFiles.set(key(e.path), { file, pieces: piecesOf(e, oldLayers[file]) });
  });
  const anchors = anchorsOf(plan);
  const out = new Map<number, DictionaryChoice>();
  for (const f of plan.fetches) {
    for (const to of f.to) {
      const old = oldFiles.get(key(to.path));
      if (!old) continue;
      const pos = mapToOld(anchors.get(key(to.path)) ?? [], to.offset);
      const p = pieceAt(old.pieces, pos);
      out.set(f.piece, { leaf: p.hash, length: p.length, file: old.file, offset: p.offset });
      break;
    }
  }
  return out;
}

/** Per path: (new offset, old offset) of the pieces the plan copies within the same file, by new offset. */
function anchorsOf(plan: UpdatePlan): Map<string, [number, number][]> {
  const out = new Map<string, [number, number][]>();
  for (const c of plan.copies) {
    for (const to of c.to) {
      if (key(to.path) !== key(c.from.path)) continue;
      const list = out.get(key(to.path)) ?? [];
      list.push([to.offset, c.from.offset]);
      out.set(key(to.path), list);
    }
  }
  for (const list of out.values()) list.sort((a, b) => a[0] - b[0]);
  return out;
}

/** Where new offset `at` most likely was in the old file: shifted like the last copied piece before it (or the first after it). */
export function mapToOld(anchors: readonly [number, number][], at: number): number {
  let best: [number, number] | undefined;
  for (const a of anchors) {
    if (a[0] > at) break;
    best = a;
  }
  if (best) return best[1] + (at - best[0]);
  const next = anchors[0];
  return next ? Math.max(0, next[1] - (next[0] - at)) : at;
}

/** The piece holding byte `pos`, or the last piece when `pos` is past the end. */
function pieceAt(pieces: Piece[], pos: number): Piece {
  let lo = 0;
  let hi = pieces.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (pieces[mid].offset <= pos) lo = mid;
    else hi = mid - 1;
  }
  return pieces[lo];
}
