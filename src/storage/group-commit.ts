// Group commit: pieces written by many callers are made durable and recorded together, one
// batch at a time (`run`: sync the data, then record it; docs/STORAGE.md "Writing"). While
// only streamed pieces wait (their writer goes on once they are written), the next batch starts
// at most `intervalMs` after the last one began, so the pieces written meanwhile share one
// fdatasync. A piece whose writer waits on it, a file's last piece, or a flush start it at once:
// a caller that awaits each piece would otherwise wait out the interval for every one.
import type { PieceLocation } from './layout.js';

interface Pending extends PieceLocation {
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class GroupCommit {
  private pending: Pending[] = [];
  /** Pieces in `pending`, by file. */
  private readonly pendingPerFile = new Map<number, number>();
  /** Pending pieces whose writer waits for the commit to go on. */
  private eagerPending = 0;
  private running: Promise<void> | null = null;
  /** Callers in settle(): while there are any, batches follow each other at once. */
  private flushing = 0;
  /** Ends the wait before the next batch now (set while the loop waits). */
  private hurry: (() => void) | null = null;
  /** When the last batch started (performance.now()). */
  private lastStart = -Infinity;

  constructor(
    private readonly intervalMs: number,
    /** Makes a batch durable and recorded; a throw rejects every piece of it. */
    private readonly run: (batch: PieceLocation[]) => Promise<void>,
    /** `pending` more pieces of `file` make it whole. */
    private readonly completes: (file: number, pending: number) => boolean,
  ) {}

  /** Resolves once the piece's batch is committed. `streamed`: its writer does not wait on it. */
  add(loc: PieceLocation, streamed: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ file: loc.file, piece: loc.piece, resolve, reject });
      const n = (this.pendingPerFile.get(loc.file) ?? 0) + 1;
      this.pendingPerFile.set(loc.file, n);
      if (!streamed) this.eagerPending++;
      this.running ??= this.loop();
      if (this.hurry && (!streamed || this.completes(loc.file, n))) this.hurry();
    });
  }

  /** Waits until every piece added so far is committed; meanwhile batches do not wait. */
  async settle(): Promise<void> {
    this.flushing++;
    try {
      this.hurry?.();
      while (this.running) await this.running;
    } finally {
      this.flushing--;
    }
  }

  private async loop(): Promise<void> {
    while (this.pending.length > 0) {
      const wait = this.lastStart + this.intervalMs - performance.now();
      if (wait > 0 && this.eagerPending === 0 && this.flushing === 0 && !this.completesAFile()) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, wait);
          this.hurry = () => (clearTimeout(t), resolve());
        });
        this.hurry = null;
      }
      this.lastStart = performance.now();
      const batch = this.pending;
      this.pending = [];
      this.pendingPerFile.clear();
      this.eagerPending = 0;
      try {
        await this.run(batch);
        for (const b of batch) b.resolve();
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    this.running = null;
  }

  private completesAFile(): boolean {
    for (const [file, n] of this.pendingPerFile) if (this.completes(file, n)) return true;
    return false;
  }
}
