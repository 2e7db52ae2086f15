// Chooses which pieces to ask which peer for: rarest first with random tie-breaks (a bucketed
// order kept up to date per have message, rarity-order.ts), random pieces until we hold a few,
// priorities (0 = do not download), endgame (duplicate requests, cancelled when one copy
// arrives) and request timeouts. Pure and synchronous: the caller passes the time, does the I/O
// and sizes each peer's pipeline (picker-pipeline.ts). Pieces live in one global index space
// (every file's pieces, files in entry order); the caller maps it to (file, piece).
import { BytefallError } from '../errors.js';
import { Bitfield } from './picker-bitfield.js';
import { randomRanks, type Random } from './picker-random.js';
import { SmallestK } from './picker-select.js';
import { RarityOrder, RARITY_BUCKETS, nobodyHasIt, rarityBucket } from './rarity-order.js';

export type PeerId = string;

export const PRIORITY_SKIP = 0;
export const PRIORITY_DEFAULT = 4;
export const PRIORITY_MAX = 7;

/** Below this share of the pieces, a peer's bitfield is read instead of the rarity order. */
const SPARSE_PEER = 1 / 16;

export interface PickerOptions {
  /** Tie-breaking randomness (default Math.random); pass seededRandom(n) in tests. */
  random?: Random;
  /** Pick at random instead of rarest first until we have this many pieces (default 4). */
  randomFirstPieces?: number;
  /** Hard cap on requests in flight to one peer, whatever pick() is asked (default 256). */
  maxRequestsPerPeer?: number;
  /** In endgame, at most this many peers are asked for the same piece (default 2). */
  endgameRequesters?: number;
  /** Size of a piece in bytes, for the node-wide byte budget (default: pieces count 0 bytes). */
  pieceBytes?: (index: number) => number;
  /** Node-wide bound on bytes requested and not yet received (default unbounded). */
  maxBytesInFlight?: number;
  /** Pieces we already have (from the resume state). */
  have?: Bitfield;
}

/** Narrows a pick. */
export interface PickLimit {
  /** Only pieces at most this many peers have (e.g. the number of seeds: pieces nobody else has). */
  maxAvailability?: number;
  /** In endgame, at most this many duplicate requests (pieces another peer is asked for too); default no limit. */
  maxDuplicates?: number;
}

export interface Expired {
  peer: PeerId;
  piece: number;
}

interface Request {
  peer: PeerId;
  sinceMs: number;
}

interface PeerState {
  bits: Bitfield;
  requests: Set<number>;
}

export class PiecePicker {
  readonly size: number;
  private readonly have: Bitfield;
  /** Wanted, missing, not requested, not being verified: what a normal pick draws from. */
  private readonly open: Bitfield;
  /** Requested from at least one peer: what an endgame pick draws from. */
  private readonly busy: Bitfield;
  private readonly availability: Uint32Array;
  private readonly priority: Uint8Array;
  /** A random permutation: the order of equally rare pieces. */
  private readonly rank: Uint32Array;
  private readonly order: RarityOrder;
  private readonly random: Random;
  private readonly requests = new Map<number, Request[]>();
  private readonly verifying = new Set<number>();
  private readonly peers = new Map<PeerId, PeerState>();
  private readonly opts: Required<Omit<PickerOptions, 'have' | 'random'>>;
  /** Open pieces that at least one peer has: 0 means every piece we can get is in flight. */
  private openAvailable = 0;
  private wantedMissing = 0;
  private bytesInFlight = 0;

  constructor(size: number, options: PickerOptions = {}) {
    this.size = size;
    this.opts = {
      randomFirstPieces: options.randomFirstPieces ?? 4,
      maxRequestsPerPeer: options.maxRequestsPerPeer ?? 256,
      endgameRequesters: options.endgameRequesters ?? 2,
      pieceBytes: options.pieceBytes ?? (() => 0),
      maxBytesInFlight: options.maxBytesInFlight ?? Infinity,
    };
    this.have = new Bitfield(size);
    this.open = new Bitfield(size);
    this.busy = new Bitfield(size);
    this.availability = new Uint32Array(size);
    this.priority = new Uint8Array(size).fill(PRIORITY_DEFAULT);
    this.random = options.random ?? Math.random;
    this.rank = randomRanks(size, this.random);
    if (options.have && options.have.length !== size) {
      throw new BytefallError('BAD_ARGUMENT', `the have bitfield has ${options.have.length} pieces, not ${size}`);
    }
    for (let i = 0; i < size; i++) {
      if (options.have?.has(i)) this.have.set(i);
      else this.wantedMissing++;
      this.refresh(i);
    }
    this.order = new RarityOrder(RARITY_BUCKETS, size, this.random);
    this.order.rebuild((i) => this.bucketFor(i), this.rank);
  }

