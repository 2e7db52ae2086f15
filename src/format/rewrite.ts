// Rewrites the parts of a Waterfall no signature covers: the peer list (a
// hint a client may replace with the peers it found) and the key block's form
// (toPublicForm drops an embedded private key before publishing).
import { decodeWaterfall, type DecodeOptions } from './decode.js';
import { writePeers } from './encode.js';
import { publicHeader } from './public-form.js';
import { type PeerRecord } from './model.js';
import * as L from './layout.js';

/** The same Waterfall with `peers` as its peer list. The file is fully checked first. */
export function rewritePeers(bytes: Uint8Array, peers: readonly PeerRecord[], opts: DecodeOptions = {}): Uint8Array {
  const n = decodeWaterfall(bytes, opts).entries.length;
  const out = new Uint8Array(L.fileLength(n, peers.length));
  out.set(bytes.subarray(0, L.peerCountAt(n)));
  writePeers(out, n, peers);
  return out;
}

/** The same Waterfall with the key block in public form; signatures are unchanged. */
export function toPublicForm(bytes: Uint8Array): Uint8Array {
  decodeWaterfall(bytes, { allowPrivateKey: true });
  const out = bytes.slice();
  out.set(publicHeader(bytes));
  return out;
}
