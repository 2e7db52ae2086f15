// encodeWaterfall: writes a Waterfall object as bytes, field by field, with the
// hashes and signatures it carries (build.ts computes them). Decoding a file
// and encoding the result gives back the same bytes.
import { BytefallError } from '../errors.js';
import * as blocks from './blocks.js';
import { type Entry, type PeerRecord, type Waterfall } from './model.js';
import * as L from './layout.js';

/**
 * `entriesWritten`: a buffer of the file's length whose entry blocks the caller has
 * already written (build.ts writes each entry in place, then hashes those bytes):
 * the rest is written around them and the buffer returned.
 */
export function encodeWaterfall(w: Waterfall, entriesWritten?: Uint8Array): Uint8Array {
  const n = w.entries.length;
  const length = L.fileLength(n, w.peers.length);
  if (entriesWritten !== undefined && entriesWritten.length !== length) {
    throw new BytefallError('BAD_ARGUMENT', `a Waterfall of ${n} entries and ${w.peers.length} peers is ${length} bytes, not ${entriesWritten.length}`);
  }
  const out = entriesWritten ?? new Uint8Array(length);
  blocks.writeHeaderBlock(out, L.HEADER_BLOCK_AT, { version: w.version, hashAlgorithm: w.hashAlgorithm });
  blocks.writeName(out, L.NAME_AT, w.name, false, 'Waterfall name');
  put(out, L.SALT_AT, w.salt, L.SALT_LEN, 'salt');
  put(out, L.NAME_SALT_HASH_AT, w.nameSaltHash, L.HASH64_LEN, 'name/salt hash');
  blocks.writeCountBlock(out, L.COUNT_BLOCK_AT, { fileCount: n, sequence: w.sequence, publishTime: w.publishTime });
  if (w.privateSeed) put(out, L.KEY_BLOCK_AT, w.privateSeed, 32, 'private seed');
  put(out, L.PUBLIC_KEY_AT, w.publicKey, 32, 'public key');
  put(out, L.HEADER_SIGNATURE_AT, w.headerSignature, L.HASH64_LEN, 'header signature');
  if (entriesWritten === undefined) {
    w.entries.forEach((e, i) => {
      encodeEntryFields(out, i, e, w.version[1]);
      put(out, L.entryAt(i) + L.ENTRY_HASH, e.hash, L.HASH64_LEN, () => `entry ${i} (${e.path.join('/')})`, ' hash');
    });
  }
  put(out, L.footerAt(n), w.filesSignature, L.HASH64_LEN, 'files signature');
  writePeers(out, n, w.peers);
  return out;
}

/**
 * Writes entry `i`'s name field, info block (under the rules of format minor `minor`)
 * and parent hash; its entry hash, computed over these bytes, comes last.
 */
export function encodeEntryFields(out: Uint8Array, i: number, e: Entry, minor: number): void {
  const at = L.entryAt(i);
  const where = () => `entry ${i} (${e.path.join('/')})`; // built only for a message
  blocks.writeNameField(out, at + L.ENTRY_NAME, e.name, true, where);
  blocks.writeInfo(out, at + L.ENTRY_INFO, e, where, minor);
  put(out, at + L.ENTRY_PARENT, e.parentHash, L.HASH64_LEN, where, ' parent hash');
}

/** Writes the peer count block and the max(5, p) peer slots of a file with `fileCount` entries. */
export function writePeers(out: Uint8Array, fileCount: number, peers: readonly PeerRecord[]): void {
  blocks.writePeerCountBlock(out, L.peerCountAt(fileCount), peers.length);
  peers.forEach((p, i) => blocks.writePeer(out, L.peerAt(fileCount, i), p, `peer record ${i}`));
}

/** `what` names the field, or `what()` + `suffix` does (built only for a message). */
function put(out: Uint8Array, at: number, value: Uint8Array, len: number, what: string | (() => string), suffix = ''): void {
  if (!(value instanceof Uint8Array) || value.length !== len) {
    throw new BytefallError('BAD_ARGUMENT', `${typeof what === 'string' ? what : what()}${suffix} must be ${len} bytes`);
  }
  out.set(value, at);
}
