// What the pieces an update fetches would cost compressed, as PROTOCOL.md's PIECE
// encodings allow (1 raw deflate, 2 brotli) and as the dictionary encoding proposed
// in docs/UPDATES.md would (deflate whose dictionary is the old bytes the new ones
// replace: only the difference travels). Per piece the cheapest way is counted,
// with its framing: blocks of at most 128 KiB, or 16 KiB blocks for the dictionary
// encoding (deflate reaches back at most 32 KiB, so a block needs its own window).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, deflateRawSync } from 'node:zlib';
import type { UpdatePlan, Version } from '../src/update/plan.js';
import { piecesOf, type Piece } from '../src/update/pieces.js';

export const BLOCK = 128 * 1024;
export const DICT_BLOCK = 16 * 1024;
const DICT_WINDOW = 32 * 1024;
const DICT_BEHIND = 8 * 1024;
/** PIECE: <len u32><id u8><reqId u32><encoding u8>. */
export const PIECE_HEADER = 10;
/** REQUEST kind 1: <len u32><id u8><reqId u32><kind u8><leafHash 32><pieceLength u32><offset u32><length u32>. */
export const REQUEST_KIND1 = 54;
/** Proposed REQUEST kind 3: kind 1 plus the dictionary piece <leafHash 32><length u32> and its window offset u32. */
export const REQUEST_KIND3 = 54 + 40;

export interface CompressFigure {
  /** Data bytes: raw, and with the cheapest encoding per piece. */
  raw: number;
  best: number;
  /** With the encodings PROTOCOL.md already reserves (raw, deflate, brotli), without the dictionary. */
  plain: number;
  /** Framing of the requests and PIECE messages for raw and for best. */
  rawFraming: number;
  bestFraming: number;
  /** Pieces for which each encoding was the cheapest. */
  won: Record<'raw' | 'deflate' | 'brotli' | 'dictionary', number>;
}

const key = (path: readonly string[]) => path.join('/');

export function compressFetches(plan: UpdatePlan, old: Version, oldDir: string, newDir: string): CompressFigure {
  const read = cached((rel: string, dir: string) => new Uint8Array(readFileSync(join(dir, rel))));
  const oldFiles = new Map<string, { pieces: Piece[] }>();
  old.waterfall.entries.filter((e) => !e.isDir).forEach((e, i) => oldFiles.set(key(e.path), { pieces: piecesOf(e, old.layers[i]) }));
  const anchors = anchorsOf(plan);
  const fig: CompressFigure = { raw: 0, best: 0, plain: 0, rawFraming: 0, bestFraming: 0, won: { raw: 0, deflate: 0, brotli: 0, dictionary: 0 } };
  for (const f of plan.fetches) {
    const to = f.to[0];
    const rel = key(to.path);
    const data = read(rel, newDir).subarray(to.offset, to.offset + f.length);
    const blocks = Math.ceil(f.length / BLOCK);
    fig.raw += f.length;
    fig.rawFraming += blocks * (PIECE_HEADER + REQUEST_KIND1);
    const ways: [keyof CompressFigure['won'], number, number][] = [['raw', f.length, blocks * (PIECE_HEADER + REQUEST_KIND1)]];
    let deflate = 0;
    let brotli = 0;
    for (let at = 0; at < f.length; at += BLOCK) {
      const block = data.subarray(at, at + BLOCK);
      deflate += Math.min(block.length, deflateRawSync(block, { level: 9 }).length);
      brotli += Math.min(block.length, brotliCompressSync(block, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: block.length } }).length);
    }
    ways.push(['deflate', deflate, blocks * (PIECE_HEADER + REQUEST_KIND1)], ['brotli', brotli, blocks * (PIECE_HEADER + REQUEST_KIND1)]);
    fig.plain += Math.min(f.length, deflate, brotli);
    const oldFile = oldFiles.get(rel);
    if (oldFile && oldFile.pieces.length > 0) {
      const oldData = read(rel, join(oldDir));
      let dict = 0;
      let n = 0;
      for (let at = 0; at < f.length; at += DICT_BLOCK, n++) {
        const block = data.subarray(at, at + DICT_BLOCK);
        const window = dictionaryWindow(oldFile.pieces, oldData, mapToOld(anchors.get(rel) ?? [], to.offset + at));
        dict += Math.min(block.length, deflateRawSync(block, { level: 9, dictionary: window }).length);
      }
      ways.push(['dictionary', dict, n * (PIECE_HEADER + REQUEST_KIND3)]);
    }
    const [name, bytes, framing] = ways.reduce((a, b) => (b[1] + b[2] < a[1] + a[2] ? b : a));
    fig.best += bytes;
    fig.bestFraming += framing;
    fig.won[name]++;
  }
  return fig;
}

/** Per new file: (new offset, old offset) of the pieces copied from the same file of the old version. */
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

/** Where new offset `at` most likely was in the old file: shifted like the last copied piece before it. */
function mapToOld(anchors: [number, number][], at: number): number {
  let best: [number, number] | undefined;
  for (const a of anchors) {
    if (a[0] > at) break;
    best = a;
  }
  if (best) return best[1] + (at - best[0]);
  const next = anchors[0];
  return next ? Math.max(0, next[1] - (next[0] - at)) : at;
}

/** Up to 32 KiB of the old piece holding `pos`: from 8 KiB before it (the requester names the piece and the offset). */
function dictionaryWindow(pieces: Piece[], oldData: Uint8Array, pos: number): Uint8Array {
  let p = pieces[pieces.length - 1];
  for (const q of pieces) {
    if (pos < q.offset + q.length) {
      p = q;
      break;
    }
  }
  const start = Math.max(p.offset, Math.min(pos, p.offset + p.length) - DICT_BEHIND);
  return oldData.subarray(start, Math.min(p.offset + p.length, start + DICT_WINDOW));
}

function cached<T>(fn: (a: string, b: string) => T): (a: string, b: string) => T {
  const memo = new Map<string, T>();
  return (a, b) => {
    const k = `${b}\0${a}`;
    if (!memo.has(k)) {
      if (memo.size > 64) memo.clear();
      memo.set(k, fn(a, b));
    }
    return memo.get(k)!;
  };
}
