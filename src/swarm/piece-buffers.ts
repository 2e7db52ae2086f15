// Buffers for pieces on their way in: blocks are copied into one buffer per piece, the
// hashing pool reads it in place (a SharedArrayBuffer is shared with the worker, neither
// copied nor transferred) and storage writes it. Buffers are reused, and the bytes held
// are counted so the engine can bound its memory whatever peers send.

export class PieceBuffers {
  private readonly free = new Map<number, Uint8Array[]>();
  private freeBytes = 0;
  /** Bytes handed out and not yet released. */
  inUse = 0;

  /** @param keepFree bytes of released buffers kept for reuse (default 128 MiB) */
  constructor(private readonly keepFree = 128 << 20) {}

  acquire(size: number): Uint8Array {
    this.inUse += size;
    const list = this.free.get(size);
    const reused = list?.pop();
    if (reused) {
      this.freeBytes -= size;
      return reused;
    }
    return new Uint8Array(new SharedArrayBuffer(size));
  }

  release(buf: Uint8Array): void {
    this.inUse -= buf.length;
    if (this.freeBytes + buf.length > this.keepFree) return; // let the GC have it
    const list = this.free.get(buf.length);
    if (list) list.push(buf);
    else this.free.set(buf.length, [buf]);
    this.freeBytes += buf.length;
  }

  /** Drops every free buffer (at the end of a download). */
  trim(): void {
    this.free.clear();
    this.freeBytes = 0;
  }
}
