// TCP + TLS 1.3 transport (docs/PROTOCOL.md, "Transport"): OpenSSL through
// node:tls does all the cryptography. Both sides present the self-signed certificate
// of their node key; TLS's CertificateVerify proves each holds its key, and the key
// in the peer's certificate is its node id (pinned: no chains, names or dates).
import { EventEmitter } from 'node:events';
import { isIPv4 } from 'node:net';
import tls from 'node:tls';
import { BytefallError } from '../errors.js';
import { formatAddress, toAddress, type Address } from './address.js';
import { CHUNK_SINK, ChunkRelay, type ChunkSink } from './chunk-source.js';
import { nodeCertificate, type NodeCertificate } from './node-cert.js';
import { authenticate, profile } from './tls-profile.js';
import type { NodeKey } from './node-key.js';
import { useReadBuffer } from './user-buffer.js';
import type { Connection, ConnectOptions, ListenOptions, Transport, TransportServer, TransportServerEvents } from './transport.js';

export { ALPN, CIPHER_SUITES } from './tls-profile.js';
const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

function remoteOf(socket: tls.TLSSocket): Address {
  let host = socket.remoteAddress ?? '0.0.0.0';
  if (host.startsWith('::ffff:') && isIPv4(host.slice(7))) host = host.slice(7); // IPv4-mapped
  return { kind: 'ip', host, port: socket.remotePort ?? 0 };
}

class TlsConnection implements Connection {
  constructor(
    readonly stream: tls.TLSSocket,
    readonly remoteNodeId: Uint8Array,
    readonly remoteAddress: Address,
    readonly initiator: boolean,
  ) {}

  destroy(): void {
    this.stream.destroy();
  }
}


function connectError(err: NodeJS.ErrnoException, where: string): BytefallError {
  const tlsFailure = /SSL|TLS|ALPN|alert/i.test(`${err.code ?? ''} ${err.message}`);
  return new BytefallError(tlsFailure ? 'NET_TLS_FAILED' : 'NET_CONNECT_FAILED', `cannot connect to ${where}: ${err.code ?? err.message}`, { cause: err });
}

class TcpTlsServer extends EventEmitter<TransportServerEvents> implements TransportServer {
  address: Address;
  closed = false;

  constructor(readonly server: tls.Server, address: Address) {
    super();
    this.address = address;
  }

  /** Stops accepting (the port is free when it resolves); established connections stay with their owners. */
  close(): Promise<void> {
    this.closed = true;
    return new Promise((resolve) => {
      this.server.close(() => this.emit('close'));
      setImmediate(resolve);
    });
  }
}

export class TcpTlsTransport implements Transport {
  readonly name = 'tcp-tls';
  readonly nodeId: Uint8Array;
  private readonly cert: NodeCertificate;

  private constructor(key: NodeKey, cert: NodeCertificate) {
    this.nodeId = key.publicKey.slice();
    this.cert = cert;
  }

  static async create(key: NodeKey): Promise<TcpTlsTransport> {
    return new TcpTlsTransport(key, await nodeCertificate(key));
  }

  async listen(address: Address | string, opts: ListenOptions = {}): Promise<TransportServer> {
    const a = toAddress(address, { allowPortZero: true });
    if (a.kind !== 'ip') throw new BytefallError('BAD_ARGUMENT', `tcp-tls cannot listen on ${formatAddress(a)}`);
    const server = tls.createServer({
      ...profile(this.cert),
      requestCert: true,
      honorCipherOrder: true,
      handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS,
      noDelay: true,
    } as tls.TlsOptions);
    const wrapped = new TcpTlsServer(server, a);
    server.on('connection', (raw) => {
      const remote: Address = { kind: 'ip', host: (raw.remoteAddress ?? '').replace(/^::ffff:(?=\d+\.)/, ''), port: raw.remotePort ?? 0 };
      if (opts.allow && !opts.allow(remote)) raw.destroy();
    });
    server.on('secureConnection', (socket: tls.TLSSocket) => {
      if (wrapped.closed) return void socket.destroy(); // a handshake that outlived close()
      const id = authenticate(socket);
      if (id instanceof BytefallError) {
        wrapped.emit('refused', remoteOf(socket), id);
        socket.destroy();
        return;
      }
      const relay = new ChunkRelay(); // as onread on a dialed socket: no Buffer per 16 KiB record
      if (useReadBuffer(socket, relay.buffer, relay.callback)) {
        Object.defineProperty(socket, CHUNK_SINK, { value: (sink: ChunkSink) => relay.attach(sink) });
      }
      wrapped.emit('connection', new TlsConnection(socket, id, remoteOf(socket), false));
    });
    server.on('tlsClientError', (err: NodeJS.ErrnoException, socket) => {
      wrapped.emit('refused', remoteOf(socket), new BytefallError('NET_TLS_FAILED', `TLS handshake failed: ${err.code ?? err.message}`, { cause: err }));
    });
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) =>
        reject(new BytefallError('NET_LISTEN_FAILED', `cannot listen on ${formatAddress(a)}: ${err.code ?? err.message}`, { cause: err }));
      server.once('error', onError);
      server.listen(a.port, a.host, () => {
        server.off('error', onError);
        server.on('error', (err) => wrapped.emit('error', err));
        const bound = server.address();
        if (bound && typeof bound === 'object') wrapped.address = { kind: 'ip', host: a.host, port: bound.port };
        resolve(wrapped);
      });
    });
  }

  async connect(address: Address | string, opts: ConnectOptions = {}): Promise<Connection> {
    const a = toAddress(address);
    if (a.kind !== 'ip') throw new BytefallError('BAD_ARGUMENT', `tcp-tls cannot reach ${formatAddress(a)}`);
    const where = formatAddress(a);
    return new Promise((resolve, reject) => {
      const relay = new ChunkRelay();
      const socket = tls.connect({
        ...profile(this.cert),
        host: a.host,
        port: a.port,
        noDelay: true,
        checkServerIdentity: () => undefined, // the node id is checked instead of names
        onread: { buffer: relay.buffer, callback: relay.callback }, // no Buffer per 16 KiB record
      } as tls.ConnectionOptions);
      Object.defineProperty(socket, CHUNK_SINK, { value: (sink: ChunkSink) => relay.attach(sink) });
      let done = false;
      const settle = (result: Connection | BytefallError) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        socket.off('error', onError);
        if (result instanceof BytefallError) {
          socket.destroy();
          reject(result);
        } else resolve(result);
      };
      const onError = (err: NodeJS.ErrnoException) => settle(connectError(err, where));
      const onAbort = () => settle(new BytefallError('NET_CONNECT_FAILED', `connecting to ${where} was aborted`));
      const timeoutMs = opts.timeoutMs ?? TLS_HANDSHAKE_TIMEOUT_MS;
      const timer = setTimeout(() => settle(new BytefallError('NET_CONNECT_FAILED', `cannot connect to ${where}: no answer within ${timeoutMs} ms`)), timeoutMs);
      if (opts.signal?.aborted) return onAbort();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      socket.once('error', onError);
      socket.once('secureConnect', () => {
        const id = authenticate(socket, opts.expectedNodeId);
        settle(id instanceof BytefallError ? id : new TlsConnection(socket, id, a, true));
      });
    });
  }
}
