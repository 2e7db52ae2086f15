// An in-process transport for tests and simulations: a MemoryNetwork of
// transports that reach each other by address through in-memory duplex pairs.
// Node ids are given, not proved: there is nobody in the middle to lie.
import { Duplex } from 'node:stream';
import { EventEmitter } from 'node:events';
import { BytefallError } from '../errors.js';
import { toHex } from '../util/hex.js';
import { formatAddress, toAddress, type Address } from './address.js';
import type { Connection, ConnectOptions, Transport, TransportServer, TransportServerEvents } from './transport.js';

class Side extends Duplex {
  other!: Side;

  override _read(): void {}

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    const copy = Buffer.from(chunk); // a copy, delivered later, as a socket would
    process.nextTick(() => this.other.push(copy));
    cb();
  }

  override _final(cb: (err?: Error | null) => void): void {
    process.nextTick(() => this.other.push(null));
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (!this.other.destroyed) this.other.destroy(); // like a reset: the other side sees 'close'
    cb(err);
  }
}

/** Two connected in-memory streams: what one writes, the other reads. */
export function duplexPair(): [Duplex, Duplex] {
  const a = new Side();
  const b = new Side();
  a.other = b;
  b.other = a;
  return [a, b];
}

class MemoryServer extends EventEmitter<TransportServerEvents> implements TransportServer {
  constructor(
    readonly address: Address,
    private readonly onClose: () => void,
  ) {
    super();
  }

  close(): Promise<void> {
    this.onClose();
    this.emit('close');
    return Promise.resolve();
  }
}

interface MemoryConnection extends Connection {}

export class MemoryNetwork {
  private readonly servers = new Map<string, { server: MemoryServer; nodeId: Uint8Array }>();
  private nextPort = 40000;

  /** A transport for node `nodeId` whose outgoing connections come from `host`. */
  transport(nodeId: Uint8Array, host = '127.0.0.1'): Transport {
    const net = this;
    return {
      name: 'memory',
      nodeId,
      async listen(address) {
        const a = toAddress(address, { allowPortZero: true });
        const bound: Address = a.port === 0 ? { ...a, port: net.nextPort++ } : a;
        const key = formatAddress(bound);
        if (net.servers.has(key)) throw new BytefallError('NET_LISTEN_FAILED', `cannot listen on ${key}: EADDRINUSE`);
        const server = new MemoryServer(bound, () => net.servers.delete(key));
        net.servers.set(key, { server, nodeId });
        return server;
      },
      async connect(address, opts: ConnectOptions = {}) {
        const a = toAddress(address);
        const where = formatAddress(a);
        const target = net.servers.get(where);
        if (!target) throw new BytefallError('NET_CONNECT_FAILED', `cannot connect to ${where}: ECONNREFUSED`);
        if (opts.expectedNodeId && toHex(opts.expectedNodeId) !== toHex(target.nodeId)) {
          throw new BytefallError('NET_WRONG_NODE', `peer is node ${toHex(target.nodeId)}, not the expected ${toHex(opts.expectedNodeId)}`);
        }
        const [mine, theirs] = duplexPair();
        const from: Address = { kind: 'ip', host, port: net.nextPort++ };
        const accepted: MemoryConnection = { stream: theirs, remoteNodeId: nodeId, remoteAddress: from, initiator: false, destroy: () => theirs.destroy() };
        queueMicrotask(() => target.server.emit('connection', accepted));
        return { stream: mine, remoteNodeId: target.nodeId, remoteAddress: a, initiator: true, destroy: () => mine.destroy() };
      },
    };
  }
}
