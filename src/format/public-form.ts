// The public form of a Waterfall's header: the key block with its seed half
// zeroed. Every signature and hash covers this form, so a file written with
// the private key has the same signatures as its published copy.
import { HEADER_LEN } from './model.js';
import { KEY_BLOCK_AT, PUBLIC_KEY_AT } from './layout.js';

/** A copy of header bytes [0, end) (end <= 640) with the seed, if any, replaced by zeros. */
export function publicHeader(bytes: Uint8Array, end: number = HEADER_LEN): Uint8Array {
  const out = bytes.slice(0, end);
  out.fill(0, KEY_BLOCK_AT, Math.min(end, PUBLIC_KEY_AT));
  return out;
}
