// The files of a download as storage sees them (path components under a root, size, piece
// size), with every piece numbered in one global index space: file 0's pieces, then file 1's,
// and so on. Paths are checked here once: plain names only, no clashes between files.
// Where each piece lies: i x piece size for fixed-size pieces; for content-defined pieces
// (format 1.1) the sum of the lengths before it, known once the file's layer is.
import { BytefallError } from '../errors.js';

/** Suffix of the staging name a file has until every one of its pieces is verified. */
export const PART_SUFFIX = '.bytefall-part';

export interface FileSpec {
  /** Path components from the download root, each one a plain name. */
  path: string[];
  size: number;
  /** Bytes per piece (the last piece may be shorter); the average for content-defined pieces. */
  pieceSize: number;
  /**
   * Content-defined pieces (format 1.1): the piece count the entry declares. Offsets and
   * lengths then come from `pieceLengths`, here or later through `Layout.setPieceLengths`.
   */
  pieceCount?: number;
  /** Content-defined pieces: every piece's length, when the layer is at hand. */
  pieceLengths?: ArrayLike<number>;
  /**
   * What the content is (the download engine passes the entry hash). Resume state carries over
   * to a file only when its path, size, piece size and id all match, so pass it whenever a
   * path's content can change between versions.
   */
  id?: Uint8Array;
}

export interface PieceLocation {
  file: number;
  piece: number;
}

export class Layout {
  readonly files: readonly FileSpec[];
  readonly pieceCounts: readonly number[];
  /** Global index of each file's piece 0. */
  readonly firstPiece: readonly number[];
  readonly totalPieces: number;
  /** Content-defined files: offset of each piece, and the size at the end (n + 1 values); unset until known. */
  private readonly offsets: (Float64Array | undefined)[];

  /** `partSuffix`: the staging suffix checked for clashes (default PART_SUFFIX; a next version uses its own). */
  constructor(files: readonly FileSpec[], readonly partSuffix: string = PART_SUFFIX) {
    const counts: number[] = [];
    const first: number[] = [];
    let total = 0;
    const seen = new Set<string>();
    const dirs = new Set<string>();
    for (const f of files) {
      if (!Array.isArray(f.path) || f.path.length === 0) throw badPath(String(f.path), 'an empty path');
      for (const c of f.path) checkComponent(c, f.path);
      if (!Number.isSafeInteger(f.size) || f.size < 0) throw badFile(f, `size ${f.size}`);
      if (!Number.isSafeInteger(f.pieceSize) || f.pieceSize <= 0 || f.pieceSize > 2 ** 30) {
        throw badFile(f, `piece size ${f.pieceSize}`);
      }
      const key = f.path.join('/');
      if (seen.has(key)) throw badFile(f, 'a second file with this path');
      seen.add(key);
      for (let i = 1; i < f.path.length; i++) dirs.add(f.path.slice(0, i).join('/'));
      first.push(total);
      if (f.pieceCount !== undefined && !(Number.isSafeInteger(f.pieceCount) && f.pieceCount >= 0 && f.pieceCount <= f.size && (f.pieceCount > 0) === (f.size > 0))) {
        throw badFile(f, `piece count ${f.pieceCount} for ${f.size} bytes`);
      }
      const n = f.pieceCount ?? Math.ceil(f.size / f.pieceSize);
      counts.push(n);
      total += n;
    }
    for (const f of files) {
      const key = f.path.join('/');
      if (dirs.has(key)) throw badFile(f, 'a file that is also a directory of another file');
      if (seen.has(key + partSuffix) || dirs.has(key + partSuffix)) {
        throw badPath(key, `its staging name ${key + partSuffix} is taken by another file`);
      }
    }
    this.files = files.map((f) => ({ ...f, path: [...f.path], pieceLengths: undefined }));
    this.pieceCounts = counts;
    this.firstPiece = first;
    this.totalPieces = total;
    this.offsets = files.map(() => undefined);
    files.forEach((f, i) => {
      if (f.pieceCount === undefined && f.pieceLengths !== undefined) throw badFile(f, 'piece lengths without a piece count');
      if (f.pieceLengths !== undefined) this.setPieceLengths(i, f.pieceLengths);
    });
  }

  /** The file has content-defined pieces: offsets follow from the lengths. */
  isContentDefined(file: number): boolean {
    return this.files[file].pieceCount !== undefined;
  }

  /** Offsets and lengths of the file's pieces are known (always, for fixed-size pieces). */
  lengthsKnown(file: number): boolean {
    return !this.isContentDefined(file) || this.offsets[file] !== undefined;
  }

