// A bounded cache of open files (least recently used closed first), so a download of many
// files never holds more than `max` descriptors. It remembers which files were written since
// their last sync, and syncs a written file before closing it, so a group commit can make
// every written byte durable with one syncDirty().
import type { FileHandle } from 'node:fs/promises';

/**
 * The part of a FileHandle storage uses; tests wrap it to inject errors. With `fd`, a piece may
 * be written or read with blocking calls on the calling thread (io-here.ts); without, never.
 */
export type FileHandleLike = Pick<FileHandle, 'read' | 'readv' | 'write' | 'datasync' | 'truncate' | 'stat' | 'close'> & { readonly fd?: number };

interface Slot {
  handle: Promise<FileHandleLike>;
  users: number;
  dirty: boolean;
}

export class FdCache {
  private readonly slots = new Map<number, Slot>(); // in LRU order: oldest first
  private closing = 0;
  private readonly closings = new Set<Promise<void>>();
  private waiters: Array<() => void> = [];
  /** An error met while syncing a file on eviction: the next syncDirty() reports it. */
  private syncError: unknown = null;

  constructor(
    private readonly max: number,
    /** Opens file `key`; `write`: the first user writes (a reader never creates a file). */
    private readonly opener: (key: number, write: boolean) => Promise<FileHandleLike>,
    /** Turns a system error on file `key` into the error callers see. */
    private readonly wrap: (err: unknown, key: number, op: string) => unknown = (err) => err,
  ) {
    if (!(Number.isInteger(max) && max >= 1)) throw new RangeError('FdCache needs max >= 1');
  }

  /** Descriptors open or being closed right now (never more than max). */
  get openCount(): number {
    return this.slots.size + this.closing;
  }

  /** Runs fn with the file open; `write` marks it as needing a sync. */
  async use<T>(key: number, fn: (h: FileHandleLike) => Promise<T>, write = false): Promise<T> {
    const slot = await this.acquire(key, write);
    try {
      const h = await slot.handle;
      return await fn(h);
    } finally {
      if (write) slot.dirty = true;
      slot.users--;
      this.wake();
    }
  }

  /** Makes every write so far durable: syncs the written files and waits for syncs on eviction. */
  async syncDirty(): Promise<void> {
    const syncs: Promise<void>[] = [...this.closings];
    for (const [key, slot] of this.slots) {
      if (!slot.dirty) continue;
      slot.dirty = false; // a write that lands during the sync marks it again
      syncs.push(
        slot.handle.then((h) => h.datasync()).catch((err) => {
          slot.dirty = true;
          throw this.wrap(err, key, 'sync');
        }),
      );
    }
    await Promise.all(syncs);
    if (this.syncError !== null) {
      const err = this.syncError;
      this.syncError = null;
      throw err;
    }
  }

  /** Syncs what was written, then closes every file (at storage close). */
  async closeAll(): Promise<void> {
    await this.syncDirty();
    const slots = [...this.slots.values()];
    this.slots.clear();
    await Promise.allSettled(slots.map(async (s) => (await s.handle).close()));
    await Promise.all([...this.closings]);
  }

  /** Closes file `key` (syncing it first if written) once nobody uses it; the next use reopens it. */
  forget(key: number): Promise<void> {
    const slot = this.slots.get(key);
    if (!slot) return Promise.resolve();
    this.evict(key, slot);
    return Promise.all([...this.closings]).then(() => undefined);
  }

  private async acquire(key: number, write: boolean): Promise<Slot> {
    for (;;) {
      const found = this.slots.get(key);
      if (found) {
        this.slots.delete(key); // move to the most recently used end
        this.slots.set(key, found);
        found.users++;
        return found;
      }
      if (this.openCount < this.max) {
        const slot: Slot = { handle: this.opener(key, write), users: 1, dirty: false };
        this.slots.set(key, slot);
        slot.handle.catch(() => {
          if (this.slots.get(key) === slot) this.slots.delete(key);
          this.wake();
        });
        return slot;
      }
      const victim = [...this.slots].find(([, s]) => s.users === 0);
      if (victim) this.evict(victim[0], victim[1]);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private evict(key: number, slot: Slot): void {
    this.slots.delete(key);
    this.closing++;
    const done = (async () => {
      while (slot.users > 0) await new Promise<void>((resolve) => this.waiters.push(resolve));
      let h: FileHandleLike;
      try {
        h = await slot.handle;
      } catch {
        return; // never opened: nothing to close
      }
      try {
        if (slot.dirty) await h.datasync();
      } catch (err) {
        this.syncError ??= this.wrap(err, key, 'sync');
      }
      await h.close().catch(() => undefined);
    })().finally(() => {
      this.closing--;
      this.closings.delete(done);
      this.wake();
    });
    this.closings.add(done);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const resolve of w) resolve();
  }
}
