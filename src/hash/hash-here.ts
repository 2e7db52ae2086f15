// Whether a piece that arrived from the network is hashed on the calling thread instead of a
// worker. A node that receives slowly (a swarm of many processes sharing a few cores, a slow
// link) spends less CPU hashing on its own thread than starting a worker thread and passing
// each piece over (~70 ms of CPU to start one, docs/BENCHMARKS.md); a node that receives fast
// needs its thread for the network. So pieces are hashed here until, in some window of
// `windowMs`, they arrive faster than `bytesPerSecond`; from then on, for good, on the workers.
// A piece larger than `maxPiece` always goes to a worker (it would hold up the event loop).

export interface HashHereOptions {
  /** Above this rate (bytes per second, over any window) pieces go to the workers for good. */
  bytesPerSecond: number;
  /** The window the rate is measured over (default 250 ms). */
  windowMs?: number;
  /** Largest piece hashed here (default 4 MiB: about 2 ms of the event loop). */
  maxPiece?: number;
}

export class HashHere {
  readonly bytesPerSecond: number;
  readonly windowMs: number;
  readonly maxPiece: number;
  #open = true;
  #windowStart = Number.NEGATIVE_INFINITY;
  #bytes = 0;

  constructor(o: HashHereOptions) {
    this.bytesPerSecond = o.bytesPerSecond;
    this.windowMs = o.windowMs ?? 250;
    this.maxPiece = o.maxPiece ?? 4 << 20;
  }

  /** Whether pieces may still be hashed here (false once the rate was exceeded). */
  get open(): boolean {
    return this.#open;
  }

  /** Counts a piece of `bytes` arriving at `nowMs`: true to hash it here, false for a worker. */
  take(bytes: number, nowMs: number): boolean {
    if (!this.#open) return false;
    if (nowMs - this.#windowStart >= this.windowMs) {
      this.#windowStart = nowMs;
      this.#bytes = 0;
    }
    this.#bytes += bytes;
    if (this.#bytes > (this.bytesPerSecond * this.windowMs) / 1000) {
      this.#open = false;
      return false;
    }
    return bytes <= this.maxPiece;
  }
}
