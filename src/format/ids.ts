// Swarm ids and Waterfall ids as text: 64 lowercase hex digits.
import { BytefallError } from '../errors.js';
import { toHex, fromHex } from '../util/hex.js';
import { type Waterfall } from './model.js';

const ID_LEN = 32;

export function swarmIdHex(w: Waterfall): string {
  return toHex(w.swarmId);
}

export function waterfallIdHex(w: Waterfall): string {
  return toHex(w.waterfallId);
}

/** Reads a swarm or Waterfall id written as 64 hex digits (either case). */
export function parseId(text: string): Uint8Array {
  const id = fromHex(text);
  if (id === undefined || id.length !== ID_LEN) {
    throw new BytefallError('BAD_ARGUMENT', `"${text}" is not an id (64 hex digits)`);
  }
  return id;
}
