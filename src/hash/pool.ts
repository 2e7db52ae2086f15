// The hashing pool: one piscina pool whose workers (worker.ts -> tasks.ts) hash
// and verify file regions and in-memory buffers with the WASM BLAKE3. At most
// `maxInFlight` tasks are handed to piscina at once; further callers wait, which
// bounds memory. Every failure comes out as a BytefallError. With `inline`, the
// calling thread takes a hashing task itself when every worker has its share; with
// `hashHereBelow`, it hashes pieces from the network itself while they arrive slowly, and
// no worker starts until one is needed (the workers' start and stop: pool-workers.ts).
import { availableParallelism } from 'node:os';
import { BytefallError } from '../errors.js';
import { fromWorkerError, toWorkerError } from './pool-errors.js';
import { HashHere } from './hash-here.js';
import { PoolWorkers } from './pool-workers.js';
import * as tasks from './tasks.js';
import type {
  ChunkFilesResult,
  ChunkFilesTask,
  VerifyRecordsResult,
  VerifyRecordsTask,
  HashFilesResult,
  HashFilesTask,
  HashRegionResult,
  HashRegionTask,
  VerifyFilesResult,
  VerifyFilesTask,
  VerifyRegionResult,
  VerifyRegionTask,
} from './tasks.js';

/**
 * The default number of workers is os.availableParallelism() up to this cap. Each
 * worker costs about 14 MiB resident (V8 isolate, the WASM module and its 4 MiB
 * input buffer) and `create` must stay under 200 MB; 8 workers hash several GB/s,
 * more than a disk delivers. An explicit `threads` is not capped.
 */
export const DEFAULT_MAX_THREADS = 8;

export interface HashPoolOptions {
  /** Worker threads; default min(os.availableParallelism(), DEFAULT_MAX_THREADS), one fewer with `inline`. */
  threads?: number;
  /** Tasks in flight at once; default twice the workers (so none waits idle); with `inline`, three times, plus one. */
  maxInFlight?: number;
  /**
   * This thread hashes too: a hashRegion or hashFiles task that finds every worker with
   * its share runs here, one at a time. For a caller whose thread is otherwise idle while
   * the workers hash (`create`): one worker fewer to start and to keep in memory, the
   * same number of cores busy.
   */
  inline?: boolean;
  /**
   * Workers started at once (default all of them); the others start when tasks wait for a
   * worker, and stay. A node that mostly verifies pieces from the network needs one: each
   * worker costs ~50 ms of CPU to start.
   */
  startThreads?: number;
  /**
   * With `startThreads` below `threads`: the started workers get only their share of tasks,
   * and one more worker starts when a task has waited this long for a slot (again for each
   * further one). A node verifying pieces at network speed rarely keeps one worker busy, and
   * a second worker started by a brief burst costs ~70 ms of CPU for nothing; a long check of
   * the data still gets every core. Default: more workers start as soon as tasks queue.
   */
  growAfterMs?: number;
  /**
   * With `growAfterMs`: one more worker starts only if the tasks waiting then add up to
   * at least this many bytes (default 0). Pieces verified as they arrive from the network
   * queue up when the machine is busy, and one worker hashes faster than a network feeds it;
   * a second worker helps only when the backlog grows this large.
   */
  growBacklogBytes?: number;
  /**
   * Bytes per second: `hashBuffer` runs on this thread while pieces arrive slower than this
   * (hash-here.ts), and the workers start only when a task needs them. For a node receiving
   * from the network: on a busy machine a worker costs more than the hashing it takes over.
   */
  hashHereBelow?: number;
}

type TaskName = 'hashRegion' | 'hashFiles' | 'verifyRegion' | 'verifyFiles' | 'hashBuffer' | 'chunkFiles' | 'verifyRecords';

const WORKER_FILE = new URL('./worker.js', import.meta.url).href;
/** growAfterMs: tasks go to piscina after this long even if no worker said it loaded. */
const WARM_FALLBACK_MS = 2000;
/** destroy() waits at most this long for workers still loading their modules. */
const LOAD_WAIT_MS = 2000;

