// The piece-layer sidecar (X.waterfall.layers, docs/FORMAT.md "The piece
// layer"): every file's piece hashes, trusted only once each file's merkle
// root reproduces the entry hash its Waterfall signed.
//
// <magic "ByteFall layers\0" 16><version u32 = 1><entry count u32><waterfall id 32>
// <total piece count u64><each file entry's layer, in entry order>
// A fixed-size file's layer is its 32-byte piece hashes; a content-defined
// (format 1.1) file's layer is its 36-byte records <length u32><hash 32>.
import { BytefallError } from '../errors.js';
import { merkleRoot } from '../hash/merkle.js';
import { CDC_RECORD_LEN, cdcParams, cdcRoot } from '../hash/cdc.js';
import { entryHashFor } from './entry-hash.js';
import { equalBytes } from './bytes.js';
import { CHUNKING_CDC, type Entry, type Waterfall } from './model.js';

const MAGIC = new TextEncoder().encode('ByteFall layers\0');
const LAYERS_VERSION = 1;
const LAYERS_HEADER_LEN = 64;
const LEAF_LEN = 32;

/**
 * A file's piece count: ceil(size / pieceSize) for fixed-size pieces, the count its
 * info block carries for content-defined ones; 0 for a directory (and an empty file).
 */
export function pieceCountOf(entry: Pick<Entry, 'isDir' | 'size' | 'pieceSize' | 'chunking' | 'pieceCount'>): number {
  if (entry.isDir) return 0;
  return entry.chunking === CHUNKING_CDC ? entry.pieceCount ?? 0 : Math.ceil(entry.size / entry.pieceSize);
}

/** Bytes per piece in a file's layer: 32 (a hash) or, for content-defined pieces, 36 (a record). */
export function layerRecordLen(entry: Pick<Entry, 'chunking'>): number {
  return entry.chunking === CHUNKING_CDC ? CDC_RECORD_LEN : LEAF_LEN;
}

export interface EncodeLayersOptions {
  /**
   * false: check each layer's size (and a CDC layer's piece lengths) but not that its
   * merkle root gives the entry hash: for a caller that computed the roots it signed
   * from these very layers (`create`), where the check would only repeat that work.
   */
  checkRoots?: boolean;
}

/**
 * The sidecar for `w`: `perFileLeaves` holds, for each file entry in order
 * (directories skipped), its layer: piece hashes (32 bytes each) or, for a
 * content-defined file, records (36 bytes each), concatenated.
 * Each file's layer is checked against its entry hash before it is written.
 */
export function encodeLayers(w: Waterfall, perFileLeaves: readonly Uint8Array[], options: EncodeLayersOptions = {}): Uint8Array {
  const files = w.entries.filter((e) => !e.isDir);
  if (perFileLeaves.length !== files.length) {
    throw new BytefallError('BAD_PIECE_LAYER', `${perFileLeaves.length} piece layers given for ${files.length} files`);
  }
  if (options.checkRoots === false) files.forEach((e, i) => checkLayerShape(e, perFileLeaves[i]));
  else files.forEach((e, i) => checkLayer(e, perFileLeaves[i]));
  const total = files.reduce((sum, e) => sum + pieceCountOf(e), 0);
  const out = new Uint8Array(LAYERS_HEADER_LEN + files.reduce((sum, e) => sum + layerRecordLen(e) * pieceCountOf(e), 0));
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
  const length = LAYERS_HEADER_LEN + files.reduce((sum, e) => sum + layerRecordLen(e) * pieceCountOf(e), 0);
  if (bytes.length !== length) fail(`file is ${bytes.length} bytes; ${expected} pieces make ${length}`);
  let at = LAYERS_HEADER_LEN;
  return files.map((e) => {
    const leaves = bytes.slice(at, (at += layerRecordLen(e) * pieceCountOf(e)));
    checkLayer(e, leaves);
    return leaves;
  });
}

/** A file's layer must have one hash (or record) per piece and its merkle root must reproduce the entry hash. */
function checkLayer(e: Entry, layer: Uint8Array): void {
  checkLayerShape(e, layer);
  const where = () => `piece layer of ${e.path.join('/')}`; // built only for a message
  const root = e.chunking === CHUNKING_CDC ? cdcRoot(layer) : merkleRoot(layer);
  if (!equalBytes(entryHashFor(e, root), e.hash)) {
    fail(`${where()}: its merkle root does not match the entry hash`);
  }
}

/** A CDC file's piece lengths: min + 1 to max bytes, the last 1 to max, adding up to the size. */
function checkLengths(e: Entry, records: Uint8Array, where: string): void {
  const { min, max } = cdcParams(e.pieceSize);
  const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
  const n = records.length / CDC_RECORD_LEN;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const len = view.getUint32(i * CDC_RECORD_LEN, true);
    const least = i === n - 1 ? 1 : min + 1;
    if (len < least || len > max) fail(`${where}: piece ${i} is ${len} bytes; pieces are ${least} to ${max}`);
    sum += len;
  }
  if (sum !== e.size) fail(`${where}: the pieces add up to ${sum} bytes; the file has ${e.size}`);
}

/** One hash (or record) per piece; a CDC file's piece lengths add up to its size. */
function checkLayerShape(e: Entry, layer: Uint8Array): void {
  const where = () => `piece layer of ${e.path.join('/')}`; // built only for a message
  const pieces = pieceCountOf(e);
  const unit = layerRecordLen(e);
  const what = e.chunking === CHUNKING_CDC ? 'piece records' : 'piece hashes';
  if (layer.length !== unit * pieces) fail(`${where()}: ${layer.length / unit} ${what} for ${pieces} pieces`);
  if (e.chunking === CHUNKING_CDC) checkLengths(e, layer, where());
}

function fail(message: string): never {
  throw new BytefallError('BAD_PIECE_LAYER', message.startsWith('piece layer') ? message : `piece layer: ${message}`);
}
