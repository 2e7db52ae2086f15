// The proof shape against the recursive tree of docs/FORMAT.md, for every file
// size up to 70 leaves and every aligned run, with a stand-in node function.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { proofSteps, makeProof, merkleRoot, rootFromProof, type NodeFn } from '../../src/wire/proof.js';
import { hex } from './helpers.js';

const node: NodeFn = (l, r) => new Uint8Array(createHash('sha256').update(l).update(r).digest());
const leaf = (i: number) => new Uint8Array(createHash('sha256').update(`leaf ${i}`).digest());

test('every aligned run of every file up to 70 leaves proves the file root', () => {
  for (let n = 1; n <= 70; n++) {
    const leaves = Array.from({ length: n }, (_, i) => leaf(i));
    const root = hex(merkleRoot(leaves, node));
    for (let count = 1; count <= 128; count *= 2) {
      for (let first = 0; first < n; first += count) {
        const run = Buffer.concat(leaves.slice(first, first + count));
        const steps = proofSteps(n, first, count);
        const proof = makeProof(leaves, first, count, node);
        assert.equal(proof.length, 32 * steps.length, `n=${n} first=${first} count=${count}`);
        assert.equal(hex(rootFromProof(run, proof, steps, node)!), root, `n=${n} first=${first} count=${count}`);
      }
    }
  }
});

test('proof shapes read at a glance', () => {
  assert.deepEqual(proofSteps(1, 0, 1), []);
  assert.deepEqual(proofSteps(5, 4, 1), ['left']); // leaf 4 is the root's right child
  assert.deepEqual(proofSteps(5, 0, 1), ['right', 'right', 'right']);
  assert.deepEqual(proofSteps(6, 5, 1), ['left', 'left']); // leaves 4,5 form one node; its sibling is 0-3
  assert.deepEqual(proofSteps(8, 0, 4), ['right']);
  assert.deepEqual(proofSteps(3, 0, 512), []);
});

test('a proof of the wrong length, or a tampered hash, does not give the root', () => {
  const leaves = Array.from({ length: 9 }, (_, i) => leaf(i));
  const root = hex(merkleRoot(leaves, node));
  const steps = proofSteps(9, 2, 2);
  const proof = makeProof(leaves, 2, 2, node);
  const run = Buffer.concat(leaves.slice(2, 4));
  assert.equal(rootFromProof(run, proof.subarray(32), steps, node), undefined);
  run[0] ^= 1;
  assert.notEqual(hex(rootFromProof(run, proof, steps, node)!), root);
});

test('with the real node function, proofs agree with src/hash (single leaves) and its roots', async () => {
  const { merkleRoot: wasmRoot, merkleProof } = await import('../../src/hash/merkle.js');
  const { blake3, blake3Keyed, blake3DeriveKey } = await import('../../src/hash/blake3.js');
  const K_NODE = blake3DeriveKey('ByteFall 2026-11-23 merkle node', new Uint8Array(0), 32);
  const blakeNode: NodeFn = (l, r) => blake3Keyed(K_NODE, Buffer.concat([l, r]), 32);
  for (let n = 1; n <= 33; n++) {
    const leaves = Array.from({ length: n }, (_, i) => blake3(Uint8Array.of(i, n), 32));
    const all = Buffer.concat(leaves);
    const root = hex(wasmRoot(all));
    assert.equal(hex(merkleRoot(leaves, blakeNode)), root, `root n=${n}`);
    for (let i = 0; i < n; i++) assert.equal(hex(makeProof(leaves, i, 1, blakeNode)), hex(merkleProof(all, i)), `n=${n} leaf ${i}`);
    for (let count = 2; count <= 32; count *= 2) {
      for (let first = 0; first < n; first += count) {
        const run = Buffer.concat(leaves.slice(first, first + count));
        const got = rootFromProof(run, makeProof(leaves, first, count, blakeNode), proofSteps(n, first, count), blakeNode);
        assert.equal(hex(got!), root, `n=${n} run ${first}+${count}`);
      }
    }
  }
});
