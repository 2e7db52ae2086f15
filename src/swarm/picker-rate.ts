// Measures a transfer rate over a sliding window of fixed buckets (bytes per second). Pure:
// the caller passes the time, so tests and the simulator drive it. Memory is fixed per meter.

export class RateMeter {
  private readonly counts: Float64Array;
  private head = 0; // index of the bucket that holds `headStart`
  private headStart = -Infinity;
  private firstMs = Infinity;

  /** `buckets` buckets of `bucketMs` each: the window is their product (default 5 x 1 s). */
  constructor(
    private readonly bucketMs = 1000,
    buckets = 5,
  ) {
    this.counts = new Float64Array(Math.max(1, buckets));
  }

  add(bytes: number, nowMs: number): void {
    this.advance(nowMs);
    if (this.firstMs === Infinity) this.firstMs = nowMs;
    this.counts[this.head] += bytes;
  }

  /** Bytes per second over the window (or over the time since the first sample, if shorter). */
  rate(nowMs: number): number {
    this.advance(nowMs);
    if (this.firstMs === Infinity) return 0;
    let sum = 0;
    for (const c of this.counts) sum += c;
    // The window is the full older buckets plus the elapsed part of the current one.
    const windowMs = this.bucketMs * (this.counts.length - 1) + (nowMs - this.headStart);
    const spanMs = Math.max(this.bucketMs, Math.min(windowMs, nowMs - this.firstMs));
    return (sum * 1000) / spanMs;
  }

  private advance(nowMs: number): void {
    const start = Math.floor(nowMs / this.bucketMs) * this.bucketMs;
    if (this.headStart === -Infinity) {
      this.headStart = start;
      return;
    }
    const steps = Math.min(this.counts.length, Math.max(0, (start - this.headStart) / this.bucketMs));
    for (let s = 0; s < steps; s++) {
      this.head = (this.head + 1) % this.counts.length;
      this.counts[this.head] = 0;
    }
    if (start > this.headStart) this.headStart = start;
  }
}
