// Strict readers for the JSON the announce API exchanges: each names the field
// that is wrong, and each refusal is an ApiError with the caller's code.
import { ApiError, type ApiErrorCode } from './api-error.js';
import { fromHex } from '../util/hex.js';

export type JsonObject = Record<string, unknown>;

export class Fields {
  constructor(
    readonly obj: JsonObject,
    readonly code: ApiErrorCode,
    readonly what: string,
  ) {}

  /** Reads `value` as an object with no keys but `allowed`. */
  static of(value: unknown, code: ApiErrorCode, what: string, allowed: readonly string[]): Fields {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ApiError(code, `${what} must be a JSON object`);
    }
    const f = new Fields(value as JsonObject, code, what);
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) throw f.bad(key, 'is not a known field');
    }
    return f;
  }

  bad(key: string, why: string): ApiError {
    return new ApiError(this.code, `${this.what}: "${key}" ${why}`);
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined;
  }

  /** Exactly `len` bytes written as 2*len lowercase hex digits. */
  hex(key: string, len: number): Uint8Array {
    const v = this.obj[key];
    const bytes = typeof v === 'string' && /^[0-9a-f]*$/.test(v) ? fromHex(v) : undefined;
    if (!bytes || bytes.length !== len) throw this.bad(key, `must be ${2 * len} lowercase hex digits`);
    return bytes;
  }

  /** An integer from min to max (both within 2^53 - 1). */
  int(key: string, min: number, max: number): number {
    const v = this.obj[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
      throw this.bad(key, `must be an integer from ${min} to ${max}`);
    }
    return v;
  }

  string(key: string, maxLength: number): string {
    const v = this.obj[key];
    if (typeof v !== 'string' || v.length > maxLength) throw this.bad(key, `must be a string of at most ${maxLength} characters`);
    return v;
  }

  /** An array of at most `max` items, each read by `item` (which may throw). */
  array<T>(key: string, max: number, item: (v: unknown, i: number) => T, tooMany: ApiErrorCode = this.code): T[] {
    const v = this.obj[key];
    if (!Array.isArray(v)) throw this.bad(key, 'must be an array');
    if (v.length > max) throw new ApiError(tooMany, `${this.what}: "${key}" has ${v.length} items; at most ${max} are allowed`);
    return v.map(item);
  }
}
