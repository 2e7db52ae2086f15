// Whether a piece is written to its file, or read from it, on the calling thread (a blocking
// pwrite or pread) or on libuv's threads. A call that the page cache serves costs the kernel's
// copy, ~20-40 us per 64 KiB here; sent to libuv's threads it also costs waking a thread,
// switching to it and back, and, with several writes to one file in flight, threads spinning on
// the file's inode lock. In a 1+4 swarm on two cores that was ~7% of the swarm's CPU for the
// writes, ~2% for the reads (docs/BENCHMARKS.md, session 8). But a call that waits for the disk
// (the kernel throttling a writer with too much dirty data, a read the cache misses, a slow or
// network file system) would stop the event loop for as long. So the calls are made here while
// they go at memory speed, and on libuv's threads for good from the first sign of waiting: one
// call that blocked `maxCallMs`, or `windowBytes` moved here slower than `minBytesPerSecond`.
// The time is the wall clock's, so a thread the machine preempted looks slow too: on two busy
// cores, 1 MiB reads from the page cache sometimes took 10-20 ms, and 32 MiB of writes ran at
// 170-240 MB/s in a swarm when other jobs shared the machine. Hence loose limits: a disk that
// keeps up 64 MB/s without a 50 ms stall is waited on here (the download then goes at its speed
// anyway), anything slower is not. One IoHere for the writes of a storage and one for its reads.

export interface IoHereOptions {
  /** One call (a piece written, a block read, all its slices) that blocks this long (ms) sends the calls to libuv's threads at once (default 50). */
  maxCallMs?: number;
  /** Least rate (bytes per second) of the calls made here, over each window (default 64 MB/s). */
  minBytesPerSecond?: number;
  /** Bytes in a window (default 32 MiB). */
  windowBytes?: number;
}

export class IoHere {
  readonly maxCallMs: number;
  readonly minBytesPerSecond: number;
  readonly windowBytes: number;
  #open = true;
  #why = '';
  #bytes = 0;
  #ms = 0;

  constructor(o: IoHereOptions = {}) {
    this.maxCallMs = o.maxCallMs ?? 50;
    this.minBytesPerSecond = o.minBytesPerSecond ?? 64e6;
    this.windowBytes = o.windowBytes ?? 32 << 20;
  }

  /** Whether calls may still be made here (false once they were slow). */
  get open(): boolean {
    return this.#open;
  }

  /** Why the calls left this thread ('' while they have not). */
  get why(): string {
    return this.#why;
  }

  /** Counts a call of `bytes` made here that blocked for `ms`. */
  took(bytes: number, ms: number): void {
    if (!this.#open) return;
    if (ms >= this.maxCallMs) return this.#close(`a call of ${bytes} bytes blocked ${ms.toFixed(0)} ms`);
    this.#bytes += bytes;
    this.#ms += ms;
    if (this.#bytes < this.windowBytes) return;
    const rate = (this.#bytes * 1000) / this.#ms;
    if (rate < this.minBytesPerSecond) return this.#close(`${this.#bytes} bytes moved at ${(rate / 1e6).toFixed(0)} MB/s`);
    this.#bytes = 0;
    this.#ms = 0;
  }

  #close(why: string): void {
    this.#open = false;
    this.#why = why;
  }
}
