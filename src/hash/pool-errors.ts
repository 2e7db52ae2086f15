// Errors across the worker boundary. Structured cloning keeps an Error's message
// but drops its own fields (code, file, op), so workers throw a plain record and
// the pool turns it back into a BytefallError; anything else is a POOL_ERROR.
import { BytefallError, ERROR_CODES, type ErrorCode } from '../errors.js';

/** What a worker throws: plain data that survives postMessage. */
export interface WorkerErrorRecord {
  bytefallWorkerError: true;
  code: ErrorCode;
  message: string;
  file?: string;
  op?: string;
}

/** In the worker: any thrown value as a record the pool can rebuild. */
export function toWorkerError(err: unknown): WorkerErrorRecord {
  if (err instanceof BytefallError) {
    return { bytefallWorkerError: true, code: err.code, message: err.message, file: err.file, op: err.op };
  }
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return { bytefallWorkerError: true, code: 'POOL_ERROR', message: `hashing worker failed: ${message}` };
}

function isRecord(err: unknown): err is WorkerErrorRecord {
  const r = err as WorkerErrorRecord;
  return r !== null && typeof r === 'object' && r.bytefallWorkerError === true && r.code in ERROR_CODES;
}

/** In the main thread: a task's rejection as a BytefallError. */
export function fromWorkerError(err: unknown): BytefallError {
  if (err instanceof BytefallError) return err;
  if (isRecord(err)) return new BytefallError(err.code, err.message, { file: err.file, op: err.op });
  // The worker died, the pool was destroyed, or piscina refused the task.
  const message = err instanceof Error ? err.message : String(err);
  return new BytefallError('POOL_ERROR', `hashing worker failed: ${message}`, { cause: err });
}
