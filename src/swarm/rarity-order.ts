// Pieces kept in picking order, as libtorrent's piece_picker keeps them: one array sorted by
// bucket (the picker makes a bucket of each priority class and availability), each bucket in
// random order. A piece whose availability goes up or down by one moves to the neighbouring
// bucket with one swap, then trades places with a random piece of that bucket (as libtorrent
// does) so equally rare pieces stay in random order. A have message costs O(1); a pick reads
// from the front.
import type { Random } from './picker-random.js';

/** Rarest first tells availabilities apart up to this; above it pieces are equally common. */
const AVAIL_CAP = 63;
const PRIORITIES = 7;

/** Bucket 0 holds pieces we have or skip; then per priority class (7 first), one bucket per availability. */
export const RARITY_BUCKETS = 1 + PRIORITIES * (AVAIL_CAP + 1);

/** The bucket of a piece we lack with this priority (0 = skip) and availability. */
export function rarityBucket(priority: number, availability: number): number {
  if (priority === 0) return 0;
  return 1 + (PRIORITIES - priority) * (AVAIL_CAP + 1) + Math.min(availability, AVAIL_CAP);
}

/** No peer has the pieces of an availability-0 bucket: a pick never needs to look there. */
export function nobodyHasIt(bucket: number): boolean {
  return (bucket - 1) % (AVAIL_CAP + 1) === 0;
}

export class RarityOrder {
  private readonly order: Uint32Array; // pieces, bucket by bucket
  private readonly pos: Uint32Array; // where each piece is in `order`
  private readonly bucket: Uint16Array; // each piece's bucket
  private readonly start: Uint32Array; // bucket b is order[start[b] .. start[b+1])

  constructor(
    readonly buckets: number,
    readonly size: number,
    private readonly random: Random,
  ) {
    this.order = new Uint32Array(size);
    this.pos = new Uint32Array(size);
    this.bucket = new Uint16Array(size);
    this.start = new Uint32Array(buckets + 1);
  }

  /** Sorts every piece into bucketOf(i) (a counting sort); within a bucket, in `shuffled` order. */
  rebuild(bucketOf: (i: number) => number, shuffled: Uint32Array): void {
    const count = new Uint32Array(this.buckets + 1);
    for (let i = 0; i < this.size; i++) count[(this.bucket[i] = bucketOf(i)) + 1]++;
    for (let b = 0; b < this.buckets; b++) count[b + 1] += count[b];
    this.start.set(count);
    for (const i of shuffled) {
      const at = count[this.bucket[i]]++;
      this.order[at] = i;
      this.pos[i] = at;
    }
  }

  bucketOf(i: number): number {
    return this.bucket[i];
  }

  /** Moves piece i to bucket `to` (one boundary per step), to a random place in it. */
  move(i: number, to: number): void {
    let b = this.bucket[i];
    while (b < to) {
      this.swap(i, this.order[this.start[b + 1] - 1]); // to the end of b ...
      this.start[b + 1]--; // ... which becomes the front of b + 1
      b++;
    }
    while (b > to) {
      this.swap(i, this.order[this.start[b]]);
      this.start[b]++;
      b--;
    }
    this.bucket[i] = to;
    const first = this.start[to];
    const n = this.start[to + 1] - first;
    if (n > 1) this.swap(i, this.order[first + Math.floor(this.random() * n)]);
  }

  /** Visits pieces in order from bucket `from`, skipping buckets where skip(b), until visit returns false. */
  scan(from: number, skip: (b: number) => boolean, visit: (i: number) => boolean): void {
    for (let b = from; b < this.buckets; b++) {
      if (skip(b)) continue;
      for (let at = this.start[b]; at < this.start[b + 1]; at++) if (!visit(this.order[at])) return;
    }
  }

  private swap(i: number, j: number): void {
    const pi = this.pos[i];
    const pj = this.pos[j];
    this.order[pi] = j;
    this.order[pj] = i;
    this.pos[i] = pj;
    this.pos[j] = pi;
  }
}
