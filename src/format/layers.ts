// The piece-layer sidecar (X.waterfall.layers, docs/FORMAT.md "The piece
// layer"): every file's piece hashes, trusted only once each file's merkle
// root reproduces the entry hash its Waterfall signed.
//
// <magic "ByteFall layers\0" 16><version u32 = 1><entry count u32><waterfall id 32>
// <total piece count u64><32-byte piece hashes of each file entry, in entry order>
import { BytefallError } from '../errors.js';
import { merkleRoot } from '../hash/merkle.js';
import { entryHashFor } from './entry-hash.js';
import { equalBytes } from './bytes.js';
import { type Entry, type Waterfall } from './model.js';

const MAGIC = new TextEncoder().encode('ByteFall layers\0');
const LAYERS_VERSION = 1;
const LAYERS_HEADER_LEN = 64;
const LEAF_LEN = 32;

/** ceil(size / pieceSize) for a file, 0 for a directory (and for an empty file). */
export function pieceCountOf(entry: Entry): number {
  return entry.isDir ? 0 : Math.ceil(entry.size / entry.pieceSize);
}

/**
 * The sidecar for `w`: `perFileLeaves` holds, for each file entry in order
 * (directories skipped), its piece hashes concatenated (32 bytes each).
 * Each file's layer is checked against its entry hash before it is written.
 */
export function encodeLayers(w: Waterfall, perFileLeaves: readonly Uint8Array[]): Uint8Array {
  const files = w.entries.filter((e) => !e.isDir);
  if (perFileLeaves.length !== files.length) {
    throw new BytefallError('BAD_PIECE_LAYER', `${perFileLeaves.length} piece layers given for ${files.length} files`);
  }
  files.forEach((e, i) => checkLayer(e, perFileLeaves[i]));
  const total = files.reduce((sum, e) => sum + pieceCountOf(e), 0);
  const out = new Uint8Array(LAYERS_HEADER_LEN + LEAF_LEN * total);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  view.setUint32(16, LAYERS_VERSION, true);
  view.setUint32(20, w.entries.length, true);
  out.set(w.waterfallId, 24);
  view.setBigUint64(56, BigInt(total), true);
  let at = LAYERS_HEADER_LEN;
  for (const leaves of perFileLeaves) {
    out.set(leaves, at);
    at += leaves.length;
  }
  return out;
}

/** Reads the sidecar of `w` and checks every file's layer; returns each file's leaves, in file-entry order. */
export function decodeLayers(bytes: Uint8Array, w: Waterfall): Uint8Array[] {
  if (bytes.length < LAYERS_HEADER_LEN) fail(`file is ${bytes.length} bytes; the header alone is ${LAYERS_HEADER_LEN}`);
  if (!equalBytes(bytes.subarray(0, MAGIC.length), MAGIC)) fail('wrong magic: not a piece layer file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(16, true);
  if (version !== LAYERS_VERSION) {
    throw new BytefallError('UNSUPPORTED_VERSION', `piece layer: version ${version}; this build reads ${LAYERS_VERSION}`);
  }
  const entryCount = view.getUint32(20, true);
  if (entryCount !== w.entries.length) fail(`written for ${entryCount} entries; the Waterfall has ${w.entries.length}`);
  if (!equalBytes(bytes.subarray(24, 56), w.waterfallId)) fail('written for another Waterfall (the Waterfall id differs)');
  const files = w.entries.filter((e) => !e.isDir);
  const expected = files.reduce((sum, e) => sum + pieceCountOf(e), 0);
  const total = view.getBigUint64(56, true);
  if (total !== BigInt(expected)) fail(`total piece count ${total}; the Waterfall's files have ${expected}`);
  if (bytes.length !== LAYERS_HEADER_LEN + LEAF_LEN * expected) {
    fail(`file is ${bytes.length} bytes; ${expected} pieces make ${LAYERS_HEADER_LEN + LEAF_LEN * expected}`);
  }
  let at = LAYERS_HEADER_LEN;
  return files.map((e) => {
    const leaves = bytes.slice(at, (at += LEAF_LEN * pieceCountOf(e)));
    checkLayer(e, leaves);
    return leaves;
  });
}

/** A file's layer must have one hash per piece and its merkle root must reproduce the entry hash. */
function checkLayer(e: Entry, leaves: Uint8Array): void {
  const where = `piece layer of ${e.path.join('/')}`;
  const pieces = pieceCountOf(e);
  if (leaves.length !== LEAF_LEN * pieces) fail(`${where}: ${leaves.length / LEAF_LEN} piece hashes for ${pieces} pieces`);
  if (!equalBytes(entryHashFor(e, merkleRoot(leaves)), e.hash)) {
    fail(`${where}: its merkle root does not match the entry hash`);
  }
}

function fail(message: string): never {
  throw new BytefallError('BAD_PIECE_LAYER', message.startsWith('piece layer') ? message : `piece layer: ${message}`);
}
