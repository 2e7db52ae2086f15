// Feeds the pool from a lazy list of jobs, keeping at most `limit` of them
// pending: the jobs are described on demand, so a tree of any size is planned in
// bounded memory. The first failure stops new jobs and is rethrown once the
// pending ones have settled (so no worker is still reading when we return).
// JobWindow does the same for jobs pushed while they are still being found.

export async function runWindowed<T>(jobs: Iterable<T>, limit: number, run: (job: T) => Promise<void>): Promise<void> {
  const pending = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  for (const job of jobs) {
    if (failure) break;
    const p: Promise<void> = run(job).then(
      () => void pending.delete(p),
      (error: unknown) => {
        pending.delete(p);
        failure ??= { error };
      },
    );
    pending.add(p);
    if (pending.size >= limit) await Promise.race(pending);
  }
  await Promise.all(pending);
  if (failure) throw failure.error;
}

/**
 * runWindowed for jobs pushed one by one while they are being discovered (a tree
 * being walked): push() starts a job at once when fewer than `limit` are pending,
 * else queues it (the queue holds only descriptions); done() resolves once every
 * job pushed has settled, or rejects with the first failure after that. After a
 * failure, queued jobs are dropped and push() starts nothing.
 */
export class JobWindow<T> {
  readonly #queue: T[] = [];
  #head = 0;
  #pending = 0;
  #failure: { error: unknown } | undefined;
  #idle: (() => void) | undefined;

  constructor(readonly limit: number, readonly run: (job: T) => Promise<void>) {}

  /** The first failure so far, if any (the caller may stop producing jobs). */
  get failed(): boolean {
    return this.#failure !== undefined;
  }

  push(job: T): void {
    if (this.#failure) return;
    this.#queue.push(job);
    this.#pump();
  }

  /** Waits for every pushed job; rethrows the first failure. */
  async done(): Promise<void> {
    while (this.#pending > 0 || (!this.#failure && this.#head < this.#queue.length)) {
      await new Promise<void>((resolve) => (this.#idle = resolve));
    }
    if (this.#failure) throw this.#failure.error;
  }

  #pump(): void {
    while (!this.#failure && this.#pending < this.limit && this.#head < this.#queue.length) {
      const job = this.#queue[this.#head++];
      if (this.#head === this.#queue.length) {
        this.#queue.length = 0;
        this.#head = 0;
      }
      this.#pending++;
      let p: Promise<void>;
      try {
        p = this.run(job);
      } catch (error) {
        p = Promise.reject(error);
      }
      p.then(
        () => this.#settled(),
        (error: unknown) => {
          this.#failure ??= { error };
          this.#settled();
        },
      );
    }
  }

  #settled(): void {
    this.#pending--;
    this.#pump();
    const idle = this.#idle;
    this.#idle = undefined;
    idle?.();
  }
}
