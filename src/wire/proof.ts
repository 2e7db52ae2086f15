// The shape of a HASHES proof (docs/PROTOCOL.md, "Hash proofs") over the
// left-full merkle tree of docs/FORMAT.md, independent of the hash function: which
// sibling roots a proof carries, how a responder builds one and a receiver folds it.
// The node function (BLAKE3 keyed by K_NODE) is passed in by the caller.

export type NodeFn = (left: Uint8Array, right: Uint8Array) => Uint8Array;
export type Side = 'left' | 'right';

/** The padded width: the least power of two >= n (1 for n <= 1). */
function paddedWidth(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/**
 * For a file of n leaves and the run [first, first + count) (count a power of two,
 * first a multiple of count, first < n): the side of each sibling in the proof, from
 * the run's subtree up to the root. Empty siblings (past the last leaf) carry nothing.
 */
export function proofSteps(n: number, first: number, count: number): Side[] {
  const steps: Side[] = [];
  const top = paddedWidth(n);
  for (let start = first, width = count; width < top; width *= 2) {
    const parent = start - (start % (2 * width));
    if (start === parent) {
      if (start + width < n) steps.push('right'); // our sibling is to the right, and not empty
    } else {
      steps.push('left');
    }
    start = parent;
  }
  return steps;
}

/** The merkle root of `leaves` as docs/FORMAT.md defines it (32 zero bytes for none). */
export function merkleRoot(leaves: Uint8Array[], node: NodeFn): Uint8Array {
  if (leaves.length === 0) return new Uint8Array(32);
  if (leaves.length === 1) return leaves[0];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return node(merkleRoot(leaves.slice(0, k), node), merkleRoot(leaves.slice(k), node));
}

/** The proof for a run, given every leaf of the file: sibling roots, concatenated. */
export function makeProof(leaves: Uint8Array[], first: number, count: number, node: NodeFn): Uint8Array {
  const n = leaves.length;
  const out: Uint8Array[] = [];
  const top = paddedWidth(n);
  for (let start = first, width = count; width < top; width *= 2) {
    const parent = start - (start % (2 * width));
    const sibling = start === parent ? start + width : parent;
    if (sibling < n) out.push(merkleRoot(leaves.slice(sibling, Math.min(sibling + width, n)), node));
    start = parent;
  }
  return Buffer.concat(out);
}

/**
 * The file root implied by a HASHES answer: the root of its leaf hashes folded with
 * the proof along `steps`. Undefined when the proof has the wrong number of hashes.
 */
export function rootFromProof(hashes: Uint8Array, proof: Uint8Array, steps: Side[], node: NodeFn): Uint8Array | undefined {
  if (hashes.length === 0 || hashes.length % 32 !== 0 || proof.length !== 32 * steps.length) return undefined;
  const leaves: Uint8Array[] = [];
  for (let i = 0; i < hashes.length; i += 32) leaves.push(hashes.subarray(i, i + 32));
  let root = merkleRoot(leaves, node);
  steps.forEach((side, i) => {
    const sib = proof.subarray(32 * i, 32 * i + 32);
    root = side === 'right' ? node(root, sib) : node(sib, root);
  });
  return root;
}
