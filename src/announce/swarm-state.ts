// The state the service keeps for one swarm, and every rule about it: the latest
// record (sequences only go up), the short-lived peer table, and the interval
// control. Pure and synchronous; each host persists what takeChanges() reports
// (a Durable Object's SQLite rows, a JSON file), so both hosts share the logic.
import { type RecordJson } from './record.js';
import { MAX_PEERS_PER_SWARM, PEER_REFRESH_AFTER_MS, PEER_TTL_MS } from './limits.js';
import { type ControlParams, type ControlState, CONTROL_DEFAULTS, advertisedInterval, emptyControl, observeRequest } from './interval-control.js';

export interface PeerSlot {
  address: string;
  /** ms since the epoch; the slot is free (reusable) after it. */
  expires: number;
}

/** Everything a host persists: rebuilt with new SwarmState(snapshot). */
export interface SwarmSnapshot {
  record: RecordJson | null;
  peers: PeerSlot[];
  control: ControlState;
}

/** What a read or an announce answers. */
export interface SwarmView {
  record: RecordJson | null;
  peers: string[];
  /** The base poll interval the swarm's nodes should use, seconds. */
  interval: number;
}

export type PublishResult = { stored: true; sequence: number } | { stored: false; current: number };

/** What changed since the last takeChanges(): the host writes these and nothing else. */
export interface Changes {
  record: boolean;
  /** Indexes of peer slots to write (a slot is overwritten in place, never deleted). */
  slots: number[];
  control: boolean;
}

export interface SwarmStateOptions {
  random?: () => number;
  control?: ControlParams;
  /** The control state is reported as changed at most this often (it changes on every request). */
  controlSaveEveryMs?: number;
}

export interface ReadQuery {
  now: number;
  maxPeers: number;
  /** The base interval (s) the node says it uses. */
  claim?: number;
  /** Addresses not to hand back (the caller's own). */
  exclude?: readonly string[];
}

export class SwarmState {
  #record: RecordJson | null;
  readonly #slots: PeerSlot[];
  readonly #index = new Map<string, number>();
  #control: ControlState;
  #controlSavedAt = 0;
  #dirtyRecord = false;
  #dirtyControl = false;
  readonly #dirtySlots = new Set<number>();
  readonly #random: () => number;
  readonly #params: ControlParams;
  readonly #saveEvery: number;

  constructor(snapshot?: SwarmSnapshot, opts: SwarmStateOptions = {}) {
    this.#record = snapshot?.record ?? null;
    this.#slots = (snapshot?.peers ?? []).slice(0, MAX_PEERS_PER_SWARM).map((s) => ({ ...s }));
    this.#slots.forEach((s, i) => this.#index.set(s.address, i));
    this.#control = snapshot?.control ?? emptyControl();
    this.#controlSavedAt = this.#control.at;
    this.#random = opts.random ?? Math.random;
    this.#params = opts.control ?? CONTROL_DEFAULTS;
    this.#saveEvery = opts.controlSaveEveryMs ?? 5 * 60_000;
  }

  /** A swarm exists for the service once its publisher has pushed a record. */
  get known(): boolean {
    return this.#record !== null;
  }

  get sequence(): number {
    return this.#record?.sequence ?? 0;
  }

  /** Answers a read; undefined (and nothing counted) for an unknown swarm. */
  view(q: ReadQuery): SwarmView | undefined {
    if (!this.known) return undefined;
    this.#count(q.now, q.claim);
    return this.#answer(q);
  }

  /** Adds or refreshes `addresses` (already checked), then answers like view(). */
  announce(addresses: readonly string[], q: ReadQuery): SwarmView | undefined {
    if (!this.known) return undefined;
    this.#count(q.now, q.claim);
    for (const address of addresses) this.#put(address, q.now);
    return this.#answer({ ...q, exclude: addresses });
  }

  /** Stores a record (already verified) if its sequence is greater than the stored one. */
  publish(record: RecordJson, now: number): PublishResult {
    if (record.sequence <= this.sequence) return { stored: false, current: this.sequence };
    this.#record = record;
    this.#dirtyRecord = true;
    this.#count(now, undefined);
    this.#dirtyControl = true;
    return { stored: true, sequence: record.sequence };
  }

  takeChanges(): Changes {
    const changes = { record: this.#dirtyRecord, slots: [...this.#dirtySlots].sort((a, b) => a - b), control: this.#dirtyControl };
    if (this.#dirtyControl) this.#controlSavedAt = this.#control.at;
    this.#dirtyRecord = false;
    this.#dirtyControl = false;
    this.#dirtySlots.clear();
    return changes;
  }

  snapshot(): SwarmSnapshot {
    return { record: this.#record, peers: this.#slots.map((s) => ({ ...s })), control: { ...this.#control } };
  }

  slot(i: number): PeerSlot {
    return { ...this.#slots[i] };
  }

  #count(now: number, claim: number | undefined): void {
    this.#control = observeRequest(this.#control, now, claim, this.#params);
    if (now - this.#controlSavedAt >= this.#saveEvery) this.#dirtyControl = true;
  }

  #put(address: string, now: number): void {
    const expires = now + PEER_TTL_MS;
    let i = this.#index.get(address);
    if (i !== undefined) {
      if (this.#slots[i].expires - now > PEER_TTL_MS - PEER_REFRESH_AFTER_MS) return; // fresh enough: no write
    } else if (this.#slots.length < MAX_PEERS_PER_SWARM) {
      i = this.#slots.length;
      this.#slots.push({ address, expires });
    } else {
      i = 0; // full: replace the slot that expires first (an expired one if any)
      for (let j = 1; j < this.#slots.length; j++) if (this.#slots[j].expires < this.#slots[i].expires) i = j;
      this.#index.delete(this.#slots[i].address);
    }
    this.#slots[i] = { address, expires };
    this.#index.set(address, i);
    this.#dirtySlots.add(i);
  }

  #answer(q: ReadQuery): SwarmView {
    const live: string[] = [];
    for (const s of this.#slots) if (s.expires > q.now && !q.exclude?.includes(s.address)) live.push(s.address);
    const n = Math.min(q.maxPeers, live.length);
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(this.#random() * (live.length - i));
      [live[i], live[j]] = [live[j], live[i]];
    }
    live.length = n;
    return { record: this.#record, peers: live, interval: advertisedInterval(this.#control, q.now, this.#params) };
  }
}
