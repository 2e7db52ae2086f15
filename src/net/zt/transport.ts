// The ZeroTier transport (src/net/transport.ts's Transport over libzt): peers are
// `zt:<node id>:<port>` on one ZeroTier network; connections are ZeroTier's TCP
// (lwIP inside libzt, encrypted by ZeroTier) with the TLS profile of the TCP
// transport on top to prove node keys (docs/ZEROTIER.md).
import { EventEmitter } from 'node:events';
import { BytefallError } from '../../errors.js';
import { formatAddress, toAddress, type Address } from '../address.js';
import { nodeCertificate, type NodeCertificate } from '../node-cert.js';
import type { NodeKey } from '../node-key.js';
import type { Connection, ConnectOptions, ListenOptions, Transport, TransportServer, TransportServerEvents } from '../transport.js';
import type { NativeSocket } from './addon.js';
import { adhocPorts, nodeAddress, nodeOfAddress } from './ids.js';
import { fromNative } from './native-error.js';
import type { ZtMembership, ZtNode } from './node.js';
import { ZtSocket } from './socket.js';
import { secure, TLS_HANDSHAKE_TIMEOUT_MS } from './tls.js';
import type { TLSSocket } from 'node:tls';

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

class ZtConnection implements Connection {
  constructor(
    readonly stream: TLSSocket,
    readonly remoteNodeId: Uint8Array,
    readonly remoteAddress: Address,
    readonly initiator: boolean,
  ) {}

  destroy(): void {
    this.stream.destroy();
  }
}

class ZtServer extends EventEmitter<TransportServerEvents> implements TransportServer {
  private closed = false;

  constructor(readonly address: Address, private readonly listener: NativeSocket) {
    super();
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.listener.close();
      queueMicrotask(() => this.emit('close'));
    }
    return Promise.resolve();
  }

  get isClosed(): boolean {
    return this.closed;
  }
}

export class ZtTransport implements Transport {
  readonly name = 'zerotier';
  readonly nodeId: Uint8Array;

  private constructor(
    readonly node: ZtNode,
    readonly membership: ZtMembership,
    private readonly cert: NodeCertificate,
    key: NodeKey,
  ) {
    this.nodeId = key.publicKey.slice();
  }

  /** A transport on a started node that has joined `membership`'s network. */
  static async create(key: NodeKey, node: ZtNode, membership: ZtMembership): Promise<ZtTransport> {
    return new ZtTransport(node, membership, await nodeCertificate(key), key);
  }

  /** Our own ZeroTier address for `port`: what peer records and PEX carry. */
  addressFor(port: number): Address {
    return { kind: 'zt', node: this.node.id, port };
  }

  async listen(address: Address | string, opts: ListenOptions = {}): Promise<TransportServer> {
    const a = toAddress(address, { allowPortZero: true });
    if (a.kind !== 'zt') throw new BytefallError('BAD_ARGUMENT', `the ZeroTier transport cannot listen on ${formatAddress(a)}`);
    if (a.node !== this.node.id) throw new BytefallError('BAD_ARGUMENT', `cannot listen on ${formatAddress(a)}: this node is ${this.node.id}`);
    this.checkAdhocPort(a.port, 'listen on');
    let listener: NativeSocket;
    try {
      listener = await this.node.listenNative(a.port);
    } catch (err) {
      throw fromNative(err, `listen on ${formatAddress(a)}`, 'NET_LISTEN_FAILED');
    }
    const server = new ZtServer(this.addressFor(listener.localPort), listener);
    listener.setHandler((type, arg) => {
      if (type === 'connection') this.accept(server, arg as NativeSocket, opts);
      else if (type === 'error') server.emit('error', fromNative(arg, `accept on ${formatAddress(server.address)}`, 'NET_LISTEN_FAILED'));
    });
    return server;
  }

  private accept(server: ZtServer, raw: NativeSocket, opts: ListenOptions): void {
    const node = nodeOfAddress(raw.remoteAddress, this.membership.networkId);
    const remote: Address = node ? { kind: 'zt', node, port: raw.remotePort } : { kind: 'ip', host: '::', port: raw.remotePort };
    if (server.isClosed || !node || (opts.allow && !opts.allow(remote))) return raw.close();
    const stream = new ZtSocket(raw, formatAddress(remote));
    secure(stream, this.cert, 'server', TLS_HANDSHAKE_TIMEOUT_MS).then(
      ({ socket, nodeId }) => {
        if (server.isClosed) return void socket.destroy();
        server.emit('connection', new ZtConnection(socket, nodeId, remote, false));
      },
      (err: BytefallError) => server.emit('refused', remote, err),
    );
  }

  async connect(address: Address | string, opts: ConnectOptions = {}): Promise<Connection> {
    const a = toAddress(address);
    if (a.kind !== 'zt') throw new BytefallError('BAD_ARGUMENT', `the ZeroTier transport cannot reach ${formatAddress(a)}`);
    this.checkAdhocPort(a.port, 'connect to');
    const where = formatAddress(a);
    const timeoutMs = opts.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 2 ** 30) throw new BytefallError('BAD_ARGUMENT', `timeoutMs out of range: ${timeoutMs}`);
    if (opts.signal?.aborted) throw new BytefallError('NET_CONNECT_FAILED', `connecting to ${where} was aborted`);
    const started = Date.now();
    const ip6 = nodeAddress(this.membership.networkId, a.node, this.membership.addressing);
    let raw: NativeSocket;
    try {
      raw = await this.node.connectNative(ip6, a.port, timeoutMs);
    } catch (err) {
      throw fromNative(err, `connect to ${where}`, 'NET_CONNECT_FAILED');
    }
    if (opts.signal?.aborted) {
      raw.close();
      throw new BytefallError('NET_CONNECT_FAILED', `connecting to ${where} was aborted`);
    }
    const left = Math.max(1, timeoutMs - (Date.now() - started));
    const { socket, nodeId } = await secure(new ZtSocket(raw, where), this.cert, 'client', left, opts.expectedNodeId, opts.signal);
    return new ZtConnection(socket, nodeId, a, true);
  }

  private checkAdhocPort(port: number, what: string): void {
    const range = adhocPorts(this.membership.networkId);
    if (range && port !== 0 && (port < range[0] || port > range[1])) {
      throw new BytefallError('BAD_ARGUMENT', `cannot ${what} port ${port}: ad hoc network ${this.membership.networkId} allows ports ${range[0]}-${range[1]}`);
    }
  }
}
