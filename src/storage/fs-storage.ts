// Storage on the file system. Each file is written in place at its pieces' offsets, in a
// working copy `<name>.bytefall-part` created at full size (sparse, or zero-filled), and renamed
// to its final name only once every piece is verified: unverified data never carries a final
// name. Writes are group-committed: the data is fdatasync'ed, then recorded in the resume state
// (resume-state.ts), and only then does writePiece resolve. Layout on disk: docs/STORAGE.md.
import { mkdir, rename, stat, unlink } from 'node:fs/promises';
import { constants } from 'node:fs';
import { dirname, join, relative, resolve, sep, isAbsolute } from 'node:path';
import { BytefallError } from '../errors.js';
import type { Bitfield } from '../swarm/picker-bitfield.js';
import { FdCache, type FileHandleLike } from './fd-cache.js';
import { Layout, PART_SUFFIX, type FileSpec, type PieceLocation } from './layout.js';
import { ResumeState, defaultOpenFile, syncDir, type OpenFile } from './resume-state.js';
import { FileWriter, defaultWriteSlice, writeAll } from './file-writes.js';
import { IoHere, type IoHereOptions } from './io-here.js';
import { FileReader, readExact } from './file-reads.js';
import type { FileStatus, OpenStorage, Storage } from './storage.js';
import { checkLocalNames, localPath } from './local-names.js';
import { GroupCommit } from './group-commit.js';

export interface FsStorageOptions {
  /** The resume state file (default `<root>/.bytefall/state`). */
  statePath?: string;
  /** 'sparse' (default) creates working copies without allocating blocks; 'full' writes zeros, so a full disk shows at once. */
  allocation?: 'sparse' | 'full';
  /** Most files open at once (default 64). */
  maxOpenFiles?: number;
  /** Opens files; tests wrap it to inject errors. */
  openFile?: OpenFile;
  /**
   * Keep complete files under their staging names until `finishAll` (an update: the old
   * version stays whole under the final names until the new one is complete).
   */
  deferFinish?: boolean;
  /** The staging suffix (default `.bytefall-part`; the next version of an update uses `.bytefall-v<sequence>`). */
  partSuffix?: string;
  /** Least time between two group commits while only streamed pieces wait (default 100 ms; group-commit.ts). */
  commitIntervalMs?: number;
  /**
   * A piece is written in system calls of at most this many bytes. Linux sizes the page-cache
   * folios a write allocates by the write's length; on the VM measured (docs/BENCHMARKS.md,
   * transfer, session 5) folios of 128 KiB and more cost up to 20x the kernel CPU of small ones
   * to fill, and a 1 GiB get spent ~1.2 CPU-s there. Default: 64 KiB, except on tmpfs (unless
   * mounted with huge=) and ramfs, which fill small pages whatever a write's length: there a
   * piece is one call (each call costs a round trip through libuv's threads).
   */
  writeSliceBytes?: number;
  /**
   * When a piece is written with blocking calls on this thread instead of on libuv's threads
   * (io-here.ts): while writes go at memory speed (default), or `false` for never.
   */
  writeHere?: IoHereOptions | false;
  /** The same for reads (a seeder's), with their own IoHere (default: on, the same limits). */
  readHere?: IoHereOptions | false;
}

export class FsStorage implements Storage {
  private readonly fds: FdCache;
  private readonly done: boolean[];
  private readonly partKnown: boolean[];
  private readonly commits: GroupCommit;
  private readonly writer: FileWriter;
  private readonly reader: FileReader;
  private backgroundError: unknown = null;
  private closed = false;
  private deferFinish = false;

  private constructor(
    readonly root: string,
    readonly layout: Layout,
    private readonly state: ResumeState,
    private readonly opts: Required<Omit<FsStorageOptions, 'statePath' | 'deferFinish' | 'partSuffix'>>,
  ) {
    this.writer = new FileWriter(opts.writeSliceBytes, opts.writeHere === false ? undefined : new IoHere(opts.writeHere));
    this.reader = new FileReader(opts.readHere === false ? undefined : new IoHere(opts.readHere));
    this.done = layout.files.map(() => false);
    this.partKnown = layout.files.map(() => false);
    this.fds = new FdCache(opts.maxOpenFiles, (i, write) => this.openWorking(i, write), (err, i, op) =>
      BytefallError.fromSystem(err, this.partPath(i), op),
    );
    this.commits = new GroupCommit(
      opts.commitIntervalMs,
      (batch) => this.commitBatch(batch),
      (file, pending) => this.state.pieces.count(file) + pending >= layout.pieceCounts[file],
    );
  }

