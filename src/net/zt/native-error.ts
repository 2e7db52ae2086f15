// Turns an error from the addon (an Error with a `code`: LIBZT_*, ZT_*, or an
// errno name for socket calls) into a BytefallError, keeping the native error as
// the cause so its `errno` and `syscall` stay visible.
import { BytefallError, type ErrorCode } from '../../errors.js';

export interface NativeError extends Error {
  code?: string;
  errno?: number;
  syscall?: string;
}

const DIRECT: Record<string, ErrorCode> = {
  LIBZT_MISSING: 'LIBZT_MISSING',
  LIBZT_INCOMPATIBLE: 'LIBZT_INCOMPATIBLE',
  ZT_NODE_BUSY: 'ZT_NODE_BUSY',
  ZT_STOPPED: 'ZT_STOPPED',
  ZT_NOT_STARTED: 'ZT_STOPPED',
  ERR_INVALID_ARG_TYPE: 'BAD_ARGUMENT',
  ERR_INVALID_ARG_VALUE: 'BAD_ARGUMENT',
  ERR_OUT_OF_RANGE: 'BAD_ARGUMENT',
};

/** `fallback` is the code for anything else (LIBZT_SERVICE, ECONNREFUSED, ...); `what` names the operation. */
export function fromNative(err: unknown, what: string, fallback: ErrorCode = 'ZT_NODE_FAILED'): BytefallError {
  if (err instanceof BytefallError) return err;
  const e = err as NativeError;
  const native = typeof e?.code === 'string' ? e.code : undefined;
  const code = (native && DIRECT[native]) || fallback;
  const message = native === 'LIBZT_MISSING' || native === 'LIBZT_INCOMPATIBLE'
    ? `${e.message}`
    : `cannot ${what}: ${native ?? 'error'}${e?.message && !e.message.includes(native ?? '\0') ? ` (${e.message})` : ''}`;
  return new BytefallError(code, message, { cause: err, op: what });
}

/** The errno name (ECONNREFUSED) of a native socket error, if it has one. */
export function nativeCode(err: unknown): string | undefined {
  const c = (err as NativeError)?.code;
  return typeof c === 'string' ? c : undefined;
}