  // ---- our side ------------------------------------------------------------------------

  /** Sets the priority of pieces [first, end): 0 skips them, 1..7 (higher is picked first). */
  setPriority(first: number, end: number, priority: number): void {
    if (!(Number.isInteger(priority) && priority >= PRIORITY_SKIP && priority <= PRIORITY_MAX)) {
      throw new BytefallError('BAD_ARGUMENT', `priority must be 0..${PRIORITY_MAX}, not ${priority}`);
    }
    if (!(Number.isInteger(first) && Number.isInteger(end) && 0 <= first && first <= end && end <= this.size)) {
      throw new BytefallError('BAD_ARGUMENT', `bad piece range [${first}, ${end})`);
    }
    const many = (end - first) * 8 > this.size; // then one re-sort beats moving each piece
    for (let i = first; i < end; i++) {
      const before = this.priority[i] > 0;
      this.priority[i] = priority;
      if (!this.have.has(i) && before !== priority > 0) this.wantedMissing += before ? -1 : 1;
      this.refresh(i);
      if (!many) this.reorder(i);
    }
    if (many) this.order.rebuild((i) => this.bucketFor(i), this.rank);
  }

  /** We hold a verified copy of `piece`. Returns the peers still asked for it (send them cancel). */
  verified(piece: number): PeerId[] {
    this.checkIndex(piece);
    const others = this.clearRequests(piece);
    this.verifying.delete(piece);
    if (this.have.set(piece) && this.priority[piece] > 0) this.wantedMissing--;
    this.refresh(piece);
    this.reorder(piece);
    return others;
  }

  /** The data of `piece` arrived from `from` and is being hashed. Returns the other peers asked for it. */
  received(piece: number, from: PeerId): PeerId[] {
    if (!this.inRange(piece) || this.have.has(piece)) return [];
    const others = this.clearRequests(piece).filter((p) => p !== from);
    this.verifying.add(piece);
    this.refresh(piece);
    return others;
  }

  /** The piece failed its hash check: it goes back to the pool. */
  failed(piece: number): void {
    this.checkIndex(piece);
    this.verifying.delete(piece);
    this.refresh(piece);
  }

  // ---- peers ---------------------------------------------------------------------------

  /** Adds a peer (or replaces its bitfield). */
  addPeer(peer: PeerId, bits: Bitfield = new Bitfield(this.size)): void {
    if (bits.length !== this.size) {
      throw new BytefallError('BAD_ARGUMENT', `peer bitfield has ${bits.length} pieces, not ${this.size}`);
    }
    const old = this.peers.get(peer);
    if (old) this.changeAvail(old.bits, -1);
    const copy = Bitfield.fromBytes(bits.toBytes(), this.size);
    this.changeAvail(copy, 1);
    this.peers.set(peer, { bits: copy, requests: old?.requests ?? new Set() });
  }

  /** The peer announced `piece`. False for an unknown peer or an index out of range; repeats count once. */
  peerHave(peer: PeerId, piece: number): boolean {
    const ps = this.peers.get(peer);
    if (!ps || !this.inRange(piece)) return false;
    if (ps.bits.set(piece)) this.incAvail(piece);
    return true;
  }

  /**
   * A chunk of a peer's bitfield, as the wire's BITFIELD carries it (docs/PROTOCOL.md): bit 7 of
   * byte 0 is piece `first`. False, and nothing applied, when the peer is unknown, `first` is not
   * a multiple of 8, or a set bit lies past the last piece (a lie: the caller bans the peer).
   */
  peerBitfield(peer: PeerId, first: number, bits: Uint8Array): boolean {
    const ps = this.peers.get(peer);
    const chunk = ps && Bitfield.fromChunk(this.size, first, bits);
    if (!ps || !chunk) return false;
    const fresh = new Bitfield(this.size);
    chunk.forEachCommon(chunk, (i) => fresh.set(i), ps.bits);
    fresh.forEach((i) => ps.bits.set(i));
    this.changeAvail(fresh, 1);
    return true;
  }

