// Checks a sequence of decoded entries forms one tree in canonical order: each
// entry's parent hash names an earlier directory (or is zero at the root), and
// each path is strictly greater than the one before it.
import { BytefallError } from '../errors.js';
import { comparePaths } from './order.js';
import { isZero } from './bytes.js';
import { whereText, type Where } from './status.js';

interface Dir {
  path: string[];
  bytes: Uint8Array[];
}

const ROOT: Dir = { path: [], bytes: [] };

function key(hash: Uint8Array): string {
  return Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength).toString('latin1');
}

export class EntryTree {
  private readonly dirs = new Map<string, Dir>();
  private last: Uint8Array[] | undefined;

  /** The directory whose entry hash is `parentHash` (the root for 64 zero bytes), or undefined. */
  parentOf(parentHash: Uint8Array): Dir | undefined {
    return isZero(parentHash) ? ROOT : this.dirs.get(key(parentHash));
  }

  /** A readable path for messages, before the entry is checked: "docs/a.txt" or ".../a.txt". */
  describe(name: string, parentHash: Uint8Array): string {
    const parent = this.parentOf(parentHash);
    return parent ? [...parent.path, name].join('/') : `.../${name}`;
  }

  /**
   * Adds the next entry; returns its path. Refuses a parent that is not an
   * earlier directory (MISSING_PARENT), then a path not greater than the last
   * (DUPLICATE_NAME when equal, else BAD_ORDER).
   */
  add(where: Where, name: string, nameBytes: Uint8Array, isDir: boolean, hash: Uint8Array, parentHash: Uint8Array): string[] {
    const parent = this.parentOf(parentHash);
    if (parent === undefined) {
      throw new BytefallError('MISSING_PARENT', `${whereText(where)}: parent hash matches no earlier directory entry`);
    }
    const entry: Dir = { path: [...parent.path, name], bytes: [...parent.bytes, nameBytes] };
    if (this.last !== undefined) {
      const c = comparePaths(entry.bytes, this.last);
      if (c === 0) throw new BytefallError('DUPLICATE_NAME', `${whereText(where)}: the same path as the entry before it`);
      if (c < 0) throw new BytefallError('BAD_ORDER', `${whereText(where)}: sorts before the entry before it (not canonical order)`);
    }
    this.last = entry.bytes;
    if (isDir) this.dirs.set(key(hash), entry);
    return entry.path;
  }
}
