// Whether a piece is written to its file on the calling thread (a blocking pwrite) or on
// libuv's threads. A write that lands in the page cache costs the kernel's copy, ~20-40 us per
// 64 KiB here; sent to libuv's threads it also costs waking a thread, switching to it and back,
// and, with several slices of one file in flight, threads spinning on the file's inode lock.
// In a 1+4 swarm on two cores that was ~9% of the swarm's CPU (docs/BENCHMARKS.md, session 8).
// But a write that waits for the disk (the kernel throttling a writer with too much dirty data,
// a slow or network file system) would stop the event loop for as long. So pieces are written
// here while writes go at memory speed, and on libuv's threads for good from the first sign of
// waiting: one write that blocked `maxCallMs`, or `windowBytes` written here slower than
// `minBytesPerSecond`.

export interface WriteHereOptions {
  /** One write call that blocks this long (ms) sends writes to libuv's threads at once (default 50). */
  maxCallMs?: number;
  /** Least rate (bytes per second) of the writes made here, over each window (default 250 MB/s). */
  minBytesPerSecond?: number;
  /** Bytes in a window (default 32 MiB). */
  windowBytes?: number;
}

export class WriteHere {
  readonly maxCallMs: number;
  readonly minBytesPerSecond: number;
  readonly windowBytes: number;
  #open = true;
  #why = '';
  #bytes = 0;
  #ms = 0;

  constructor(o: WriteHereOptions = {}) {
    this.maxCallMs = o.maxCallMs ?? 50;
    this.minBytesPerSecond = o.minBytesPerSecond ?? 250e6;
    this.windowBytes = o.windowBytes ?? 32 << 20;
  }

  /** Whether writes may still be made here (false once one was slow). */
  get open(): boolean {
    return this.#open;
  }

  /** Why writes left this thread ('' while they have not). */
  get why(): string {
    return this.#why;
  }

  /** Counts a write of `bytes` made here that blocked for `ms`. */
  took(bytes: number, ms: number): void {
    if (!this.#open) return;
    if (ms >= this.maxCallMs) return this.#close(`a write of ${bytes} bytes blocked ${ms.toFixed(0)} ms`);
    this.#bytes += bytes;
    this.#ms += ms;
    if (this.#bytes < this.windowBytes) return;
    const rate = (this.#bytes * 1000) / this.#ms;
    if (rate < this.minBytesPerSecond) return this.#close(`${this.#bytes} bytes written at ${(rate / 1e6).toFixed(0)} MB/s`);
    this.#bytes = 0;
    this.#ms = 0;
  }

  #close(why: string): void {
    this.#open = false;
    this.#why = why;
  }
}
