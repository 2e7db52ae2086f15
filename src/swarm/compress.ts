// The responder's side of compressed pieces (docs/PROTOCOL.md, "Compressed pieces"): a block
// whose request welcomes compression, or names a dictionary (kind 3), is compressed only when
// that makes it smaller, with the encodings both sides negotiated. A fresh bulk download never
// asks, so a fast transfer of incompressible data costs no CPU here. zlib runs on libuv's
// thread pool, off the event loop.
import { promisify } from 'node:util';
import { brotliCompress, constants, deflateRaw } from 'node:zlib';
import {
  CAP_BROTLI, CAP_DEFLATE, CAP_DELTA, CAP_DICT, DICT_WINDOW_LEN, ENCODING_BROTLI, ENCODING_DEFLATE, ENCODING_DELTA, ENCODING_DICT, ENCODING_RAW,
} from '../wire/constants.js';
import { encodeDelta } from '../wire/delta.js';
import type { DeltaAsk, RequestMsg } from '../wire/messages.js';

const deflateAsync = promisify(deflateRaw);
const brotliAsync = promisify(brotliCompress);

/** Brotli quality: 5 compresses 128 KiB of text in about 6 ms here, 11 in about 65 ms for 10 % less. */
export const BROTLI_QUALITY = 5;
export const DEFLATE_LEVEL = 9;
/** A first deflate that saves less than this fraction means incompressible: sent raw, brotli not tried. */
const PROBE_GAIN = 1 / 32;
/** A delta this small a share of the block is sent without trying the other encodings. */
const DELTA_ENOUGH = 1 / 16;

/** What a request asks of the answer: compression welcome, and the dictionary window of a kind-3 request. */
export interface EncodeAsk {
  /** Where the dictionary window is among our pieces (undefined: we do not hold the dictionary piece). */
  dict?: { file: number; piece: number; offset: number; length: number };
  /** The signature of the requester's base (the delta flag), for encoding 4. */
  delta?: DeltaAsk;
}

/** The bytes of the dictionary window a kind-3 request names, within its piece: [offset, offset + length). */
export function dictionaryWindow(ref: Extract<RequestMsg['ref'], { kind: 'dict' }>): { offset: number; length: number } {
  return { offset: ref.dictOffset, length: Math.min(DICT_WINDOW_LEN, ref.dictLength - ref.dictOffset) };
}

/** Whether a request asks for a compressed answer at all. */
export function wantsCompression(m: RequestMsg): boolean {
  return m.ref.kind === 'dict' || m.ref.compress === true || m.ref.delta !== undefined;
}

/**
 * The smallest answer for `data`: encoding 4 against the requester's signature `delta`, or 3
 * with `dictionary` (when given and negotiated), else brotli or deflate (as negotiated), else
 * raw. Never larger than `data`.
 */
export async function encodeBlock(data: Uint8Array, capabilities: number, dictionary?: Uint8Array, delta?: DeltaAsk): Promise<{ encoding: number; data: Uint8Array }> {
  let best = { encoding: ENCODING_RAW, data };
  const take = (encoding: number, out: Uint8Array) => {
    if (out.length < best.data.length) best = { encoding, data: out };
  };
  if (delta && capabilities & CAP_DELTA) {
    const ops = encodeDelta(data, delta.signature, delta.blockLen);
    if (ops) take(ENCODING_DELTA, await deflateAsync(ops, { level: DEFLATE_LEVEL }));
    // An edit of bytes the requester holds: compressing the whole block again (brotli: ~6 ms
    // per 128 KiB) could hardly do better, so it is not tried.
    if (best.encoding === ENCODING_DELTA && best.data.length <= data.length * DELTA_ENOUGH) return best;
  }
  if (dictionary && capabilities & CAP_DICT) take(ENCODING_DICT, await deflateAsync(data, { level: DEFLATE_LEVEL, dictionary }));
  if (capabilities & (CAP_DEFLATE | CAP_BROTLI)) {
    const probe = await deflateAsync(data, { level: capabilities & CAP_BROTLI ? 1 : DEFLATE_LEVEL });
    if (probe.length > data.length * (1 - PROBE_GAIN)) return best;
    if (capabilities & CAP_BROTLI) {
      take(ENCODING_BROTLI, await brotliAsync(data, {
        params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
      }));
    } else take(ENCODING_DEFLATE, probe);
  }
  return best;
}
