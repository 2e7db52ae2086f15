// The storage interface the swarm engine writes verified pieces through, as libtorrent's
// disk_interface and WebTorrent's chunk stores: a file-system implementation for users
// (fs-storage.ts) and a memory one for tests (memory-storage.ts). On-disk formats: docs/STORAGE.md.
import type { Bitfield } from '../swarm/picker-bitfield.js';
import type { FileSpec, Layout } from './layout.js';

export interface FileStatus {
  pieces: number;
  verified: number;
  /** Every piece is verified and the file has its final name. */
  complete: boolean;
}

export interface Storage {
  readonly layout: Layout;

  /** Verified pieces in global index order (a copy: feed it to the picker and the wire). */
  verified(): Bitfield;
  isVerified(file: number, piece: number): boolean;
  status(file: number): FileStatus;

  /**
   * Writes a piece the caller has verified. Resolves once the bytes are durable and recorded as
   * verified (so a kill -9 after this never loses it); the piece that completes a file also
   * moves the file to its final name. Writing a piece that is already verified does nothing.
   * `onWritten`, if given, runs once the bytes are in the working copy (read() returns them)
   * and before they are durable: a swarm may announce the piece then. It is not recorded as
   * verified (nor resumed after a crash) until the promise resolves. Such a streamed piece's
   * commit may wait a little for others to share it (FsStorage: `commitIntervalMs`); without
   * `onWritten` the commit starts at once.
   */
  writePiece(file: number, piece: number, data: Uint8Array, onWritten?: () => void): Promise<void>;

  /** Reads a verified piece (NOT_VERIFIED otherwise): what we serve to peers. */
  readPiece(file: number, piece: number): Promise<Uint8Array>;

  /**
   * Reads raw bytes of the file's working copy, verified or not (to re-check it after a lost
   * state, or to serve a block of a piece known to be verified). With `into` (at least `length`
   * bytes) the bytes land there and a view of it is returned, so a server can reuse buffers.
   */
  read(file: number, offset: number, length: number, into?: Uint8Array): Promise<Uint8Array>;

  /**
   * Reads bytes of the working copy as read() does, from `offset` on, into `parts` in order (as
   * many bytes as their lengths add up to): one system call for bytes the caller wants apart,
   * as the uploader does to leave room for a message header in front of each block.
   */
  readv(file: number, offset: number, parts: readonly Uint8Array[]): Promise<void>;

  /** The caller re-hashed a piece already in the working copy and it matches: record it as verified. */
  markVerified(file: number, piece: number): Promise<void>;

  /**
   * Reads the file under its final name while it is not complete: an earlier version of it, or
   * a copy the user already had. NOT_FOUND when there is none.
   */
  readFinal(file: number, offset: number, length: number): Promise<Uint8Array>;

  /** The caller hashed every piece of the file under its final name and all match: it is complete. */
  adoptFinal(file: number): Promise<void>;

  /**
   * The file changed on disk under us (a seeder noticed it): forget every piece of it, so
   * nothing of it is served or trusted until it is checked again (readFinal + adoptFinal, or
   * downloaded). An empty file is left alone.
   */
  invalidate(file: number): Promise<void>;

  /** Waits for writes in progress, then throws the first error a background step met, if any. */
  flush(): Promise<void>;

  /** Flushes, saves the resume state and releases every file. Further calls are refused. */
  close(): Promise<void>;
}

/** How a download opens its storage (injected, as WebTorrent's `store` option). */
export type OpenStorage = (files: readonly FileSpec[]) => Promise<Storage>;
