// Shared by the format tests: asserting a BytefallError code, and editing
// Waterfall bytes at named offsets.
import assert from 'node:assert/strict';
import { BytefallError, type ErrorCode } from '../../src/errors.js';

/** Asserts `fn` throws a BytefallError with `code` (and a message matching `message`). */
export function throwsCode(fn: () => unknown, code: ErrorCode, message?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof BytefallError, `expected a BytefallError ${code}, got ${String(err)}`);
    assert.equal(err.code, code, `expected ${code}, got ${err.code}: ${err.message}`);
    if (message) assert.match(err.message, message);
    return true;
  });
}

/** A copy of `bytes` with `edit` applied. */
export function edited(bytes: Uint8Array, edit: (b: Uint8Array, view: DataView) => void): Uint8Array {
  const copy = bytes.slice();
  edit(copy, new DataView(copy.buffer));
  return copy;
}

export const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
