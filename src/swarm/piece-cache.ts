// Read-once cache for the uploader: the first request for a block of a span (a piece, or an
// aligned 1 MiB part of a larger one) reads the whole span in one read, and the span's other
// blocks are served from memory, to this peer or any other. Bounded in bytes, least recently
// used spans go first; a span whose blocks a socket still holds is neither reused nor counted
// free until the socket is done with them, and its buffer is then recycled (no fresh pages).
//
// The span is read (one readv) into slots of one block each, with HEAD_ROOM bytes in front of
// every slot, so that a block sent as a PIECE has its message header right before it and
// leaves as one buffer, uncopied (wire/outbox.ts). A slot's room is lent to one socket at a time.
import { MAX_BLOCK_LEN, PIECE_HEADER_LEN } from '../wire/constants.js';

/** Largest span read at once: a 1 MiB piece is read whole, a larger one in 1 MiB parts. */
export const SPAN_BYTES = 1 << 20;
/** Bytes of a span each slot holds: one block as requesters ask for them. */
export const SLOT_BYTES = MAX_BLOCK_LEN;
/** Free bytes in front of each slot: a PIECE header fits (rounded up to keep the slots 8-aligned). */
export const HEAD_ROOM = Math.ceil(PIECE_HEADER_LEN / 8) * 8;
const STRIDE = HEAD_ROOM + SLOT_BYTES;

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
  /** The slots, each HEAD_ROOM bytes of room and then SLOT_BYTES of the span (ours to recycle). */
  readonly buf: Uint8Array;
  /** Slots whose head room a socket holds now. */
  readonly roomLent: boolean[];
  /** Blocks of it handed to sockets and not yet written. */
  lent: number;
  /** Dropped from the cache: its buffer is recycled once nothing is lent. */
  evicted: boolean;
  loading: Promise<Span> | null;
}

/** Reads the bytes at `offset` of the file into `parts`, in order (as Storage.readv). */
export type SpanReader = (file: number, offset: number, parts: Uint8Array[]) => Promise<void>;

/** A block lent to a socket: call done() once it is written. */
export interface LentBlock {
  data: Uint8Array;
  /** The HEAD_ROOM bytes in front of `data` are the borrower's to write a header into. */
  headroom: boolean;
  done: () => void;
}

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
    const buf = this.buffer(slotsOf(ref.length) * STRIDE);
    const span: Span = { ref, buf, roomLent: [], lent: 0, evicted: false, loading: null };
    this.spans.set(ref.key, span);
    this.bytes += ref.length;
    const parts: Uint8Array[] = [];
    for (let at = 0, k = 0; at < ref.length; at += SLOT_BYTES, k++) {
      parts.push(buf.subarray(k * STRIDE + HEAD_ROOM, k * STRIDE + HEAD_ROOM + Math.min(SLOT_BYTES, ref.length - at)));
    }
    span.loading = this.read(ref.file, ref.start, parts).then(
      () => {
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

  /**
   * Lends `length` bytes at `offset` of the span to a socket; call done() when written. A block
   * that starts a slot comes with the slot's head room unless another socket holds it; one that
   * crosses slots (a requester that asks out of step) is a copy, with room of its own.
   */
  lend(span: Span, offset: number, length: number): LentBlock {
    const k = Math.floor(offset / SLOT_BYTES);
    const inSlot = offset - k * SLOT_BYTES;
    if (inSlot + length > SLOT_BYTES) {
      const own = new Uint8Array(HEAD_ROOM + length);
      this.copyOut(span, offset, own.subarray(HEAD_ROOM));
      return { data: own.subarray(HEAD_ROOM), headroom: true, done: () => undefined };
    }
    const at = k * STRIDE + HEAD_ROOM + inSlot;
    const headroom = inSlot === 0 && !span.roomLent[k];
    if (headroom) span.roomLent[k] = true;
    span.lent++;
    let returned = false;
    return {
      data: span.buf.subarray(at, at + length),
      headroom,
      done: () => {
        if (returned) return;
        returned = true;
        if (headroom) span.roomLent[k] = false;
        if (--span.lent === 0 && span.evicted) this.recycle(span.buf);
      },
    };
  }

  /** The span's bytes from `offset` on, across slots, into `out`. */
  private copyOut(span: Span, offset: number, out: Uint8Array): void {
    for (let done = 0; done < out.length; ) {
      const k = Math.floor((offset + done) / SLOT_BYTES);
      const inSlot = offset + done - k * SLOT_BYTES;
      const n = Math.min(SLOT_BYTES - inSlot, out.length - done);
      const at = k * STRIDE + HEAD_ROOM + inSlot;
      out.set(span.buf.subarray(at, at + n), done);
      done += n;
    }
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

function slotsOf(length: number): number {
  return Math.max(1, Math.ceil(length / SLOT_BYTES));
}
