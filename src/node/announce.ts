// A node's announce services (--announce URL, repeatable) around one swarm: the Announcer
// (src/announce/announcer.ts) with its intervals kept in the state folder across runs, what
// the node announces (its address or only its port), the first lookup of `get <swarm-id>`
// when no --peer is given, and the wiring to a running swarm: announced peers go to the
// connector like PEX entries, a verified newer version record is reported. A service that
// is down, slow or lying costs a log line; the node goes on.
import { isIP } from 'node:net';
import { Announcer } from '../announce/announcer.js';
import type { VersionRecord } from '../announce/record.js';
import { formatAddress, type Address } from '../net/address.js';
import type { Swarm } from '../swarm/session.js';
import type { StateDir } from './state-dir.js';

/** What a node announces: its listen address when that is one peers can dial, else its port (the service sees our IP). */
export function announceWhere(listen: Address): { addresses?: string[]; port?: number } {
  if (listen.kind === 'zt') return { addresses: [formatAddress(listen)] };
  const unspecified = listen.host === '0.0.0.0' || listen.host === '::' || isIP(listen.host) === 0;
  return unspecified ? { port: listen.port } : { addresses: [formatAddress(listen)] };
}

export interface NodeAnnounceOptions {
  urls: readonly string[];
  swarmId: Uint8Array;
  state: StateDir;
  listen: Address;
  /** Which addresses this node's transport can dial (TCP: IP ones; ZeroTier: zt ones). */
  canDial: (a: Address) => boolean;
  log: (line: string) => void;
}

/** One Announcer for the lookup before a swarm exists (no publisher key known yet). */
export function lookupAnnouncer(o: NodeAnnounceOptions): Announcer {
  return new Announcer({ urls: o.urls, swarmId: o.swarmId, ...announceWhere(o.listen), peerCount: () => 0, state: o.state.readAnnounceState(), log: o.log });
}

/**
 * Asks the services for the latest record and for peers until one of them names a peer
 * this node can dial (every 1, 2, 4 ... 10 s) or `signal` aborts; the intervals learnt are saved.
 */
export async function lookupPeers(a: Announcer, o: NodeAnnounceOptions, signal: AbortSignal, onRecord: (r: VersionRecord) => void): Promise<string[]> {
  try {
    const latest = await a.getLatest();
    if (latest) onRecord(latest);
    for (let wait = 1000; !signal.aborted; wait = Math.min(wait * 2, 10_000)) {
      const peers = (await a.getPeers()).filter(o.canDial).map(formatAddress);
      if (peers.length > 0 || signal.aborted) return peers;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, wait);
        signal.addEventListener('abort', done, { once: true });
        function done() {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          resolve();
        }
      });
    }
    return [];
  } finally {
    saveState(a, o);
  }
}

/**
 * Starts polling for `swarm`: peers to its connector, newer records to `onRecord`. Stop it with
 * stopSwarmAnnouncer. Call it after the swarm's known addresses are in its connector.
 */
export function startSwarmAnnouncer(o: NodeAnnounceOptions, swarm: Swarm, onRecord: (r: VersionRecord, url: string) => void): Announcer {
  const a = new Announcer({
    urls: o.urls,
    swarmId: o.swarmId,
    publicKey: swarm.waterfall.publicKey,
    ...announceWhere(o.listen),
    peerCount: () => swarm.peers.size,
    // --peer, the Waterfall's peer records and the peers a lookup found are in the connector's
    // book before start(): a node that knows peers does not poll at join (docs/ANNOUNCE.md, "Budget").
    knownPeers: () => swarm.peers.size + swarm.connector.size,
    knownSequence: () => swarm.waterfall.sequence,
    onPeers: (peers) => {
      if (swarm.stopped) return;
      for (const p of peers) if (o.canDial(p)) swarm.connector.add(formatAddress(p), undefined, 'announce');
    },
    onRecord,
    state: o.state.readAnnounceState(),
    log: o.log,
  });
  a.start();
  return a;
}

export function stopSwarmAnnouncer(a: Announcer, o: NodeAnnounceOptions): void {
  a.stop();
  saveState(a, o);
}

function saveState(a: Announcer, o: NodeAnnounceOptions): void {
  try {
    o.state.saveAnnounceState(a.exportState());
  } catch (err) {
    o.log(`cannot save the announce state: ${(err as Error).message}`);
  }
}
