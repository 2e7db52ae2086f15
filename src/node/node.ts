// A ByteFall node: one node key, one transport, one listener, the swarms it serves and the
// peers it bans. It accepts connections (at most a few handshakes at a time), runs the
// handshake through the Wire, and hands each open Wire to its swarm synchronously, before
// any later message is read; it dials on behalf of swarms the same way.
import { BytefallError } from '../errors.js';
import { formatAddress, type Address } from '../net/address.js';
import type { Connection, Transport, TransportServer } from '../net/transport.js';
import { fromHex, toHex } from '../util/hex.js';
import { CLOSE_PROTOCOL_ERROR, CLOSE_UNKNOWN_SWARM } from '../wire/constants.js';
import type { SwarmDecision } from '../wire/handshake.js';
import { Wire, type WireTimeouts } from '../wire/wire.js';
import { BanList } from './bans.js';

/** What a node needs of a swarm to route incoming peers to it. */
export interface NodeSwarm {
  readonly swarmIdHex: string;
  /** May this node join? true, or the CLOSE_* reason to refuse it with. */
  admit(nodeIdHex: string): SwarmDecision;
  /** An incoming peer finished its handshake. Called synchronously: attach listeners now. */
  accept(wire: Wire, remote: Address): void;
}

export interface NodeOptions {
  transport: Transport;
  /** One line per connection that ends with an error, and other notices. */
  log?: (line: string) => void;
  /** Incoming connections in their handshake at once (default 32); more are dropped. */
  maxHandshakes?: number;
  wireTimeouts?: Partial<WireTimeouts>;
  /** Connect timeout in ms (default 10 s). */
  connectTimeoutMs?: number;
  /** The address kinds the transport dials (default: `zt` for the ZeroTier transport, else `ip`). */
  dials?: readonly Address['kind'][];
}

export interface DialOptions {
  /** Refuse anyone but this node (hex node id). */
  expectedNodeId?: string;
  /** Drop the connection before the handshake when this says so (e.g. already connected to that node). */
  skip?: (nodeIdHex: string) => boolean;
  /** Called synchronously with the open Wire when the handshake completes. */
  open(wire: Wire, remote: Address): void;
}

export class Node {
  readonly nodeId: Uint8Array;
  readonly nodeIdHex: string;
  readonly bans = new BanList();
  private server: TransportServer | null = null;
  private readonly swarms = new Map<string, NodeSwarm>();
  /** Wires still in their handshake (closed with the node). */
  private readonly opening = new Set<Wire>();
  private handshakes = 0;
  private closed = false;
  private readonly dials: ReadonlySet<Address['kind']>;

  constructor(private readonly opts: NodeOptions) {
    this.nodeId = opts.transport.nodeId;
    this.nodeIdHex = toHex(this.nodeId);
    this.dials = new Set(opts.dials ?? [opts.transport.name === 'zerotier' ? 'zt' : 'ip']);
  }

  /** Whether this node's transport dials `a` (TCP: host:port; ZeroTier: zt:<node id>:<port>). */
  canDial(a: Address): boolean {
    return this.dials.has(a.kind);
  }

  /** The port we accept connections on (0 when not listening): it goes in every HELLO. */
  get listenPort(): number {
    return this.server?.address.port ?? 0;
  }

  get listenAddress(): Address | undefined {
    return this.server?.address;
  }

  async listen(address: string | Address): Promise<Address> {
    if (this.server) throw new BytefallError('BAD_ARGUMENT', 'the node is already listening');
    const server = await this.opts.transport.listen(address);
    server.on('connection', (conn) => this.incoming(conn));
    server.on('refused', (remote, err) => {
      // A peer that hangs up in the middle of its handshake (e.g. the loser of two crossing dials) is not news.
      if ((err.cause as NodeJS.ErrnoException | undefined)?.code === 'ECONNRESET') return;
      this.log(`refused ${formatAddress(remote)}: ${err.message}`);
    });
    server.on('error', (err) => this.log(`listener: ${err.message}`));
    this.server = server;
    return server.address;
  }