function count(value: number | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > 4096) {
    throw new BytefallError('BAD_ARGUMENT', `${what} must be an integer from 1 to 4096, got ${value}`);
  }
  return value;
}

/** Refuses a malformed task here, before it crosses to a worker. */
function checkTask(t: { pieceSize: number; offset?: number; length?: number; size?: number }): void {
  const { pieceSize, offset = 0, length = t.size ?? 0 } = t;
  const ok =
    Number.isSafeInteger(pieceSize) && pieceSize > 0 && Number.isSafeInteger(offset) && offset >= 0 &&
    Number.isSafeInteger(length) && length >= 0 && offset % pieceSize === 0;
  if (!ok) {
    throw new BytefallError('BAD_ARGUMENT', `bad hashing task: piece size ${pieceSize}, offset ${offset}, length ${length}`);
  }
}

/** `bytes` ready to transfer: itself when it owns its whole buffer, else a copy of just its bytes. */
function detachable(bytes: Uint8Array): Uint8Array {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return whole && bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice();
}

/** Files of a batch hashed on this thread between two turns of its event loop (about 1-2 ms of work). */
const INLINE_SLICE = 32;

/** The tasks that may run on the pool's own thread. */
const INLINE_TASKS = { hashRegion: tasks.hashRegion, hashFiles: tasks.hashFiles } as const;

export class HashPool {
  readonly threads: number;
  readonly maxInFlight: number;
  readonly inline: boolean;
  /** Started when the first task needs a worker (at once unless `hashHereBelow`). */
  readonly #workers: PoolWorkers;
  readonly #hashHere: HashHere | undefined;
  /** Tasks the workers may hold at once (maxInFlight less the inline slot). */
  readonly #workerSlots: number;
  #toWorkers = 0;
  #ranHere = 0;
  #running = 0;
  readonly #waiting: { resolve: () => void; reject: (err: Error) => void; bytes: number }[] = [];
  /** Bytes of the tasks in #waiting. */
  #waitingBytes = 0;
  #closed = false;
  /** Tasks in flight allowed now: maxInFlight, or (growAfterMs) the share of the workers let in so far. */
  #cap: number;
  readonly #perWorker: number;
  #workersLetIn: number;
  readonly #growAfterMs: number | undefined;
  readonly #growBacklogBytes: number;
  #growTimer: NodeJS.Timeout | null = null;
  /**
   * growAfterMs: a worker has loaded its modules. Until then tasks wait here: piscina starts
   * another worker for any task that finds no worker ready, so a task handed over while the
   * first one still boots would start a second one for nothing.
   */
  #warm = false;

  constructor(options: HashPoolOptions = {}) {
    this.inline = options.inline === true;
    const cores = Math.min(availableParallelism(), DEFAULT_MAX_THREADS);
    this.threads = count(options.threads, Math.max(1, this.inline ? cores - 1 : cores), 'threads');
    // With `inline`, a worker holds three tasks: it must not run dry while this thread hashes one.
    this.maxInFlight = count(options.maxInFlight, this.inline ? 3 * this.threads + 1 : 2 * this.threads, 'maxInFlight');
    this.#workerSlots = this.inline ? Math.max(1, this.maxInFlight - 1) : this.maxInFlight;
    // Each worker holds up to its share of the tasks in flight: it starts the next one
    // as soon as one ends, without waiting for this thread to hand it over.
    const perWorker = Math.ceil(this.#workerSlots / this.threads);
    const start = Math.min(this.threads, count(options.startThreads, this.threads, 'startThreads'));
    this.#perWorker = perWorker;
    this.#workersLetIn = start;
    this.#growAfterMs = options.growAfterMs !== undefined && start < this.threads && !this.inline ? Math.max(0, options.growAfterMs) : undefined;
    this.#growBacklogBytes = Math.max(0, options.growBacklogBytes ?? 0);
    this.#cap = this.#growAfterMs === undefined ? this.maxInFlight : 0;
    this.#workers = new PoolWorkers({
      filename: WORKER_FILE, minThreads: start, maxThreads: this.threads, concurrentTasksPerWorker: perWorker, recordTiming: false,
      idleTimeout: start < this.threads ? 2 ** 31 - 1 : 0, // a worker started on demand is kept
    });
    const below = options.hashHereBelow;
    if (below !== undefined && !(Number.isFinite(below) && below > 0)) {
      throw new BytefallError('BAD_ARGUMENT', `hashHereBelow must be a positive number of bytes per second, got ${below}`);
    }
    this.#hashHere = below === undefined ? undefined : new HashHere({ bytesPerSecond: below });
    if (!this.#hashHere) this.#start();
  }