  /** Opens (creating) the download at `root`: loads the resume state and checks it against the files. */
  static async open(root: string, files: readonly FileSpec[], options: FsStorageOptions = {}): Promise<FsStorage> {
    const absRoot = resolve(root);
    const given = options.writeSliceBytes;
    if (given !== undefined && (!Number.isSafeInteger(given) || given < 1)) throw new BytefallError('BAD_ARGUMENT', `writeSliceBytes must be a positive integer, not ${given}`);
    const layout = new Layout(files, options.partSuffix ?? PART_SUFFIX);
    const statePath = resolve(options.statePath ?? join(absRoot, '.bytefall', 'state'));
    checkLocalNames(layout.files.map((f) => f.path));
    checkStateClash(absRoot, layout, statePath);
    await mkdirOrThrow(absRoot);
    await mkdirOrThrow(dirname(statePath));
    const openFile = options.openFile ?? defaultOpenFile;
    const state = await ResumeState.load(statePath, layout, openFile);
    const slice = given ?? (await defaultWriteSlice(absRoot));
    const st = new FsStorage(absRoot, layout, state, {
      allocation: options.allocation ?? 'sparse',
      maxOpenFiles: options.maxOpenFiles ?? 64,
      openFile,
      commitIntervalMs: options.commitIntervalMs ?? 100,
      writeSliceBytes: slice,
      writeHere: options.writeHere ?? {},
      readHere: options.readHere ?? {},
    });
    st.deferFinish = options.deferFinish ?? false;
    for (let i = 0; i < layout.files.length; i += 32) {
      await Promise.all(layout.files.slice(i, i + 32).map((_, k) => st.reconcile(i + k)));
    }
    await state.compact();
    return st;
  }

  /** An OpenStorage for the download engine. */
  static opener(root: string, options: FsStorageOptions = {}): OpenStorage {
    return (files) => FsStorage.open(root, files, options);
  }

  finalPath(file: number): string {
    return localPath(this.root, this.layout.files[file].path);
  }

  partPath(file: number): string {
    return this.finalPath(file) + this.layout.partSuffix;
  }

  verified(): Bitfield {
    return this.state.pieces.copyBits();
  }

  isVerified(file: number, piece: number): boolean {
    return this.state.pieces.has(file, piece);
  }

  status(file: number): FileStatus {
    this.layout.checkRange(file, 0, 0);
    return { pieces: this.layout.pieceCounts[file], verified: this.state.pieces.count(file), complete: this.done[file] };
  }

  async writePiece(file: number, piece: number, data: Uint8Array, onWritten?: () => void): Promise<void> {
    this.checkOpen();
    this.layout.checkPieceData(file, piece, data);
    if (this.done[file] || this.state.pieces.has(file, piece)) return;
    const offset = this.layout.pieceOffset(file, piece);
    try {
      await this.fds.use(file, (h) => this.writer.write(h, data, offset), true);
    } catch (err) {
      if (this.state.pieces.has(file, piece)) return; // a duplicate copy completed it meanwhile
      throw wrap(err, this.partPath(file), 'write');
    }
    onWritten?.(); // in the page cache, not durable: the commit below records it
    await this.commits.add({ file, piece }, onWritten !== undefined);
  }

  async readPiece(file: number, piece: number): Promise<Uint8Array> {
    this.checkOpen();
    if (!this.state.pieces.has(file, piece)) {
      throw new BytefallError('NOT_VERIFIED', `piece ${piece} of ${this.finalPath(file)} is not verified`, {
        file: this.finalPath(file),
        op: 'read',
      });
    }
    return this.read(file, this.layout.pieceOffset(file, piece), this.layout.pieceLength(file, piece));
  }

