// A fast path for reading a connection: a stream that can hand its incoming bytes to one
// callback, in a buffer it reuses after each call, instead of emitting 'data' with a fresh
// Buffer per chunk (TLS delivers 16 KiB at a time: no allocation and no garbage per chunk).
// tcp-tls.ts offers it on the connections it dials and accepts; the Wire uses it when it is there.

export const CHUNK_SINK = Symbol.for('bytefall.chunkSink');

/** The bytes are valid only during the call; copy what you keep. */
export type ChunkSink = (chunk: Uint8Array) => void;

export interface ChunkSource {
  /** Sends every later chunk (and any that arrived before) to `sink` instead of 'data' events. */
  [CHUNK_SINK](sink: ChunkSink): void;
}

/** The fast path of `stream`, if it has one. */
export function chunkSourceOf(stream: object): ChunkSource | undefined {
  return typeof (stream as Partial<ChunkSource>)[CHUNK_SINK] === 'function' ? (stream as ChunkSource) : undefined;
}

/**
 * The reader behind a ChunkSource, for node's `onread` option: one reused buffer; chunks that
 * arrive before a sink is attached are copied and delivered on attach.
 */
export class ChunkRelay {
  readonly buffer: Buffer;
  private sink: ChunkSink | null = null;
  private early: Uint8Array[] = [];

  constructor(size = 64 * 1024) {
    this.buffer = Buffer.allocUnsafe(size);
  }

  /** node's onread callback. */
  readonly callback = (nread: number, buf: Uint8Array): boolean => {
    const chunk = buf.subarray(0, nread);
    if (this.sink) this.sink(chunk);
    else this.early.push(new Uint8Array(chunk)); // a copy: the buffer is reused
    return true;
  };

  attach(sink: ChunkSink): void {
    this.sink = sink;
    for (const c of this.early.splice(0)) sink(c);
  }
}
