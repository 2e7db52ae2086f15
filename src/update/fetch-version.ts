// Fetching a newer version over a connection the swarm already has (docs/UPDATES.md, "How a
// node learns of a version"): the peer announced it with VERSION; we ask for its served form
// with REQUEST kind 2 and for the piece hashes of its files with HASH_REQUEST, each answer
// matched by request id (the swarm's own handlers ignore ids they did not send). The
// Waterfall is judged by the caller (accept.ts); every run of hashes is checked against the
// entry hash it belongs to before it is kept.
import { BytefallError } from '../errors.js';
import { equalBytes } from '../format/bytes.js';
import { waterfallIdOfServed } from '../format/digests.js';
import type { Waterfall } from '../format/model.js';
import type { PieceHashes } from '../swarm/piece-hashes.js';
import { CAP_DELTA, MAX_BLOCK_LEN, REJECT_NOT_HAVE } from '../wire/constants.js';
import { deltaBlockLen, deltaSignature } from '../wire/delta.js';
import type { InFlight } from '../wire/requests.js';
import type { Wire } from '../wire/wire.js';

/** Requests in flight on the wire for one fetch. */
const WINDOW = 8;

interface Exchange<T> {
  /** Sends the next request, or returns false when none is left to send. */
  next(): InFlight | false;
  piece?(r: InFlight, data: Uint8Array): void;
  hashes?(r: InFlight, hashes: Uint8Array, proof: Uint8Array): void;
  done(): T | undefined;
}