  async read(file: number, offset: number, length: number, into?: Uint8Array): Promise<Uint8Array> {
    const path = await this.workingPath(file, offset, length);
    return this.fds.use(file, (h) => this.reader.read(h, offset, length, path, into));
  }

  async readv(file: number, offset: number, parts: readonly Uint8Array[]): Promise<void> {
    const path = await this.workingPath(file, offset, parts.reduce((n, p) => n + p.length, 0));
    return this.fds.use(file, (h) => this.reader.readv(h, offset, parts, path));
  }

  async markVerified(file: number, piece: number): Promise<void> {
    this.checkOpen();
    this.layout.checkPiece(file, piece);
    if (this.done[file] || this.state.pieces.has(file, piece)) return;
    await this.workingPath(file, 0, 0); // NOT_FOUND without a working copy
    await this.fds.use(file, async () => undefined, true); // its bytes get synced before the record
    await this.commits.add({ file, piece }, false);
  }

  async readFinal(file: number, offset: number, length: number): Promise<Uint8Array> {
    this.checkOpen();
    this.layout.checkRange(file, offset, length);
    const path = this.finalPath(file);
    let h: FileHandleLike | undefined;
    try {
      h = await this.opts.openFile(path, constants.O_RDONLY);
      const st = await h.stat();
      if (!st.isFile() || st.size !== this.layout.files[file].size) {
        throw new BytefallError('NOT_FOUND', `${path} is not a file of ${this.layout.files[file].size} bytes`, { file: path, op: 'read' });
      }
      return await readExact(h, offset, length, path);
    } catch (err) {
      throw wrap(err, path, 'read');
    } finally {
      await h?.close().catch(() => undefined);
    }
  }

  async adoptFinal(file: number): Promise<void> {
    await this.readFinal(file, 0, 0);
    await this.commits.settle();
    await this.fds.forget(file);
    const st = await statOrThrow(this.finalPath(file));
    await this.state.recordFinished(file, st.mtimeNs);
    this.done[file] = true;
    await unlink(this.partPath(file)).catch(() => undefined);
  }

  async invalidate(file: number): Promise<void> {
    this.checkOpen();
    this.layout.checkRange(file, 0, 0);
    if (this.layout.files[file].size === 0) return;
    await this.commits.settle();
    await this.fds.forget(file);
    this.state.forgetFile(file);
    this.done[file] = false;
    this.partKnown[file] = false;
    await this.state.compact();
  }

  async flush(): Promise<void> {
    this.checkOpen();
    await this.commits.settle();
    for (let i = 0; i < this.done.length && !this.deferFinish; i++) {
      if (!this.done[i] && this.state.pieces.isFull(i)) await this.finish(i).catch((err) => (this.backgroundError ??= err));
    }
    const err = this.backgroundError;
    this.backgroundError = null;
    if (err) throw err;
  }

  /**
   * With `deferFinish`: every file complete, renames each working copy to its final name
   * (replacing what was there) and from then on finishes files as they complete. A file not
   * complete yet is refused (`NOT_VERIFIED`) before anything is renamed. `before(file)` runs
   * just before a file's rename (to set aside what the final name holds).
   */
  async finishAll(before?: (file: number, finalPath: string) => Promise<void>): Promise<void> {
    this.checkOpen();
    await this.commits.settle();
    const open = this.done.findIndex((d, i) => !d && !this.state.pieces.isFull(i));
    if (open >= 0) throw new BytefallError('NOT_VERIFIED', `${this.finalPath(open)} is not complete`, { file: this.finalPath(open) });
    for (let i = 0; i < this.done.length; i++) {
      if (this.done[i]) continue;
      await before?.(i, this.finalPath(i));
      if (this.layout.files[i].size === 0) await this.createEmptyPart(i);
      await this.fds.forget(i);
      await this.finish(i);
    }
    this.deferFinish = false;
  }

  /** Whether file `file` is complete under its final name and unchanged since (size and mtime as recorded). */
  async finalIntact(file: number): Promise<boolean> {
    if (!this.done[file]) return false;
    const st = await statOrNull(this.finalPath(file));
    const f = this.layout.files[file];
    if (!st?.isFile() || st.size !== BigInt(f.size)) return false;
    const recorded = this.state.finishedNs[file];
    return f.size === 0 || recorded === 0n || recorded === st.mtimeNs;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    let failure: unknown = null;
    await this.flush().catch((err) => (failure = err));
    this.closed = true;
    await this.state.close().catch((err) => (failure ??= err));
    await this.fds.closeAll().catch((err) => (failure ??= err));
    if (failure) throw failure;
  }

