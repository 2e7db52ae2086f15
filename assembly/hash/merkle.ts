// The ByteFall merkle tree over 32-byte piece hashes (format rule: leaf = BLAKE3(piece),
// node(L, R) = BLAKE3-keyed(K_NODE, L || R), K_NODE = derive_key("ByteFall 2026-11-23
// merkle node", empty); the left subtree of n > 1 leaves holds the largest power of two
// strictly below n). Built level by level, pairing neighbours and carrying an odd last
// node up unchanged, which gives exactly that shape. Works in place on the leaves buffer.

import { compress } from './compress';
import { hash4 } from './compress4';
import {
  BLOCK_LEN, CHUNK_END, CHUNK_START, DERIVE_KEY_CONTEXT, DERIVE_KEY_MATERIAL, INPUT, IV, KEYED_HASH,
  LEAVES, OUTPUT, ROOT, ensureMemory,
} from './layout';

/** A node is a one-block, one-chunk keyed hash: all of these flags at once. */
const NODE_FLAGS: u32 = CHUNK_START | CHUNK_END | ROOT | KEYED_HASH;
const K_NODE = memory.data(32, 16);
const PAIR = memory.data(64, 16);

// K_NODE: the context (31 ASCII bytes) and the empty material are one block each.
const CONTEXT = 'ByteFall 2026-11-23 merkle node';
for (let i = 0; i < CONTEXT.length; i++) store<u8>(PAIR + <usize>i, <u8>CONTEXT.charCodeAt(i));
compress(IV, PAIR, 0, <u32>CONTEXT.length, CHUNK_START | CHUNK_END | ROOT | DERIVE_KEY_CONTEXT, K_NODE, false);
memory.fill(PAIR, 0, 64);
compress(K_NODE, PAIR, 0, 0, CHUNK_START | CHUNK_END | ROOT | DERIVE_KEY_MATERIAL, K_NODE, false);

/** Makes room for `count` leaves (memory may grow: views over it go stale) and returns
 *  where to write them, or 0 if memory cannot grow that far. */
export function leavesPtr(count: u32): usize {
  return ensureMemory(<u64>LEAVES + <u64>count * 32) ? LEAVES : 0;
}

/** Replaces the `count` nodes of one level at LEAVES by the next level; returns its size. */
function reduceLevel(count: u32): u32 {
  const pairs = count >> 1;
  let p: u32 = 0;
  for (; p + 4 <= pairs; p += 4) {
    hash4(LEAVES + <usize>p * 64, 64, 1, K_NODE, 0, 0, NODE_FLAGS, 0, 0, LEAVES + <usize>p * 32);
  }
  for (; p < pairs; p++) {
    compress(K_NODE, LEAVES + <usize>p * 64, 0, BLOCK_LEN, NODE_FLAGS, LEAVES + <usize>p * 32, false);
  }
  if (count & 1) memory.copy(LEAVES + <usize>pairs * 32, LEAVES + <usize>(count - 1) * 32, 32);
  return pairs + (count & 1);
}

/** Writes the root of the `count` leaves at LEAVES to the output buffer (consumes them). */
export function merkleRoot(count: u32): void {
  if (count == 0) {
    memory.fill(OUTPUT, 0, 32);
    return;
  }
  while (count > 1) count = reduceLevel(count);
  memory.copy(OUTPUT, LEAVES, 32);
}

/** Writes the proof of leaf `index` (siblings bottom-up) to the output buffer and
 *  returns how many hashes it has (consumes the leaves). */
export function merkleProof(count: u32, index: u32): u32 {
  if (index >= count) unreachable();
  let k: u32 = 0;
  while (count > 1) {
    const sibling = index ^ 1;
    if (sibling < count) {
      memory.copy(OUTPUT + <usize>k * 32, LEAVES + <usize>sibling * 32, 32);
      k++;
    }
    count = reduceLevel(count);
    index >>= 1;
  }
  return k;
}

/** With leaf || root || proof (proofLen hashes) at the start of the input buffer:
 *  1 if the proof takes leaf `index` of a `count`-leaf tree to that root, else 0. */
export function merkleVerify(index: u32, count: u32, proofLen: u32): u32 {
  if (index >= count) return 0;
  const hash = OUTPUT; // the running node hash
  memory.copy(hash, INPUT, 32);
  let k: u32 = 0;
  while (count > 1) {
    if ((index ^ 1) < count) {
      if (k == proofLen) return 0;
      const sibling = INPUT + 64 + <usize>k * 32;
      const odd = (index & 1) != 0;
      memory.copy(PAIR + (odd ? 32 : 0), hash, 32);
      memory.copy(PAIR + (odd ? 0 : 32), sibling, 32);
      compress(K_NODE, PAIR, 0, BLOCK_LEN, NODE_FLAGS, hash, false);
      k++;
    }
    count = (count + 1) >> 1;
    index >>= 1;
  }
  return k == proofLen && memory.compare(hash, INPUT + 32, 32) == 0 ? 1 : 0;
}
