// The ByteFall merkle tree over 32-byte piece hashes (computed in WASM):
//   leaf_i = BLAKE3(piece_i); K_NODE = BLAKE3-derive_key("ByteFall 2026-11-23 merkle node", "");
//   node(L, R) = BLAKE3-keyed(K_NODE, L || R);
//   root of 0 leaves = 32 zero bytes, of 1 leaf = the leaf, of n > 1 leaves =
//   node(root(first k), root(rest)) with k the largest power of two below n.
// A proof lists the sibling subtree roots from the leaf up (closest first).

import { BytefallError } from '../errors.js';
import { hashWasm } from './wasm.js';

export { hashPieces } from './piece-hash.js';

export const HASH_LEN = 32;
/** The root of an empty tree. Do not modify: merkleRoot returns fresh copies. */
export const EMPTY_ROOT: Uint8Array = new Uint8Array(HASH_LEN);
/** Leaf counts go up to 2^32 - 1 (the WASM side counts in u32). */
const MAX_LEAVES = 0xffff_ffff;

/** The root of the tree over `leaves` (n * 32 bytes). */
export function merkleRoot(leaves: Uint8Array): Uint8Array {
  const n = leafCount(leaves);
  if (n === 0) return EMPTY_ROOT.slice();
  if (n === 1) return leaves.slice(0, HASH_LEN); // the root of one leaf is the leaf
  const w = hashWasm();
  w.leaves(n).set(leaves);
  w.x.merkleRoot(n);
  return w.output.slice(0, HASH_LEN);
}

/** The proof of leaf `index`: depth(index) sibling hashes, bottom-up. */
export function merkleProof(leaves: Uint8Array, index: number): Uint8Array {
  const n = leafCount(leaves);
  if (!Number.isInteger(index) || index < 0 || index >= n) throw new RangeError(`leaf index ${index} is not in [0, ${n})`);
  const w = hashWasm();
  w.leaves(n).set(leaves);
  const k = w.x.merkleProof(n, index);
  return w.output.slice(0, k * HASH_LEN);
}

/**
 * True if `proof` takes `leaf` at `index` of a `count`-leaf tree to `root`. An index
 * outside [0, count) or a proof of the wrong length does not verify.
 */
export function verifyProof(leaf: Uint8Array, index: number, count: number, proof: Uint8Array, root: Uint8Array): boolean {
  checkHash('leaf', leaf);
  checkHash('root', root);
  if (!(proof instanceof Uint8Array) || proof.length % HASH_LEN !== 0) {
    throw new BytefallError('BAD_ARGUMENT', `a proof is a Uint8Array of 32-byte hashes, got ${describe(proof)}`);
  }
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`leaf count must be an integer >= 0, got ${count}`);
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`leaf index must be an integer >= 0, got ${index}`);
  if (count > MAX_LEAVES) throw new RangeError(`leaf count ${count} is above ${MAX_LEAVES}`);
  const k = proof.length / HASH_LEN;
  if (index >= count || k > 32) return false;
  const w = hashWasm();
  const input = w.input;
  input.set(leaf, 0);
  input.set(root, HASH_LEN);
  input.set(proof, 2 * HASH_LEN);
  return w.x.merkleVerify(index, count, k) === 1;
}

function leafCount(leaves: Uint8Array): number {
  if (!(leaves instanceof Uint8Array) || leaves.length % HASH_LEN !== 0) {
    throw new BytefallError('BAD_ARGUMENT', `leaves must be a Uint8Array of 32-byte hashes, got ${describe(leaves)}`);
  }
  const n = leaves.length / HASH_LEN;
  if (n > MAX_LEAVES) throw new RangeError(`${n} leaves is above ${MAX_LEAVES}`);
  return n;
}

function checkHash(name: string, h: unknown): void {
  if (!(h instanceof Uint8Array) || h.length !== HASH_LEN) {
    throw new BytefallError('BAD_ARGUMENT', `${name} must be a ${HASH_LEN}-byte hash, got ${describe(h)}`);
  }
}

function describe(v: unknown): string {
  return v instanceof Uint8Array ? `${v.length} bytes` : typeof v;
}
