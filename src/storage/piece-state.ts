// Which pieces are verified, per file and in the global index space, with a count per file so
// that "is this file done?" is O(1). Both storages keep one; the file storage persists it.
import { Bitfield } from '../swarm/picker-bitfield.js';
import type { Layout } from './layout.js';

export class PieceState {
  readonly bits: Bitfield;
  private readonly counts: Float64Array;

  constructor(readonly layout: Layout) {
    this.bits = new Bitfield(layout.totalPieces);
    this.counts = new Float64Array(layout.files.length);
  }

  has(file: number, piece: number): boolean {
    return this.bits.has(this.layout.globalIndex(file, piece));
  }

  /** Marks a piece verified; true when it was not already. */
  set(file: number, piece: number): boolean {
    if (!this.bits.set(this.layout.globalIndex(file, piece))) return false;
    this.counts[file]++;
    return true;
  }

  setFile(file: number): void {
    for (let p = 0; p < this.layout.pieceCounts[file]; p++) this.set(file, p);
  }

  clearFile(file: number): void {
    const first = this.layout.firstPiece[file];
    for (let p = 0; p < this.layout.pieceCounts[file]; p++) this.bits.set(first + p, false);
    this.counts[file] = 0;
  }

  count(file: number): number {
    return this.counts[file];
  }

  /** Every piece of the file is verified (true for an empty file). */
  isFull(file: number): boolean {
    return this.counts[file] === this.layout.pieceCounts[file];
  }

  copyBits(): Bitfield {
    return Bitfield.fromBytes(this.bits.toBytes(), this.bits.length);
  }
}
