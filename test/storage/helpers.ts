// Shared helpers for the storage tests: a temporary directory per test (removed afterwards),
// recognisable piece contents, and a small layout with an empty file and a short last piece.
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { FileSpec } from '../../src/storage/layout.js';
import type { Storage } from '../../src/storage/storage.js';
import type { FileHandleLike } from '../../src/storage/fd-cache.js';

export async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bytefall-storage-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** The bytes of piece `piece` of file `file`: every byte names its file, piece and position. */
export function pieceBytes(spec: FileSpec, file: number, piece: number): Uint8Array {
  const len = Math.min(spec.pieceSize, spec.size - piece * spec.pieceSize);
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) out[i] = (file * 31 + piece * 7 + i) & 0xff;
  return out;
}

/** The whole content of a file, as pieceBytes writes it. */
export function fileBytes(spec: FileSpec, file: number): Uint8Array {
  const out = new Uint8Array(spec.size);
  for (let p = 0; p * spec.pieceSize < spec.size; p++) out.set(pieceBytes(spec, file, p), p * spec.pieceSize);
  return out;
}

export const FILES: FileSpec[] = [
  { path: ['a.txt'], size: 10_000, pieceSize: 1024 }, // 10 pieces, the last 784 bytes
  { path: ['dir', 'b.bin'], size: 4096, pieceSize: 1024 }, // 4 pieces
  { path: ['dir', 'empty'], size: 0, pieceSize: 1024 }, // no piece
  { path: ['dir', 'sub', 'c'], size: 1, pieceSize: 1024 }, // 1 piece of 1 byte
];

export async function writeAllPieces(s: Storage, file: number): Promise<void> {
  const spec = s.layout.files[file];
  for (let p = 0; p < s.layout.pieceCounts[file]; p++) await s.writePiece(file, p, pieceBytes(spec, file, p));
}

export function openReal(path: string, flags: number, mode?: number): Promise<FileHandleLike> {
  return open(path, flags, mode);
}

/** A handle whose methods are the real ones except those given (to inject faults or watch calls). */
export function wrapHandle(h: FileHandleLike, over: Partial<FileHandleLike>): FileHandleLike {
  return {
    read: h.read.bind(h),
    readv: h.readv.bind(h),
    write: h.write.bind(h),
    datasync: h.datasync.bind(h),
    truncate: h.truncate.bind(h),
    stat: h.stat.bind(h),
    close: h.close.bind(h),
    ...over,
  } as FileHandleLike;
}
