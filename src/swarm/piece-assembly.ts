// One piece being downloaded from one peer: which of its blocks (at most MAX_BLOCK_LEN
// each) are asked for and which arrived, copied into the piece's buffer. A piece is always
// fetched whole from one peer, so a piece that fails its hash names the peer that sent it.
import { MAX_BLOCK_LEN } from '../wire/constants.js';

/**
 * V8 copies into a SharedArrayBuffer with relaxed atomic stores: word by word when source
 * and destination sit at the same offset modulo 8, byte by byte otherwise (about 3.5 GB/s
 * against 25 here). A block's bytes sit wherever its frame put them, so a misaligned block
 * goes through this (unshared) scratch, placed to match the destination's alignment.
 */
const scratch = new Uint8Array(MAX_BLOCK_LEN + 8);

/** Copies `data` into `dst` at `at` (dst may be shared) at memcpy speed whatever the alignment. */
export function copyInto(dst: Uint8Array, data: Uint8Array, at: number): void {
  const shift = (dst.byteOffset + at) & 7;
  if (!(dst.buffer instanceof SharedArrayBuffer) || ((data.byteOffset - shift) & 7) === 0 || data.length > MAX_BLOCK_LEN) {
    dst.set(data, at);
    return;
  }
  const staged = scratch.subarray(shift, shift + data.length);
  staged.set(data);
  dst.set(staged, at);
}

export class PieceAssembly {
  readonly blocks: number;
  /** Blocks asked for so far (they are asked in order). */
  nextBlock = 0;
  received = 0;
  /** Given up (cancelled, rejected, or the peer left): late blocks are not copied in. */
  dropped = false;
  /** Request id of each block asked for and not answered, by block number. */
  readonly reqIds = new Map<number, number>();
  /** Requests held back (its dictionary is being read: compress-fetch.ts). */
  held = false;
  /** Some block was asked for with a delta signature (a bad result is then not the peer's fault alone). */
  delta = false;
  private readonly got: Uint8Array;

  constructor(
    /** Global piece index. */
    readonly piece: number,
    readonly file: number,
    readonly pieceInFile: number,
    readonly buffer: Uint8Array,
    /** Bytes per block (the last may be shorter): 128 KiB, or less for dictionary-compressed blocks. */
    readonly blockLen = MAX_BLOCK_LEN,
  ) {
    this.blocks = Math.ceil(buffer.length / blockLen);
    this.got = new Uint8Array(this.blocks);
  }

  get length(): number {
    return this.buffer.length;
  }

  hasUnrequested(): boolean {
    return !this.held && this.nextBlock < this.blocks;
  }

  /** Offset and length of block b. */
  block(b: number): { offset: number; length: number } {
    const offset = b * this.blockLen;
    return { offset, length: Math.min(this.blockLen, this.buffer.length - offset) };
  }

  /** Copies a block in; true when it was the last one missing. */
  receive(block: number, data: Uint8Array): boolean {
    this.reqIds.delete(block);
    if (this.got[block]) return false;
    this.got[block] = 1;
    copyInto(this.buffer, data, block * this.blockLen);
    return ++this.received === this.blocks;
  }

  get complete(): boolean {
    return this.received === this.blocks;
  }
}
