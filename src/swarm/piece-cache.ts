// Read-once cache for the uploader: the first request for a block of a span (a piece, or an
// aligned 1 MiB part of a larger one) reads the whole span in one read, and the span's other
// blocks are served from memory, to this peer or any other. Bounded in bytes, least recently
// used spans go first; a span whose blocks a socket still holds is neither reused nor counted
// free until the socket is done with them, and its buffer is then recycled (no fresh pages).

/** Largest span read at once: a 1 MiB piece is read whole, a larger one in 1 MiB parts. */
export const SPAN_BYTES = 1 << 20;

/** Where a span lies: which file, where it starts, how long it is. */
export interface SpanRef {
  /** Cache key (e.g. `${file}:${start}`). */
  key: string;
  file: number;
  /** Offset in the file. */
  start: number;
  length: number;
}

export interface Span {
  readonly ref: SpanRef;
  /** The span's bytes once loaded. */
  data: Uint8Array;
  /** The buffer read into (ours to recycle; `data` may be storage's own view). */
  readonly buf: Uint8Array;
  /** Blocks of it handed to sockets and not yet written. */
  lent: number;
  /** Dropped from the cache: its buffer is recycled once nothing is lent. */
  evicted: boolean;
  loading: Promise<Span> | null;
}

export type SpanReader = (file: number, offset: number, length: number, into: Uint8Array) => Promise<Uint8Array>;

export class PieceCache {
  private readonly spans = new Map<string, Span>(); // LRU order: oldest first
  private readonly free: Uint8Array[] = [];
  private bytes = 0;

  constructor(
    private readonly read: SpanReader,
    /** Bytes of spans kept (loaded or loading); at least a few spans are always allowed. */
    private readonly maxBytes = 32 << 20,
  ) {}

  /** The span in memory, or undefined (then call load()). Marks it recently used. */
  peek(key: string): Span | undefined {
    const s = this.spans.get(key);
    if (!s || s.loading) return undefined;
    this.spans.delete(key);
    this.spans.set(key, s);
    return s;
  }

  /** Loads the span (one read) unless it is loaded or loading; rejects as the read does. */
  load(ref: SpanRef): Promise<Span> {
    const had = this.spans.get(ref.key);
    if (had) return had.loading ?? Promise.resolve(had);
    this.makeRoom(ref.length);
    const buf = this.buffer(ref.length);
    const span: Span = { ref, data: buf, buf, lent: 0, evicted: false, loading: null };
    this.spans.set(ref.key, span);
    this.bytes += ref.length;
    span.loading = this.read(ref.file, ref.start, ref.length, buf).then(
      (data) => {
        span.data = data;
        span.loading = null;
        return span;
      },
      (err) => {
        this.drop(span);
        throw err;
      },
    );
    return span.loading;
  }

  /** Lends `length` bytes at `offset` of the span to a socket; call the returned function when written. */
  lend(span: Span, offset: number, length: number): { data: Uint8Array; done: () => void } {
    span.lent++;
    let returned = false;
    return {
      data: span.data.subarray(offset, offset + length),
      done: () => {
        if (returned) return;
        returned = true;
        if (--span.lent === 0 && span.evicted) this.recycle(span.buf);
      },
    };
  }

  /** Forgets every span (e.g. when files changed on disk); buffers still lent are let go. */
  clear(): void {
    for (const s of [...this.spans.values()]) this.drop(s);
  }

  /** Bytes of spans held. */
  get size(): number {
    return this.bytes;
  }

  private makeRoom(length: number): void {
    for (const s of this.spans.values()) {
      if (this.bytes + length <= this.maxBytes || this.spans.size < 4) return;
      if (s.loading) continue; // a read is filling it
      this.drop(s);
    }
  }

  private drop(s: Span): void {
    if (s.evicted) return;
    s.evicted = true;
    if (this.spans.get(s.ref.key) === s) this.spans.delete(s.ref.key);
    this.bytes -= s.ref.length;
    if (s.lent === 0 && !s.loading) this.recycle(s.buf);
  }

  private buffer(length: number): Uint8Array {
    const i = this.free.findIndex((b) => b.length >= length);
    if (i >= 0) return this.free.splice(i, 1)[0].subarray(0, length);
    return new Uint8Array(length);
  }

  private recycle(buf: Uint8Array): void {
    if (this.free.length >= 8) return; // let the GC have it
    this.free.push(new Uint8Array(buf.buffer, 0, buf.buffer.byteLength));
  }
}
