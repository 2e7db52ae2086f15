// One piece being downloaded from one peer: which of its blocks (at most MAX_BLOCK_LEN
// each) are asked for and which arrived, copied into the piece's buffer. A piece is always
// fetched whole from one peer, so a piece that fails its hash names the peer that sent it.
import { MAX_BLOCK_LEN } from '../wire/constants.js';

export class PieceAssembly {
  readonly blocks: number;
  /** Blocks asked for so far (they are asked in order). */
  nextBlock = 0;
  received = 0;
  /** Given up (cancelled, rejected, or the peer left): late blocks are not copied in. */
  dropped = false;
  /** Request id of each block asked for and not answered, by block number. */
  readonly reqIds = new Map<number, number>();
  private readonly got: Uint8Array;

  constructor(
    /** Global piece index. */
    readonly piece: number,
    readonly file: number,
    readonly pieceInFile: number,
    readonly buffer: Uint8Array,
  ) {
    this.blocks = Math.ceil(buffer.length / MAX_BLOCK_LEN);
    this.got = new Uint8Array(this.blocks);
  }

  get length(): number {
    return this.buffer.length;
  }

  hasUnrequested(): boolean {
    return this.nextBlock < this.blocks;
  }

  /** Offset and length of block b. */
  block(b: number): { offset: number; length: number } {
    const offset = b * MAX_BLOCK_LEN;
    return { offset, length: Math.min(MAX_BLOCK_LEN, this.buffer.length - offset) };
  }

  /** Copies a block in; true when it was the last one missing. */
  receive(block: number, data: Uint8Array): boolean {
    this.reqIds.delete(block);
    if (this.got[block]) return false;
    this.got[block] = 1;
    this.buffer.set(data, block * MAX_BLOCK_LEN);
    return ++this.received === this.blocks;
  }

  get complete(): boolean {
    return this.received === this.blocks;
  }
}