  /**
   * Gives a content-defined file its piece lengths (from its checked layer): one per piece,
   * each at least 1, adding up to the size. Giving the same lengths again does nothing; other
   * lengths are refused (BAD_PIECE_LAYER).
   */
  setPieceLengths(file: number, lengths: ArrayLike<number>): void {
    this.checkRange(file, 0, 0);
    const f = this.files[file];
    if (!this.isContentDefined(file)) throw badFile(f, 'fixed-size pieces have no piece lengths to set');
    const n = this.pieceCounts[file];
    if (lengths.length !== n) throw badLayer(f, `${lengths.length} piece lengths for ${n} pieces`);
    const offsets = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) {
      const len = lengths[i];
      if (!(Number.isSafeInteger(len) && len >= 1)) throw badLayer(f, `piece ${i} has length ${len}`);
      offsets[i + 1] = offsets[i] + len;
    }
    if (offsets[n] !== f.size) throw badLayer(f, `the piece lengths add up to ${offsets[n]} bytes, not ${f.size}`);
    const known = this.offsets[file];
    if (known) {
      if (known.some((v, i) => v !== offsets[i])) throw badLayer(f, 'piece lengths differ from those already known');
      return;
    }
    this.offsets[file] = offsets;
  }

  /** Where a piece starts in its file. BAD_ARGUMENT for a content-defined file whose lengths are unknown. */
  pieceOffset(file: number, piece: number): number {
    this.checkPiece(file, piece);
    if (!this.isContentDefined(file)) return piece * this.files[file].pieceSize;
    return this.knownOffsets(file)[piece];
  }

  /** Length of a piece in bytes (the last fixed-size piece of a file may be shorter). */
  pieceLength(file: number, piece: number): number {
    this.checkPiece(file, piece);
    const f = this.files[file];
    if (!this.isContentDefined(file)) return Math.min(f.pieceSize, f.size - piece * f.pieceSize);
    const o = this.knownOffsets(file);
    return o[piece + 1] - o[piece];
  }

  /** The piece of a file that holds byte `offset` (offset < size). */
  pieceAt(file: number, offset: number): number {
    this.checkRange(file, offset, 1);
    if (!this.isContentDefined(file)) return Math.floor(offset / this.files[file].pieceSize);
    const o = this.knownOffsets(file);
    let lo = 0;
    let hi = this.pieceCounts[file] - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (o[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private knownOffsets(file: number): Float64Array {
    const o = this.offsets[file];
    if (!o) throw new BytefallError('BAD_ARGUMENT', `${this.files[file].path.join('/')}: its piece lengths are not known yet (no piece layer)`);
    return o;
  }

  globalIndex(file: number, piece: number): number {
    this.checkPiece(file, piece);
    return this.firstPiece[file] + piece;
  }

  /** The file and piece of a global index (binary search over the files). */
  locate(index: number): PieceLocation {
    if (!(Number.isInteger(index) && index >= 0 && index < this.totalPieces)) {
      throw new BytefallError('BAD_ARGUMENT', `piece ${index} is outside 0..${this.totalPieces - 1}`);
    }
    let lo = 0;
    let hi = this.files.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.firstPiece[mid] <= index) lo = mid;
      else hi = mid - 1;
    }
    // Empty files share their firstPiece with the next file; move past them.
    while (this.pieceCounts[lo] === 0 || index >= this.firstPiece[lo] + this.pieceCounts[lo]) lo++;
    return { file: lo, piece: index - this.firstPiece[lo] };
  }

  checkPiece(file: number, piece: number): void {
    if (!(Number.isInteger(file) && file >= 0 && file < this.files.length)) {
      throw new BytefallError('BAD_ARGUMENT', `file ${file} is outside 0..${this.files.length - 1}`);
    }
    if (!(Number.isInteger(piece) && piece >= 0 && piece < this.pieceCounts[file])) {
      throw new BytefallError('BAD_ARGUMENT', `piece ${piece} of file ${file} is outside 0..${this.pieceCounts[file] - 1}`);
    }
  }

  /** Checks that `data` is exactly piece `piece` of `file` in length. */
  checkPieceData(file: number, piece: number, data: Uint8Array): void {
    const want = this.pieceLength(file, piece);
    if (!(data instanceof Uint8Array) || data.length !== want) {
      throw new BytefallError('BAD_ARGUMENT', `piece ${piece} of file ${file} is ${want} bytes, not ${data?.length}`);
    }
  }

  /** Checks that [offset, offset+length) lies inside the file. */
  checkRange(file: number, offset: number, length: number): void {
    if (!(Number.isInteger(file) && file >= 0 && file < this.files.length)) {
      throw new BytefallError('BAD_ARGUMENT', `file ${file} is outside 0..${this.files.length - 1}`);
    }
    const size = this.files[file].size;
    if (!(Number.isSafeInteger(offset) && Number.isSafeInteger(length) && offset >= 0 && length >= 0 && offset + length <= size)) {
      throw new BytefallError('BAD_ARGUMENT', `range ${offset}+${length} is outside file ${file} (${size} bytes)`);
    }
  }
}

/** A plain name: not empty, not . or .., no / and no NUL. */
export function checkComponent(c: unknown, path: readonly string[]): void {
  if (typeof c !== 'string' || c === '' || c === '.' || c === '..' || c.includes('/') || c.includes('\0')) {
    throw badPath(path.join('/'), `the component ${JSON.stringify(c)} is not a plain name`);
  }
}

function badPath(path: string, why: string): BytefallError {
  return new BytefallError('UNSAFE_PATH', `refusing path ${path}: ${why}`, { file: path, op: 'open' });
}

function badLayer(f: FileSpec, why: string): BytefallError {
  return new BytefallError('BAD_PIECE_LAYER', `file ${f.path.join('/')}: ${why}`, { file: f.path.join('/') });
}

function badFile(f: FileSpec, why: string): BytefallError {
  return new BytefallError('BAD_ARGUMENT', `file ${f.path.join('/')}: ${why}`, { file: f.path.join('/') });
}
