// Which peers a swarm dials: an address book fed by the command line, the Waterfall's peer
// records, PEX and announce services; a few dials at a time up to the peer limit; exponential backoff for
// addresses that fail; never a banned node or address, never ourselves, never a seed while
// we are one. The book is bounded, so PEX floods cannot grow it.
import { BytefallError } from '../errors.js';
import type { PeerRecord } from '../format/model.js';
import type { Address } from '../net/address.js';
import type { Swarm } from './session.js';

export type PeerSource = 'user' | 'waterfall' | 'pex' | 'announce';

interface Candidate {
  address: string;
  nodeId?: string;
  source: PeerSource;
  failures: number;
  nextAt: number;
  dialing: boolean;
  /** It is us, or answered for nobody: never dialed again. */
  dead: boolean;
  seed: boolean;
  /** A dial failure of a user-given address was logged (once until it works). */
  logged: boolean;
}

const MAX_BOOK = 1000;
const MAX_DIALING = 4;
const MAX_PEX_FAILURES = 5;
const BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 30_000;

export class Connector {
  private readonly book = new Map<string, Candidate>();
  private dialing = 0;

  constructor(private readonly s: Swarm) {}

  get size(): number {
    return this.book.size;
  }

  /** Every address in the book (for tests and diagnostics). */
  addresses(): string[] {
    return [...this.book.keys()];
  }

  add(address: string, nodeId: string | undefined, source: PeerSource, seed = false): void {
    const known = this.book.get(address);
    if (known) {
      if (nodeId && !known.nodeId) known.nodeId = nodeId;
      if (source === 'user' && known.source !== 'user') known.source = 'user';
      known.seed = seed;
      return;
    }
    if (this.book.size >= MAX_BOOK && !this.evictOne()) return;
    this.book.set(address, { address, nodeId, source, failures: 0, nextAt: 0, dialing: false, dead: false, seed, logged: false });
  }

  /** Starts dials while there is room (called every tick and when a peer leaves). */
  tick(): void {
    const s = this.s;
    if (s.stopped) return;
    const now = s.now();
    const connected = new Set<string>();
    for (const p of s.peers.values()) if (p.info.listenAddress) connected.add(p.info.listenAddress);
    const order = [...this.book.values()].sort((a, b) => rank(a) - rank(b) || a.nextAt - b.nextAt);
    for (const c of order) {
      if (this.dialing >= MAX_DIALING || s.peers.size + this.dialing >= s.opts.maxPeers) return;
      if (c.dialing || c.dead || c.nextAt > now || connected.has(c.address)) continue;
      if (c.nodeId && (s.peers.has(c.nodeId) || c.nodeId === s.node.nodeIdHex)) continue;
      if (s.node.bans.isBanned(c.nodeId, c.address)) continue;
      if (s.complete && c.seed) continue; // a seed has nothing to give a seed
      this.dial(c);
    }
  }

  /** A peer we were connected to at `address` left: dial it again later, not at once. */
  disconnected(address: string | undefined, seed: boolean): void {
    const c = address ? this.book.get(address) : undefined;
    if (!c) return;
    c.seed = seed;
    c.nextAt = this.s.now() + BACKOFF_MS * 2;
  }

  private dial(c: Candidate): void {
    const s = this.s;
    c.dialing = true;
    this.dialing++;
    s.node
      .dial(c.address, s.waterfall.swarmId, {
        expectedNodeId: c.nodeId,
        skip: (id) => {
          c.nodeId ??= id;
          return s.peers.has(id); // reached a node we are already connected to
        },
        open: (wire, remote) => s.addPeer(wire, { listenAddress: c.address, remote, outgoing: true }),
      })
      .then(
        () => {
          c.failures = 0;
          c.logged = false;
        },
        (err: unknown) => this.failed(c, err),
      )
      .finally(() => {
        c.dialing = false;
        this.dialing--;
      });
  }

  private failed(c: Candidate, err: unknown): void {
    const code = err instanceof BytefallError ? err.code : undefined;
    if (code === 'WIRE_SELF') {
      c.dead = true;
      return;
    }
    c.failures++;
    c.nextAt = this.s.now() + Math.min(MAX_BACKOFF_MS, BACKOFF_MS * 2 ** Math.min(c.failures - 1, 10));
    if ((c.source === 'pex' || c.source === 'announce') && c.failures > MAX_PEX_FAILURES) {
      this.book.delete(c.address);
      return;
    }
    if (c.source === 'user' && !c.logged && !this.s.stopped && code !== 'WIRE_REFUSED') {
      c.logged = true;
      const why = (err as Error).message;
      this.s.warn(`${why.startsWith('cannot connect') ? why : `cannot connect to ${c.address}: ${why}`} (retrying)`);
    }
  }

  /** Makes room for a new address: drops a PEX or announced address that is not being dialed. */
  private evictOne(): boolean {
    let worst: Candidate | undefined;
    for (const c of this.book.values()) {
      if ((c.source !== 'pex' && c.source !== 'announce') || c.dialing) continue;
      if (!worst || c.failures > worst.failures || c.dead) worst = c;
    }
    if (worst) this.book.delete(worst.address);
    return worst !== undefined;
  }
}

/** Where a Waterfall peer record points: kind 0 is `zt:<node id>:<port>`, kinds 1 and 2 `ip:port`. */
export function peerRecordAddress(p: PeerRecord): Address {
  if (p.kind === 0) return { kind: 'zt', node: p.ztAddress.toString(16).padStart(10, '0'), port: p.port };
  return { kind: 'ip', host: p.ip, port: p.port };
}

function rank(c: Candidate): number {
  return (c.source === 'user' ? 0 : c.source === 'waterfall' ? 1 : 2) * 1000 + c.failures;
}
