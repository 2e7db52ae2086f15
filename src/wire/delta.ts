// Block deltas against bytes only the requester holds (docs/PROTOCOL.md, "Deltas"), the way
// rsync moves a file: the requester sends a signature of its old bytes (the base), a weak
// rolling checksum and a strong checksum per block; the responder, which never sees the base,
// finds those blocks in the bytes asked for, at any byte offset, and answers with a stream of
// "copy base blocks j..j+n" and literal bytes; the requester rebuilds the block from its base.
// Pure functions, no I/O. A false match (two different blocks with equal checksums) gives
// wrong bytes that the piece's hash check catches; the requester then asks without a delta.
import { BytefallError } from '../errors.js';

/** Bytes per signature entry: weak u32 LE, then strong u32 LE. */
export const DELTA_SIG_ENTRY_LEN = 8;
/** Smallest and largest block a signature may use. */
export const DELTA_MIN_BLOCK_LEN = 32;
export const DELTA_MAX_BLOCK_LEN = 65535;
/** Most blocks one signature may list (a REQUEST carries it whole: 32 KiB). */
export const DELTA_MAX_BLOCKS = 4096;

/** rsync's weak checksum of `data[at, at + len)`: a (sum of bytes) and b (weighted sum), 16 bits each. */
function weakParts(data: Uint8Array, at: number, len: number): [number, number] {
  let a = 0;
  let b = 0;
  for (let i = 0; i < len; i++) {
    a += data[at + i];
    b += (len - i) * data[at + i];
  }
  return [a & 0xffff, b & 0xffff];
}

const weakOf = (a: number, b: number): number => (a | (b << 16)) >>> 0;

