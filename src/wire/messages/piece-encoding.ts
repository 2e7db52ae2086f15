// The PIECE encodings (docs/PROTOCOL.md, "Compressed pieces"): what a receiver accepts for a
// request and how it turns the data back into the block, its output bounded to the block's
// length so that no stream can make it allocate more (no decompression bombs).
import { brotliDecompressSync, inflateRawSync } from 'node:zlib';
import { BytefallError } from '../../errors.js';
import {
  CAP_BROTLI, CAP_DEFLATE, CAP_DELTA, CAP_DICT, ENCODING_BROTLI, ENCODING_DEFLATE, ENCODING_DELTA, ENCODING_DICT, ENCODING_RAW,
} from '../constants.js';
import { applyDelta, maxDeltaLen } from '../delta.js';
import type { RequestMsg } from './transfer.js';

/** Why an encoding may not answer this request on this connection, or undefined when it may. */
export function encodingRefusal(encoding: number, request: RequestMsg, capabilities: number): string | undefined {
  if (encoding === ENCODING_RAW) return undefined;
  const ref = request.ref;
  if (encoding === ENCODING_DICT) {
    if (!(capabilities & CAP_DICT)) return 'encoding 3 was not negotiated';
    return ref.kind === 'dict' ? undefined : 'encoding 3 answers only a kind-3 request';
  }
  if (encoding === ENCODING_DELTA) {
    if (!(capabilities & CAP_DELTA)) return 'encoding 4 was not negotiated';
    return ref.kind !== 'dict' && ref.delta ? undefined : 'encoding 4 answers only a request with a delta signature';
  }
  const cap = encoding === ENCODING_DEFLATE ? CAP_DEFLATE : encoding === ENCODING_BROTLI ? CAP_BROTLI : 0;
  if (!cap) return `unknown encoding ${encoding}`;
  if (!(capabilities & cap)) return `encoding ${encoding} was not negotiated`;
  const asked = ref.kind === 'dict' || ref.compress === true || ref.delta !== undefined;
  return asked ? undefined : `encoding ${encoding} answers a request that did not welcome compression`;
}

/**
 * The block `data` encodes: exactly `length` bytes, or WIRE_BAD_DATA (a stream that is
 * corrupt, ends early, or would inflate past `length`; decompression stops at `length` + 1).
 * `dictionary`: the window a kind-3 request named (encoding 3), or the base a delta signature
 * was made of (encoding 4, with that signature's `blockLen`).
 */
export function decodeBlock(encoding: number, data: Uint8Array, length: number, dictionary?: Uint8Array, blockLen = 0): Uint8Array {
  if (encoding === ENCODING_RAW) return data;
  let out: Uint8Array;
  if (encoding === ENCODING_DELTA) {
    if (!dictionary || !blockLen) throw new BytefallError('WIRE_BAD_DATA', 'PIECE: encoding 4 without the base its signature was made of');
    let ops: Uint8Array;
    try {
      ops = inflateRawSync(data, { maxOutputLength: maxDeltaLen(length) });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new BytefallError('WIRE_BAD_DATA', `PIECE: encoding 4: ${data.length} bytes ${e.code === 'ERR_BUFFER_TOO_LARGE' ? 'inflate past any delta of the block' : `do not decode (${e.code ?? e.message})`}`);
    }
    return applyDelta(ops, dictionary, blockLen, length);
  }
  try {
    if (encoding === ENCODING_DEFLATE) out = inflateRawSync(data, { maxOutputLength: length });
    else if (encoding === ENCODING_BROTLI) out = brotliDecompressSync(data, { maxOutputLength: length });
    else if (encoding === ENCODING_DICT && dictionary) out = inflateRawSync(data, { maxOutputLength: length, dictionary });
    else throw new Error(`cannot decode encoding ${encoding}${encoding === ENCODING_DICT ? ' without its dictionary' : ''}`);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ERR_BUFFER_TOO_LARGE' ? `inflates past the ${length} bytes asked for` : `does not decode (${e.code ?? e.message})`;
    throw new BytefallError('WIRE_BAD_DATA', `PIECE: encoding ${encoding}: ${data.length} bytes ${why}`);
  }
  if (out.length !== length) throw new BytefallError('WIRE_BAD_DATA', `PIECE: encoding ${encoding}: inflates to ${out.length} bytes, not the ${length} asked for`);
  return out;
}
