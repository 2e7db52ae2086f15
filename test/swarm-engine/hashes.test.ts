// Piece hashes with proofs: the proofs a node serves (MerkleLevels) are those of
// docs/PROTOCOL.md (src/wire/proof.ts's reference), every run they prove is accepted, and any
// tampering with a hash, a proof hash or the proof's length is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blake3 } from '../../src/hash/blake3.js';
import { makeProof } from '../../src/wire/proof.js';
import { MerkleLevels, merkleNode, rootOfRun } from '../../src/swarm/hash-tree.js';
import { merkleRoot } from '../../src/hash/merkle.js';
import { PieceHashes } from '../../src/swarm/piece-hashes.js';
import { makeData } from './helpers.js';

const hex = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString('hex') : 'undefined');

test('served proofs equal the reference and lead to the root, for every run of every size', () => {
  for (const n of [1, 2, 3, 5, 8, 9, 31, 33, 100]) {
    const list = Array.from({ length: n }, (_, i) => blake3(Uint8Array.of(i, n)));
    const leaves = Buffer.concat(list);
    const levels = new MerkleLevels(leaves);
    const root = hex(merkleRoot(leaves));
    for (let count = 1; count <= 128; count *= 2) {
      for (let first = 0; first < n; first += count) {
        const proof = levels.proof(first, count);
        assert.equal(hex(proof), hex(makeProof(list, first, count, merkleNode)), `n=${n} run ${first}+${count}`);
        const run = leaves.subarray(first * 32, Math.min(first + count, n) * 32);
        assert.equal(hex(rootOfRun(n, first, count, run, proof)), root, `n=${n} run ${first}+${count}`);
      }
    }
  }
});

test('a run is accepted only when it proves the entry hash', () => {
  const data = makeData([{ path: ['f'], size: 1500 * 1024 }], 1024); // 1500 pieces: runs of 512
  const source = new PieceHashes(data.waterfall, data.layers);
  const fresh = new PieceHashes(data.waterfall);
  assert.deepEqual([...fresh.missingRuns()].map((r) => [r.first, r.count]), [[0, 512], [512, 512], [1024, 512]]);
  const run = [...fresh.missingRuns()][2];
  const answer = source.answer(0, run.first, run.count)!;
  assert.equal(answer.hashes.length, (1500 - 1024) * 32, 'the last run is short');

  const badHash = Buffer.from(answer.hashes);
  badHash[0] ^= 1;
  assert.equal(fresh.acceptRun(run, badHash, answer.proof), false);
  const badProof = Buffer.from(answer.proof);
  badProof[31] ^= 1;
  assert.equal(fresh.acceptRun(run, answer.hashes, badProof), false);
  assert.equal(fresh.acceptRun(run, answer.hashes, answer.proof.subarray(32)), false, 'a proof one hash short');
  assert.equal(fresh.acceptRun(run, answer.hashes.subarray(32), answer.proof), false, 'a hash missing');
  assert.equal(fresh.leaf(0, 1100), undefined);

  assert.equal(fresh.acceptRun(run, answer.hashes, answer.proof), true);
  assert.equal(hex(fresh.leaf(0, 1100)), hex(data.layers[0].subarray(1100 * 32, 1101 * 32)));
  assert.equal(fresh.allKnown(), false);
  for (const r of [...fresh.missingRuns()]) {
    const a = source.answer(0, r.first, r.count)!;
    assert.equal(fresh.acceptRun(r, a.hashes, a.proof), true);
  }
  assert.equal(fresh.allKnown(), true);
  assert.deepEqual(fresh.encode(), source.encode());
});
