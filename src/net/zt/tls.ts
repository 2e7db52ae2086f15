// TLS 1.3 over a ZeroTier connection, with the same profile and checks as the
// TCP transport (docs/PROTOCOL.md, "TCP + TLS 1.3"): both ends present their node
// certificate and the peer's proved ed25519 key is its node id. ZeroTier
// authenticates ZeroTier identities only; this binds the ByteFall node key
// (docs/ZEROTIER.md, "Node keys"). The profile is src/net/tls-profile.ts.
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { BytefallError } from '../../errors.js';
import type { NodeCertificate } from '../node-cert.js';
import { authenticate, profile } from '../tls-profile.js';

export const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

export interface Secured {
  socket: tls.TLSSocket;
  nodeId: Uint8Array;
}

/** Runs the handshake on `stream` (either side); rejects with a BytefallError and destroys the stream. */
export function secure(stream: Duplex, cert: NodeCertificate, side: 'client' | 'server', timeoutMs: number, expected?: Uint8Array, signal?: AbortSignal): Promise<Secured> {
  const socket = side === 'client'
    ? tls.connect({ ...profile(cert), socket: stream, checkServerIdentity: () => undefined } as tls.ConnectionOptions)
    : new tls.TLSSocket(stream, { ...profile(cert), isServer: true, requestCert: true } as tls.TLSSocketOptions);
  return new Promise((resolve, reject) => {
    let done = false;
    const settle = (result: Secured | BytefallError) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.off('error', onError);
      if (result instanceof BytefallError) {
        socket.destroy();
        stream.destroy();
        reject(result);
      } else resolve(result);
    };
    const onError = (err: NodeJS.ErrnoException) =>
      settle(err instanceof BytefallError ? err : new BytefallError('NET_TLS_FAILED', `TLS handshake failed: ${err.code ?? err.message}`, { cause: err }));
    const onAbort = () => settle(new BytefallError('NET_CONNECT_FAILED', 'the connection was aborted'));
    const timer = setTimeout(() => settle(new BytefallError(side === 'client' ? 'NET_CONNECT_FAILED' : 'NET_TLS_FAILED', `no TLS handshake within ${timeoutMs} ms`)), timeoutMs);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('error', onError);
    socket.once(side === 'client' ? 'secureConnect' : 'secure', () => {
      const id = authenticate(socket, expected);
      settle(id instanceof BytefallError ? id : { socket, nodeId: id });
    });
  });
}
