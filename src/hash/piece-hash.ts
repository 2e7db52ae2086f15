// Leaf hashes of pieces: BLAKE3 of each piece, straight from a file descriptor into
// WASM memory (no intermediate buffer) or from bytes in memory. Pieces that fit the
// input buffer are batched, many per WASM call; bigger ones are hashed in slices.

import { readSync } from 'node:fs';
import { BytefallError } from '../errors.js';
import { MODE_HASH, hashWasm } from './wasm.js';

const HASH_LEN = 32;

/**
 * Leaf hashes (32 bytes each) of the pieces in [offset, offset + length) of the file
 * open as `fd`; `offset` is a multiple of `pieceSize` and the last piece may be short.
 * A file that ends inside the region is a BytefallError('FILE_CHANGED').
 */
export function hashFileRegion(fd: number, offset: number, length: number, pieceSize: number): Uint8Array {
  if (!Number.isInteger(fd) || fd < 0) throw new BytefallError('BAD_ARGUMENT', `not a file descriptor: ${fd}`);
  checkPieceSize(pieceSize);
  checkLength('offset', offset);
  checkLength('length', length);
  if (offset % pieceSize !== 0) throw new RangeError(`offset ${offset} is not a multiple of the piece size ${pieceSize}`);
  if (!Number.isSafeInteger(offset + length)) throw new RangeError('offset + length is beyond 2^53');
  return hashPieceRun(length, pieceSize, (dst, at) => {
    for (let done = 0; done < dst.length; ) {
      let n: number;
      try {
        n = readSync(fd, dst, done, dst.length - done, offset + at + done);
      } catch (err) {
        throw BytefallError.fromSystem(err, `fd ${fd}`, 'read');
      }
      if (n === 0) {
        throw new BytefallError('FILE_CHANGED', `fd ${fd} ended at byte ${offset + at + done}, inside the region being hashed`, {
          file: `fd ${fd}`, op: 'read',
        });
      }
      done += n;
    }
  });
}

/** Leaf hashes of the consecutive `pieceSize`-byte pieces of `data` (the last may be short). */
export function hashPieces(data: Uint8Array, pieceSize: number): Uint8Array {
  if (!(data instanceof Uint8Array)) throw new BytefallError('BAD_ARGUMENT', 'data must be a Uint8Array');
  checkPieceSize(pieceSize);
  return hashPieceRun(data.length, pieceSize, (dst, at) => dst.set(data.subarray(at, at + dst.length)));
}

/** True if the plain BLAKE3 of `piece` is `expected` (32 bytes). */
export function verifyPiece(piece: Uint8Array, expected: Uint8Array): boolean {
  if (!(piece instanceof Uint8Array)) throw new BytefallError('BAD_ARGUMENT', 'piece must be a Uint8Array');
  if (!(expected instanceof Uint8Array) || expected.length !== HASH_LEN) {
    throw new BytefallError('BAD_ARGUMENT', `expected must be a ${HASH_LEN}-byte hash`);
  }
  const w = hashWasm();
  w.useState(null);
  if (piece.length <= w.inputCapacity) {
    w.input.set(piece);
    w.output.set(expected);
    return w.x.verifyPiece(piece.length) === 1;
  }
  w.x.init(MODE_HASH);
  w.feed(piece);
  return Buffer.compare(w.squeeze(HASH_LEN, 0), expected) === 0;
}

/**
 * Hashes the pieces of a `length`-byte run; fill(dst, at) must write bytes
 * [at, at + dst.length) of the run into dst, a view over WASM memory.
 */
function hashPieceRun(length: number, pieceSize: number, fill: (dst: Uint8Array, at: number) => void): Uint8Array {
  const count = Math.ceil(length / pieceSize);
  const out = new Uint8Array(count * HASH_LEN);
  const w = hashWasm();
  w.useState(null);
  if (pieceSize <= w.inputCapacity) {
    const perCall = Math.min(Math.floor(w.inputCapacity / pieceSize), w.lensCapacity);
    for (let i = 0; i < count; ) {
      const k = Math.min(perCall, count - i);
      const at = i * pieceSize;
      const bytes = Math.min(k * pieceSize, length - at);
      fill(w.input.subarray(0, bytes), at);
      const lens = w.lens;
      lens.fill(pieceSize, 0, k);
      lens[k - 1] = bytes - (k - 1) * pieceSize;
      w.x.hashMany(k);
      out.set(w.output.subarray(0, k * HASH_LEN), i * HASH_LEN);
      i += k;
    }
    return out;
  }
  for (let i = 0; i < count; i++) {
    const start = i * pieceSize;
    const end = Math.min(start + pieceSize, length);
    w.x.init(MODE_HASH);
    for (let at = start; at < end; ) {
      const n = Math.min(w.inputCapacity, end - at);
      fill(w.input.subarray(0, n), at);
      w.x.update(n);
      at += n;
    }
    w.x.finalize(HASH_LEN, 0, 0);
    out.set(w.output.subarray(0, HASH_LEN), i * HASH_LEN);
  }
  return out;
}

function checkPieceSize(pieceSize: number): void {
  if (!Number.isSafeInteger(pieceSize) || pieceSize < 1) throw new RangeError(`piece size must be an integer >= 1, got ${pieceSize}`);
}

function checkLength(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be an integer >= 0, got ${value}`);
}
