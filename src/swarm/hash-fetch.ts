// Fetches the piece hashes we lack (no local piece layer: `get` from a swarm id, or a
// resumed download) from peers, in runs of up to 512 leaves with a proof each, a few runs in
// flight per peer and each run asked of one peer at a time. A run whose proof does not lead
// to the entry hash bans the peer; a REJECT sends the run to another peer. Pieces become
// pickable as soon as their run is known (session.onRunKnown).
import { BytefallError } from '../errors.js';
import type { InFlight } from '../wire/requests.js';
import { MAX_REQUESTS_IN_FLIGHT } from '../wire/constants.js';
import type { Peer } from './peer.js';
import type { HashRun } from './piece-hashes.js';
import type { Swarm } from './session.js';

const MAX_HASH_REQUESTS_PER_PEER = 4;

function key(r: HashRun): string {
  return `${r.file}:${r.run}`;
}

export class HashFetcher {
  /** Runs asked for, and from whom. */
  private readonly asked = new Map<string, Peer>();

  constructor(private readonly s: Swarm) {}

  get pending(): number {
    return this.asked.size;
  }

  /** Asks `peer` for runs nobody is asked for, if it may have them. */
  fill(peer: Peer): void {
    const s = this.s;
    if (s.hashes.allKnown() || peer.wire.closed || !peer.onOurVersion || peer.bits.count === 0) return;
    for (const run of s.hashes.missingRuns()) {
      if (peer.hashRequests.size >= MAX_HASH_REQUESTS_PER_PEER || peer.wire.requestsInFlight >= MAX_REQUESTS_IN_FLIGHT) return;
      if (this.asked.has(key(run)) || peer.noHashes.has(run.file)) continue;
      const r = peer.wire.hashRequest(s.waterfall.waterfallId, s.hashes.entryIndex[run.file], run.first, run.count);
      peer.hashRequests.set(r.reqId, run);
      this.asked.set(key(run), peer);
    }
  }

  /** Seeds first: they have every layer. */
  fillAll(): void {
    const peers = [...this.s.peers.values()].sort((a, b) => Number(b.isSeed) - Number(a.isSeed));
    for (const p of peers) this.fill(p);
  }

  onHashes(peer: Peer, r: InFlight, hashes: Uint8Array, proof: Uint8Array): void {
    const run = peer.hashRequests.get(r.reqId);
    if (!run) return;
    peer.hashRequests.delete(r.reqId);
    this.asked.delete(key(run));
    if (!this.s.hashes.acceptRun(run, hashes, proof)) {
      const path = this.s.hashes.files[run.file].path.join('/');
      this.s.punish(peer, new BytefallError('WIRE_BAD_DATA', `hashes ${run.first}+${run.count} of ${path} do not prove the entry hash`));
      return;
    }
    this.s.onRunKnown(run);
    this.fill(peer);
  }

  onReject(peer: Peer, r: InFlight): void {
    const run = peer.hashRequests.get(r.reqId);
    if (!run) return;
    peer.hashRequests.delete(r.reqId);
    this.asked.delete(key(run));
    peer.noHashes.add(run.file);
    this.fillAll();
  }

  removePeer(peer: Peer): void {
    for (const run of peer.hashRequests.values()) this.asked.delete(key(run));
    peer.hashRequests.clear();
  }
}
