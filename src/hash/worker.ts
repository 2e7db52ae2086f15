// Entry file of a hashing worker (loaded by piscina from pool.ts). Each export is
// one task of tasks.ts: its result buffers are transferred back, its errors
// thrown as plain records (pool-errors.ts).
import { parentPort } from 'node:worker_threads';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { toWorkerError } from './pool-errors.js';
import * as tasks from './tasks.js';

function task<A, R extends object>(run: (arg: A) => tasks.Moved<R>): (arg: A) => unknown {
  return (arg) => {
    try {
      const { value, transfer } = run(arg);
      return move({ [transferableSymbol]: transfer, [valueSymbol]: value });
    } catch (err) {
      throw toWorkerError(err);
    }
  };
}

export const hashRegion = task(tasks.hashRegion);
export const hashFiles = task(tasks.hashFiles);
export const verifyRegion = task(tasks.verifyRegion);
export const verifyFiles = task(tasks.verifyFiles);
export const hashBuffer = task(tasks.hashBuffer);
export const chunkFiles = task(tasks.chunkFiles);
export const verifyRecords = task(tasks.verifyRecords);

// WORKER_LOADED (pool-workers.ts): the pool waits for it before handing out tasks
// (growAfterMs) and before terminating a worker. Piscina passes messages other than its own
// to the pool's 'message' event.
parentPort?.postMessage({ bytefallWorkerLoaded: true });
