// Peer exchange (docs/PROTOCOL.md, PEX; BEP 11): every interval each peer that speaks PEX
// hears which peers we are connected to (their listen addresses and node ids) and which
// left since the last message; what we hear goes to the connector. So a node that knows one
// peer finds the others, and the swarm outlives its first seeder.
import { isIP } from 'node:net';
import { formatAddress, parseAddress, type Address } from '../net/address.js';
import { fromHex, toHex } from '../util/hex.js';
import { CAP_PEX, MAX_PEX_ENTRIES } from '../wire/constants.js';
import type { PexEntry } from '../wire/messages.js';
import type { Peer } from './peer.js';
import type { Swarm } from './session.js';

/**
 * A new peer hears at once of the peers we know (so it dials them now, not a tick later); when
 * we know nobody else yet, its first PEX goes out this soon after. Later ones every interval.
 */
const FIRST_PEX_MS = 300;
const ZERO_ID = new Uint8Array(32);

/** A PEX entry for a listen address, or undefined for what PEX cannot carry (DNS names). */
export function pexEntry(address: string, nodeIdHex: string, flags: { dropped?: boolean; seed?: boolean }): PexEntry | undefined {
  let a: Address;
  try {
    a = parseAddress(address);
  } catch {
    return undefined;
  }
  if (a.kind === 'ip' && isIP(a.host) === 0) return undefined; // a name, not a literal
  const id = nodeIdHex ? fromHex(nodeIdHex) : undefined;
  return { nodeId: id && id.length === 32 ? id : ZERO_ID, address: a, dropped: !!flags.dropped, seed: !!flags.seed };
}

export class PexExchange {
  constructor(private readonly s: Swarm) {}

  /** A new peer: it hears of the others at once, or shortly if there are none yet. */
  added(peer: Peer): void {
    const s = this.s;
    const now = s.now();
    if (s.opts.pex && this.speaksPex(peer) && this.send(peer)) peer.pexDueAt = now + s.opts.pexIntervalMs;
    else peer.pexDueAt = now + Math.min(FIRST_PEX_MS, s.opts.pexIntervalMs);
  }

  /** Sends every PEX that is due. */
  tick(): void {
    if (!this.s.opts.pex) return;
    const now = this.s.now();
    for (const peer of this.s.peers.values()) {
      if (now < peer.pexDueAt || !this.speaksPex(peer)) continue;
      peer.pexDueAt = now + this.s.opts.pexIntervalMs;
      this.send(peer);
    }
  }

  onPex(peer: Peer, entries: PexEntry[]): void {
    const s = this.s;
    if (!s.opts.pex) return;
    const now = s.now();
    if (peer.pexReceivedAt > 0 && now - peer.pexReceivedAt < s.opts.pexIntervalMs / 2) return; // too soon: ignored
    peer.pexReceivedAt = now;
    let added = false;
    for (const e of entries.slice(0, MAX_PEX_ENTRIES)) {
      if (e.dropped || e.address.kind !== 'ip') continue; // we find out about dropped peers ourselves
      const id = e.nodeId.every((b) => b === 0) ? undefined : toHex(e.nodeId);
      if (id === s.node.nodeIdHex || (id && s.peers.has(id))) continue;
      s.connector.add(formatAddress(e.address), id, 'pex', e.seed);
      added = true;
    }
    if (added) s.connector.tick(); // dial now, not at the next tick
  }

  private speaksPex(peer: Peer): boolean {
    return !!peer.wire.handshake && (peer.wire.handshake.capabilities & CAP_PEX) !== 0;
  }

  /** Sends the peer what changed since its last PEX; false when there was nothing to say. */
  private send(peer: Peer): boolean {
    const now: Map<string, { id: string; seed: boolean }> = new Map();
    for (const p of this.s.peers.values()) {
      if (p === peer || !p.info.listenAddress) continue;
      now.set(p.info.listenAddress, { id: p.id, seed: p.isSeed });
    }
    const entries: PexEntry[] = [];
    for (const [address, id] of peer.pexSent) {
      if (entries.length >= MAX_PEX_ENTRIES) break;
      if (now.has(address)) continue;
      const e = pexEntry(address, id, { dropped: true });
      if (e) entries.push(e);
      peer.pexSent.delete(address);
    }
    for (const [address, p] of now) {
      if (entries.length >= MAX_PEX_ENTRIES) break;
      if (peer.pexSent.has(address)) continue;
      const e = pexEntry(address, p.id, { seed: p.seed });
      if (!e) continue;
      entries.push(e);
      peer.pexSent.set(address, p.id);
    }
    if (entries.length === 0) return false;
    peer.wire.pex(entries);
    return true;
  }
}
