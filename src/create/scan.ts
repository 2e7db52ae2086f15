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
//
// Speed: metadata in the kernel's cache answers a synchronous lstat in a couple of
// microseconds, 5-10 times less than an fs.promises call costs, so a directory is
// listed and lstat'ed synchronously; when a batch shows the metadata is not cached
// (slow lstat calls), the walk switches to LSTAT_CONCURRENCY calls in parallel.
import { lstat, stat } from 'node:fs/promises';
import { lstatSync, readdirSync, type Stats } from 'node:fs';
import { join, sep } from 'node:path';
import { BytefallError } from '../errors.js';
import { stampOf, type FileStamp } from '../hash/tasks.js';
import { defaultMapping, entryName, type NameMapping } from '../storage/local-names.js';

export interface ScanEntry {
  /** Components from the root down to the entry: the entry names (docs/STORAGE.md, "Names on disk"). */
  path: string[];
  /** The names on disk, when the Windows name mapping makes them differ from `path`. */
  local?: string[];
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

/** lstat calls in flight per directory once the metadata turns out not to be cached. */
const LSTAT_CONCURRENCY = 64;
/**
 * Mean time of a synchronous lstat that marks a batch slow; two slow batches in a row
 * (of at least 16 names: one GC pause or JIT warm-up is not enough) make the walk parallel.
 * A cached lstat takes 2-5 us; one that reads the disk, 50 us to milliseconds.
 */
const SLOW_LSTAT_MS = 0.2;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** `root` as path.join normalizes it, without a trailing separator (unless it is the file system's root). */
export function rootDir(root: string): string {
  const dir = join(root);
  return dir.length > 1 && dir.endsWith(sep) ? dir.slice(0, -1) : dir;
}

/**
 * join(dir, ...names) for a `dir` from rootDir() and names from a directory listing
 * (never empty, "." or "..", never holding a separator), without normalizing again:
 * the walk and the hashing build one such path per file.
 */
export function pathUnder(dir: string, names: readonly string[]): string {
  const rest = names.length === 1 ? names[0] : names.join(sep);
  if (dir === '.') return rest;
  return dir.endsWith(sep) ? dir + rest : dir + sep + rest;
}

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

export function toScanEntry(local: string[], st: Stats, mapping: NameMapping = defaultMapping()): ScanEntry {
  const isDir = st.isDirectory();
  const birth = Math.floor(st.birthtimeMs);
  const path = mapping === 'posix' ? local : local.map((n) => entryName(n, mapping));
  return {
    path,
    ...(path.some((n, i) => n !== local[i]) ? { local } : {}),
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
  const out: ScanResult = { entries: [], warnings: [] };
  for await (const chunk of scanChunks(root, out.warnings)) {
    for (const e of chunk) out.entries.push(e);
  }
  return out;
}

/**
 * scan() as it goes: the entries in canonical order, a few dozen at a time (one
 * listing's worth of lstat calls), so that hashing can start before the walk ends.
 * What is skipped is pushed onto `warnings`.
 */
export async function* scanChunks(root: string, warnings: ScanWarning[] = []): AsyncGenerator<ScanEntry[]> {
  let st: Stats;
  try {
    st = await stat(root);
  } catch (err) {
    throw BytefallError.fromSystem(err, root, 'stat');
  }
  if (!st.isDirectory()) throw new BytefallError('NOT_A_DIRECTORY', `not a directory: ${root}`, { file: root, op: 'scan' });
  yield* walk(rootDir(root), [], { warnings, parallel: false, slow: 0 });
}

interface Walk {
  warnings: ScanWarning[];
  /** Set once synchronous lstat calls turned out slow: the rest of the walk runs them in parallel. */
  parallel: boolean;
  /** Slow synchronous batches in a row. */
  slow: number;
}

/**
 * ByteFall's own files in a data directory (docs/CLI.md): the node's state folder at the top
 * (resume state, node key) and the working copies of unfinished downloads. Never published,
 * never "extra".
 */
export function isByteFallFile(prefix: readonly string[], name: string): boolean {
  return (prefix.length === 0 && name === '.bytefall') || name.endsWith('.bytefall-part') || /\.bytefall-v\d+$/.test(name);
}

/** The entries under `dir`: a directory comes right before its contents (canonical order). */
async function* walk(dir: string, prefix: string[], state: Walk): AsyncGenerator<ScanEntry[]> {
  const names = listNames(dir).filter((name) => !isByteFallFile(prefix, name));
  for (let i = 0; i < names.length; i += LSTAT_CONCURRENCY) {
    const chunk = names.slice(i, i + LSTAT_CONCURRENCY);
    const stats = state.parallel ? await Promise.all(chunk.map((name) => lstatOrGone(pathUnder(dir, [name])))) : lstatAll(dir, chunk, state);
    let out: ScanEntry[] = [];
    for (let j = 0; j < chunk.length; j++) {
      const s = stats[j];
      if (!s) continue;
      const path = prefix.length === 0 ? [chunk[j]] : [...prefix, chunk[j]];
      const kind = kindOf(s);
      if (kind === 'file' || kind === 'directory') {
        out.push(toScanEntry(path, s));
        if (kind === 'directory') {
          yield out;
          out = [];
          yield* walk(pathUnder(dir, [chunk[j]]), path, state);
        }
      } else {
        state.warnings.push({ path, kind, message: `skipped ${kind}: ${path.join('/')}` });
      }
    }
    if (out.length > 0) yield out;
  }
}

/** lstat of each name, synchronously; marks the walk parallel when that was slow. */
function lstatAll(dir: string, names: string[], state: Walk): (Stats | undefined)[] {
  const started = performance.now();
  const stats = names.map((name) => lstatOrGoneSync(pathUnder(dir, [name])));
  if (names.length >= 16) {
    state.slow = performance.now() - started > SLOW_LSTAT_MS * names.length ? state.slow + 1 : 0;
    if (state.slow >= 2) state.parallel = true;
  }
  return stats;
}

/** The names in `dir`, sorted by their UTF-8 bytes. */
function listNames(dir: string): string[] {
  let raw: Buffer[];
  try {
    raw = readdirSync(dir, { encoding: 'buffer' });
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

function lstatOrGoneSync(path: string): Stats | undefined {
  try {
    return lstatSync(path, { throwIfNoEntry: false });
  } catch (err) {
    throw BytefallError.fromSystem(err, path, 'lstat');
  }
}
