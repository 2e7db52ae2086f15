// Writes a file so that a reader (or a crash) sees either the old content or the
// complete new one: write a temporary file beside it, fsync, rename, fsync the dir.
import { openSync, writeSync, fsyncSync, closeSync, renameSync, unlinkSync, existsSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { BytefallError } from '../errors.js';

export interface AtomicWriteOptions {
  /** Refuse when the target exists (default) unless true. */
  overwrite?: boolean;
  mode?: number;
}

export function atomicWriteFile(path: string, data: Uint8Array | string, opts: AtomicWriteOptions = {}): void {
  if (!opts.overwrite && existsSync(path)) {
    throw new BytefallError('BAD_ARGUMENT', `${path} already exists (use --force to overwrite)`, { file: path, op: 'write' });
  }
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'w', opts.mode ?? 0o644);
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw BytefallError.fromSystem(err, path, 'write');
  }
  syncDir(dirname(path));
}

function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* some systems cannot fsync a directory; the rename is still atomic */
  }
}