  /** Forgets a peer; its requests return to the pool. Returns the pieces that were requested from it. */
  removePeer(peer: PeerId): number[] {
    const ps = this.peers.get(peer);
    if (!ps) return [];
    const dropped = this.dropPeerRequests(peer);
    this.changeAvail(ps.bits, -1);
    this.peers.delete(peer);
    return dropped;
  }

  /** Drops every request to `peer` (it choked us); the pieces return to the pool. */
  dropPeerRequests(peer: PeerId): number[] {
    const ps = this.peers.get(peer);
    if (!ps) return [];
    const pieces = [...ps.requests];
    for (const i of pieces) this.dropRequest(i, peer);
    return pieces;
  }

  /** The peer will not send `piece` (reject, or we cancelled): it returns to the pool. */
  cancel(peer: PeerId, piece: number): void {
    if (this.inRange(piece)) this.dropRequest(piece, peer);
  }

  /** Drops requests older than `timeoutMs`; the caller cancels them on the wire. */
  expire(nowMs: number, timeoutMs: number): Expired[] {
    const out: Expired[] = [];
    for (const [piece, list] of this.requests) {
      for (const r of list) if (nowMs - r.sinceMs >= timeoutMs) out.push({ peer: r.peer, piece });
    }
    for (const e of out) this.dropRequest(e.piece, e.peer);
    return out;
  }

  // ---- picking -------------------------------------------------------------------------

  /**
   * Pieces to request from `peer` now, best first, so that at most `maxInFlight` requests to it
   * are outstanding (see pipelineDepth). Records them as requested at `nowMs`. `only` narrows
   * the normal pick (not the endgame's duplicates), e.g. to what only seeds have.
   */
  pick(peer: PeerId, maxInFlight: number, nowMs: number, only: PickLimit = {}): number[] {
    const ps = this.peers.get(peer);
    if (!ps) return [];
    let want = Math.min(maxInFlight, this.opts.maxRequestsPerPeer) - ps.requests.size;
    const picked: number[] = [];
    const maxAvail = only.maxAvailability ?? Infinity;
    if (want > 0 && this.openAvailable > 0) {
      const randomFirst = this.have.count < this.opts.randomFirstPieces;
      if (randomFirst || ps.bits.count < this.size * SPARSE_PEER) {
        // Random first pieces, or a peer with few pieces: read its bitfield, keep the best.
        const best = new SmallestK(want);
        ps.bits.forEachCommon(this.open, (i) => {
          if (this.availability[i] > maxAvail) return;
          const key = randomFirst ? PRIORITY_MAX - this.priority[i] : this.order.bucketOf(i);
          best.offer(key * 2 ** 32 + this.rank[i], i);
        });
        for (const i of best.result()) {
          if (!this.addRequest(i, peer, ps, nowMs)) return picked;
          picked.push(i);
        }
      } else {
        // Rarest first: walk the rarity order from the front until enough are found.
        let full = false;
        this.order.scan(1, nobodyHasIt, (i) => {
          if (!this.open.has(i) || !ps.bits.has(i) || this.availability[i] > maxAvail) return true;
          if (!this.addRequest(i, peer, ps, nowMs)) return !(full = true);
          picked.push(i);
          return picked.length < want;
        });
        if (full) return picked;
      }
      want -= picked.length;
    }
    want = Math.min(want, only.maxDuplicates ?? Infinity);
    if (want > 0 && this.isEndgame()) {
      const best = new SmallestK(want);
      ps.bits.forEachCommon(this.busy, (i) => {
        const n = this.requests.get(i)?.length ?? 0;
        if (ps.requests.has(i) || this.priority[i] === 0 || n >= this.opts.endgameRequesters) return;
        best.offer(((PRIORITY_MAX - this.priority[i]) * 256 + n) * 2 ** 32 + this.rank[i], i);
      });
      for (const i of best.result()) {
        if (!this.addRequest(i, peer, ps, nowMs)) break;
        picked.push(i);
      }
    }
    return picked;
  }

  /**
   * Records a request the caller chose itself (a piece a reader is waiting for, or requests
   * restored after a reconnect). False if the peer is unknown or lacks it, we have it, or it is
   * already asked of this peer.
   */
  markRequested(peer: PeerId, piece: number, nowMs: number): boolean {
    const ps = this.peers.get(peer);
    if (!ps || !ps.bits.has(piece) || this.have.has(piece) || ps.requests.has(piece)) return false;
    return this.addRequest(piece, peer, ps, nowMs);
  }

