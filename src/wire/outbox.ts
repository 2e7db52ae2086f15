// A connection's outgoing bytes, written to its stream one write at a time.
//
// Why not stream.write() for every message: node's TLS socket encrypts what one write hands it
// with one SSL_write, and when that write has more than one buffer (a writev: messages corked
// together, or whatever piled up while the last write was in flight) it first copies them all
// into one new allocation (TLSWrap::DoWrite). For 128 KiB PIECE messages sent as header + block
// that was a copy of every byte we upload. So the outbox keeps its own queue and hands the
// stream one buffer at a time: a message that is already one buffer (a PIECE framed in the room
// its reader left in front of the block, see Wire.piece) goes as it is, with no copy; small
// messages queued together are joined into one buffer (a copy of a few bytes). The next write
// starts when the stream is done with the last. bench/transport-tls.ts measures the difference.
import type { Duplex } from 'node:stream';

/** Messages queued together are joined up to this many bytes per write. */
export const JOIN_BYTES = 64 * 1024;

interface Item {
  parts: Uint8Array[];
  bytes: number;
  onWritten?: () => void;
}

export class Outbox {
  private readonly queue: Item[] = [];
  private head = 0;
  private queued = 0;
  private inFlight = 0;
  private writing = false;
  private scheduled = false;
  private ending = false;
  private full = false;

  constructor(
    private readonly stream: Duplex,
    /** Called when the queue has emptied after needsDrain was seen true. */
    private readonly onDrain: () => void,
    /** Bytes queued and in flight at which needsDrain turns true (the stream's own mark by default). */
    private readonly highWater = stream.writableHighWaterMark,
  ) {}

  /** Bytes queued or being written. */
  get pending(): number {
    return this.queued + this.inFlight;
  }

  /** True while the queue holds the high-water mark or more: wait for onDrain before sending pieces. */
  get needsDrain(): boolean {
    return this.pending >= this.highWater;
  }

  /**
   * Queues one message, made of `parts` in order. `onWritten` runs once the stream is done with
   * them (or they were dropped because the stream closed): the caller may then reuse them.
   */
  push(parts: Uint8Array[], onWritten?: () => void): void {
    if (this.ending || !this.stream.writable) return void (onWritten && queueMicrotask(onWritten)); // nothing holds the bytes
    let bytes = 0;
    for (const p of parts) bytes += p.length;
    this.queue.push({ parts, bytes, onWritten });
    this.queued += bytes;
    if (this.pending >= this.highWater) this.full = true;
    if (!this.writing && !this.scheduled) {
      this.scheduled = true; // messages sent in the same tick leave together
      process.nextTick(() => {
        this.scheduled = false;
        this.next();
      });
    }
  }

  /** Ends the stream once everything queued is written. */
  end(): void {
    if (this.ending) return;
    this.ending = true;
    if (!this.writing && !this.scheduled) this.next();
  }

  /** Lets go of every queued message (the stream is gone): their onWritten run. */
  drop(): void {
    const items = this.queue.splice(this.head);
    this.queue.length = 0;
    this.head = 0;
    this.queued = 0;
    for (const item of items) item.onWritten?.();
  }

  private next(): void {
    if (this.writing) return;
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
      if (this.ending) this.stream.end();
      else if (this.full) {
        this.full = false;
        this.onDrain();
      }
      return;
    }
    if (!this.stream.writable) return this.drop();
    const batch = this.take();
    let bytes = 0;
    for (const item of batch) bytes += item.bytes;
    this.queued -= bytes;
    this.inFlight = bytes;
    this.writing = true;
    this.stream.write(joined(batch, bytes), () => {
      this.writing = false;
      this.inFlight = 0;
      for (const item of batch) item.onWritten?.();
      this.next();
    });
  }

  /** The messages of the next write: one message that is one buffer, or a run of them joined. */
  private take(): Item[] {
    const first = this.queue[this.head++];
    if (first.parts.length === 1 && first.bytes >= JOIN_BYTES) return [first];
    const batch = [first];
    let bytes = first.bytes;
    while (this.head < this.queue.length) {
      const item = this.queue[this.head];
      if (bytes + item.bytes > JOIN_BYTES && item.parts.length === 1) break; // it goes alone, uncopied
      if (bytes >= JOIN_BYTES) break;
      batch.push(item);
      bytes += item.bytes;
      this.head++;
    }
    return batch;
  }
}

function joined(batch: Item[], bytes: number): Uint8Array {
  if (batch.length === 1 && batch[0].parts.length === 1) return batch[0].parts[0];
  const out = Buffer.allocUnsafe(bytes); // every byte is written below
  let at = 0;
  for (const item of batch) {
    for (const p of item.parts) {
      out.set(p, at);
      at += p.length;
    }
  }
  return out;
}
