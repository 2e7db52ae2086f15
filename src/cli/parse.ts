// Parsing of CLI option values: sizes like 256K or 1M, hex salts, counts.
import { BytefallError } from '../errors.js';
import { fromHex } from '../util/hex.js';

const UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

/** "262144", "256K", "256KiB", "1M" -> bytes. */
export function parseSize(text: string, what: string): number {
  const m = /^(\d+)\s*([KMG]?)(i?B)?$/i.exec(text.trim());
  const value = m ? Number(m[1]) * UNITS[m[2].toUpperCase()] : NaN;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new BytefallError('BAD_ARGUMENT', `${what}: "${text}" is not a size (examples: 262144, 256K, 1M)`);
  }
  return value;
}

export function parseSalt(text: string): Uint8Array {
  const bytes = fromHex(text);
  if (!bytes || bytes.length > 64) throw new BytefallError('BAD_ARGUMENT', `--salt must be up to 64 bytes as hex digits, got "${text}"`);
  const salt = new Uint8Array(64);
  salt.set(bytes);
  return salt;
}

export function parseCount(text: string, what: string, min = 1, max = 4096): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) {
    throw new BytefallError('BAD_ARGUMENT', `${what} must be a whole number from ${min} to ${max}, got "${text}"`);
  }
  return n;
}

/** Commander's accumulator for a repeatable option (--peer, --peer-record, --announce). */
export const collect = (value: string, list: string[]): string[] => [...list, value];
