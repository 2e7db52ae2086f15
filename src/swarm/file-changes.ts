// What a swarm does when its files change on disk under it (a seeder's data edited, a file
// put in place or repaired): it watches them (file-watch.ts), stops serving a changed file at
// once, forgets its verified pieces, checks it again on the pool (seed-check.ts), and then
// serves it again if it matches, or fetches it again if it downloads. One check at a time.
import { FileWatch } from './file-watch.js';
import { checkExisting, type DataPaths } from './seed-check.js';
import type { Swarm } from './session.js';

export class FileChanges {
  /** Files changed and not checked again yet: nothing of them is served. */
  readonly suspect = new Set<number>();
  private readonly watch: FileWatch;
  private rechecks: Promise<void> = Promise.resolve();

  constructor(
    private readonly s: Swarm,
    private readonly paths: DataPaths,
    /** Rebuilds the picker from the storage's verified pieces. */
    private readonly rebuild: () => void,
  ) {
    this.watch = new FileWatch({ path: (i) => paths.finalPath(i), changed: (i) => this.changed(i) });
  }

  /**
   * Watches a file if it should be: complete ones (they are served); a seeder also watches
   * the others, so a file repaired or put in place while it runs is taken.
   */
  consider(file: number): void {
    const s = this.s;
    if (s.layout.files[file].size > 0 && (!s.opts.download || s.storage.status(file).complete)) void this.watch.add(file);
  }

  /** Looks at a few watched files (every tick). */
  sweep(): void {
    void this.watch.sweep();
  }

  /** Stops watching; waits for a check under way. */
  async close(): Promise<void> {
    this.watch.close();
    await this.rechecks;
  }

  private changed(file: number): void {
    const s = this.s;
    if (s.stopped) return;
    const wasComplete = s.storage.status(file).complete;
    this.suspect.add(file);
    s.forgetWrittenFile(file);
    if (wasComplete) s.warn(`${s.describeFile(file)} changed on disk: not served until it is checked again`);
    this.rechecks = this.rechecks.then(async () => {
      if (s.stopped) return;
      try {
        if (wasComplete) await s.storage.invalidate(file);
        const r = await checkExisting({
          storage: s.storage, hashes: s.hashes, pool: s.pool, paths: this.paths, salvage: s.opts.download, files: [file], stopped: () => s.stopped,
        });
        if (s.stopped) return;
        s.downloader.dropAll(); // the new picker knows nothing of requests in flight
        this.rebuild();
        this.consider(file);
        if (r.adopted.includes(file)) {
          s.warn(`${s.describeFile(file)} checked: it matches the Waterfall, served`);
          const first = s.layout.firstPiece[file];
          for (const p of s.peers.values()) for (let i = 0; i < s.layout.pieceCounts[file]; i++) if (!p.bits.has(first + i)) p.wire.have(first + i);
        } else if (wasComplete || r.mismatched.length > 0) {
          s.warn(`${s.describeFile(file)} no longer matches the Waterfall${s.opts.download ? '; fetching it again' : '; not served'}`);
        }
      } catch (err) {
        s.warn(`checking ${s.describeFile(file)} again: ${(err as Error).message}`);
      } finally {
        this.suspect.delete(file);
      }
    });
  }
}
