// A fixed-length set of piece indices in BitTorrent bit order (index 0 is the high bit of
// byte 0), so the bytes go on the wire and on disk as they are. The buffer is padded to whole
// 32-bit words so that scans can skip 32 absent pieces with one comparison.
import { BytefallError } from '../errors.js';

export class Bitfield {
  readonly length: number;
  /** ceil(length / 32) * 4 bytes; the bits past `length` are always zero. */
  readonly bytes: Uint8Array;
  readonly words: Uint32Array;
  private ones = 0;

  constructor(length: number) {
    if (!Number.isSafeInteger(length) || length < 0) {
      throw new BytefallError('BAD_ARGUMENT', `bitfield length must be a non-negative integer, not ${length}`);
    }
    this.length = length;
    this.words = new Uint32Array(Math.ceil(length / 32));
    this.bytes = new Uint8Array(this.words.buffer);
  }

  /** Reads ceil(length/8) bytes; refuses a wrong size or a set bit past the end. */
  static fromBytes(src: Uint8Array, length: number): Bitfield {
    const bf = new Bitfield(length);
    const n = Math.ceil(length / 8);
    if (src.length !== n) {
      throw new BytefallError('BAD_ARGUMENT', `a bitfield of ${length} pieces has ${n} bytes, not ${src.length}`);
    }
    if (length % 8 !== 0 && (src[n - 1] & (0xff >> length % 8)) !== 0) {
      throw new BytefallError('BAD_ARGUMENT', 'a bitfield has bits set past its last piece');
    }
    bf.bytes.set(src);
    for (let i = 0; i < n; i++) bf.ones += popcount8(src[i]);
    return bf;
  }

  /**
   * The pieces a chunk of a bitfield names (bit 7 of byte 0 is piece `first`, a multiple of 8),
   * as the wire's BITFIELD carries them; null when `first` is bad or a set bit is past the end.
   */
  static fromChunk(length: number, first: number, src: Uint8Array): Bitfield | null {
    if (!Number.isInteger(first) || first < 0 || first % 8 !== 0) return null;
    const bf = new Bitfield(length);
    for (let k = 0; k < src.length; k++) {
      for (let b = 0; src[k] !== 0 && b < 8; b++) {
        if (!(src[k] & (0x80 >> b))) continue;
        if (first + k * 8 + b >= length) return null;
        bf.set(first + k * 8 + b);
      }
    }
    return bf;
  }

  /** A bitfield with every piece set. */
  static full(length: number): Bitfield {
    const bf = new Bitfield(length);
    for (let i = 0; i < length; i++) bf.set(i);
    return bf;
  }

  get count(): number {
    return this.ones;
  }

  has(i: number): boolean {
    return i >= 0 && i < this.length && (this.bytes[i >> 3] & (0x80 >> (i & 7))) !== 0;
  }

  /** Sets or clears bit i; returns true when it changed. */
  set(i: number, value = true): boolean {
    if (!(i >= 0 && i < this.length && Number.isInteger(i))) {
      throw new BytefallError('BAD_ARGUMENT', `piece ${i} is outside 0..${this.length - 1}`);
    }
    const mask = 0x80 >> (i & 7);
    const was = (this.bytes[i >> 3] & mask) !== 0;
    if (was === value) return false;
    this.bytes[i >> 3] ^= mask;
    this.ones += value ? 1 : -1;
    return true;
  }

  /** The ceil(length/8) bytes, copied. */
  toBytes(): Uint8Array {
    return this.bytes.slice(0, Math.ceil(this.length / 8));
  }

  /** Calls fn(i) for every i set, in increasing order. */
  forEach(fn: (i: number) => void): void {
    this.forEachCommon(this, fn);
  }

  /** Calls fn(i) for every i set in this and in `other` (and not in `not`, when given). */
  forEachCommon(other: Bitfield, fn: (i: number) => void, not?: Bitfield): void {
    const a = this.words;
    const b = other.words;
    const c = not?.words;
    for (let w = 0; w < a.length; w++) {
      let word = a[w] & b[w];
      if (c) word &= ~c[w];
      if (word === 0) continue;
      for (let k = w * 4; k < w * 4 + 4; k++) {
        // Byte by byte, so the result does not depend on the machine's byte order.
        let byte = this.bytes[k] & other.bytes[k];
        if (not) byte &= ~not.bytes[k];
        if (byte === 0) continue;
        const base = k * 8;
        for (let bit = 0; bit < 8; bit++) if (byte & (0x80 >> bit)) fn(base + bit);
      }
    }
  }
}

function popcount8(x: number): number {
  let n = 0;
  for (; x; x &= x - 1) n++;
  return n;
}