  add(swarm: NodeSwarm): void {
    this.swarms.set(swarm.swarmIdHex, swarm);
  }

  remove(swarm: NodeSwarm): void {
    if (this.swarms.get(swarm.swarmIdHex) === swarm) this.swarms.delete(swarm.swarmIdHex);
  }

  /** Connects to `address` for `swarmId`; resolves once the handshake is done and `open` ran. */
  async dial(address: string, swarmId: Uint8Array, opts: DialOptions): Promise<void> {
    if (this.closed) throw new BytefallError('NET_CONNECT_FAILED', 'the node is closed');
    const expected = opts.expectedNodeId ? fromHex(opts.expectedNodeId) : undefined;
    const conn = await this.opts.transport.connect(address, { expectedNodeId: expected, timeoutMs: this.opts.connectTimeoutMs ?? 10_000 });
    const id = toHex(conn.remoteNodeId);
    const drop = (err: BytefallError) => {
      conn.destroy();
      throw err;
    };
    if (this.closed) drop(new BytefallError('NET_CONNECT_FAILED', 'the node is closed'));
    if (id === this.nodeIdHex) drop(new BytefallError('WIRE_SELF', `${address} is this node`));
    if (this.bans.isBanned(id, address)) drop(new BytefallError('WIRE_REFUSED', `node ${id.slice(0, 16)} at ${address} is banned`));
    if (opts.skip?.(id)) drop(new BytefallError('WIRE_REFUSED', `already connected to node ${id.slice(0, 16)}`));
    return new Promise((resolve, reject) => {
      const wire = this.wire(conn, address, swarmId);
      wire.once('handshake', () => {
        this.opening.delete(wire);
        try {
          opts.open(wire, conn.remoteAddress);
          resolve();
        } catch (err) {
          wire.close();
          reject(err);
        }
      });
      wire.once('close', (info) => {
        this.opening.delete(wire);
        if (wire.handshake) return;
        if (info.ban) this.bans.ban(id, address);
        reject(info.error ?? new BytefallError('WIRE_CLOSED', `${address} closed the connection during the handshake`));
      });
    });
  }

  /** Stops accepting and closes connections still in their handshake (swarms close their peers). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.opening) w.close();
    this.opening.clear();
    await this.server?.close();
  }

  private incoming(conn: Connection): void {
    const id = toHex(conn.remoteNodeId);
    if (this.closed || this.handshakes >= (this.opts.maxHandshakes ?? 32) || this.bans.isBanned(id)) {
      conn.destroy();
      return;
    }
    this.handshakes++;
    const wire = this.wire(conn, formatAddress(conn.remoteAddress));
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      this.handshakes--;
      this.opening.delete(wire);
    };
    wire.once('handshake', (result) => {
      settle();
      const swarm = this.swarms.get(toHex(result.swarmId));
      if (!swarm) return void wire.close(CLOSE_UNKNOWN_SWARM, 'not serving this swarm any more');
      swarm.accept(wire, conn.remoteAddress);
    });
    wire.once('close', (info) => {
      if (!settled && info.ban) this.bans.ban(id);
      settle();
    });
  }

  private wire(conn: Connection, label: string, swarmId?: Uint8Array): Wire {
    const wire = new Wire(conn.stream, {
      initiator: conn.initiator,
      nodeId: this.nodeId,
      remoteNodeId: conn.remoteNodeId,
      swarmId,
      listenPort: this.listenPort,
      label,
      log: this.opts.log,
      timeouts: this.opts.wireTimeouts,
      reuseFrameBuffers: true, // the swarm copies what it keeps from each message
      acceptSwarm: (sid, nid) => {
        const swarm = this.swarms.get(toHex(sid));
        if (!swarm) return CLOSE_UNKNOWN_SWARM;
        if (this.bans.isBanned(toHex(nid))) return CLOSE_PROTOCOL_ERROR;
        return swarm.admit(toHex(nid));
      },
    });
    this.opening.add(wire);
    return wire;
  }

  private log(line: string): void {
    this.opts.log?.(line);
  }
}
