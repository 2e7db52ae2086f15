// What the pieces an update fetches cost on the wire, with the engine's own code: each
// fetched piece travels the way the downloader asks for it (src/swarm/compress-fetch.ts) and
// the responder answers it (src/swarm/compress.ts encodeBlock), framed by the real message
// encoders (src/wire/messages.ts):
// - raw: REQUEST kind 0 without the flag, 128 KiB blocks (a fresh download);
// - deflate/brotli: kind 0 with the compression flag, 128 KiB blocks;
// - compressed: kind 0 with the delta flag in 128 KiB blocks, the signature made of the old
//   piece that src/update/dictionary.ts chooses (around the block's place: deltaBase), where
//   there is one; else as above;
// - kind 3: the same pieces in 16 KiB blocks with that old piece as dictionary (its window
//   placed by windowStart), which pays only when the responder still holds the old piece.
import { openSync, readSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { encodeBlock } from '../src/swarm/compress.js';
import { deltaBase, pieceDeltaBlockLen, windowStart } from '../src/swarm/compress-fetch.js';
import { deltaSignature } from '../src/wire/delta.js';
import { dictionaryHints } from '../src/update/dictionary.js';
import type { UpdatePlan, Version } from '../src/update/plan.js';
import {
  CAP_BROTLI, CAP_DEFLATE, CAPS_IMPLEMENTED, DICT_BLOCK_LEN, DICT_WINDOW_LEN, ENCODING_BROTLI, ENCODING_DEFLATE, ENCODING_DELTA,
  MAX_BLOCK_LEN,
} from '../src/wire/constants.js';
import { encodeMessage, type PieceRef } from '../src/wire/messages.js';

export const BLOCK = MAX_BLOCK_LEN;
const ID = new Uint8Array(32);

/** Bytes of a REQUEST with this ref (the real encoder). */
export function requestBytes(ref: PieceRef): number {
  return encodeMessage({ type: 'request', reqId: 0, ref, offset: 0, length: 1 }).length;
}

/** Bytes of a PIECE around its data: <len u32><id u8><reqId u32><encoding u8>. */
export const PIECE_HEADER = encodeMessage({ type: 'piece', reqId: 0, encoding: 0, data: new Uint8Array(1) }).length - 1;
const REQUEST_PLAIN = requestBytes({ kind: 'index', waterfallId: ID, piece: 0 });
const REQUEST_FLAG = requestBytes({ kind: 'index', waterfallId: ID, piece: 0, compress: true });

export interface CompressFigure {
  /** Data bytes: raw, and as the engine moves them (best). */
  raw: number;
  best: number;
  /** With the compression flag only (encodings 1-2), without dictionaries. */
  plain: number;
  /** The hinted pieces with kind 3 instead of deltas (the rest as for best). */
  kind3: number;
  /** Framing of the requests and PIECE messages for raw and for best. */
  rawFraming: number;
  bestFraming: number;
  /** Blocks of `best` by the encoding they travelled in. */
  won: Record<'raw' | 'deflate' | 'brotli' | 'delta', number>;
}

/** The figures for every piece `plan` fetches, reading the new bytes from `newDir` and the old ones from `oldDir`. */
export async function compressFetches(plan: UpdatePlan, old: Version, next: Version, oldDir: string, newDir: string): Promise<CompressFigure> {
  const hints = dictionaryHints(plan, old.waterfall, old.layers, next.waterfall, next.layers);
  const oldPaths = old.waterfall.entries.filter((e) => !e.isDir).map((e) => join(oldDir, ...e.path));
  const fig: CompressFigure = { raw: 0, best: 0, plain: 0, kind3: 0, rawFraming: 0, bestFraming: 0, won: { raw: 0, deflate: 0, brotli: 0, delta: 0 } };
  const count = (encoding: number) => {
    const name = encoding === ENCODING_DELTA ? 'delta' : encoding === ENCODING_BROTLI ? 'brotli' : encoding === ENCODING_DEFLATE ? 'deflate' : 'raw';
    fig.won[name]++;
  };
  for (const f of plan.fetches) {
    const to = f.to[0];
    const data = readAt(join(newDir, ...to.path), to.offset, f.length);
    const blocks = Math.ceil(f.length / BLOCK);
    fig.raw += f.length;
    fig.rawFraming += blocks * (REQUEST_PLAIN + PIECE_HEADER);
    let plain = 0;
    const plainEncodings: number[] = [];
    for (let at = 0; at < f.length; at += BLOCK) {
      const e = await encodeBlock(data.subarray(at, at + BLOCK), CAP_DEFLATE | CAP_BROTLI);
      plain += e.data.length;
      plainEncodings.push(e.encoding);
    }
    fig.plain += plain;
    const hint = hints.get(f.piece);
    if (!hint) {
      fig.best += plain;
      fig.kind3 += plain;
      fig.bestFraming += blocks * (REQUEST_FLAG + PIECE_HEADER);
      plainEncodings.forEach(count);
      continue;
    }
    const dict = readAt(oldPaths[hint.file], hint.offset, hint.length);
    for (let at = 0; at < f.length; at += DICT_BLOCK_LEN) {
      const start = windowStart(at, f.length, dict.length);
      fig.kind3 += (await encodeBlock(data.subarray(at, at + DICT_BLOCK_LEN), CAPS_IMPLEMENTED, dict.subarray(start, start + DICT_WINDOW_LEN))).data.length;
    }
    for (let at = 0; at < f.length; at += BLOCK) {
      const block = data.subarray(at, at + BLOCK);
      const base = deltaBase(dict, at, block.length, f.length);
      const blockLen = pieceDeltaBlockLen(base.length);
      const delta = base.length >= blockLen ? { blockLen, signature: deltaSignature(base, blockLen) } : undefined;
      const e = await encodeBlock(block, CAPS_IMPLEMENTED, undefined, delta);
      fig.best += e.data.length;
      fig.bestFraming += (delta ? requestBytes({ kind: 'index', waterfallId: ID, piece: 0, compress: true, delta }) : REQUEST_FLAG) + PIECE_HEADER;
      count(e.encoding);
    }
  }
  return fig;
}

function readAt(path: string, offset: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  const fd = openSync(path, 'r');
  try {
    for (let done = 0; done < length; ) {
      const n = readSync(fd, out, done, length - done, offset + done);
      if (n === 0) throw new Error(`${path} ends at ${offset + done}`);
      done += n;
    }
  } finally {
    closeSync(fd);
  }
  return out;
}
