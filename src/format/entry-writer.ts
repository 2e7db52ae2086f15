// Writes a Waterfall's entries one at a time, in canonical order: checks the order
// (a path given twice is DUPLICATE_NAME) and that each entry's directory came before
// it (MISSING_PARENT), writes its name field, info block and parent hash as the
// 448-byte entry block of docs/FORMAT.md, and its entry hash over those bytes.
// buildWaterfall feeds it a sorted list; `create` feeds it while files are still
// being hashed, so that this work is not left for after the last piece.
import { BytefallError } from '../errors.js';
import { writeInfo, writeNameField } from './blocks.js';
import { entryHash } from './digests.js';
import { comparePathStrings } from './order.js';
import { ENTRY_LEN, FORMAT_MINOR, FORMAT_MINOR_FIXED, CHUNKING_FIXED, type Entry, type EntryInput } from './model.js';
import { ENTRY_HASH, ENTRY_INFO, ENTRY_NAME, ENTRY_PARENT, HASH64_LEN, ROOT_LEN, entryAt } from './layout.js';

/** Entries per block of memory the writer fills (448 KiB). */
const CHUNK_ENTRIES = 1024;
const ZERO_ROOT = new Uint8Array(ROOT_LEN);
const EMPTY_HASH = new Uint8Array(0);

export class EntryWriter {
  /** The entries written so far, in order. */
  readonly entries: Entry[] = [];
  readonly #chunks: Uint8Array[] = [];
  /** The directories on the way to the last entry, by depth (its parent, if given, is the last one a level up). */
  readonly #dirs: { path: readonly string[]; hash: Uint8Array }[] = [];
  readonly #rootParent = new Uint8Array(HASH64_LEN);
  #last: readonly string[] | undefined;
  #cdc = false;

  get count(): number {
    return this.entries.length;
  }

  /** The file's format minor: 1 (format 1.1) once some file has content-defined pieces, else 0. */
  get minor(): number {
    return this.#cdc ? FORMAT_MINOR : FORMAT_MINOR_FIXED;
  }

  /** Writes the next entry; its path must sort after the last one's. */
  add(input: EntryInput): Entry {
    const { path } = input;
    if (!Array.isArray(path) || path.length === 0 || path.some((c) => typeof c !== 'string')) {
      throw new BytefallError('BAD_ARGUMENT', `an entry path must be a non-empty list of names (got ${JSON.stringify(path)})`);
    }
    const where = () => `entry ${path.join('/')}`;
    if (this.#last !== undefined) {
      const c = comparePathStrings(this.#last, path);
      if (c === 0) throw new BytefallError('DUPLICATE_NAME', `${where()}: given twice`);
      if (c > 0) throw new BytefallError('BAD_ARGUMENT', `${where()}: given after ${this.#last.join('/')} (entries go in canonical order)`);
    }
    const depth = path.length - 1;
    const parent = depth === 0 ? undefined : this.#dirs[depth - 1];
    if (depth > 0 && (parent === undefined || !isParent(parent.path, path))) {
      throw new BytefallError('MISSING_PARENT', `${where()}: its directory ${path.slice(0, -1).join('/')} is not among the entries (pass every directory explicitly)`);
    }
    const entry: Entry = {
      name: path[depth],
      path,
      isDir: input.isDir,
      size: input.size,
      created: input.created,
      changed: input.changed,
      pieceSize: input.pieceSize,
      fileVersion: input.fileVersion,
      permissions: input.permissions,
      chunking: input.isDir ? CHUNKING_FIXED : input.chunking ?? CHUNKING_FIXED,
      hash: EMPTY_HASH,
      parentHash: parent === undefined ? this.#rootParent : parent.hash,
    };
    if (entry.chunking !== CHUNKING_FIXED) {
      entry.pieceCount = input.pieceCount ?? 0;
      this.#cdc = true;
    }
    entry.hash = this.#write(entry, input.isDir ? ZERO_ROOT : input.root, where);
    if (input.isDir) {
      this.#dirs.length = depth;
      this.#dirs.push({ path, hash: entry.hash });
    }
    this.#last = path;
    this.entries.push(entry);
    return entry;
  }

  /** Copies the entry blocks into a Waterfall's bytes, from entry 0 on. */
  copyTo(out: Uint8Array): void {
    const whole = Math.floor(this.count / CHUNK_ENTRIES);
    this.#chunks.forEach((chunk, k) => {
      const n = k < whole ? CHUNK_ENTRIES : this.count % CHUNK_ENTRIES;
      out.set(n === CHUNK_ENTRIES ? chunk : chunk.subarray(0, n * ENTRY_LEN), entryAt(k * CHUNK_ENTRIES));
    });
  }

  /**
   * Writes the entry's block (the info block under the newest rules: a file without
   * content-defined pieces reads the same under 1.0's) and returns its entry hash.
   */
  #write(entry: Entry, root: Uint8Array, where: () => string): Uint8Array {
    if (!(root instanceof Uint8Array) || root.length !== ROOT_LEN) {
      throw new BytefallError('BAD_ARGUMENT', `${where()}: a root is ${ROOT_LEN} bytes and a parent hash ${HASH64_LEN}`);
    }
    const i = this.count;
    if (i % CHUNK_ENTRIES === 0) this.#chunks.push(new Uint8Array(CHUNK_ENTRIES * ENTRY_LEN));
    const out = this.#chunks[this.#chunks.length - 1];
    const at = (i % CHUNK_ENTRIES) * ENTRY_LEN;
    writeNameField(out, at + ENTRY_NAME, entry.name, true, where);
    writeInfo(out, at + ENTRY_INFO, entry, where, FORMAT_MINOR);
    out.set(entry.parentHash, at + ENTRY_PARENT);
    const hash = entryHash(out.subarray(at + ENTRY_NAME, at + ENTRY_INFO), out.subarray(at + ENTRY_INFO, at + ENTRY_HASH), entry.parentHash, root);
    out.set(hash, at + ENTRY_HASH);
    return hash;
  }
}

/** Whether `dir` is `path` without its last name. */
function isParent(dir: readonly string[], path: readonly string[]): boolean {
  if (dir.length !== path.length - 1) return false;
  for (let i = 0; i < dir.length; i++) if (dir[i] !== path[i]) return false;
  return true;
}
