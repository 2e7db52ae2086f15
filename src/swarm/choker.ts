// Decides which peers we upload to. N regular slots (default 4) are recomputed every 10 s: while
// downloading they go to the peers that send us the most (tit-for-tat); while seeding they go
// round robin (each peer keeps a slot for a quantum, then the longest-waiting peers take over) or
// to the fastest downloaders. One optimistic slot rotates every 30 s to the peer that waited
// longest. Peers that are not interested stay choked. Pure: the caller passes rates and the time.
import { BytefallError } from '../errors.js';
import type { PeerId } from './picker.js';

export interface ChokerPeer {
  id: PeerId;
  /** The peer wants data from us. */
  interested: boolean;
  /** Bytes/s the peer sends us. */
  downloadRate: number;
  /** Bytes/s we send the peer. */
  uploadRate: number;
  /** The peer has sent us nothing for a long while although we asked (ranked last while downloading). */
  snubbed?: boolean;
}

export type SeedMode = 'round-robin' | 'fastest-upload';

export interface ChokerOptions {
  slots?: number;
  optimisticSlots?: number;
  rotateMs?: number;
  optimisticMs?: number;
  seedMode?: SeedMode;
  /** Round robin: how long a seeding slot is kept before it goes to a waiting peer (default 30 s). */
  quantumMs?: number;
}

export interface ChokeDecision {
  /** Everyone to keep unchoked (regular and optimistic). */
  unchoke: Set<PeerId>;
  /** The optimistic subset of `unchoke`. */
  optimistic: Set<PeerId>;
  /** Send these an unchoke now. */
  newlyUnchoked: PeerId[];
  /** Send these a choke now. */
  newlyChoked: PeerId[];
}

export const CHOKER_DEFAULTS: Required<ChokerOptions> = {
  slots: 4,
  optimisticSlots: 1,
  rotateMs: 10_000,
  optimisticMs: 30_000,
  seedMode: 'round-robin',
  quantumMs: 30_000,
};

export class Choker {
  private readonly o: Required<ChokerOptions>;
  private regular = new Set<PeerId>();
  private optimistic = new Set<PeerId>();
  private lastRotate = -Infinity;
  private lastOptimistic = -Infinity;
  /** When each unchoked peer was unchoked. */
  private readonly since = new Map<PeerId, number>();
  /** When each choked peer was last choked (absent: never unchoked, so it has waited longest). */
  private readonly chokedAt = new Map<PeerId, number>();

  constructor(options: ChokerOptions = {}) {
    this.o = { ...CHOKER_DEFAULTS, ...options };
    const { slots, optimisticSlots, rotateMs, optimisticMs, quantumMs } = this.o;
    if (![slots, optimisticSlots].every((n) => Number.isInteger(n) && n >= 0)) {
      throw new BytefallError('BAD_ARGUMENT', 'choker slots must be integers >= 0');
    }
    if (![rotateMs, optimisticMs, quantumMs].every((n) => n > 0)) {
      throw new BytefallError('BAD_ARGUMENT', 'choker intervals must be > 0 ms');
    }
  }

  /** Recomputes the unchoke set from a snapshot of the connected peers. Call it often; it rotates on its own clock. */
  update(peers: readonly ChokerPeer[], nowMs: number, seeding: boolean): ChokeDecision {
    const before = new Set([...this.regular, ...this.optimistic]);
    const interested = new Map(peers.filter((p) => p.interested).map((p) => [p.id, p]));
    for (const set of [this.regular, this.optimistic]) for (const id of set) if (!interested.has(id)) set.delete(id);

    const rank = this.ranking(seeding, nowMs);
    const ranked = [...interested.values()].sort(rank);
    if (nowMs - this.lastRotate >= this.o.rotateMs) {
      this.lastRotate = nowMs;
      this.regular = new Set(ranked.slice(0, this.o.slots).map((p) => p.id));
    } else {
      for (const p of ranked) {
        if (this.regular.size >= this.o.slots) break;
        if (!this.optimistic.has(p.id)) this.regular.add(p.id);
      }
    }
    for (const id of this.regular) this.optimistic.delete(id);

    const waiting = ranked.filter((p) => !this.regular.has(p.id)).map((p) => p.id);
    waiting.sort((a, b) => cmp(this.waitedSince(a), this.waitedSince(b)) || cmp(a, b));
    if (nowMs - this.lastOptimistic >= this.o.optimisticMs) {
      this.lastOptimistic = nowMs;
      // The current optimistic peers sort last (they are not waiting), so the slot moves on.
      this.optimistic = new Set(waiting.slice(0, this.o.optimisticSlots));
    } else {
      for (const id of waiting) {
        if (this.optimistic.size >= this.o.optimisticSlots) break;
        this.optimistic.add(id);
      }
    }

    const unchoke = new Set([...this.regular, ...this.optimistic]);
    const newlyUnchoked = [...unchoke].filter((id) => !before.has(id));
    const newlyChoked = [...before].filter((id) => !unchoke.has(id));
    for (const id of newlyUnchoked) {
      this.since.set(id, nowMs);
      this.chokedAt.delete(id);
    }
    for (const id of newlyChoked) {
      this.since.delete(id);
      this.chokedAt.set(id, nowMs);
    }
    // Bounded memory: forget the history of peers that are gone.
    const present = new Set(peers.map((p) => p.id));
    for (const id of this.chokedAt.keys()) if (!present.has(id)) this.chokedAt.delete(id);
    return { unchoke, optimistic: new Set(this.optimistic), newlyUnchoked, newlyChoked };
  }

  /** How regular slots are ranked: a comparator, best first. */
  private ranking(seeding: boolean, nowMs: number): (a: ChokerPeer, b: ChokerPeer) => number {
    const held = (p: ChokerPeer) => (this.regular.has(p.id) ? 0 : 1); // keep holders on ties: no flapping
    const fair = (a: ChokerPeer, b: ChokerPeer) =>
      held(a) - held(b) || cmp(this.waitedSince(a.id), this.waitedSince(b.id)) || cmp(a.id, b.id);
    if (!seeding) {
      return (a, b) => Number(!!a.snubbed) - Number(!!b.snubbed) || b.downloadRate - a.downloadRate || fair(a, b);
    }
    if (this.o.seedMode === 'fastest-upload') return (a, b) => b.uploadRate - a.uploadRate || fair(a, b);
    // Round robin: 0 = holds a slot within its quantum, 1 = waiting, 2 = used up its quantum.
    const group = (p: ChokerPeer) => {
      if (!this.regular.has(p.id)) return 1;
      return nowMs - (this.since.get(p.id) ?? nowMs) < this.o.quantumMs ? 0 : 2;
    };
    return (a, b) =>
      group(a) - group(b) ||
      cmp(this.since.get(a.id) ?? 0, this.since.get(b.id) ?? 0) ||
      cmp(this.waitedSince(a.id), this.waitedSince(b.id)) ||
      cmp(a.id, b.id);
  }

  /** When the peer started waiting for a slot (-Infinity: never had one). Smaller waited longer. */
  private waitedSince(id: PeerId): number {
    return this.chokedAt.get(id) ?? (this.since.has(id) ? Infinity : -Infinity);
  }
}

/** Three-way comparison that, unlike subtraction, is safe with infinities. */
function cmp<T extends string | number>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
