// The merkle tree against trees built by hand from blake3/blake3Keyed, proofs for every
// leaf, and tampering: any flipped bit or wrong index/count must fail to verify.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { blake3, blake3DeriveKey, blake3Keyed } from '../../src/hash/blake3.js';
import { EMPTY_ROOT, HASH_LEN, hashPieces, merkleProof, merkleRoot, verifyProof } from '../../src/hash/merkle.js';
import { Rng, testSeed } from './random.js';

const K_NODE = blake3DeriveKey('ByteFall 2026-11-23 merkle node', new Uint8Array(0));
const node = (l: Uint8Array, r: Uint8Array): Uint8Array => blake3Keyed(K_NODE, concat(l, r));

function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

/** Leaf i = BLAKE3 of the one-byte piece [i]. */
function leaves(n: number): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => blake3(Uint8Array.of(i)));
}

/** The definition, recursively: left subtree = largest power of two below n. */
function referenceRoot(ls: Uint8Array[]): Uint8Array {
  if (ls.length === 0) return new Uint8Array(32);
  if (ls.length === 1) return ls[0];
  let k = 1;
  while (k * 2 < ls.length) k *= 2;
  return node(referenceRoot(ls.slice(0, k)), referenceRoot(ls.slice(k)));
}

test('small trees written out by hand', () => {
  const [a, b, c, d, e, f, g, h, i] = leaves(9);
  const ab = node(a, b), cd = node(c, d), ef = node(e, f), gh = node(g, h);
  const abcd = node(ab, cd), efgh = node(ef, gh);
  const expected: [Uint8Array[], Uint8Array][] = [
    [[], new Uint8Array(32)],
    [[a], a],
    [[a, b], ab],
    [[a, b, c], node(ab, c)],
    [[a, b, c, d], abcd],
    [[a, b, c, d, e], node(abcd, e)],
    [[a, b, c, d, e, f, g], node(abcd, node(ef, g))],
    [[a, b, c, d, e, f, g, h], node(abcd, efgh)],
    [[a, b, c, d, e, f, g, h, i], node(node(abcd, efgh), i)],
  ];
  for (const [ls, root] of expected) {
    assert.deepEqual(merkleRoot(concat(...ls)), root, `n = ${ls.length}`);
  }
  assert.deepEqual(merkleRoot(new Uint8Array(0)), EMPTY_ROOT);
  assert.equal(HASH_LEN, 32);
  // A proof by hand: leaf 4 (e) of 7 has siblings f, g, abcd.
  assert.deepEqual(merkleProof(concat(a, b, c, d, e, f, g), 4), concat(f, g, abcd));
  // Leaf 8 of 9 is one level below the root: its only sibling is the left half.
  assert.deepEqual(merkleProof(concat(a, b, c, d, e, f, g, h, i), 8), node(abcd, efgh));
});

test('roots match the recursive definition for every n up to 70 and a few large n', () => {
  const all = leaves(1100);
  for (const n of [...Array.from({ length: 71 }, (_, n) => n), 127, 128, 129, 255, 1000, 1024, 1025, 1100]) {
    assert.deepEqual(merkleRoot(concat(...all.slice(0, n))), referenceRoot(all.slice(0, n)), `n = ${n}`);
  }
});

test('every proof verifies, and nothing else does', () => {
  for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 33]) {
    const ls = leaves(n);
    const flat = concat(...ls);
    const root = merkleRoot(flat);
    for (let i = 0; i < n; i++) {
      const proof = merkleProof(flat, i);
      assert.equal(proof.length / 32, depth(n, i));
      assert.ok(depth(n, i) <= Math.ceil(Math.log2(n)));
      assert.ok(verifyProof(ls[i], i, n, proof, root), `n = ${n}, i = ${i}`);
      if (n <= 9) {
        for (const [name, v] of [['leaf', ls[i]], ['proof', proof], ['root', root]] as const) {
          for (let bit = 0; bit < v.length * 8; bit++) {
            const bad = v.slice();
            bad[bit >> 3] ^= 1 << (bit & 7);
            const args = { leaf: ls[i], proof, root, [name]: bad };
            assert.ok(!verifyProof(args.leaf, i, n, args.proof, args.root), `flipped ${name} bit ${bit}`);
          }
        }
      }
      for (let j = 0; j < n + 2; j++) if (j !== i) assert.ok(!verifyProof(ls[i], j, n, proof, root), `index ${j}`);
      for (let m = 0; m < n + 3; m++) {
        if (m === n) continue;
        // Another count may give the same path only if the tree above leaf i is identical.
        if (verifyProof(ls[i], i, m, proof, root)) assert.equal(samePath(n, m, i), true, `count ${m}`);
      }
      assert.ok(!verifyProof(ls[i], i, n, concat(proof, ls[0]), root), 'proof too long');
      if (proof.length > 0) assert.ok(!verifyProof(ls[i], i, n, proof.subarray(32), root), 'proof too short');
    }
  }
});