  /** Starts the workers unless they run; with growAfterMs, tasks go to them once one has loaded. */
  #start(): void {
    if (this.#workers.started) return;
    this.#workers.start();
    if (this.#growAfterMs === undefined) return;
    const warm = () => {
      if (this.#warm) return;
      clearTimeout(fallback);
      setImmediate(() => this.#setWarm()); // after piscina has taken in its "ready", posted just after ours
    };
    const fallback = setTimeout(warm, WARM_FALLBACK_MS); // never wait on a worker that failed to boot
    fallback.unref();
    this.#workers.onFirstLoad(warm);
  }

  #setWarm(): void {
    this.#warm = true;
    this.#updateCap();
  }

  /** growAfterMs: the cap from the workers let in (none before one is warm); admits waiting tasks. */
  #updateCap(): void {
    this.#cap = this.#warm ? Math.min(this.maxInFlight, this.#perWorker * this.#workersLetIn) : 0;
    while (this.#running < this.#cap && this.#waiting.length > 0) {
      this.#running++;
      this.#admitNext();
    }
  }

  /** Workers that have loaded their modules so far. */
  get loadedWorkers(): number {
    return this.#workers.loaded;
  }

  /** Tasks this thread has run itself (`inline`, `hashHereBelow`). */
  get ranHere(): number {
    return this.#ranHere;
  }

  /** Tasks handed to the workers and not yet settled (never above maxInFlight). */
  get inFlight(): number {
    return this.#running;
  }

  /** Leaves of one region of a file (read by the worker, never by this thread). */
  hashRegion(task: HashRegionTask): Promise<HashRegionResult> {
    return this.#run('hashRegion', task, []);
  }

  /** Leaves of a batch of small files (aim for at most ~8 MiB and a few hundred files). */
  hashFiles(task: HashFilesTask): Promise<HashFilesResult> {
    return this.#run('hashFiles', task, []);
  }

  /**
   * Bad pieces of one region. `expected` (leaf hashes, 1/32768 of the data at
   * 1 MiB pieces) is copied, so the caller's piece layer stays usable.
   */
  verifyRegion(task: VerifyRegionTask): Promise<VerifyRegionResult> {
    const expected = task.expected.slice();
    return this.#run('verifyRegion', { ...task, expected }, [expected.buffer]);
  }

  /** Bad pieces of a batch of small files; `expected` is copied as in verifyRegion. */
  verifyFiles(task: VerifyFilesTask): Promise<VerifyFilesResult> {
    const expected = task.expected.slice();
    return this.#run('verifyFiles', { ...task, expected }, [expected.buffer]);
  }

  /**
   * Leaves of an in-memory buffer (e.g. pieces from the network). A buffer over a
   * SharedArrayBuffer is shared; one that owns its ArrayBuffer is transferred, so
   * the caller's view is detached afterwards; a view of part of a larger buffer is copied.
   */
  hashBuffer(data: Uint8Array, pieceSize: number): Promise<Uint8Array> {
    if (this.#hashHere && !this.#closed && this.#takeHere(this.#hashHere, data.length)) return this.#hashBufferHere(data, pieceSize);
    if (data.buffer instanceof SharedArrayBuffer) return this.#run('hashBuffer', { data, pieceSize }, []);
    const own = detachable(data);
    return this.#run('hashBuffer', { data: own, pieceSize }, [own.buffer as ArrayBuffer]);
  }

  /**
   * Whether a piece of `bytes` is hashed here: while pieces arrive slowly, and, once they
   * come too fast, until the first worker (started then) has loaded, so pieces do not pile
   * up waiting for it.
   */
  #takeHere(here: HashHere, bytes: number): boolean {
    if (here.take(bytes, performance.now())) return true;
    if (here.open || bytes > here.maxPiece) return false;
    this.#start();
    return this.#workers.loaded === 0;
  }

  /** hashBuffer on this thread (`hashHereBelow`). */
  #hashBufferHere(data: Uint8Array, pieceSize: number): Promise<Uint8Array> {
    try {
      checkTask({ pieceSize, size: data.length });
      this.#ranHere++;
      return Promise.resolve(tasks.hashBuffer({ data, pieceSize }).value);
    } catch (err) {
      return Promise.reject(err instanceof BytefallError ? err : fromWorkerError(toWorkerError(err)));
    }
  }

