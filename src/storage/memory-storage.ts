// Storage in memory, for tests and simulations: the same rules as the file storage (verified
// pieces only, a working copy that becomes the final copy when complete), no durability.
import { BytefallError } from '../errors.js';
import type { Bitfield } from '../swarm/picker-bitfield.js';
import { Layout, type FileSpec } from './layout.js';
import { PieceState } from './piece-state.js';
import type { FileStatus, OpenStorage, Storage } from './storage.js';

export interface MemoryStorageOptions {
  /** Copies already under their final names, by file index (what readFinal/adoptFinal see). */
  finals?: ReadonlyMap<number, Uint8Array>;
}

export class MemoryStorage implements Storage {
  readonly layout: Layout;
  private readonly state: PieceState;
  private readonly work = new Map<number, Uint8Array>();
  private readonly finals: Map<number, Uint8Array>;
  private readonly done: boolean[];
  private closed = false;

  constructor(files: readonly FileSpec[], opts: MemoryStorageOptions = {}) {
    this.layout = new Layout(files);
    this.state = new PieceState(this.layout);
    this.finals = new Map(opts.finals);
    this.done = this.layout.files.map((f, i) => {
      if (f.size > 0) return false;
      this.finals.set(i, new Uint8Array(0));
      return true;
    });
  }

  static open: OpenStorage = async (files) => new MemoryStorage(files);

  verified(): Bitfield {
    return this.state.copyBits();
  }

  isVerified(file: number, piece: number): boolean {
    return this.state.has(file, piece);
  }

  status(file: number): FileStatus {
    this.layout.checkRange(file, 0, 0);
    return { pieces: this.layout.pieceCounts[file], verified: this.state.count(file), complete: this.done[file] };
  }

  async writePiece(file: number, piece: number, data: Uint8Array, onWritten?: () => void): Promise<void> {
    this.checkOpen();
    this.layout.checkPieceData(file, piece, data);
    if (this.state.has(file, piece)) return;
    let buf = this.work.get(file);
    if (!buf) this.work.set(file, (buf = new Uint8Array(this.layout.files[file].size)));
    buf.set(data, this.layout.pieceOffset(file, piece));
    onWritten?.();
    this.record(file, piece);
  }

  async readPiece(file: number, piece: number): Promise<Uint8Array> {
    this.checkOpen();
    if (!this.state.has(file, piece)) {
      throw new BytefallError('NOT_VERIFIED', `piece ${piece} of file ${file} is not verified`, { op: 'read' });
    }
    return this.read(file, this.layout.pieceOffset(file, piece), this.layout.pieceLength(file, piece));
  }

  async read(file: number, offset: number, length: number, into?: Uint8Array): Promise<Uint8Array> {
    this.checkOpen();
    this.layout.checkRange(file, offset, length);
    const buf = this.done[file] ? this.finals.get(file) : this.work.get(file);
    if (!buf) throw this.notFound(file, 'no working copy');
    if (!into) return buf.slice(offset, offset + length);
    if (into.length < length) throw new BytefallError('BAD_ARGUMENT', `a buffer of ${into.length} bytes cannot take ${length}`);
    into.set(buf.subarray(offset, offset + length));
    return into.subarray(0, length);
  }

  async readv(file: number, offset: number, parts: readonly Uint8Array[]): Promise<void> {
    const length = parts.reduce((n, p) => n + p.length, 0);
    const bytes = await this.read(file, offset, length);
    let at = 0;
    for (const p of parts) {
      p.set(bytes.subarray(at, at + p.length));
      at += p.length;
    }
  }

  async markVerified(file: number, piece: number): Promise<void> {
    this.checkOpen();
    this.layout.checkPiece(file, piece);
    if (this.state.has(file, piece)) return;
    if (!this.work.has(file)) throw this.notFound(file, 'no working copy');
    this.record(file, piece);
  }

  async readFinal(file: number, offset: number, length: number): Promise<Uint8Array> {
    this.checkOpen();
    this.layout.checkRange(file, offset, length);
    const buf = this.finals.get(file);
    if (!buf || buf.length !== this.layout.files[file].size) throw this.notFound(file, 'no final copy of this size');
    return buf.slice(offset, offset + length);
  }

  async adoptFinal(file: number): Promise<void> {
    await this.readFinal(file, 0, 0);
    this.state.setFile(file);
    this.done[file] = true;
    this.work.delete(file);
  }

  async invalidate(file: number): Promise<void> {
    this.checkOpen();
    this.layout.checkRange(file, 0, 0);
    if (this.layout.files[file].size === 0) return;
    this.state.clearFile(file);
    this.done[file] = false;
    this.work.delete(file);
  }

  async flush(): Promise<void> {
    this.checkOpen();
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private record(file: number, piece: number): void {
    this.state.set(file, piece);
    if (this.state.isFull(file)) {
      this.finals.set(file, this.work.get(file)!);
      this.work.delete(file);
      this.done[file] = true;
    }
  }

  private notFound(file: number, why: string): BytefallError {
    const path = this.layout.files[file].path.join('/');
    return new BytefallError('NOT_FOUND', `${path}: ${why}`, { file: path, op: 'read' });
  }

  private checkOpen(): void {
    if (this.closed) throw new BytefallError('BAD_ARGUMENT', 'the storage is closed');
  }
}