  /** Open descriptors right now (for tests of the bound). */
  get openFiles(): number {
    return this.fds.openCount;
  }

  // ---- group commit (group-commit.ts) -----------------------------------------------------

  /** One batch: the data is made durable, then recorded as verified; files now whole are finished. */
  private async commitBatch(batch: PieceLocation[]): Promise<void> {
    await this.fds.syncDirty(); // 1. the data is durable ...
    await this.state.recordPieces(batch); // 2. ... before it is recorded as verified
    const full = new Set(batch.map((b) => b.file).filter((f) => !this.done[f] && !this.deferFinish && this.state.pieces.isFull(f)));
    for (const f of full) await this.finish(f).catch((err) => (this.backgroundError ??= err));
    if (this.state.shouldCompact()) await this.state.compact().catch((err) => (this.backgroundError ??= err));
  }

  /**
   * Every piece is verified and recorded: give the file its final name. At open, the mtime is
   * only noted (the snapshot written right after saves it) instead of journaled.
   */
  private async finish(file: number, atOpen = false): Promise<void> {
    const final = this.finalPath(file);
    await rename(this.partPath(file), final).catch((err) => {
      throw BytefallError.fromSystem(err, final, 'rename');
    });
    this.done[file] = true; // from here on readers open the final name
    await syncDir(dirname(final));
    const st = await statOrThrow(final);
    if (atOpen) this.state.noteFinished(file, st.mtimeNs);
    else await this.state.recordFinished(file, st.mtimeNs);
  }

  // ---- opening and checking files --------------------------------------------------------

  /** Checks one file against the recovered state: what it says is verified must still be there. */
  private async reconcile(i: number): Promise<void> {
    const f = this.layout.files[i];
    const pieces = this.state.pieces;
    if (f.size > 0 && !pieces.isFull(i) && pieces.count(i) === 0) return; // nothing to check
    const final = await statOrNull(this.finalPath(i));
    if (f.size === 0) {
      if (!final?.isFile() || final.size !== 0n) {
        if (this.deferFinish) return; // created by finishAll
        await this.createEmptyPart(i);
        await this.finish(i, true);
      }
      this.done[i] = true;
      return;
    }
    if (pieces.isFull(i)) {
      const recorded = this.state.finishedNs[i];
      if (this.deferFinish && recorded === 0n) {
        // Complete but kept under its staging name: the final name may still hold the old version.
        const part = await statOrNull(this.partPath(i));
        if (part?.isFile() && part.size === BigInt(f.size)) {
          this.partKnown[i] = true;
          return;
        }
      }
      if (final?.isFile() && final.size === BigInt(f.size) && (recorded === 0n || recorded === final.mtimeNs)) {
        if (recorded === 0n) this.state.noteFinished(i, final.mtimeNs);
        this.done[i] = true;
        return;
      }
      const part = recorded === 0n ? await statOrNull(this.partPath(i)) : null;
      if (part?.isFile() && part.size === BigInt(f.size)) {
        await this.finish(i, true); // the kill came between the last record and the rename
        return;
      }
      this.state.forgetFile(i); // deleted, resized or changed since it was finished
    } else if (pieces.count(i) > 0) {
      const part = await statOrNull(this.partPath(i));
      if (!part?.isFile() || part.size !== BigInt(f.size)) this.state.forgetFile(i);
      else this.partKnown[i] = true;
    }
  }

  private async createEmptyPart(i: number): Promise<void> {
    const part = this.partPath(i);
    await mkdirOrThrow(dirname(part));
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC;
    const h = await this.opts.openFile(part, flags, 0o644).catch((err) => {
      throw wrap(err, part, 'open');
    });
    await h.close();
  }