  /**
   * Content-defined pieces (format 1.1): the layer records of whole files, cut and
   * hashed in one pass. A large file should be a task of its own.
   */
  chunkFiles(task: ChunkFilesTask): Promise<ChunkFilesResult> {
    return this.#run('chunkFiles', task, []);
  }

  /** Bad content-defined pieces; `records` is copied as `expected` is in verifyRegion. */
  verifyRecords(task: VerifyRecordsTask): Promise<VerifyRecordsResult> {
    for (const item of task.items) {
      const ok = Number.isSafeInteger(item.offset) && item.offset >= 0 && Number.isSafeInteger(item.count) && item.count >= 0;
      if (!ok) return Promise.reject(new BytefallError('BAD_ARGUMENT', `bad verify task: offset ${item.offset}, ${item.count} pieces`));
    }
    const records = task.records.slice();
    return this.#run('verifyRecords', { ...task, records }, [records.buffer], false);
  }

  /** Stops the workers; pending and waiting tasks fail with POOL_ERROR. Safe to call twice. */
  async destroy(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#growTimer) clearTimeout(this.#growTimer);
    this.#waitingBytes = 0;
    for (const w of this.#waiting.splice(0)) w.reject(closedError());
    await this.#workers.destroy(LOAD_WAIT_MS);
  }

  async #run<R>(name: TaskName, task: unknown, transferList: ArrayBuffer[], check = true): Promise<R> {
    const t = task as Partial<HashRegionTask> & { files?: { pieceSize: number; size: number }[] };
    if (check) for (const one of t.files ?? [t as HashRegionTask]) checkTask(one);
    if (!this.#closed) this.#start();
    await this.#acquire(taskBytes(name, task));
    const here = this.inline && this.#toWorkers >= this.#workerSlots && name in INLINE_TASKS;
    if (!here) this.#toWorkers++;
    try {
      if (here) return await this.#runHere<R>(name as keyof typeof INLINE_TASKS, task);
      return (await this.#workers.run(task, { name, transferList })) as R;
    } catch (err) {
      throw fromWorkerError(err);
    } finally {
      if (!here) this.#toWorkers--;
      this.#release();
    }
  }

  /**
   * A task on this thread, once the caller has handed out its other work (next turn of the
   * event loop). A batch of files runs INLINE_SLICE files at a time, with a turn of the
   * event loop between slices: the workers' finished tasks are collected and new ones
   * handed out meanwhile, so a worker does not run dry while this thread hashes a batch.
   */
  async #runHere<R>(name: keyof typeof INLINE_TASKS, task: unknown): Promise<R> {
    await new Promise(setImmediate);
    if (this.#closed) throw closedError();
    this.#ranHere++;
    try {
      if (name === 'hashFiles') return (await this.#hashFilesHere(task as HashFilesTask)) as R;
      return (INLINE_TASKS[name] as (t: unknown) => tasks.Moved<R>)(task).value;
    } catch (err) {
      throw err instanceof BytefallError ? err : fromWorkerError(toWorkerError(err));
    }
  }

  async #hashFilesHere(task: HashFilesTask): Promise<HashFilesResult> {
    if (task.files.length <= INLINE_SLICE) return tasks.hashFiles(task).value;
    const parts: HashFilesResult[] = [];
    for (let i = 0; i < task.files.length; i += INLINE_SLICE) {
      if (i > 0) {
        await new Promise(setImmediate);
        if (this.#closed) throw closedError();
      }
      parts.push(tasks.hashFiles({ files: task.files.slice(i, i + INLINE_SLICE) }).value);
    }
    const leaves = new Uint8Array(parts.reduce((n, p) => n + p.leaves.length, 0));
    let at = 0;
    for (const p of parts) {
      leaves.set(p.leaves, at);
      at += p.leaves.length;
    }
    return { leaves, stamps: parts.flatMap((p) => p.stamps), hashed: parts.flatMap((p) => p.hashed) };
  }

  #acquire(bytes: number): Promise<void> {
    if (this.#closed) return Promise.reject(closedError());
    if (this.#running < this.#cap) {
      this.#running++;
      return Promise.resolve();
    }
    this.#waitingBytes += bytes;
    const waiter = new Promise<void>((resolve, reject) => this.#waiting.push({ resolve, reject, bytes }));
    this.#armGrowth();
    return waiter;
  }

  /** growAfterMs: lets one more worker in if tasks are still waiting when the timer fires. */
  #armGrowth(): void {
    if (this.#growAfterMs === undefined || this.#growTimer !== null || this.#workersLetIn >= this.threads) return;
    this.#growTimer = setTimeout(() => {
      this.#growTimer = null;
      if (this.#closed || this.#waiting.length === 0) return;
      // waiting for the first worker to boot is no backlog, nor is a queue smaller than growBacklogBytes
      if (this.#warm && this.#waitingBytes >= this.#growBacklogBytes) this.#workersLetIn++;
      this.#updateCap();
      if (this.#waiting.length > 0) this.#armGrowth();
    }, this.#growAfterMs);
    this.#growTimer.unref();
  }

  /** Worker threads started so far. */
  get workersStarted(): number {
    return this.#workers.threads;
  }

  /** Workers the pool may use now (growAfterMs), or all of them. */
  get workersLetIn(): number {
    return this.#growAfterMs === undefined ? this.threads : this.#workersLetIn;
  }

  /** Hands the slot to the next waiter, if any. */
  #release(): void {
    if (this.#waiting.length > 0) this.#admitNext();
    else this.#running--;
  }

  #admitNext(): void {
    const next = this.#waiting.shift()!;
    this.#waitingBytes -= next.bytes;
    next.resolve();
  }
}

/** The bytes a task hashes, for growBacklogBytes (what it cannot tell counts as a large task). */
function taskBytes(name: TaskName, task: unknown): number {
  const t = task as { length?: number; data?: Uint8Array; files?: { size: number }[] };
  if (name === 'hashBuffer') return t.data!.length;
  if (name === 'hashRegion' || name === 'verifyRegion') return t.length!;
  if (t.files) return t.files.reduce((n, f) => n + f.size, 0);
  return Number.POSITIVE_INFINITY;
}

function closedError(): BytefallError {
  return new BytefallError('POOL_ERROR', 'the hashing pool is closed');
}

/** Runs `fn` with a fresh pool and always destroys it, so the process can exit. */
export async function withHashPool<T>(options: HashPoolOptions, fn: (pool: HashPool) => Promise<T>): Promise<T> {
  const pool = new HashPool(options);
  try {
    return await fn(pool);
  } finally {
    await pool.destroy();
  }
}
