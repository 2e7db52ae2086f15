// Incremental frame parser: `<len u32 LE><body len bytes>`. It never buffers
// more than one frame (at most maxFrameLen + 4 bytes) and refuses longer frames
// as soon as their length prefix arrives.
import { BytefallError } from '../errors.js';
import { MAX_FRAME_LEN } from './constants.js';

/** Where a reused frame body starts in the scratch buffer: PIECE data (body offset 6) lands on 8. */
export const SCRATCH_SHIFT = 2;

export class FrameParser {
  /** Largest body accepted; may be changed between frames (it is raised after the handshake). */
  maxFrameLen: number;
  /**
   * Frames at least this long that span chunks are put together in one reused scratch buffer
   * instead of a fresh one (Infinity: never). Their bodies are then valid only until the next
   * frame: the consumer must copy what it keeps during onFrame. Saves an allocation per block.
   */
  reuseAbove = Infinity;
  private scratch: Uint8Array | null = null;
  private header = new Uint8Array(4);
  private headerFill = 0;
  private body: Uint8Array | null = null;
  private bodyFill = 0;
  private stopped = false;

  constructor(maxFrameLen = MAX_FRAME_LEN) {
    this.maxFrameLen = maxFrameLen;
  }

  /** Bytes held for an incomplete frame. */
  get buffered(): number {
    return this.headerFill + this.bodyFill;
  }

  /** Makes the current and every later push() return without delivering more frames. */
  stop(): void {
    this.stopped = true;
    this.body = null;
  }

  /**
   * Feeds bytes; calls onFrame(body) for each complete frame, in order. A body is a
   * view into `chunk` when the frame lies within it, else a fresh copy.
   * Throws WIRE_TOO_LARGE when a length prefix is over the limit.
   */
  push(chunk: Uint8Array, onFrame: (body: Uint8Array) => void): void {
    let pos = 0;
    while (pos < chunk.length && !this.stopped) {
      if (this.body === null) {
        if (this.headerFill === 0 && chunk.length - pos >= 4) {
          const len = readU32(chunk, pos);
          pos += 4;
          this.checkLength(len);
          if (chunk.length - pos >= len) {
            onFrame(chunk.subarray(pos, pos + len)); // whole frame in this chunk: no copy
            pos += len;
            continue;
          }
          this.startBody(len);
        } else {
          const take = Math.min(4 - this.headerFill, chunk.length - pos);
          this.header.set(chunk.subarray(pos, pos + take), this.headerFill);
          this.headerFill += take;
          pos += take;
          if (this.headerFill < 4) return;
          this.headerFill = 0;
          const len = readU32(this.header, 0);
          this.checkLength(len);
          if (len === 0) {
            onFrame(this.header.subarray(0, 0));
            continue;
          }
          this.startBody(len);
        }
      }
      const body = this.body!;
      const take = Math.min(body.length - this.bodyFill, chunk.length - pos);
      body.set(chunk.subarray(pos, pos + take), this.bodyFill);
      this.bodyFill += take;
      pos += take;
      if (this.bodyFill === body.length) {
        this.body = null;
        this.bodyFill = 0;
        onFrame(body);
      }
    }
  }

  private checkLength(len: number): void {
    if (len > this.maxFrameLen) {
      this.stop();
      throw new BytefallError('WIRE_TOO_LARGE', `frame of ${len} bytes is longer than the limit of ${this.maxFrameLen}`);
    }
  }

  private startBody(len: number): void {
    if (len >= this.reuseAbove) {
      // The body starts SCRATCH_SHIFT bytes in, so the data of a PIECE (6 bytes into its body)
      // is 8-aligned: it then copies into a shared piece buffer in one pass (swarm/piece-assembly.ts).
      if (!this.scratch || this.scratch.length < SCRATCH_SHIFT + len) this.scratch = Buffer.allocUnsafe(SCRATCH_SHIFT + Math.max(len, 128 * 1024 + 64));
      this.body = this.scratch.subarray(SCRATCH_SHIFT, SCRATCH_SHIFT + len);
    } else {
      this.body = Buffer.allocUnsafe(len); // fully overwritten before it is handed out
    }
    this.bodyFill = 0;
  }
}

function readU32(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16)) + b[at + 3] * 0x1000000;
}