  /** The path of the file's working copy (final once complete) for reading `length` bytes at `offset`; NOT_FOUND if there is none. */
  private async workingPath(file: number, offset: number, length: number): Promise<string> {
    this.checkOpen();
    this.layout.checkRange(file, offset, length);
    if (this.done[file]) return this.finalPath(file);
    if (!(await this.partExists(file))) {
      throw new BytefallError('NOT_FOUND', `${this.partPath(file)} does not exist`, { file: this.partPath(file), op: 'read' });
    }
    return this.partPath(file);
  }

  private async partExists(file: number): Promise<boolean> {
    if (!this.partKnown[file]) this.partKnown[file] = (await statOrNull(this.partPath(file)))?.isFile() ?? false;
    return this.partKnown[file];
  }

  /**
   * Opens a file's working copy for the descriptor cache, creating it at full size for a
   * write; the final file (read-only) once the file is finished. Only a write creates a working
   * copy, and never one whose every piece is recorded (it is being renamed): a reader that
   * opened the working name just after a rename, or just after the file was invalidated, would
   * otherwise make a new empty copy there and read zeros from it.
   */
  private async openWorking(i: number, write: boolean): Promise<FileHandleLike> {
    if (!this.done[i]) {
      const path = this.partPath(i);
      if (write) await mkdirOrThrow(dirname(path));
      const create = write && !this.state.pieces.isFull(i);
      const h = await this.opts.openFile(path, constants.O_RDWR | (create ? constants.O_CREAT : 0), 0o644).catch((err) => {
        if (!create && (err as NodeJS.ErrnoException).code === 'ENOENT') return null; // renamed to its final name meanwhile (or gone: a reader fails below)
        throw wrap(err, path, 'open');
      });
      if (h) return write ? this.sized(i, h, path) : h; // a reader never resizes either
    }
    return this.opts.openFile(this.finalPath(i), constants.O_RDONLY).catch((err) => {
      throw wrap(err, this.finalPath(i), 'open');
    });
  }

  /** Gives a just-opened working copy its full size (zero-filled with `allocation: 'full'`). */
  private async sized(i: number, h: FileHandleLike, path: string): Promise<FileHandleLike> {
    const size = this.layout.files[i].size;
    try {
      const was = (await h.stat()).size;
      if (was !== size) await h.truncate(size);
      if (was === 0 && this.opts.allocation === 'full') {
        const zeros = new Uint8Array(Math.min(size, 1 << 20));
        for (let at = 0; at < size; at += zeros.length) await writeAll(h, zeros.subarray(0, Math.min(zeros.length, size - at)), at);
      }
    } catch (err) {
      await h.close().catch(() => undefined);
      throw wrap(err, path, 'allocate');
    }
    this.partKnown[i] = true;
    return h;
  }

  private checkOpen(): void {
    if (this.closed) throw new BytefallError('BAD_ARGUMENT', `the storage at ${this.root} is closed`);
  }
}

/** Refuses a layout whose files would land on the resume state or its directory. */
function checkStateClash(root: string, layout: Layout, statePath: string): void {
  const stateDir = dirname(statePath);
  const rel = relative(root, stateDir);
  if (rel === '..' || rel.startsWith('..' + sep) || isAbsolute(rel)) return; // the state lives outside the download
  for (const f of layout.files) {
    const p = localPath(root, f.path);
    for (const q of [p, p + layout.partSuffix]) {
      if (q === stateDir || q.startsWith(stateDir + sep) || stateDir.startsWith(q + sep)) {
        throw new BytefallError('UNSAFE_PATH', `refusing ${f.path.join('/')}: it clashes with the resume state in ${stateDir}`, {
          file: q,
          op: 'open',
        });
      }
    }
  }
}

function wrap(err: unknown, path: string, op: string): unknown {
  return err instanceof BytefallError ? err : BytefallError.fromSystem(err, path, op);
}

async function statOrNull(path: string) {
  try {
    return await stat(path, { bigint: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw BytefallError.fromSystem(err, path, 'stat');
  }
}

async function statOrThrow(path: string) {
  return stat(path, { bigint: true }).catch((err) => {
    throw BytefallError.fromSystem(err, path, 'stat');
  });
}

/** mkdir -p, its failure as a BytefallError naming the directory. */
export async function mkdirOrThrow(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true }).catch((err) => {
    throw BytefallError.fromSystem(err, dir, 'mkdir');
  });
}
