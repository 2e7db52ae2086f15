// Writing bytes into a file at an offset, in system calls sized for the page cache
// (FsStorageOptions.writeSliceBytes; docs/STORAGE.md "Writing"): Linux sizes the page-cache
// folios a write allocates by the write's length, and where large fresh folios are dear
// (the VM of docs/BENCHMARKS.md) a piece goes in 64 KiB calls instead of one. The calls are
// made on this thread while they go at memory speed, then on libuv's threads (io-here.ts).
import { writeSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import type { FileHandleLike } from './fd-cache.js';
import type { IoHere } from './io-here.js';

/** Default writeSliceBytes. */
export const WRITE_SLICE_BYTES = 64 * 1024;
/** statfs(2) f_type of tmpfs and ramfs: their writes fill small pages (tmpfs unless mounted with huge=). */
const TMPFS_MAGIC = 0x01021994;
const RAMFS_MAGIC = 0x858458f6;

/**
 * The writeSliceBytes for files under `dir`: WRITE_SLICE_BYTES, or no slicing (Infinity) on
 * tmpfs and ramfs. When the file system cannot be told, pieces are sliced.
 */
export async function defaultWriteSlice(dir: string): Promise<number> {
  try {
    const { type } = await statfs(dir);
    return type === TMPFS_MAGIC || type === RAMFS_MAGIC ? Number.POSITIVE_INFINITY : WRITE_SLICE_BYTES;
  } catch {
    return WRITE_SLICE_BYTES;
  }
}

/**
 * Writes all of `bytes` at `position`. With `slice` (FsStorageOptions.writeSliceBytes) below
 * the length, in calls of at most `slice` bytes issued together: one after the other, the
 * slices of pieces written at the same time took turns in libuv's threads and every piece
 * finished late (170 ms for 1 MiB in 64 KiB calls on a busy machine, against 10 ms so). It
 * settles only once every call has: a failed slice never leaves another still reading `bytes`.
 */
export async function writeAll(h: FileHandleLike, bytes: Uint8Array, position: number, slice = Number.POSITIVE_INFINITY): Promise<void> {
  if (!(slice < bytes.length)) return writeRun(h, bytes, position);
  const calls: Promise<void>[] = [];
  for (let at = 0; at < bytes.length; at += slice) calls.push(writeRun(h, bytes.subarray(at, Math.min(bytes.length, at + slice)), position + at));
  const failed = (await Promise.allSettled(calls)).find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
}

async function writeRun(h: FileHandleLike, bytes: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < bytes.length; ) {
    const { bytesWritten } = await h.write(bytes, done, bytes.length - done, position + done);
    if (bytesWritten <= 0) throw Object.assign(new Error('short write'), { code: 'EIO' });
    done += bytesWritten;
  }
}

/** Writes a file's bytes on this thread while its IoHere allows, on libuv's threads after. */
export class FileWriter {
  constructor(
    /** FsStorageOptions.writeSliceBytes. */
    readonly slice: number,
    /** Undefined: always on libuv's threads. */
    readonly here: IoHere | undefined,
  ) {}

  /** Writes all of `bytes` at `position`. A failed write here rejects like one on libuv's threads. */
  async write(h: FileHandleLike, bytes: Uint8Array, position: number): Promise<void> {
    const here = this.here;
    if (here?.open && h.fd !== undefined) {
      const start = performance.now();
      writeHereAll(h.fd, bytes, position, this.slice);
      here.took(bytes.length, performance.now() - start);
      return;
    }
    return writeAll(h, bytes, position, this.slice);
  }
}

/** writeAll with blocking calls, one slice after the other. */
function writeHereAll(fd: number, bytes: Uint8Array, position: number, slice: number): void {
  for (let done = 0; done < bytes.length; ) {
    const n = writeSync(fd, bytes, done, Math.min(slice, bytes.length - done), position + done);
    if (n <= 0) throw Object.assign(new Error('short write'), { code: 'EIO' });
    done += n;
  }
}
