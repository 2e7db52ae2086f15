// Fetching a Waterfall when all we have is its swarm id and an address (`get <swarm-id>`,
// BEP 9-like): connect, read the peer's VERSION, fetch that version's served form with
// REQUEST kind 2 in blocks of at most 128 KiB, and accept it only when it decodes, its
// signatures hold, it belongs to the swarm and hashes to the id the peer announced. A peer
// that serves anything else is banned, and the next address is tried.
import { BytefallError } from '../errors.js';
import { decodeWaterfall } from '../format/decode.js';
import { equalBytes } from '../format/bytes.js';
import type { Waterfall } from '../format/model.js';
import type { Node } from '../node/node.js';
import { toHex } from '../util/hex.js';
import { CAP_BROTLI, CAP_DEFLATE, CLOSE_NORMAL, MAX_BLOCK_LEN, REJECT_NOT_HAVE } from '../wire/constants.js';
import type { VersionMsg } from '../wire/messages.js';
import type { Wire } from '../wire/wire.js';

export interface FetchOptions {
  /** Largest Waterfall accepted, in bytes (default 256 MiB: half a million entries). */
  maxBytes?: number;
  /** Give up on one peer after this long (default 30 s). */
  timeoutMs?: number;
  log?: (line: string) => void;
  /** Try again until this signal aborts; default: one round over the addresses. */
  signal?: AbortSignal;
  /** Pause between rounds when `signal` is given (default 2 s). */
  retryMs?: number;
}

export interface Fetched {
  waterfall: Waterfall;
  /** The served form, as fetched. */
  bytes: Uint8Array;
  from: string;
}

/** Fetches the Waterfall of `swarmId` from the first of `addresses` that serves a valid one. */
export async function fetchWaterfall(node: Node, swarmId: Uint8Array, addresses: readonly string[], o: FetchOptions = {}): Promise<Fetched> {
  if (addresses.length === 0) throw new BytefallError('BAD_ARGUMENT', 'to get a Waterfall by its swarm id, give at least one --peer');
  let last: unknown;
  const logged = new Set<string>();
  for (;;) {
    for (const address of addresses) {
      if (o.signal?.aborted) throw new BytefallError('WIRE_CLOSED', 'stopped while fetching the Waterfall');
      try {
        return { ...(await fetchFrom(node, swarmId, address, o)), from: address };
      } catch (err) {
        last = err;
        if (!logged.has(address)) o.log?.(`cannot fetch the Waterfall from ${address}: ${(err as Error).message}${o.signal ? ' (retrying)' : ''}`);
        logged.add(address);
      }
    }
    if (!o.signal) break;
    await new Promise((r) => setTimeout(r, o.retryMs ?? 2000));
  }
  throw last instanceof BytefallError ? last : new BytefallError('WIRE_CLOSED', `no peer served the Waterfall: ${(last as Error)?.message}`);
}

function fetchFrom(node: Node, swarmId: Uint8Array, address: string, o: FetchOptions): Promise<{ waterfall: Waterfall; bytes: Uint8Array }> {
  const maxBytes = o.maxBytes ?? 256 << 20;
  return new Promise((resolve, reject) => {
    let wire: Wire | undefined;
    let done = false;
    const timer = setTimeout(() => finish(new BytefallError('WIRE_TIMEOUT', `no Waterfall within ${(o.timeoutMs ?? 30_000) / 1000} s`)), o.timeoutMs ?? 30_000);
    const onAbort = () => finish(new BytefallError('WIRE_CLOSED', 'stopped while fetching the Waterfall'));
    o.signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (result: Error | { waterfall: Waterfall; bytes: Uint8Array }, ban = false) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      if (wire && !wire.closed) {
        if (ban) node.bans.ban(toHex(wire.handshake!.remoteNodeId), address);
        if (ban) wire.fail(result as BytefallError, true);
        else wire.close(CLOSE_NORMAL, 'got the Waterfall');
      }
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const open = (w: Wire) => {
      wire = w;
      w.on('request', (m) => w.reject(m.reqId, REJECT_NOT_HAVE)); // we have nothing yet
      w.on('hash-request', (m) => w.reject(m.reqId, REJECT_NOT_HAVE));
      w.on('close', (info) => finish(info.error ?? new BytefallError('WIRE_CLOSED', 'the peer closed before sending the Waterfall')));
      w.once('version', (v) => fetchVersion(w, { ...v, waterfallId: v.waterfallId.slice() }));
    };
    const fetchVersion = (w: Wire, v: VersionMsg) => {
      if (v.waterfallSize > maxBytes) return finish(new BytefallError('BAD_SIZE', `the peer's Waterfall is ${v.waterfallSize} bytes, above the limit of ${maxBytes}`));
      const bytes = new Uint8Array(v.waterfallSize);
      // Entries are names and hashes: brotli saves a little; the peer compresses only if it pays.
      const compress = ((w.handshake?.capabilities ?? 0) & (CAP_DEFLATE | CAP_BROTLI)) !== 0;
      let got = 0;
      let next = 0;
      const ask = () => {
        while (next < bytes.length && w.requestsInFlight < 16) {
          const length = Math.min(MAX_BLOCK_LEN, bytes.length - next);
          w.request({ kind: 'waterfall', waterfallId: v.waterfallId, ...(compress ? { compress } : {}) }, next, length);
          next += length;
        }
      };
      w.on('piece', (r, data) => {
        if (r.msg.type !== 'request') return;
        bytes.set(data, r.msg.offset);
        got += data.length;
        if (got < bytes.length) return ask();
        try {
          const waterfall = decodeWaterfall(bytes);
          if (!equalBytes(waterfall.swarmId, swarmId)) throw new BytefallError('WIRE_BAD_DATA', `the Waterfall belongs to swarm ${toHex(waterfall.swarmId)}`);
          if (!equalBytes(waterfall.waterfallId, v.waterfallId)) throw new BytefallError('WIRE_BAD_DATA', 'the Waterfall does not hash to the id the peer announced');
          finish({ waterfall, bytes });
        } catch (err) {
          const e = err instanceof BytefallError && err.code === 'WIRE_BAD_DATA' ? err : new BytefallError('WIRE_BAD_DATA', `the peer's Waterfall is invalid: ${(err as Error).message}`);
          finish(e, true);
        }
      });
      w.on('reject', () => finish(new BytefallError('WIRE_REFUSED', 'the peer refused to send its Waterfall')));
      ask();
    };
    node.dial(address, swarmId, { open }).catch((err) => finish(err));
  });
}
