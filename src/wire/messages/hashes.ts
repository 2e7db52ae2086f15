// Piece hashes with merkle proofs (like BEP 52): HASH_REQUEST asks for an
// aligned run of leaf hashes of one file; HASHES returns them and the proof to the file's root.
import { MSG_HASH_REQUEST, MSG_HASHES, MAX_HASHES_PER_REQUEST, MAX_PROOF_LEN } from '../constants.js';
import { checkArg, checkBytes, isUint } from '../bytes.js';
import type { Codec } from './codec.js';

export interface HashRequestMsg {
  type: 'hash-request';
  reqId: number;
  waterfallId: Uint8Array;
  /** Index of the file's entry in the Waterfall. */
  file: number;
  /** First leaf; a multiple of count. */
  first: number;
  /** A power of two, 1-512. */
  count: number;
}

export interface HashesMsg {
  type: 'hashes';
  reqId: number;
  /**
   * hashCount leaf hashes, 32 bytes each, or for a content-defined file (format 1.1)
   * hashCount records `<length u32><hash 32>`, 36 bytes each; concatenated.
   */
  hashes: Uint8Array;
  /** Sibling roots from the run's subtree up to the file root, 32 bytes each, concatenated. */
  proof: Uint8Array;
  /**
   * Bytes per hash: 32 (when absent), or 36 for records. Decoding tells the two
   * forms apart by the frame's length (hashCount >= 1, so 32 (n + p) and 36 n + 32 p differ);
   * the receiver checks that the form is the one the file's entry calls for.
   */
  recordLen?: number;
}

/** Bytes per hash in HASHES: a leaf hash, or a content-defined file's record. */
export const HASH_LEN = 32;
export const RECORD_LEN = 36;

function runOk(first: number, count: number): boolean {
  return count >= 1 && count <= MAX_HASHES_PER_REQUEST && (count & (count - 1)) === 0 && first % count === 0;
}

export const hashRequest: Codec<HashRequestMsg> = {
  id: MSG_HASH_REQUEST,
  name: 'HASH_REQUEST',
  size: () => 46,
  /** `<len=u32 47><id=14><reqId u32><waterfallId 32><file u32><first u32><count u16>` */
  encode(w, m) {
    checkArg(isUint(m.reqId, 0xffffffff) && isUint(m.file, 0xffffffff) && isUint(m.first, 0xffffffff), 'HASH_REQUEST: reqId, file, first must be u32');
    checkArg(isUint(m.count, MAX_HASHES_PER_REQUEST) && runOk(m.first, m.count), 'HASH_REQUEST: count must be a power of two 1-512 dividing first');
    checkBytes(m.waterfallId, 32, 'HASH_REQUEST waterfall id');
    w.u32(m.reqId).bytes(m.waterfallId).u32(m.file).u32(m.first).u16(m.count);
  },
  decode(r) {
    const reqId = r.u32();
    const waterfallId = r.bytes(32);
    const file = r.u32();
    const first = r.u32();
    const count = r.u16();
    if (!runOk(first, count)) throw r.bad(`count ${count} is not a power of two 1-${MAX_HASHES_PER_REQUEST} dividing first ${first}`);
    return { type: 'hash-request', reqId, waterfallId, file, first, count };
  },
};

export const hashes: Codec<HashesMsg> = {
  id: MSG_HASHES,
  name: 'HASHES',
  size: (m) => 7 + m.hashes.length + m.proof.length,
  /**
   * `<len=u32><id=15><reqId u32><hashCount u16, 1-512><proofCount u8, 0-32><hashes 32 x hashCount><proof 32 x proofCount>`,
   * or with records: `...<records 36 x hashCount><proof 32 x proofCount>`
   */
  encode(w, m) {
    const unit = m.recordLen ?? HASH_LEN;
    checkArg(unit === HASH_LEN || unit === RECORD_LEN, 'HASHES: a hash is 32 bytes, a record 36');
    const n = m.hashes.length / unit;
    const p = m.proof.length / 32;
    checkArg(isUint(m.reqId, 0xffffffff), 'HASHES: reqId must be a u32');
    checkArg(Number.isInteger(n) && n >= 1 && n <= MAX_HASHES_PER_REQUEST, `HASHES: 1-512 hashes of ${unit} bytes`);
    checkArg(Number.isInteger(p) && p <= MAX_PROOF_LEN, 'HASHES: 0-32 proof hashes of 32 bytes');
    w.u32(m.reqId).u16(n).u8(p).bytes(m.hashes).bytes(m.proof);
  },
  decode(r) {
    const reqId = r.u32();
    const n = r.u16();
    const p = r.u8();
    if (n < 1 || n > MAX_HASHES_PER_REQUEST) throw r.bad(`hash count ${n} is out of range 1-${MAX_HASHES_PER_REQUEST}`);
    if (p > MAX_PROOF_LEN) throw r.bad(`proof length ${p} is more than ${MAX_PROOF_LEN}`);
    // Records exactly when the rest is 36 n + 32 p; otherwise hashes, where a shorter rest is
    // truncated (WIRE_TRUNCATED) and a longer one has trailing bytes (WIRE_BAD_MESSAGE).
    const unit = r.remaining === RECORD_LEN * n + 32 * p ? RECORD_LEN : HASH_LEN;
    const m: HashesMsg = { type: 'hashes', reqId, hashes: r.bytes(unit * n), proof: r.bytes(32 * p) };
    if (unit === RECORD_LEN) m.recordLen = RECORD_LEN;
    return m;
  },
};
