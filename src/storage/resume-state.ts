// The resume state of one download on disk: which pieces are verified, so a restarted node
// neither downloads nor re-hashes them. A snapshot (`state`, replaced by temp file + rename,
// the one before kept as `state.prev`) plus an append-only journal (`state.journal`) of pieces
// verified since. The caller makes piece data durable before recording it, so a kill -9 at any
// moment never leaves an unwritten piece marked verified. Format and recovery: docs/STORAGE.md.
import { open, readFile, rename } from 'node:fs/promises';
import { constants } from 'node:fs';
import { dirname } from 'node:path';
import { BytefallError } from '../errors.js';
import type { FileHandleLike } from './fd-cache.js';
import type { Layout, PieceLocation } from './layout.js';
import { PieceState } from './piece-state.js';
import * as fmt from './resume-format.js';
import { writeAll } from './file-writes.js';

export type OpenFile = (path: string, flags: number, mode?: number) => Promise<FileHandleLike>;

export const defaultOpenFile: OpenFile = (path, flags, mode) => open(path, flags, mode);

/** Which snapshot load() started from. */
export type RecoveredFrom = 'state' | 'state.prev' | 'nothing';

export class ResumeState {
  readonly pieces: PieceState;
  /** Per file: mtime (ns) of the final copy when it was finished, 0n when unknown. */
  readonly finishedNs: bigint[];
  /** What load() found: which snapshot, and how many journal records it replayed. */
  recovered: { from: RecoveredFrom; records: number } = { from: 'nothing', records: 0 };
  private readonly fingerprints: Uint8Array[];
  private maxGeneration = 0n;
  private journal: FileHandleLike | null = null;
  private journalCrc = 0;
  private journalBytes = 0;
  private needsCompact = true;
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly layout: Layout,
    readonly path: string,
    private readonly openFile: OpenFile,
  ) {
    this.pieces = new PieceState(layout);
    this.finishedNs = layout.files.map(() => 0n);
    this.fingerprints = layout.files.map(fmt.fileFingerprint);
  }

  /** Reads what survives at `path` (state, state.prev, state.journal). Writes nothing. */
  static async load(path: string, layout: Layout, openFile: OpenFile = defaultOpenFile): Promise<ResumeState> {
    const rs = new ResumeState(layout, path, openFile);
    const [cur, prev, journal] = await Promise.all([readOrNull(path), readOrNull(`${path}.prev`), readOrNull(`${path}.journal`)]);
    const snapCur = cur && fmt.decodeSnapshot(cur);
    const snapPrev = prev && fmt.decodeSnapshot(prev);
    const head = journal && fmt.decodeJournalHeader(journal);
    rs.maxGeneration = [snapCur?.generation, snapPrev?.generation, head?.generation].reduce<bigint>(
      (m, g) => (g !== undefined && g > m ? g : m),
      0n,
    );
    const base = snapCur || snapPrev;
    if (!base) return rs;
    rs.recovered.from = snapCur ? 'state' : 'state.prev';
    const toCurrent = rs.applySnapshot(base);
    if (journal && head && head.generation === base.generation) {
      const pieceCounts = base.files.map((f) => f.pieces);
      const records = fmt.decodeRecords(journal.subarray(fmt.JOURNAL_HEADER_LEN), head.crc, pieceCounts);
      for (const r of records) {
        const i = toCurrent[r.file];
        if (i < 0) continue;
        if (r.type === fmt.RECORD_PIECE) rs.pieces.set(i, Number(r.value));
        else {
          rs.pieces.setFile(i);
          rs.finishedNs[i] = r.value;
        }
      }
      rs.recovered.records = records.length;
    }
    return rs;
  }

  /** Records pieces whose data the caller has already made durable. Resolves once the records are. */
  recordPieces(list: readonly PieceLocation[]): Promise<void> {
    for (const { file, piece } of list) this.layout.checkPiece(file, piece);
    const fresh = list.filter(({ file, piece }) => !this.pieces.has(file, piece));
    if (fresh.length === 0) return Promise.resolve();
    return this.serial(async () => {
      await this.append(fresh.map((l) => ({ type: fmt.RECORD_PIECE, file: l.file, value: BigInt(l.piece) })));
      for (const l of fresh) this.pieces.set(l.file, l.piece);
    });
  }

  /** Records that a file is complete under its final name, with that copy's mtime (ns). */
  recordFinished(file: number, mtimeNs: bigint): Promise<void> {
    const value = mtimeNs > 0n ? mtimeNs : 1n; // 0 means "not finished" on disk
    return this.serial(async () => {
      await this.append([{ type: fmt.RECORD_FINISHED, file, value }]);
      this.pieces.setFile(file);
      this.finishedNs[file] = value;
    });
  }

  /** Notes the mtime of a file found finished at open (no journal record; the next compact() saves it). */
  noteFinished(file: number, mtimeNs: bigint): void {
    this.pieces.setFile(file);
    this.finishedNs[file] = mtimeNs > 0n ? mtimeNs : 1n;
    this.needsCompact = true;
  }

  /** Forgets a file's pieces (its data is gone or was changed); on disk at the next compact(). */
  forgetFile(file: number): void {
    this.pieces.clearFile(file);
    this.finishedNs[file] = 0n;
    this.needsCompact = true;
  }

  /** The journal has grown past the snapshot (and 1 MiB): time to compact. */
  shouldCompact(): boolean {
    return this.journalBytes > Math.max(1 << 20, fmt.snapshotLength(this.layout.files.length, this.layout.totalPieces));
  }

  /** Writes a snapshot of the state in memory, then starts an empty journal. */
  compact(): Promise<void> {
    return this.serial(() => this.compactNow());
  }

  async close(): Promise<void> {
    await this.compact();
    await this.serial(async () => {
      await this.journal?.close();
      this.journal = null;
    });
  }

  // ---- internals -----------------------------------------------------------------------

  /** Applies a snapshot; returns, for each of its table rows, the current file index or -1. */
  private applySnapshot(s: fmt.Snapshot): number[] {
    const byPrint = new Map(this.fingerprints.map((f, i) => [hex(f), i]));
    let first = 0;
    return s.files.map((row) => {
      const i = byPrint.get(hex(row.fingerprint)) ?? -1;
      if (i >= 0 && row.pieces === this.layout.pieceCounts[i]) {
        for (let p = 0; p < row.pieces; p++) if (s.bits.has(first + p)) this.pieces.set(i, p);
        if (row.finishedNs !== 0n) this.finishedNs[i] = row.finishedNs;
      }
      first += row.pieces;
      return i >= 0 && row.pieces === this.layout.pieceCounts[i] ? i : -1;
    });
  }

  private async append(records: fmt.JournalRecord[]): Promise<void> {
    if (this.needsCompact || !this.journal) await this.compactNow();
    const bytes = fmt.encodeRecords(records, this.journalCrc);
    const journal = this.journal!;
    try {
      await writeAll(journal, bytes, this.journalBytes);
      await journal.datasync();
    } catch (err) {
      // A torn tail would hide every later record: cut it off, or start over at the next append.
      await journal.truncate(this.journalBytes).catch(() => (this.needsCompact = true));
      throw BytefallError.fromSystem(err, `${this.path}.journal`, 'write');
    }
    this.journalBytes += bytes.length;
  }

  private async compactNow(): Promise<void> {
    const generation = this.maxGeneration + 1n;
    const snapshot = fmt.encodeSnapshot({
      generation,
      files: this.layout.files.map((_, i) => ({
        fingerprint: this.fingerprints[i],
        pieces: this.layout.pieceCounts[i],
        finishedNs: this.pieces.isFull(i) ? this.finishedNs[i] : 0n,
      })),
      bits: this.pieces.bits,
    });
    await this.writeSynced(`${this.path}.tmp`, snapshot);
    await renameOrThrow(this.path, `${this.path}.prev`, true);
    await renameOrThrow(`${this.path}.tmp`, this.path);
    await syncDir(dirname(this.path));
    const header = fmt.encodeJournalHeader(generation);
    await this.writeSynced(`${this.path}.journal.tmp`, header);
    await renameOrThrow(`${this.path}.journal.tmp`, `${this.path}.journal`);
    await syncDir(dirname(this.path));
    await this.journal?.close().catch(() => undefined);
    this.journal = null;
    this.journal = await this.openFile(`${this.path}.journal`, constants.O_RDWR).catch((err) => {
      throw BytefallError.fromSystem(err, `${this.path}.journal`, 'open');
    });
    this.journalCrc = fmt.decodeJournalHeader(header)!.crc;
    this.journalBytes = header.length;
    this.maxGeneration = generation;
    this.needsCompact = false;
  }

  private async writeSynced(path: string, bytes: Uint8Array): Promise<void> {
    let h: FileHandleLike | undefined;
    try {
      h = await this.openFile(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o644);
      await writeAll(h, bytes, 0);
      await h.datasync();
    } catch (err) {
      throw BytefallError.fromSystem(err, path, 'write');
    } finally {
      await h?.close().catch(() => undefined);
    }
  }

  /** Runs state changes one at a time, in call order. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }
}

async function readOrNull(path: string): Promise<Uint8Array | null> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw BytefallError.fromSystem(err, path, 'read');
  }
}

async function renameOrThrow(from: string, to: string, missingOk = false): Promise<void> {
  try {
    await rename(from, to);
  } catch (err) {
    if (missingOk && (err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw BytefallError.fromSystem(err, from, 'rename');
  }
}

/** Makes a rename durable. Some systems cannot sync a directory; the rename is atomic anyway. */
export async function syncDir(dir: string): Promise<void> {
  const h = await open(dir, 'r').catch(() => null);
  if (!h) return;
  await h.sync().catch(() => undefined);
  await h.close();
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}
