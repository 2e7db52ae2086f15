// The shape of a verify report, and bad pieces turned into byte ranges. What a
// report means for an exit code is the CLI's business.
import type { SkippedKind } from '../create/scan.js';

/** Bytes [start, end). */
export type ByteRange = [start: number, end: number];

/** What is on disk at a path. */
export type FoundKind = 'file' | 'directory' | SkippedKind;

export type EntryStatus =
  | { status: 'ok' }
  | { status: 'missing' }
  /** The Waterfall has a file here; the disk has something else. */
  | { status: 'not-a-file'; found: FoundKind }
  /** The Waterfall has a directory here; the disk has something else. */
  | { status: 'not-a-directory'; found: FoundKind }
  /**
   * The size differs. `corrupt` lists the bad ranges within the expected size:
   * pieces of the common prefix that do not match, and the pieces a shorter file
   * does not fully hold.
   */
  | { status: 'wrong-size'; expectedSize: number; actualSize: number; corrupt: ByteRange[]; narrowed: boolean }
  /**
   * Pieces do not match. `narrowed` is false when there was no piece layer: only
   * the merkle root could be compared, so the whole file is reported.
   */
  | { status: 'corrupt'; corrupt: ByteRange[]; narrowed: boolean };

export type EntryReport = { path: string[]; isDir: boolean } & EntryStatus;

/** Something on disk the Waterfall does not name; inside an extra directory only the directory is listed. */
export interface ExtraEntry {
  path: string[];
  kind: FoundKind;
}

export interface VerifyReport {
  /** True when every entry is `ok` (extra entries do not count). */
  ok: boolean;
  /** One per expected entry, in the same order. */
  entries: EntryReport[];
  extra: ExtraEntry[];
}

/** Sorted bad piece indices as merged byte ranges of a file of `size` bytes. */
export function badRanges(bad: readonly number[], pieceSize: number, size: number): ByteRange[] {
  const sorted = [...bad].sort((a, b) => a - b);
  const out: ByteRange[] = [];
  for (const i of sorted) {
    const start = i * pieceSize;
    const end = Math.min(start + pieceSize, size);
    const last = out[out.length - 1];
    if (last && last[1] >= start) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}

/** Bad piece indices as merged byte ranges, for pieces of the given lengths (content-defined pieces). */
export function badRangesByLength(bad: readonly number[], lengths: ArrayLike<number>): ByteRange[] {
  const offsets = new Float64Array(lengths.length + 1);
  for (let i = 0; i < lengths.length; i++) offsets[i + 1] = offsets[i] + lengths[i];
  const out: ByteRange[] = [];
  for (const i of [...bad].sort((a, b) => a - b)) {
    const start = offsets[i];
    const end = offsets[i + 1];
    const last = out[out.length - 1];
    if (last && last[1] >= start) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}
