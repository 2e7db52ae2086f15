// The piece hashes (leaves) of every file of one Waterfall version. They come from a local
// piece layer (checked against each entry hash by decodeLayers), from hashing a complete copy
// on disk whose root gives the entry hash, or from peers in runs of up to 512 leaves, each run
// checked with its proof against the entry hash (docs/PROTOCOL.md, HASH_REQUEST/HASHES).
// A piece is only ever verified against a leaf that was checked this way.
import { BytefallError } from '../errors.js';
import { entryHashFor } from '../format/entry-hash.js';
import { encodeLayers, pieceCountOf } from '../format/layers.js';
import type { Entry, Waterfall } from '../format/model.js';
import { equalBytes } from '../format/bytes.js';
import { HASH_LEN, merkleRoot } from '../hash/merkle.js';
import { MAX_HASHES_PER_REQUEST } from '../wire/constants.js';
import { MerkleLevels, rootOfRun } from './hash-tree.js';

/** One run of leaves to fetch: file (storage index), run number, first leaf and count asked. */
export interface HashRun {
  file: number;
  run: number;
  first: number;
  count: number;
}

export class PieceHashes {
  /** File entries in order: storage file i is files[i]. */
  readonly files: readonly Entry[];
  /** Storage file index -> index in the Waterfall's entries (what HASH_REQUEST names). */
  readonly entryIndex: readonly number[];
  private readonly leaves: Uint8Array[];
  private readonly runKnown: Uint8Array[];
  private readonly runsLeft: number[];
  private readonly levels: (MerkleLevels | undefined)[];
  private filesLeft: number;

  constructor(readonly waterfall: Waterfall, layers?: readonly Uint8Array[]) {
    const files: Entry[] = [];
    const entryIndex: number[] = [];
    waterfall.entries.forEach((e, i) => {
      if (e.isDir) return;
      files.push(e);
      entryIndex.push(i);
    });
    this.files = files;
    this.entryIndex = entryIndex;
    this.leaves = files.map((e) => new Uint8Array(pieceCountOf(e) * HASH_LEN));
    this.runKnown = files.map((_, i) => new Uint8Array(this.runCount(i)));
    this.runsLeft = files.map((_, i) => this.runCount(i));
    this.levels = files.map(() => undefined);
    this.filesLeft = files.filter((_, i) => this.runsLeft[i] > 0).length;
    if (layers) {
      if (layers.length !== files.length) throw new BytefallError('BAD_PIECE_LAYER', `${layers.length} piece layers for ${files.length} files`);
      layers.forEach((l, i) => this.setFile(i, l));
    }
  }

  pieceCount(file: number): number {
    return this.leaves[file].length / HASH_LEN;
  }

  /** Leaves per HASH_REQUEST for this file: 512, or the least power of two covering a smaller file. */
  runSize(file: number): number {
    let size = 1;
    while (size < this.pieceCount(file) && size < MAX_HASHES_PER_REQUEST) size *= 2;
    return size;
  }

  runCount(file: number): number {
    return Math.ceil(this.pieceCount(file) / this.runSize(file));
  }

  runOf(file: number, piece: number): number {
    return Math.floor(piece / this.runSize(file));
  }

  /** The pieces [first, end) of the file that a run covers. */
  runPieces(file: number, run: number): [number, number] {
    const size = this.runSize(file);
    return [run * size, Math.min((run + 1) * size, this.pieceCount(file))];
  }

  isRunKnown(file: number, run: number): boolean {
    return this.runKnown[file][run] === 1;
  }

  isFileKnown(file: number): boolean {
    return this.runsLeft[file] === 0;
  }

  allKnown(): boolean {
    return this.filesLeft === 0;
  }

  /** The checked leaf of a piece, or undefined while its run is unknown. */
  leaf(file: number, piece: number): Uint8Array | undefined {
    if (!this.isRunKnown(file, this.runOf(file, piece))) return undefined;
    return this.leaves[file].subarray(piece * HASH_LEN, (piece + 1) * HASH_LEN);
  }

  /** Every leaf of a file (undefined until all are known). */
  fileLeaves(file: number): Uint8Array | undefined {
    return this.isFileKnown(file) ? this.leaves[file] : undefined;
  }

  /** Runs still unknown, file by file. */
  *missingRuns(): Generator<HashRun> {
    for (let file = 0; file < this.files.length; file++) {
      if (this.runsLeft[file] === 0) continue;
      const count = this.runSize(file);
      for (let run = 0; run < this.runKnown[file].length; run++) {
        if (!this.runKnown[file][run]) yield { file, run, first: run * count, count };
      }
    }
  }

  /**
   * A run of leaves from a peer: true (and kept) when it and its proof lead to the root
   * the entry hash commits to. False means the peer lied: ban it.
   */
  acceptRun(r: HashRun, hashes: Uint8Array, proof: Uint8Array): boolean {
    const n = this.pieceCount(r.file);
    const root = rootOfRun(n, r.first, r.count, hashes, proof);
    if (!root || !equalBytes(entryHashFor(this.files[r.file], root), this.files[r.file].hash)) return false;
    if (!this.isRunKnown(r.file, r.run)) {
      this.leaves[r.file].set(hashes, r.first * HASH_LEN);
      this.markRun(r.file, r.run);
    }
    return true;
  }

  /** A whole file's leaves (hashed from a local copy): kept when their root gives the entry hash. */
  trySetFile(file: number, leaves: Uint8Array): boolean {
    const e = this.files[file];
    if (leaves.length !== this.leaves[file].length || !equalBytes(entryHashFor(e, merkleRoot(leaves)), e.hash)) return false;
    this.setFile(file, leaves);
    return true;
  }

  /** The hashes and proof that answer a HASH_REQUEST for run [first, first + count) of a file we know whole. */
  answer(file: number, first: number, count: number): { hashes: Uint8Array; proof: Uint8Array } | undefined {
    const n = this.pieceCount(file);
    if (!this.isFileKnown(file) || first >= n) return undefined;
    const levels = (this.levels[file] ??= new MerkleLevels(this.leaves[file]));
    const end = Math.min(first + count, n);
    return { hashes: this.leaves[file].subarray(first * HASH_LEN, end * HASH_LEN), proof: levels.proof(first, count) };
  }

  /** The piece layer file of this version (every leaf must be known). */
  encode(): Uint8Array {
    if (!this.allKnown()) throw new BytefallError('BAD_ARGUMENT', 'not every piece hash is known yet');
    return encodeLayers(this.waterfall, this.leaves);
  }

  private setFile(file: number, leaves: Uint8Array): void {
    if (leaves.length !== this.leaves[file].length) {
      throw new BytefallError('BAD_PIECE_LAYER', `${this.files[file].path.join('/')}: ${leaves.length / HASH_LEN} leaves for ${this.pieceCount(file)} pieces`);
    }
    this.leaves[file].set(leaves);
    for (let run = 0; run < this.runKnown[file].length; run++) if (!this.runKnown[file][run]) this.markRun(file, run);
  }

  private markRun(file: number, run: number): void {
    this.runKnown[file][run] = 1;
    if (--this.runsLeft[file] === 0) this.filesLeft--;
  }
}