/** Depth of leaf i in a tree of n leaves, from the definition. */
function depth(n: number, i: number): number {
  if (n === 1) return 0;
  let k = 1;
  while (k * 2 < n) k *= 2;
  return 1 + (i < k ? Math.log2(k) : depth(n - k, i - k));
}

/** Whether leaf i has the same sibling positions in trees of n and m leaves. */
function samePath(n: number, m: number, i: number): boolean {
  const path = (c: number): string => {
    let s = '';
    for (let idx = i; c > 1; idx >>= 1, c = (c + 1) >> 1) s += (idx ^ 1) < c ? `${idx & 1}` : '-';
    return s.replace(/-/g, '');
  };
  return path(n) === path(m);
}

test('property: random trees, random leaves, proofs verify (seeded)', () => {
  const seed = testSeed();
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 300 }), fc.nat(), (n, pick) => {
      const rng = new Rng(pick + 1);
      const flat = rng.bytes(n * 32);
      const i = pick % n;
      const root = merkleRoot(flat);
      return verifyProof(flat.slice(i * 32, i * 32 + 32), i, n, merkleProof(flat, i), root);
    }),
    { seed, numRuns: 200 },
  );
});

test('a million leaves: the leaves buffer grows, root and a proof still agree', () => {
  const n = 1_000_000;
  const flat = new Rng(42).bytes(n * 32);
  const root = merkleRoot(flat);
  for (const i of [0, 1, 524_287, 524_288, n - 1]) {
    const proof = merkleProof(flat, i);
    assert.equal(proof.length, depth(n, i) * 32);
    assert.ok(verifyProof(flat.slice(i * 32, i * 32 + 32), i, n, proof, root));
  }
  assert.equal(blake3(new Uint8Array(1)).length, 32, 'hashing still works after memory growth');
});

test('hashPieces: BLAKE3 of each piece, the last one short', () => {
  const data = new Rng(7).bytes(10_000);
  const leavesOf = (size: number): Uint8Array => {
    const out: Uint8Array[] = [];
    for (let at = 0; at < data.length; at += size) out.push(blake3(data.subarray(at, at + size)));
    return concat(...out);
  };
  for (const size of [1, 64, 1000, 1024, 4096, 9999, 10_000, 20_000]) {
    assert.deepEqual(hashPieces(data, size), leavesOf(size), `piece size ${size}`);
  }
  assert.equal(hashPieces(new Uint8Array(0), 1024).length, 0);
});

test('bad arguments are refused', () => {
  const one = blake3(new Uint8Array(0));
  assert.throws(() => merkleRoot(new Uint8Array(33)), { code: 'BAD_ARGUMENT' });
  assert.throws(() => merkleProof(one, 1), RangeError);
  assert.throws(() => merkleProof(one, -1), RangeError);
  assert.throws(() => verifyProof(one.subarray(1), 0, 1, new Uint8Array(0), one), { code: 'BAD_ARGUMENT' });
  assert.throws(() => verifyProof(one, 0, 1, new Uint8Array(5), one), { code: 'BAD_ARGUMENT' });
  assert.throws(() => verifyProof(one, 0.5, 1, new Uint8Array(0), one), RangeError);
  assert.throws(() => verifyProof(one, 0, 2 ** 32, new Uint8Array(0), one), RangeError);
  assert.equal(verifyProof(one, 0, 0, new Uint8Array(0), one), false);
  assert.equal(verifyProof(one, 0, 1, new Uint8Array(0), one), true);
  assert.throws(() => hashPieces(new Uint8Array(1), 0), RangeError);
});
