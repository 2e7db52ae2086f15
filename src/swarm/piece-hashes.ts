// The piece hashes (leaves) of every file of one Waterfall version. They come from a local
// piece layer (checked against each entry hash by decodeLayers), from hashing a complete copy
// on disk whose root gives the entry hash, or from peers in runs of up to 512 leaves, each run
// checked with its proof against the entry hash (docs/PROTOCOL.md, HASH_REQUEST/HASHES).
// A piece is only ever verified against a leaf that was checked this way.
// A content-defined file (format 1.1) has records <length u32><hash 32> instead of hashes:
// its tree is over the CDC leaves of the records, HASHES carries the records, and its pieces
// have offsets (in the storage layout) only once every record of the file is known.
import { BytefallError } from '../errors.js';
import { entryHashFor } from '../format/entry-hash.js';
import { encodeLayers, pieceCountOf } from '../format/layers.js';
import { CHUNKING_CDC, type Entry, type Waterfall } from '../format/model.js';
import { equalBytes } from '../format/bytes.js';
import { CDC_RECORD_LEN, cdcLeaves, cdcParams, recordHashes, recordLengths } from '../hash/cdc.js';
import { HASH_LEN, merkleRoot } from '../hash/merkle.js';
import type { Layout } from '../storage/layout.js';
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
  /** Plain BLAKE3 of each piece (what a received piece is checked against), 32 bytes each. */
  private readonly leaves: Uint8Array[];
  /** Content-defined files: the records (36 bytes each); undefined for fixed-size files. */
  private readonly records: (Uint8Array | undefined)[];
  private readonly runKnown: Uint8Array[];
  private readonly runsLeft: number[];
  private readonly levels: (MerkleLevels | undefined)[];
  private filesLeft: number;

  /**
   * `layers`: each file's checked layer (hashes, or records for a content-defined file), as
   * decodeLayers gives them. `layout`: the storage layout, given the piece lengths of each
   * content-defined file as soon as its records are all known.
   */
  constructor(readonly waterfall: Waterfall, layers?: readonly Uint8Array[], private readonly layout?: Layout) {
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
    this.records = files.map((e) => (e.chunking === CHUNKING_CDC ? new Uint8Array(pieceCountOf(e) * CDC_RECORD_LEN) : undefined));
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

  /** The file has content-defined pieces: HASHES carries 36-byte records. */
  isContentDefined(file: number): boolean {
    return this.records[file] !== undefined;
  }

  /** Bytes per hash in HASHES and in the layer: 32, or 36 for a record. */
  recordLen(file: number): number {
    return this.isContentDefined(file) ? CDC_RECORD_LEN : HASH_LEN;
  }

  /**
   * The pieces that wait for this run: its own, or for a content-defined file all of the
   * file's (a piece's offset is the sum of every length before it).
   */
  piecesWaitingFor(file: number, run: number): [number, number] {
    return this.isContentDefined(file) ? [0, this.pieceCount(file)] : this.runPieces(file, run);
  }

  /** The pieces that this run, now known, makes fetchable: see piecesWaitingFor. */
  piecesReadyAfter(file: number, run: number): [number, number] {
    if (!this.isContentDefined(file)) return this.runPieces(file, run);
    return this.isFileKnown(file) ? [0, this.pieceCount(file)] : [0, 0];
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

  /** Every record of a content-defined file (undefined until all are known, or for a fixed-size file). */
  fileRecords(file: number): Uint8Array | undefined {
    return this.isFileKnown(file) ? this.records[file] : undefined;
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
    const e = this.files[r.file];
    const records = this.records[r.file];
    const k = Math.min(r.count, n - r.first);
    if (k <= 0 || hashes.length !== k * this.recordLen(r.file)) return false;
    if (records && !lengthsOk(e, hashes, r.first + k === n)) return false;
    const tree = records ? cdcLeaves(hashes) : hashes;
    const root = rootOfRun(n, r.first, r.count, tree, proof);
    if (!root || !equalBytes(entryHashFor(e, root), e.hash)) return false;
    if (!this.isRunKnown(r.file, r.run)) {
      if (records) {
        records.set(hashes, r.first * CDC_RECORD_LEN);
        this.leaves[r.file].set(recordHashes(hashes), r.first * HASH_LEN);
        // The last run to come completes the lengths, which must add up to the size.
        if (this.runsLeft[r.file] === 1 && sumOf(recordLengths(records)) !== e.size) return false;
      } else this.leaves[r.file].set(hashes, r.first * HASH_LEN);
      this.markRun(r.file, r.run);
    }
    return true;
  }

  /**
   * A whole file's layer (hashed from a local copy: leaves, or records for a content-defined
   * file): kept when its root gives the entry hash.
   */
  trySetFile(file: number, layer: Uint8Array): boolean {
    const e = this.files[file];
    const records = this.records[file];
    if (layer.length !== this.pieceCount(file) * this.recordLen(file)) return false;
    if (records && (!lengthsOk(e, layer, true) || sumOf(recordLengths(layer)) !== e.size)) return false;
    const root = merkleRoot(records ? cdcLeaves(layer) : layer);
    if (!equalBytes(entryHashFor(e, root), e.hash)) return false;
    this.setFile(file, layer);
    return true;
  }

  /**
   * The hashes (records, for a content-defined file) and proof that answer a HASH_REQUEST
   * for run [first, first + count) of a file we know whole.
   */
  answer(file: number, first: number, count: number): { hashes: Uint8Array; proof: Uint8Array; recordLen: number } | undefined {
    const n = this.pieceCount(file);
    if (!this.isFileKnown(file) || first >= n) return undefined;
    const records = this.records[file];
    const levels = (this.levels[file] ??= new MerkleLevels(records ? cdcLeaves(records) : this.leaves[file]));
    const end = Math.min(first + count, n);
    const unit = this.recordLen(file);
    const layer = records ?? this.leaves[file];
    return { hashes: layer.subarray(first * unit, end * unit), proof: levels.proof(first, count), recordLen: unit };
  }

  /** The piece layer file of this version (every leaf must be known). */
  encode(): Uint8Array {
    if (!this.allKnown()) throw new BytefallError('BAD_ARGUMENT', 'not every piece hash is known yet');
    return encodeLayers(this.waterfall, this.leaves.map((l, i) => this.records[i] ?? l));
  }

  private setFile(file: number, layer: Uint8Array): void {
    const records = this.records[file];
    const unit = this.recordLen(file);
    if (layer.length !== this.pieceCount(file) * unit) {
      throw new BytefallError('BAD_PIECE_LAYER', `${this.files[file].path.join('/')}: ${layer.length / unit} ${records ? 'records' : 'leaves'} for ${this.pieceCount(file)} pieces`);
    }
    if (records) {
      records.set(layer);
      this.leaves[file].set(recordHashes(layer));
    } else this.leaves[file].set(layer);
    for (let run = 0; run < this.runKnown[file].length; run++) if (!this.runKnown[file][run]) this.markRun(file, run);
  }

  private markRun(file: number, run: number): void {
    this.runKnown[file][run] = 1;
    if (--this.runsLeft[file] > 0) return;
    this.filesLeft--;
    const records = this.records[file];
    if (records && this.layout) this.layout.setPieceLengths(file, recordLengths(records));
  }
}

function sumOf(lengths: Uint32Array): number {
  let sum = 0;
  for (const l of lengths) sum += l;
  return sum;
}

/**
 * Record lengths within a content-defined file's bounds (docs/FORMAT.md): min + 1 to max,
 * the file's last piece 1 to max. The sum is checked when the layout takes the lengths.
 */
function lengthsOk(e: Entry, records: Uint8Array, endsFile: boolean): boolean {
  const { min, max } = cdcParams(e.pieceSize);
  const lengths = recordLengths(records);
  for (let i = 0; i < lengths.length; i++) {
    const least = endsFile && i === lengths.length - 1 ? 1 : min + 1;
    if (lengths[i] < least || lengths[i] > max) return false;
  }
  return true;
}