  /** Every piece we could get is already requested: further picks duplicate requests. */
  isEndgame(): boolean {
    return this.openAvailable === 0 && this.busy.count > 0;
  }

  /** Does `peer` have a piece we want and lack? (Send interested / not interested.) */
  isInteresting(peer: PeerId): boolean {
    const ps = this.peers.get(peer);
    if (!ps) return false;
    const p = ps.bits.words;
    for (let w = 0; w < p.length; w++) if (p[w] & (this.open.words[w] | this.busy.words[w])) return true;
    return false;
  }

  /** Every wanted piece is verified. */
  isComplete(): boolean {
    return this.wantedMissing === 0;
  }

  haveCount(): number {
    return this.have.count;
  }

  availabilityOf(piece: number): number {
    return this.availability[piece] ?? 0;
  }

  /** Pieces requested from `peer`, in request order. */
  requestsOf(peer: PeerId): number[] {
    return [...(this.peers.get(peer)?.requests ?? [])];
  }

  /** Peers asked for `piece`. */
  requestersOf(piece: number): PeerId[] {
    return (this.requests.get(piece) ?? []).map((r) => r.peer);
  }

  // ---- internals -----------------------------------------------------------------------

  private addRequest(i: number, peer: PeerId, ps: PeerState, nowMs: number): boolean {
    const bytes = this.opts.pieceBytes(i);
    if (this.bytesInFlight > 0 && this.bytesInFlight + bytes > this.opts.maxBytesInFlight) return false;
    this.bytesInFlight += bytes;
    const list = this.requests.get(i);
    if (list) list.push({ peer, sinceMs: nowMs });
    else this.requests.set(i, [{ peer, sinceMs: nowMs }]);
    ps.requests.add(i);
    this.busy.set(i);
    this.refresh(i);
    return true;
  }

  private dropRequest(i: number, peer: PeerId): void {
    const list = this.requests.get(i);
    const at = list ? list.findIndex((r) => r.peer === peer) : -1;
    if (!list || at < 0) return;
    list.splice(at, 1);
    this.bytesInFlight -= this.opts.pieceBytes(i);
    this.peers.get(peer)?.requests.delete(i);
    if (list.length === 0) {
      this.requests.delete(i);
      this.busy.set(i, false);
    }
    this.refresh(i);
  }

  /** Removes every request for piece i; returns who was asked. */
  private clearRequests(i: number): PeerId[] {
    const asked = this.requestersOf(i);
    for (const p of asked) this.dropRequest(i, p);
    return asked;
  }

  /** Recomputes whether piece i is open, keeping openAvailable in step. */
  private refresh(i: number): void {
    const open =
      this.priority[i] > 0 && !this.have.has(i) && !this.requests.has(i) && !this.verifying.has(i);
    if (this.open.set(i, open) && this.availability[i] > 0) this.openAvailable += open ? 1 : -1;
  }

  private incAvail(i: number, reorder = true): void {
    if (this.availability[i]++ === 0 && this.open.has(i)) this.openAvailable++;
    if (reorder) this.reorder(i);
  }

  private decAvail(i: number, reorder = true): void {
    if (--this.availability[i] === 0 && this.open.has(i)) this.openAvailable--;
    if (reorder) this.reorder(i);
  }

  /** A whole bitfield comes or goes; past an eighth of the pieces, one re-sort is cheaper than moves. */
  private changeAvail(bits: Bitfield, delta: 1 | -1): void {
    const bulk = bits.count * 8 > this.size;
    bits.forEach((i) => (delta > 0 ? this.incAvail(i, !bulk) : this.decAvail(i, !bulk)));
    if (bulk) this.order.rebuild((i) => this.bucketFor(i), this.rank);
  }

  private bucketFor(i: number): number {
    return this.have.has(i) ? 0 : rarityBucket(this.priority[i], this.availability[i]);
  }

  private reorder(i: number): void {
    const b = this.bucketFor(i);
    if (b !== this.order.bucketOf(i)) this.order.move(i, b);
  }

  private inRange(i: number): boolean {
    return Number.isInteger(i) && i >= 0 && i < this.size;
  }

  private checkIndex(i: number): void {
    if (!this.inRange(i)) throw new BytefallError('BAD_ARGUMENT', `piece ${i} is outside 0..${this.size - 1}`);
  }
}
