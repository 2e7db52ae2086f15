// How many piece requests to keep in flight to one peer: enough to cover the bandwidth-delay
// product (measured rate x target queue time), bounded in requests and in bytes so that what
// one peer can make us buffer stays bounded whatever it does.
import { BytefallError } from '../errors.js';

export interface PipelineOptions {
  /** Seconds' worth of data to keep requested; well above the RTT so the rate can grow (3 s, as libtorrent). */
  targetQueueMs?: number;
  /** Never fewer requests in flight than this (default 2: one arriving while one is asked for). */
  minRequests?: number;
  /** Never more requests in flight than this (default 64). */
  maxRequests?: number;
  /** Never more bytes in flight to one peer than this (default 32 MiB); at least one request is allowed. */
  maxBytes?: number;
}

export const PIPELINE_DEFAULTS: Required<PipelineOptions> = {
  targetQueueMs: 3000,
  minRequests: 2,
  maxRequests: 64,
  maxBytes: 32 * 1024 * 1024,
};

/** The request depth for a peer measured at `rateBytesPerSec` on pieces of `pieceBytes`. */
export function pipelineDepth(rateBytesPerSec: number, pieceBytes: number, opts: PipelineOptions = {}): number {
  const o = { ...PIPELINE_DEFAULTS, ...opts };
  if (!(pieceBytes > 0) || !(rateBytesPerSec >= 0) || o.minRequests < 1 || o.maxRequests < o.minRequests) {
    throw new BytefallError('BAD_ARGUMENT', 'pipelineDepth needs a rate >= 0, a piece size > 0 and 1 <= min <= max');
  }
  const bdp = Math.ceil((rateBytesPerSec * o.targetQueueMs) / 1000 / pieceBytes);
  const byBytes = Math.max(1, Math.floor(o.maxBytes / pieceBytes));
  return Math.min(Math.max(bdp, o.minRequests), o.maxRequests, byBytes);
}
