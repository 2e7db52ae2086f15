// The merkle tree of one file kept level by level (docs/FORMAT.md), so a node that serves
// HASH_REQUESTs builds each proof in O(log n) instead of re-hashing the file's layer each
// time; and the check of a received run of hashes against the file's root (docs/PROTOCOL.md,
// "Hash proofs"). The node function is BLAKE3 keyed by K_NODE, as in src/hash/merkle.ts.
import { blake3DeriveKey, blake3Keyed } from '../hash/blake3.js';
import { HASH_LEN, merkleRoot } from '../hash/merkle.js';
import { proofSteps } from '../wire/proof.js';

const K_NODE = blake3DeriveKey('ByteFall 2026-11-23 merkle node', new Uint8Array(0), 32);
const pair = new Uint8Array(2 * HASH_LEN);

/** node(L, R) = BLAKE3-keyed(K_NODE, L ‖ R). */
export function merkleNode(left: Uint8Array, right: Uint8Array): Uint8Array {
  pair.set(left, 0);
  pair.set(right, HASH_LEN);
  return blake3Keyed(K_NODE, pair, HASH_LEN);
}

/**
 * The file root implied by `hashes` (leaves first..first+k-1 of a file of n leaves, fetched
 * as a run of `count`) and `proof`; undefined when the counts are wrong.
 */
export function rootOfRun(n: number, first: number, count: number, hashes: Uint8Array, proof: Uint8Array): Uint8Array | undefined {
  const expected = Math.min(count, n - first);
  if (expected <= 0 || hashes.length !== expected * HASH_LEN) return undefined;
  const steps = proofSteps(n, first, count);
  if (proof.length !== steps.length * HASH_LEN) return undefined;
  let root = merkleRoot(hashes); // the run's subtree, in WASM
  steps.forEach((side, i) => {
    const sib = proof.subarray(i * HASH_LEN, (i + 1) * HASH_LEN);
    root = side === 'right' ? merkleNode(root, sib) : merkleNode(sib, root);
  });
  return root;
}

/**
 * Every level of a file's tree in the padded view of docs/PROTOCOL.md: level k holds
 * ceil(n / 2^k) nodes, and a node whose right child lies past the last leaf equals its left
 * child. Built once (n - 1 node hashes), then each proof is a few lookups.
 */
export class MerkleLevels {
  private readonly levels: Uint8Array[];

  constructor(leaves: Uint8Array) {
    this.levels = [leaves];
    let cur = leaves;
    while (cur.length > HASH_LEN) {
      const n = cur.length / HASH_LEN;
      const up = new Uint8Array(Math.ceil(n / 2) * HASH_LEN);
      for (let j = 0; 2 * j < n; j++) {
        const l = cur.subarray(2 * j * HASH_LEN, (2 * j + 1) * HASH_LEN);
        up.set(2 * j + 1 < n ? merkleNode(l, cur.subarray((2 * j + 1) * HASH_LEN, (2 * j + 2) * HASH_LEN)) : l, j * HASH_LEN);
      }
      this.levels.push(up);
      cur = up;
    }
  }

  get leafCount(): number {
    return this.levels[0].length / HASH_LEN;
  }

  /** The proof of run [first, first + count) (count a power of two, first a multiple of it). */
  proof(first: number, count: number): Uint8Array {
    const out: Uint8Array[] = [];
    for (let level = Math.log2(count), index = first / count; level < this.levels.length - 1; level++, index >>= 1) {
      const nodes = this.levels[level];
      const sibling = index ^ 1;
      if (sibling < nodes.length / HASH_LEN) out.push(nodes.subarray(sibling * HASH_LEN, (sibling + 1) * HASH_LEN));
    }
    return Buffer.concat(out);
  }
}
