// Notices when a complete file changes on disk under a running node, so it stops serving
// pieces that no longer match (a peer would ban us for them) until they are checked again.
// Two ways, because neither alone is enough: fs.watch on each directory that holds a
// watched file (immediate, but may miss events), and a sweep that stats a few watched files
// every tick (size, mtime, inode) so that every file is looked at regularly.
import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';

const MAX_DIR_WATCHERS = 256;

export interface FileWatchOptions {
  /** Path of file i under its final name. */
  path(file: number): string;
  /** File i changed (or appeared, or vanished) since it was watched. */
  changed(file: number): void;
  /** Files stat'ed per sweep() (default 64). */
  perSweep?: number;
}

export class FileWatch {
  private readonly stamps = new Map<number, string>();
  private readonly byDir = new Map<string, Map<string, number>>();
  private readonly watchers = new Map<string, FSWatcher>();
  private cursor = 0;
  private closed = false;

  constructor(private readonly o: FileWatchOptions) {}

  /** Starts watching a file: remembers how it looks now (or that it is absent). */
  async add(file: number): Promise<void> {
    const path = this.o.path(file);
    const st = await stampOf(path);
    if (this.closed) return;
    this.stamps.set(file, st);
    const dir = dirname(path);
    let names = this.byDir.get(dir);
    if (!names) this.byDir.set(dir, (names = new Map()));
    names.set(basename(path), file);
    if (!this.watchers.has(dir) && this.watchers.size < MAX_DIR_WATCHERS) {
      try {
        const w = watch(dir, { persistent: false }, (_event, name) => {
          const f = name ? this.byDir.get(dir)?.get(name.toString()) : undefined;
          if (f !== undefined) void this.check(f);
        });
        w.on('error', () => w.close());
        this.watchers.set(dir, w);
      } catch {
        /* the sweep still covers it */
      }
    }
  }

  remove(file: number): void {
    this.stamps.delete(file);
  }

  /** Stats the next few watched files. */
  async sweep(): Promise<void> {
    const files = [...this.stamps.keys()];
    const n = Math.min(files.length, this.o.perSweep ?? 64);
    for (let k = 0; k < n; k++) await this.check(files[this.cursor++ % files.length]);
  }

  close(): void {
    this.closed = true;
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }

  private async check(file: number): Promise<void> {
    const before = this.stamps.get(file);
    if (before === undefined || this.closed) return;
    const now = await stampOf(this.o.path(file));
    if (this.stamps.get(file) !== before || now === before) return;
    this.stamps.delete(file);
    this.o.changed(file);
  }
}

async function stampOf(path: string): Promise<string> {
  try {
    const st = await stat(path, { bigint: true });
    return `${st.size}:${st.mtimeNs}:${st.ino}`;
  } catch {
    return 'absent';
  }
}