/** Runs a request/answer exchange on `wire` until `done` gives a value; rejects on REJECT, close or bad data. */
function exchange<T>(wire: Wire, make: (fail: (e: BytefallError) => void) => Exchange<T>, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const mine = new Set<number>();
    let settled = false;
    const finish = (err: BytefallError | null, value?: T) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      wire.off('piece', onPiece);
      wire.off('hashes', onHashes);
      wire.off('reject', onReject);
      wire.off('close', onClose);
      for (const id of mine) wire.cancel(id);
      if (err) reject(err);
      else resolve(value as T);
    };
    const x = make((e) => finish(e));
    const pump = () => {
      while (!settled && mine.size < WINDOW && !wire.closed) {
        const r = x.next();
        if (!r) break;
        mine.add(r.reqId);
      }
      const v = x.done();
      if (v !== undefined) finish(null, v);
    };
    const onPiece = (r: InFlight, data: Uint8Array) => {
      if (!mine.delete(r.reqId) || settled) return;
      x.piece?.(r, data);
      pump();
    };
    const onHashes = (r: InFlight, hashes: Uint8Array, proof: Uint8Array) => {
      if (!mine.delete(r.reqId) || settled) return;
      x.hashes?.(r, hashes, proof);
      pump();
    };
    const onReject = (r: InFlight, reason: number) => {
      if (!mine.delete(r.reqId)) return;
      finish(new BytefallError('WIRE_REFUSED', reason === REJECT_NOT_HAVE ? 'the peer does not hold that version any more' : `the peer refused (reason ${reason})`));
    };
    const onClose = () => finish(new BytefallError('WIRE_CLOSED', 'the peer closed the connection'));
    const timer = setTimeout(() => finish(new BytefallError('WIRE_TIMEOUT', `no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    timer.unref?.();
    wire.on('piece', onPiece);
    wire.on('hashes', onHashes);
    wire.on('reject', onReject);
    wire.on('close', onClose);
    if (wire.closed) return onClose();
    try {
      pump();
    } catch (err) {
      finish(err instanceof BytefallError ? err : new BytefallError('WIRE_CLOSED', (err as Error).message));
    }
  });
}

/** Bytes of the base around a block's offset that its delta signature covers, each side (entries added or removed before it shift it). */
export const WATERFALL_DELTA_SLACK = 32 * 1024;

/**
 * The served form of version `waterfallId` (`size` bytes, as its VERSION said), in blocks of at
 * most 128 KiB. With `base` (the Waterfall we hold) and a peer that speaks DELTA, each block is
 * asked for with a delta signature of the base around the same offset, in 64-byte blocks (a
 * Waterfall's own block size): only changed blocks travel. A result that is not the version
 * asked for (a checksum collision, or a lie) is fetched again whole before anyone judges it.
 */
export async function fetchWaterfallOver(wire: Wire, waterfallId: Uint8Array, size: number, opts: { maxBytes?: number; timeoutMs?: number; base?: Uint8Array } = {}): Promise<Uint8Array> {
  const max = opts.maxBytes ?? 256 << 20;
  if (size > max || size <= 0) throw new BytefallError('BAD_SIZE', `the peer's Waterfall is ${size} bytes (limit ${max})`);
  const delta = opts.base && ((wire.handshake?.capabilities ?? 0) & CAP_DELTA) !== 0 ? opts.base : undefined;
  const bytes = await fetchServed(wire, waterfallId, size, opts.timeoutMs ?? 60_000, delta);
  if (!delta || servedIdMatches(bytes, waterfallId)) return bytes;
  return fetchServed(wire, waterfallId, size, opts.timeoutMs ?? 60_000);
}

/** Whether `served` (a served form) hashes to `waterfallId`; false when its size is not one. */
export function servedIdMatches(served: Uint8Array, waterfallId: Uint8Array): boolean {
  const id = waterfallIdOfServed(served);
  return id !== undefined && equalBytes(id, waterfallId);
}

function fetchServed(wire: Wire, waterfallId: Uint8Array, size: number, timeoutMs: number, base?: Uint8Array): Promise<Uint8Array> {
  const bytes = new Uint8Array(size);
  let sent = 0;
  let got = 0;
  return exchange<Uint8Array>(wire, () => ({
    next() {
      if (sent >= size) return false;
      const length = Math.min(MAX_BLOCK_LEN, size - sent);
      const window = base?.subarray(Math.max(0, sent - WATERFALL_DELTA_SLACK), Math.min(base.length, sent + length + WATERFALL_DELTA_SLACK));
      const blockLen = window ? deltaBlockLen(window.length, 64) : 0;
      const r = window && window.length >= blockLen
        ? wire.request({ kind: 'waterfall', waterfallId, compress: true, delta: { blockLen, signature: deltaSignature(window, blockLen) } }, sent, length, window)
        : wire.request({ kind: 'waterfall', waterfallId, compress: true }, sent, length); // a Waterfall compresses well
      sent += length;
      return r;
    },
    piece(r, data) {
      if (r.msg.type !== 'request') return;
      bytes.set(data, r.msg.offset);
      got += data.length;
    },
    done: () => (got === size ? bytes : undefined),
  }), timeoutMs);
}

/** Fills `hashes` (of `waterfall`) with every run it lacks; a run whose proof fails rejects with WIRE_BAD_DATA. */
export async function fetchLayersOver(wire: Wire, waterfall: Waterfall, hashes: PieceHashes, opts: { timeoutMs?: number } = {}): Promise<void> {
  if (hashes.allKnown()) return;
  const runs = [...hashes.missingRuns()];
  let at = 0;
  let answered = 0;
  const byReq = new Map<number, (typeof runs)[number]>();
  await exchange<true>(wire, (fail) => ({
    next() {
      if (at >= runs.length) return false;
      const run = runs[at++];
      const r = wire.hashRequest(waterfall.waterfallId, hashes.entryIndex[run.file], run.first, run.count);
      byReq.set(r.reqId, run);
      return r;
    },
    hashes(r, h, proof) {
      const run = byReq.get(r.reqId)!;
      if (!hashes.acceptRun(run, h, proof)) {
        return fail(new BytefallError('WIRE_BAD_DATA', `hashes ${run.first}+${run.count} of ${hashes.files[run.file].path.join('/')} do not prove the entry hash`));
      }
      answered++;
    },
    done: () => (answered === runs.length ? true : undefined),
  }), opts.timeoutMs ?? 120_000);
}
