// A second, deliberately plain implementation of FastCDC as docs/FORMAT.md
// ("Format 1.1") specifies it, in TypeScript with BigInt arithmetic: the tests
// compare the WASM chunker against it. Slow; for tests only.
import { blake3, blake3DeriveKey, blake3Keyed } from '../../src/hash/blake3.js';

const MASK64 = (1n << 64n) - 1n;

let gear: bigint[] | undefined;

/** GEAR = derive_key("ByteFall 2026-11-23 cdc gear", "") as 2048 bytes, read as 256 u64 LE. */
export function referenceGear(): bigint[] {
  if (gear) return gear;
  const bytes = blake3DeriveKey('ByteFall 2026-11-23 cdc gear', new Uint8Array(0), 2048);
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  gear = Array.from({ length: 256 }, (_, i) => view.getBigUint64(8 * i, true));
  return gear;
}

/** The length of the piece that starts the `n` bytes of `data` at `start`. */
export function referenceCut(data: Uint8Array, start: number, n: number, avg: number): number {
  const min = avg / 4;
  const max = avg * 4;
  const bits = BigInt(Math.log2(avg));
  const maskS = (MASK64 << (64n - (bits + 2n))) & MASK64;
  const maskL = (MASK64 << (64n - (bits - 2n))) & MASK64;
  if (n <= min) return n;
  const end = Math.min(n, max);
  const normal = Math.min(end, avg);
  const g = referenceGear();
  let fp = 0n;
  let i = min;
  for (; i < normal; i++) {
    fp = ((fp << 1n) + g[data[start + i]]) & MASK64;
    if ((fp & maskS) === 0n) return i + 1;
  }
  for (; i < end; i++) {
    fp = ((fp << 1n) + g[data[start + i]]) & MASK64;
    if ((fp & maskL) === 0n) return i + 1;
  }
  return end;
}

/** Piece lengths of `data`. */
export function referenceLengths(data: Uint8Array, avg: number): number[] {
  const out: number[] = [];
  for (let at = 0; at < data.length; ) {
    const len = referenceCut(data, at, data.length - at, avg);
    out.push(len);
    at += len;
  }
  return out;
}

/** The layer records <length u32><BLAKE3 32> of `data`. */
export function referenceRecords(data: Uint8Array, avg: number): Uint8Array {
  const lengths = referenceLengths(data, avg);
  const out = new Uint8Array(36 * lengths.length);
  const view = new DataView(out.buffer);
  let at = 0;
  lengths.forEach((len, i) => {
    view.setUint32(36 * i, len, true);
    out.set(blake3(data.subarray(at, at + len)), 36 * i + 4);
    at += len;
  });
  return out;
}

/** leaf = BLAKE3 keyed by derive_key("ByteFall 2026-11-23 cdc leaf", "") over the record. */
export function referenceLeaf(record: Uint8Array): Uint8Array {
  return blake3Keyed(blake3DeriveKey('ByteFall 2026-11-23 cdc leaf', new Uint8Array(0), 32), record);
}