/** A 32-bit multiplicative hash (murmur3's mixing) of `data[at, at + len)`: the strong checksum. */
function strongOf(data: Uint8Array, at: number, len: number): number {
  let h = 0x9747b28c ^ len;
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    let k = data[at + i] | (data[at + i + 1] << 8) | (data[at + i + 2] << 16) | (data[at + i + 3] << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  for (; i < len; i++) h = Math.imul(h ^ data[at + i], 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Signature entries sharing one weak checksum that the responder checks (a requester may list thousands). */
const MAX_CANDIDATES = 16;

/** The block length a requester should use for a base of `baseLen` bytes: at least `min`, at most DELTA_MAX_BLOCKS blocks. */
export function deltaBlockLen(baseLen: number, min = 64): number {
  let len = Math.max(DELTA_MIN_BLOCK_LEN, min);
  while (len * DELTA_MAX_BLOCKS < baseLen && len * 2 <= DELTA_MAX_BLOCK_LEN) len *= 2;
  return len;
}

/** The signature of `base` in blocks of `blockLen` (a last partial block is left out; at most DELTA_MAX_BLOCKS). */
export function deltaSignature(base: Uint8Array, blockLen: number): Uint8Array {
  checkBlockLen(blockLen);
  const count = Math.min(DELTA_MAX_BLOCKS, Math.floor(base.length / blockLen));
  const out = new Uint8Array(count * DELTA_SIG_ENTRY_LEN);
  const view = new DataView(out.buffer);
  for (let j = 0; j < count; j++) {
    const [a, b] = weakParts(base, j * blockLen, blockLen);
    view.setUint32(j * DELTA_SIG_ENTRY_LEN, weakOf(a, b), true);
    view.setUint32(j * DELTA_SIG_ENTRY_LEN + 4, strongOf(base, j * blockLen, blockLen), true);
  }
  return out;
}

/** The bytes of the base a signature describes: `count` whole blocks. */
export function signatureSpan(signature: Uint8Array, blockLen: number): number {
  return (signature.length / DELTA_SIG_ENTRY_LEN) * blockLen;
}

/**
 * The delta of `target` against the base `signature` describes (uncompressed), or undefined
 * when no block of the base occurs in it. Ops, in order, until the output is complete:
 * `varint(2 n)` then n literal bytes; `varint(2 n + 1) varint(j)`: base blocks j .. j + n - 1.
 */
export function encodeDelta(target: Uint8Array, signature: Uint8Array, blockLen: number): Uint8Array | undefined {
  checkBlockLen(blockLen);
  const count = signature.length / DELTA_SIG_ENTRY_LEN;
  const view = new DataView(signature.buffer, signature.byteOffset, signature.byteLength);
  const byWeak = new Map<number, number[]>();
  for (let j = 0; j < count; j++) {
    const w = view.getUint32(j * DELTA_SIG_ENTRY_LEN, true);
    const list = byWeak.get(w);
    if (list) list.push(j);
    else byWeak.set(w, [j]);
  }
  const strongAt = (j: number) => view.getUint32(j * DELTA_SIG_ENTRY_LEN + 4, true);
  // A requester chooses the signature: bound what it can make us do. Strong checksums cost
  // blockLen bytes each, within a budget of 8 bytes per byte of target (+ 1 MiB); a weak value
  // listed many times is checked against its first few entries only. Past the budget the rest
  // travels as literals: still a right answer, only a larger one.
  let budget = 8 * target.length + (1 << 20);
  const out = new OpWriter(target.length);
  const n = target.length;
  const B = blockLen;
  let literalFrom = 0;
  let copies = 0;
  let p = 0;
  let a = 0;
  let b = 0;
  if (n >= B) [a, b] = weakParts(target, 0, B);
  while (p + B <= n) {
    const list = byWeak.get(weakOf(a, b));
    let match = -1;
    if (list && budget >= B) {
      budget -= B;
      const s = strongOf(target, p, B);
      // The block right after the last copy first: runs stay runs.
      if (out.nextBlock >= 0 && out.nextBlock < count && weakOf(a, b) === view.getUint32(out.nextBlock * DELTA_SIG_ENTRY_LEN, true) && strongAt(out.nextBlock) === s) match = out.nextBlock;
      for (let i = 0; match < 0 && i < list.length && i < MAX_CANDIDATES; i++) if (strongAt(list[i]) === s) match = list[i];
    }
    if (match >= 0) {
      let run = 1;
      while (p + (run + 1) * B <= n && match + run < count && budget >= 2 * B) {
        budget -= 2 * B;
        const [ra, rb] = weakParts(target, p + run * B, B);
        const j = match + run;
        if (weakOf(ra, rb) !== view.getUint32(j * DELTA_SIG_ENTRY_LEN, true) || strongOf(target, p + run * B, B) !== strongAt(j)) break;
        run++;
      }
      out.literal(target, literalFrom, p);
      out.copy(match, run);
      copies++;
      p += run * B;
      literalFrom = p;
      if (p + B <= n) [a, b] = weakParts(target, p, B);
      continue;
    }
    if (p + B >= n) break;
    const leaving = target[p];
    const entering = target[p + B];
    a = (a - leaving + entering) & 0xffff;
    b = (b - B * leaving + a) & 0xffff;
    p++;
  }
  if (copies === 0) return undefined;
  out.literal(target, literalFrom, n);
  return out.done();
}

/**
 * The `length` bytes a delta rebuilds from `base` (the bytes the signature was made of), or
 * WIRE_BAD_DATA: an op past the base or past `length`, a truncated op, or too few bytes.
 */
export function applyDelta(ops: Uint8Array, base: Uint8Array, blockLen: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  const bad = (why: string) => new BytefallError('WIRE_BAD_DATA', `PIECE: delta: ${why}`);
  let at = 0;
  let o = 0;
  const varint = (): number => {
    let v = 0;
    let scale = 1;
    for (let i = 0; i < 6; i++) {
      if (at >= ops.length) throw bad('an op is cut short');
      const byte = ops[at++];
      v += (byte & 0x7f) * scale;
      if (byte < 0x80) return v;
      scale *= 128;
    }
    throw bad('a number is too long');
  };
  while (at < ops.length) {
    const head = varint();
    const n = Math.floor(head / 2);
    if (n === 0) throw bad('an empty op');
    if (head % 2 === 0) {
      if (o + n > length) throw bad(`literal bytes past the ${length} asked for`);
      if (at + n > ops.length) throw bad('literal bytes cut short');
      out.set(ops.subarray(at, at + n), o);
      at += n;
      o += n;
    } else {
      const j = varint();
      const from = j * blockLen;
      const len = n * blockLen;
      if (from + len > base.length) throw bad(`blocks ${j}+${n} are past the base`);
      if (o + len > length) throw bad(`blocks past the ${length} bytes asked for`);
      out.set(base.subarray(from, from + len), o);
      o += len;
    }
  }
  if (o !== length) throw bad(`rebuilds ${o} bytes, not the ${length} asked for`);
  return out;
}

/** An upper bound on the uncompressed delta of a `length`-byte block (what inflating it may produce). */
export function maxDeltaLen(length: number): number {
  return length + 16 * Math.ceil(length / DELTA_MIN_BLOCK_LEN) + 16;
}

function checkBlockLen(blockLen: number): void {
  if (!Number.isInteger(blockLen) || blockLen < DELTA_MIN_BLOCK_LEN || blockLen > DELTA_MAX_BLOCK_LEN) {
    throw new BytefallError('BAD_ARGUMENT', `delta block length ${blockLen} is out of range ${DELTA_MIN_BLOCK_LEN}-${DELTA_MAX_BLOCK_LEN}`);
  }
}

class OpWriter {
  private buf: Uint8Array;
  private len = 0;
  /** The base block right after the last copy (the likeliest next match). */
  nextBlock = -1;

  constructor(hint: number) {
    this.buf = new Uint8Array(Math.max(64, hint + 64));
  }

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  private varint(v: number): void {
    this.room(6);
    while (v >= 0x80) {
      this.buf[this.len++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.len++] = v;
  }

  literal(src: Uint8Array, from: number, to: number): void {
    if (to <= from) return;
    this.varint((to - from) * 2);
    this.room(to - from);
    this.buf.set(src.subarray(from, to), this.len);
    this.len += to - from;
  }

  copy(block: number, count: number): void {
    this.varint(count * 2 + 1);
    this.varint(block);
    this.nextBlock = block + count;
  }

  done(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}
