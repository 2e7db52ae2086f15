// Content-defined pieces (docs/FORMAT.md, "Format 1.1") over the WASM module
// (assembly/hash/cdc.ts): cut a byte stream into FastCDC pieces and BLAKE3 each in
// one pass, giving the file's layer records <length u32><hash 32>; the CDC leaves
// and merkle root over those records; and the plain hashes of given piece runs.

import { readSync } from 'node:fs';
import { BytefallError } from '../errors.js';
import { merkleRoot } from './merkle.js';
import { hashWasm, type HashExports, type HashModule } from './wasm.js';

/** A piece's layer record: <length u32 LE><BLAKE3 of the piece 32>. */
export const CDC_RECORD_LEN = 36;
const HASH_LEN = 32;
/** The smallest and largest average piece size (the entry's piece size) of a CDC file. */
export const MIN_CDC_PIECE_SIZE = 1 << 10;
export const MAX_CDC_PIECE_SIZE = 1 << 22;

/** The CDC exports of build/hash.wasm (assembly/hash/cdc.ts). */
interface CdcExports extends HashExports {
  cdcGearPtr(): number;
  cdcInit(log2: number): void;
  cdcUpdate(len: number, last: number): number;
  cdcLeaves(count: number): void;
}

function wasm(): { w: HashModule; x: CdcExports } {
  const w = hashWasm();
  w.useState(null); // the stream uses the module's one hasher state
  return { w, x: w.x as CdcExports };
}

export interface CdcParams {
  /** Pieces other than the last are min + 1 to max bytes long. */
  min: number;
  /** The average aimed at: the entry's piece size. */
  avg: number;
  max: number;
}

/** min = avg / 4, max = 4 avg, for an average that is a power of two from 1 KiB to 4 MiB. */
export function cdcParams(pieceSize: number): CdcParams {
  const ok = Number.isInteger(pieceSize) && pieceSize >= MIN_CDC_PIECE_SIZE && pieceSize <= MAX_CDC_PIECE_SIZE && (pieceSize & (pieceSize - 1)) === 0;
  if (!ok) throw new RangeError(`a content-defined piece size is a power of two from 1 KiB to 4 MiB, got ${pieceSize}`);
  return { min: pieceSize / 4, avg: pieceSize, max: pieceSize * 4 };
}

/** The gear table (256 u64), for tests and second implementations. */
export function cdcGearTable(): BigUint64Array {
  const { w, x } = wasm();
  return new BigUint64Array(w.x.memory.buffer.slice(x.cdcGearPtr(), x.cdcGearPtr() + 2048));
}

/**
 * Cuts a `length`-byte stream into pieces of average `pieceSize` and hashes each;
 * fill(dst, at) writes stream bytes [at, at + dst.length) into dst (WASM memory).
 * Returns the layer records, 36 bytes per piece.
 */
function chunkRun(length: number, pieceSize: number, fill: (dst: Uint8Array, at: number) => void): Uint8Array {
  const { min } = cdcParams(pieceSize);
  const { w, x } = wasm();
  const maxRecords = Math.floor(w.outputCapacity / CDC_RECORD_LEN);
  const slice = Math.min(w.inputCapacity, (maxRecords - 2) * (min + 1));
  const parts: Uint8Array[] = [];
  let total = 0;
  x.cdcInit(Math.log2(pieceSize));
  let at = 0;
  do {
    const n = Math.min(slice, length - at);
    if (n > 0) fill(w.input.subarray(0, n), at);
    at += n;
    const k = x.cdcUpdate(n, at >= length ? 1 : 0);
    if (k > 0) {
      parts.push(w.output.slice(0, k * CDC_RECORD_LEN));
      total += k * CDC_RECORD_LEN;
    }
  } while (at < length);
  return parts.length === 1 ? parts[0] : concat(parts, total);
}

/** The layer records of `data` cut into content-defined pieces of average `pieceSize`. */
export function chunkBytes(data: Uint8Array, pieceSize: number): Uint8Array {
  if (!(data instanceof Uint8Array)) throw new BytefallError('BAD_ARGUMENT', 'data must be a Uint8Array');
  return chunkRun(data.length, pieceSize, (dst, at) => dst.set(data.subarray(at, at + dst.length)));
}

/**
 * The layer records of the first `size` bytes of the file open as `fd`. A file
 * that ends sooner is FILE_CHANGED (named `name` in the message).
 */
