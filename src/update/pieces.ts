// The pieces of one file as the update plan sees them: where each starts, how
// long it is, and its leaf hash (plain BLAKE3 of the piece), from the file's layer
// (32-byte hashes for fixed-size pieces, 36-byte records for content-defined ones).
import { CDC_RECORD_LEN } from '../hash/cdc.js';
import { CHUNKING_CDC, type Entry } from '../format/model.js';

export interface Piece {
  /** Index in the file. */
  index: number;
  offset: number;
  length: number;
  /** The plain BLAKE3 of the piece (what REQUEST kind 1 names), 32 bytes. */
  hash: Uint8Array;
}

/** The pieces of file `entry` whose layer is `layer`. */
export function piecesOf(entry: Pick<Entry, 'size' | 'pieceSize' | 'chunking'>, layer: Uint8Array): Piece[] {
  const out: Piece[] = [];
  if (entry.chunking === CHUNKING_CDC) {
    const view = new DataView(layer.buffer, layer.byteOffset, layer.byteLength);
    let offset = 0;
    for (let i = 0; i * CDC_RECORD_LEN < layer.length; i++) {
      const at = i * CDC_RECORD_LEN;
      const length = view.getUint32(at, true);
      out.push({ index: i, offset, length, hash: layer.subarray(at + 4, at + CDC_RECORD_LEN) });
      offset += length;
    }
    return out;
  }
  for (let i = 0; i * 32 < layer.length; i++) {
    const offset = i * entry.pieceSize;
    out.push({ index: i, offset, length: Math.min(entry.pieceSize, entry.size - offset), hash: layer.subarray(i * 32, i * 32 + 32) });
  }
  return out;
}

/** A key for "the same piece": its hash and its length. */
export function pieceKey(p: Pick<Piece, 'hash' | 'length'>): string {
  return `${Buffer.from(p.hash.buffer, p.hash.byteOffset, p.hash.byteLength).toString('hex')}:${p.length}`;
}
