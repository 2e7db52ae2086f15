// Walks a directory into the entries of a Waterfall, in canonical order.
//
// What becomes an entry, and what does not:
// - regular files and directories are entries; the root directory itself is not
//   (it is the Waterfall), and `root` may be a symlink to a directory;
// - inside the tree everything is looked at with lstat, never followed: symbolic
//   links, FIFOs, sockets and block or character devices are skipped, and each
//   one is returned as a warning (the format has no way to express them, and
//   following links could leave the tree or loop);
// - a name that is not valid UTF-8 cannot be written in a Waterfall: BAD_NAME;
// - a directory that cannot be listed, or an entry that cannot be lstat'ed, fails
//   with a BytefallError naming the path and the operation (readdir, lstat); an
//   entry removed while we walk is simply left out. Files are not opened here:
//   an unreadable file fails when the hashing opens it (op "open").
import { lstat, readdir, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { join } from 'node:path';
import { BytefallError } from '../errors.js';
import { stampOf, type FileStamp } from '../hash/tasks.js';

export interface ScanEntry {
  /** Components from the root down to the entry. */
  path: string[];
  isDir: boolean;
  /** Bytes; 0 for a directory. */
  size: number;
  /** Modification time, whole ms. */
  mtimeMs: number;
  /** Birth time, whole ms; 0 when the system does not know it. */
  birthtimeMs: number;
  /** Permission bits (mode & 0o777). */
  mode: number;
  ino: number;
  dev: number;
  /** Exact lstat values that hashing compares against to notice a change. */
  stamp: FileStamp;
}

export type SkippedKind = 'symlink' | 'fifo' | 'socket' | 'block-device' | 'character-device' | 'unknown';

export interface ScanWarning {
  path: string[];
  kind: SkippedKind;
  message: string;
}

export interface ScanResult {
  entries: ScanEntry[];
  warnings: ScanWarning[];
}

/** lstat calls in flight per directory. */
const LSTAT_CONCURRENCY = 64;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function kindOf(st: Stats): SkippedKind | 'file' | 'directory' {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'directory';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isFIFO()) return 'fifo';
  if (st.isSocket()) return 'socket';
  if (st.isBlockDevice()) return 'block-device';
  if (st.isCharacterDevice()) return 'character-device';
  return 'unknown';
}

export function toScanEntry(path: string[], st: Stats): ScanEntry {
  const isDir = st.isDirectory();
  const birth = Math.floor(st.birthtimeMs);
  return {
    path,
    isDir,
    size: isDir ? 0 : st.size,
    mtimeMs: Math.floor(st.mtimeMs),
    birthtimeMs: Number.isFinite(birth) && birth > 0 ? birth : 0,
    mode: st.mode & 0o777,
    ino: st.ino,
    dev: st.dev,
    stamp: stampOf(st),
  };
}

/** Every file and directory under `root`, in canonical order, and what was skipped. */
export async function scan(root: string): Promise<ScanResult> {
  let st: Stats;
  try {
    st = await stat(root);
  } catch (err) {
    throw BytefallError.fromSystem(err, root, 'stat');
  }
  if (!st.isDirectory()) throw new BytefallError('NOT_A_DIRECTORY', `not a directory: ${root}`, { file: root, op: 'scan' });
  const result: ScanResult = { entries: [], warnings: [] };
  await walk(root, [], result);
  return result;
}

async function walk(dir: string, prefix: string[], out: ScanResult): Promise<void> {
  const names = await listNames(dir);
  for (let i = 0; i < names.length; i += LSTAT_CONCURRENCY) {
    const chunk = names.slice(i, i + LSTAT_CONCURRENCY);
    const stats = await Promise.all(chunk.map((name) => lstatOrGone(join(dir, name))));
    for (let j = 0; j < chunk.length; j++) {
      const s = stats[j];
      if (!s) continue;
      const path = [...prefix, chunk[j]];
      const kind = kindOf(s);
      if (kind === 'file' || kind === 'directory') {
        out.entries.push(toScanEntry(path, s));
        if (kind === 'directory') await walk(join(dir, chunk[j]), path, out);
      } else {
        out.warnings.push({ path, kind, message: `skipped ${kind}: ${path.join('/')}` });
      }
    }
  }
}

/** The names in `dir`, sorted by their UTF-8 bytes. */
async function listNames(dir: string): Promise<string[]> {
  let raw: Buffer[];
  try {
    raw = await readdir(dir, { encoding: 'buffer' });
  } catch (err) {
    throw BytefallError.fromSystem(err, dir, 'readdir');
  }
  raw.sort(Buffer.compare);
  return raw.map((bytes) => {
    try {
      return utf8.decode(bytes);
    } catch {
      const shown = join(dir, bytes.toString('utf8'));
      throw new BytefallError('BAD_NAME', `file name is not valid UTF-8: ${shown}`, { file: shown, op: 'readdir' });
    }
  });
}

async function lstatOrGone(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw BytefallError.fromSystem(err, path, 'lstat');
  }
}