export function chunkFile(fd: number, size: number, pieceSize: number, name = `fd ${fd}`): Uint8Array {
  return chunkRun(size, pieceSize, (dst, at) => readFully(fd, dst, at, name));
}

/**
 * Plain BLAKE3 of consecutive pieces of the file open as `fd`, the first at
 * `offset`, of the given lengths: 32 bytes each. Many pieces go to one WASM call.
 */
export function hashRuns(fd: number, offset: number, lengths: ArrayLike<number>, name = `fd ${fd}`): Uint8Array {
  const out = new Uint8Array(lengths.length * HASH_LEN);
  const { w, x } = wasm();
  let pos = offset;
  for (let i = 0; i < lengths.length; ) {
    if (lengths[i] > w.inputCapacity) {
      x.init(0);
      for (let done = 0; done < lengths[i]; ) {
        const n = Math.min(w.inputCapacity, lengths[i] - done);
        readFully(fd, w.input.subarray(0, n), pos + done, name);
        x.update(n);
        done += n;
      }
      x.finalize(HASH_LEN, 0, 0);
      out.set(w.output.subarray(0, HASH_LEN), i * HASH_LEN);
      pos += lengths[i++];
      continue;
    }
    let k = 0;
    let bytes = 0;
    while (i + k < lengths.length && k < w.lensCapacity && bytes + lengths[i + k] <= w.inputCapacity) bytes += lengths[i + k++];
    readFully(fd, w.input.subarray(0, bytes), pos, name);
    const lens = w.lens;
    for (let j = 0; j < k; j++) lens[j] = lengths[i + j];
    x.hashMany(k);
    out.set(w.output.subarray(0, k * HASH_LEN), i * HASH_LEN);
    pos += bytes;
    i += k;
  }
  return out;
}

/** The CDC leaves (32 bytes each) of layer records (36 bytes each). */
export function cdcLeaves(records: Uint8Array): Uint8Array {
  if (!(records instanceof Uint8Array) || records.length % CDC_RECORD_LEN !== 0) {
    throw new BytefallError('BAD_ARGUMENT', `layer records are 36 bytes each, got ${records?.length} bytes`);
  }
  const n = records.length / CDC_RECORD_LEN;
  const out = new Uint8Array(n * HASH_LEN);
  const { w, x } = wasm();
  const perCall = Math.min(Math.floor(w.inputCapacity / CDC_RECORD_LEN), Math.floor(w.outputCapacity / HASH_LEN));
  for (let i = 0; i < n; i += perCall) {
    const k = Math.min(perCall, n - i);
    w.input.set(records.subarray(i * CDC_RECORD_LEN, (i + k) * CDC_RECORD_LEN));
    x.cdcLeaves(k);
    out.set(w.output.subarray(0, k * HASH_LEN), i * HASH_LEN);
  }
  return out;
}

/** The content root of a CDC file: the merkle root over the CDC leaves of its records. */
export function cdcRoot(records: Uint8Array): Uint8Array {
  return merkleRoot(cdcLeaves(records));
}

/** The piece lengths in layer records. */
export function recordLengths(records: Uint8Array): Uint32Array {
  const n = Math.floor(records.length / CDC_RECORD_LEN);
  const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = view.getUint32(i * CDC_RECORD_LEN, true);
  return out;
}

/** The plain BLAKE3 of each piece in layer records, 32 bytes each. */
export function recordHashes(records: Uint8Array): Uint8Array {
  const n = Math.floor(records.length / CDC_RECORD_LEN);
  const out = new Uint8Array(n * HASH_LEN);
  for (let i = 0; i < n; i++) out.set(records.subarray(i * CDC_RECORD_LEN + 4, (i + 1) * CDC_RECORD_LEN), i * HASH_LEN);
  return out;
}

function readFully(fd: number, dst: Uint8Array, position: number, name: string): void {
  for (let done = 0; done < dst.length; ) {
    let n: number;
    try {
      n = readSync(fd, dst, done, dst.length - done, position + done);
    } catch (err) {
      throw BytefallError.fromSystem(err, name, 'read');
    }
    if (n === 0) {
      throw new BytefallError('FILE_CHANGED', `${name} ended at byte ${position + done}, inside the region being hashed`, { file: name, op: 'read' });
    }
    done += n;
  }
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
