// The hashing pool's worker threads (pool.ts): one piscina pool, started on first use.
// piscina itself is loaded only then (~15 ms that a process which never needs a worker, such
// as a swarm downloader verifying pieces on its own thread, does not pay). worker.ts says when
// it has loaded its modules (WORKER_LOADED); those are counted, and destroy() first lets workers
// still loading finish: Node 20 aborts the whole process (`v8::Module::IsGraphAsync must be
// used on an instantiated module`) when a worker is terminated while it instantiates its
// ES modules.
import { createRequire } from 'node:module';
import type { Piscina } from 'piscina';

/** The key of the message worker.ts posts once its modules are loaded. */
export const WORKER_LOADED = 'bytefallWorkerLoaded';

type PiscinaOptions = ConstructorParameters<typeof Piscina>[0];

const loadPiscina = () => (createRequire(import.meta.url)('piscina') as typeof import('piscina')).Piscina;

export class PoolWorkers {
  #piscina: Piscina | null = null;
  #loaded = 0;
  /** Called on each WORKER_LOADED. */
  readonly #onLoad = new Set<() => void>();

  constructor(private readonly options: PiscinaOptions) {}

  /** Whether piscina has been started. */
  get started(): boolean {
    return this.#piscina !== null;
  }

  /** Worker threads started so far. */
  get threads(): number {
    return this.#piscina?.threads.length ?? 0;
  }

  /** Workers that have loaded their modules so far. */
  get loaded(): number {
    return this.#loaded;
  }

  /** Starts piscina (its first workers with it) unless it is running. */
  start(): Piscina {
    if (this.#piscina) return this.#piscina;
    const piscina = new (loadPiscina())(this.options);
    this.#piscina = piscina;
    piscina.on('message', (m: unknown) => {
      if (typeof m !== 'object' || m === null || !(WORKER_LOADED in m)) return;
      this.#loaded++;
      for (const fn of this.#onLoad) fn();
    });
    return piscina;
  }

  /** Calls `fn` once, when a worker has loaded (at once if one has). */
  onFirstLoad(fn: () => void): void {
    if (this.#loaded > 0) return fn();
    const once = () => {
      this.#onLoad.delete(once);
      fn();
    };
    this.#onLoad.add(once);
  }

  run(task: unknown, opts: { name: string; transferList: ArrayBuffer[] }): Promise<unknown> {
    return this.start().run(task, opts);
  }

  /** Stops the workers, once every one started has loaded its modules or `waitMs` passed. */
  async destroy(waitMs: number): Promise<void> {
    const deadline = Date.now() + waitMs;
    while (this.#loaded < this.threads && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(t);
          this.#onLoad.delete(done);
          resolve();
        };
        const t = setTimeout(done, Math.min(20, Math.max(0, deadline - Date.now()))); // a worker that exited never says so
        this.#onLoad.add(done);
      });
    }
    await this.#piscina?.destroy();
  }
}
