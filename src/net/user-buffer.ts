// node's `onread` (a reused read buffer instead of a fresh Buffer per chunk) for a TLSSocket
// that node created, not we: the sockets a tls.Server accepts. Node 20 offers `onread` only to
// sockets that tls.connect or net create themselves: `new TLSSocket(socket, ...)`, which is how a
// tls.Server wraps each accepted socket, passes `onread: null` to net.Socket (lib/_tls_wrap.js;
// nodejs/node#35753 made it "a client side feature").
//
// What `onread` does in net.Socket (lib/net.js) is two things, and this does the same two on an
// accepted TLSSocket once it is authenticated: the socket keeps the buffer and the callback
// under two private symbols that onStreamRead (lib/internal/stream_base_commons.js) consults for
// every chunk, and its handle (the TLSWrap) is told to read into that buffer (useUserBuffer, the
// StreamBase method net.Socket calls for its own `onread`). The symbols are not exported, so they
// are found by value on a probe net.Socket built with `onread`; if anything is not as expected
// (another node), nothing is changed and the socket keeps reading with 'data' events.
import net from 'node:net';
import type tls from 'node:tls';

interface OnreadSymbols {
  buffer: symbol;
  callback: symbol;
  generator: symbol;
}

let found: OnreadSymbols | null | undefined;

function onreadSymbols(): OnreadSymbols | null {
  if (found !== undefined) return found;
  found = null;
  const buffer = Buffer.alloc(1);
  const callback = () => true;
  const probe = new net.Socket({ onread: { buffer, callback } } as net.SocketConstructorOpts); // no handle: nothing is opened
  const record = probe as unknown as Record<symbol, unknown>;
  const keys = Object.getOwnPropertySymbols(probe);
  const only = (pick: (s: symbol) => boolean) => {
    const hits = keys.filter(pick);
    return hits.length === 1 ? hits[0] : undefined;
  };
  const b = only((s) => record[s] === buffer);
  const c = only((s) => record[s] === callback);
  const g = only((s) => s.description === 'kBufferGen' && record[s] === null);
  probe.destroy();
  if (b && c && g) found = { buffer: b, callback: c, generator: g };
  return found;
}

/** Whether this node lets useReadBuffer work (its private `onread` symbols were found); tests skip the fast path without it. */
export function readBufferSupported(): boolean {
  return onreadSymbols() !== null;
}

interface StreamHandle {
  useUserBuffer?: (buf: Uint8Array) => void;
  reading?: boolean;
}

/**
 * Makes `socket` hand every later chunk to `callback` in `buffer` (reused: valid only during the
 * call) instead of emitting 'data', as `onread` would. Bytes it had already buffered are given to
 * `callback` first. False, and the socket unchanged, if this node does not allow it.
 */
export function useReadBuffer(socket: tls.TLSSocket, buffer: Buffer, callback: (nread: number, buf: Uint8Array) => boolean): boolean {
  const s = onreadSymbols();
  const record = socket as unknown as Record<symbol, unknown>;
  const handle = (socket as unknown as { _handle?: StreamHandle | null })._handle;
  if (!s || socket.destroyed || !handle || typeof handle.useUserBuffer !== 'function') return false;
  if (!Object.hasOwn(socket, s.buffer) || record[s.buffer] !== null || record[s.callback] !== null || record[s.generator] !== null) return false;
  if (socket.listenerCount('data') > 0 || socket.readableFlowing) return false; // someone reads it already
  // Whatever was read before now (none in practice: 'secureConnection' comes before the first
  // application byte is decrypted) is waiting in the readable buffer.
  for (let chunk: Buffer | null; (chunk = socket.read() as Buffer | null) !== null; ) {
    for (let at = 0; at < chunk.length; at += buffer.length) {
      const n = Math.min(buffer.length, chunk.length - at);
      buffer.set(chunk.subarray(at, at + n));
      callback(n, buffer);
    }
  }
  record[s.buffer] = buffer;
  record[s.callback] = callback;
  handle.useUserBuffer(buffer);
  socket.read(0); // reads on if the readable buffer had stopped it (as initRead does for a dialed socket)
  return true;
}
