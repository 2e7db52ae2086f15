// The BLAKE3 compression function on one 64-byte block (scalar). Used where there is
// one block at a time: partial chunks, the chaining-value stack, merkle proofs, and
// the extendable output. The 4-lane version for whole chunks is in compress4.ts.
// The seven rounds are written out: round r reads the message words in the order of
// the BLAKE3 permutation (2 6 3 10 7 0 4 13 1 11 12 5 9 14 15 8) applied r times.

import { IV0, IV1, IV2, IV3 } from './layout';

/**
 * Compresses `block` (16 little-endian words, zero-padded past blockLen) under the
 * chaining value at `cv` (8 words). Writes the first 8 output words (the next chaining
 * value) to `out`; with `full`, also the last 8, giving a 64-byte extendable-output block.
 * `out` may equal `cv` or `block`: every input is read before the first store.
 */
export function compress(cv: usize, block: usize, counter: u64, blockLen: u32, flags: u32, out: usize, full: bool): void {
  const c0 = load<u32>(cv, 0), c1 = load<u32>(cv, 4), c2 = load<u32>(cv, 8), c3 = load<u32>(cv, 12);
  const c4 = load<u32>(cv, 16), c5 = load<u32>(cv, 20), c6 = load<u32>(cv, 24), c7 = load<u32>(cv, 28);
  let v0 = c0, v1 = c1, v2 = c2, v3 = c3, v4 = c4, v5 = c5, v6 = c6, v7 = c7;
  let v8 = IV0, v9 = IV1, v10 = IV2, v11 = IV3;
  let v12 = <u32>counter, v13 = <u32>(counter >>> 32), v14 = blockLen, v15 = flags;

  // Round 0: message words 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15.
  v0 = v0 + load<u32>(block, 0) + v4; v12 = rotr<u32>(v12 ^ v0, 16); v8 += v12; v4 = rotr<u32>(v4 ^ v8, 12);
  v0 = v0 + load<u32>(block, 4) + v4; v12 = rotr<u32>(v12 ^ v0, 8); v8 += v12; v4 = rotr<u32>(v4 ^ v8, 7);
  v1 = v1 + load<u32>(block, 8) + v5; v13 = rotr<u32>(v13 ^ v1, 16); v9 += v13; v5 = rotr<u32>(v5 ^ v9, 12);
  v1 = v1 + load<u32>(block, 12) + v5; v13 = rotr<u32>(v13 ^ v1, 8); v9 += v13; v5 = rotr<u32>(v5 ^ v9, 7);
  v2 = v2 + load<u32>(block, 16) + v6; v14 = rotr<u32>(v14 ^ v2, 16); v10 += v14; v6 = rotr<u32>(v6 ^ v10, 12);
  v2 = v2 + load<u32>(block, 20) + v6; v14 = rotr<u32>(v14 ^ v2, 8); v10 += v14; v6 = rotr<u32>(v6 ^ v10, 7);
  v3 = v3 + load<u32>(block, 24) + v7; v15 = rotr<u32>(v15 ^ v3, 16); v11 += v15; v7 = rotr<u32>(v7 ^ v11, 12);
  v3 = v3 + load<u32>(block, 28) + v7; v15 = rotr<u32>(v15 ^ v3, 8); v11 += v15; v7 = rotr<u32>(v7 ^ v11, 7);
  v0 = v0 + load<u32>(block, 32) + v5; v15 = rotr<u32>(v15 ^ v0, 16); v10 += v15; v5 = rotr<u32>(v5 ^ v10, 12);
  v0 = v0 + load<u32>(block, 36) + v5; v15 = rotr<u32>(v15 ^ v0, 8); v10 += v15; v5 = rotr<u32>(v5 ^ v10, 7);
  v1 = v1 + load<u32>(block, 40) + v6; v12 = rotr<u32>(v12 ^ v1, 16); v11 += v12; v6 = rotr<u32>(v6 ^ v11, 12);
  v1 = v1 + load<u32>(block, 44) + v6; v12 = rotr<u32>(v12 ^ v1, 8); v11 += v12; v6 = rotr<u32>(v6 ^ v11, 7);
  v2 = v2 + load<u32>(block, 48) + v7; v13 = rotr<u32>(v13 ^ v2, 16); v8 += v13; v7 = rotr<u32>(v7 ^ v8, 12);
  v2 = v2 + load<u32>(block, 52) + v7; v13 = rotr<u32>(v13 ^ v2, 8); v8 += v13; v7 = rotr<u32>(v7 ^ v8, 7);
  v3 = v3 + load<u32>(block, 56) + v4; v14 = rotr<u32>(v14 ^ v3, 16); v9 += v14; v4 = rotr<u32>(v4 ^ v9, 12);
  v3 = v3 + load<u32>(block, 60) + v4; v14 = rotr<u32>(v14 ^ v3, 8); v9 += v14; v4 = rotr<u32>(v4 ^ v9, 7);
  // Round 1: message words 2 6 3 10 7 0 4 13 1 11 12 5 9 14 15 8.
  v0 = v0 + load<u32>(block, 8) + v4; v12 = rotr<u32>(v12 ^ v0, 16); v8 += v12; v4 = rotr<u32>(v4 ^ v8, 12);
  v0 = v0 + load<u32>(block, 24) + v4; v12 = rotr<u32>(v12 ^ v0, 8); v8 += v12; v4 = rotr<u32>(v4 ^ v8, 7);
  v1 = v1 + load<u32>(block, 12) + v5; v13 = rotr<u32>(v13 ^ v1, 16); v9 += v13; v5 = rotr<u32>(v5 ^ v9, 12);
  v1 = v1 + load<u32>(block, 40) + v5; v13 = rotr<u32>(v13 ^ v1, 8); v9 += v13; v5 = rotr<u32>(v5 ^ v9, 7);
  v2 = v2 + load<u32>(block, 28) + v6; v14 = rotr<u32>(v14 ^ v2, 16); v10 += v14; v6 = rotr<u32>(v6 ^ v10, 12);
  v2 = v2 + load<u32>(block, 0) + v6; v14 = rotr<u32>(v14 ^ v2, 8); v10 += v14; v6 = rotr<u32>(v6 ^ v10, 7);
  v3 = v3 + load<u32>(block, 16) + v7; v15 = rotr<u32>(v15 ^ v3, 16); v11 += v15; v7 = rotr<u32>(v7 ^ v11, 12);
  v3 = v3 + load<u32>(block, 52) + v7; v15 = rotr<u32>(v15 ^ v3, 8); v11 += v15; v7 = rotr<u32>(v7 ^ v11, 7);
  v0 = v0 + load<u32>(block, 4) + v5; v15 = rotr<u32>(v15 ^ v0, 16); v10 += v15; v5 = rotr<u32>(v5 ^ v10, 12);
  v0 = v0 + load<u32>(block, 44) + v5; v15 = rotr<u32>(v15 ^ v0, 8); v10 += v15; v5 = rotr<u32>(v5 ^ v10, 7);
  v1 = v1 + load<u32>(block, 48) + v6; v12 = rotr<u32>(v12 ^ v1, 16); v11 += v12; v6 = rotr<u32>(v6 ^ v11, 12);
  v1 = v1 + load<u32>(block, 20) + v6; v12 = rotr<u32>(v12 ^ v1, 8); v11 += v12; v6 = rotr<u32>(v6 ^ v11, 7);
  v2 = v2 + load<u32>(block, 36) + v7; v13 = rotr<u32>(v13 ^ v2, 16); v8 += v13; v7 = rotr<u32>(v7 ^ v8, 12);
  v2 = v2 + load<u32>(block, 56) + v7; v13 = rotr<u32>(v13 ^ v2, 8); v8 += v13; v7 = rotr<u32>(v7 ^ v8, 7);
  v3 = v3 + load<u32>(block, 60) + v4; v14 = rotr<u32>(v14 ^ v3, 16); v9 += v14; v4 = rotr<u32>(v4 ^ v9, 12);
  v3 = v3 + load<u32>(block, 32) + v4; v14 = rotr<u32>(v14 ^ v3, 8); v9 += v14; v4 = rotr<u32>(v4 ^ v9, 7);
  // Round 2: message words 3 4 10 12 13 2 7 14 6 5 9 0 11 15 8 1.
  v0 = v0 + load<u32>(block, 12) + v4; v12 = rotr<u32>(v12 ^ v0, 16); v8 += v12; v4 = rotr<u32>(v4 ^ v8, 12);
  v0 = v0 + load<u32>(block, 16) + v4; v12 = rotr<u32>(v12 ^ v0, 8); v8 += v12; v4 = rotr<u32>(v4 ^ v8, 7);
  v1 = v1 + load<u32>(block, 40) + v5; v13 = rotr<u32>(v13 ^ v1, 16); v9 += v13; v5 = rotr<u32>(v5 ^ v9, 12);
  v1 = v1 + load<u32>(block, 48) + v5; v13 = rotr<u32>(v13 ^ v1, 8); v9 += v13; v5 = rotr<u32>(v5 ^ v9, 7);
  v2 = v2 + load<u32>(block, 52) + v6; v14 = rotr<u32>(v14 ^ v2, 16); v10 += v14; v6 = rotr<u32>(v6 ^ v10, 12);
  v2 = v2 + load<u32>(block, 8) + v6; v14 = rotr<u32>(v14 ^ v2, 8); v10 += v14; v6 = rotr<u32>(v6 ^ v10, 7);
  v3 = v3 + load<u32>(block, 28) + v7; v15 = rotr<u32>(v15 ^ v3, 16); v11 += v15; v7 = rotr<u32>(v7 ^ v11, 12);
  v3 = v3 + load<u32>(block, 56) + v7; v15 = rotr<u32>(v15 ^ v3, 8); v11 += v15; v7 = rotr<u32>(v7 ^ v11, 7);
  v0 = v0 + load<u32>(block, 24) + v5; v15 = rotr<u32>(v15 ^ v0, 16); v10 += v15; v5 = rotr<u32>(v5 ^ v10, 12);
  v0 = v0 + load<u32>(block, 20) + v5; v15 = rotr<u32>(v15 ^ v0, 8); v10 += v15; v5 = rotr<u32>(v5 ^ v10, 7);
  v1 = v1 + load<u32>(block, 36) + v6; v12 = rotr<u32>(v12 ^ v1, 16); v11 += v12; v6 = rotr<u32>(v6 ^ v11, 12);
  v1 = v1 + load<u32>(block, 0) + v6; v12 = rotr<u32>(v12 ^ v1, 8); v11 += v12; v6 = rotr<u32>(v6 ^ v11, 7);
  v2 = v2 + load<u32>(block, 44) + v7; v13 = rotr<u32>(v13 ^ v2, 16); v8 += v13; v7 = rotr<u32>(v7 ^ v8, 12);
  v2 = v2 + load<u32>(block, 60) + v7; v13 = rotr<u32>(v13 ^ v2, 8); v8 += v13; v7 = rotr<u32>(v7 ^ v8, 7);
  v3 = v3 + load<u32>(block, 32) + v4; v14 = rotr<u32>(v14 ^ v3, 16); v9 += v14; v4 = rotr<u32>(v4 ^ v9, 12);
  v3 = v3 + load<u32>(block, 4) + v4; v14 = rotr<u32>(v14 ^ v3, 8); v9 += v14; v4 = rotr<u32>(v4 ^ v9, 7);
  // Round 3: message words 10 7 12 9 14 3 13 15 4 0 11 2 5 8 1 6.
  v0 = v0 + load<u32>(block, 40) + v4; v12 = rotr<u32>(v12 ^ v0, 16); v8 += v12; v4 = rotr<u32>(v4 ^ v8, 12);
  v0 = v0 + load<u32>(block, 28) + v4; v12 = rotr<u32>(v12 ^ v0, 8); v8 += v12; v4 = rotr<u32>(v4 ^ v8, 7);
  v1 = v1 + load<u32>(block, 48) + v5; v13 = rotr<u32>(v13 ^ v1, 16); v9 += v13; v5 = rotr<u32>(v5 ^ v9, 12);
  v1 = v1 + load<u32>(block, 36) + v5; v13 = rotr<u32>(v13 ^ v1, 8); v9 += v13; v5 = rotr<u32>(v5 ^ v9, 7);
  v2 = v2 + load<u32>(block, 56) + v6; v14 = rotr<u32>(v14 ^ v2, 16); v10 += v14; v6 = rotr<u32>(v6 ^ v10, 12);
  v2 = v2 + load<u32>(block, 12) + v6; v14 = rotr<u32>(v14 ^ v2, 8); v10 += v14; v6 = rotr<u32>(v6 ^ v10, 7);
  v3 = v3 + load<u32>(block, 52) + v7; v15 = rotr<u32>(v15 ^ v3, 16); v11 += v15; v7 = rotr<u32>(v7 ^ v11, 12);
  v3 = v3 + load<u32>(block, 60) + v7; v15 = rotr<u32>(v15 ^ v3, 8); v11 += v15; v7 = rotr<u32>(v7 ^ v11, 7);
  v0 = v0 + load<u32>(block, 16) + v5; v15 = rotr<u32>(v15 ^ v0, 16); v10 += v15; v5 = rotr<u32>(v5 ^ v10, 12);
  v0 = v0 + load<u32>(block, 0) + v5; v15 = rotr<u32>(v15 ^ v0, 8); v10 += v15; v5 = rotr<u32>(v5 ^ v10, 7);
  v1 = v1 + load<u32>(block, 44) + v6; v12 = rotr<u32>(v12 ^ v1, 16); v11 += v12; v6 = rotr<u32>(v6 ^ v11, 12);
  v1 = v1 + load<u32>(block, 8) + v6; v12 = rotr<u32>(v12 ^ v1, 8); v11 += v12; v6 = rotr<u32>(v6 ^ v11, 7);
  v2 = v2 + load<u32>(block, 20) + v7; v13 = rotr<u32>(v13 ^ v2, 16); v8 += v13; v7 = rotr<u32>(v7 ^ v8, 12);
  v2 = v2 + load<u32>(block, 32) + v7; v13 = rotr<u32>(v13 ^ v2, 8); v8 += v13; v7 = rotr<u32>(v7 ^ v8, 7);
  v3 = v3 + load<u32>(block, 4) + v4; v14 = rotr<u32>(v14 ^ v3, 16); v9 += v14; v4 = rotr<u32>(v4 ^ v9, 12);
  v3 = v3 + load<u32>(block, 24) + v4; v14 = rotr<u32>(v14 ^ v3, 8); v9 += v14; v4 = rotr<u32>(v4 ^ v9, 7);
  // Round 4: message words 12 13 9 11 15 10 14 8 7 2 5 3 0 1 6 4.
  v0 = v0 + load<u32>(block, 48) + v4; v12 = rotr<u32>(v12 ^ v0, 16); v8 += v12; v4 = rotr<u32>(v4 ^ v8, 12);
  v0 = v0 + load<u32>(block, 52) + v4; v12 = rotr<u32>(v12 ^ v0, 8); v8 += v12; v4 = rotr<u32>(v4 ^ v8, 7);
  v1 = v1 + load<u32>(block, 36) + v5; v13 = rotr<u32>(v13 ^ v1, 16); v9 += v13; v5 = rotr<u32>(v5 ^ v9, 12);
  v1 = v1 + load<u32>(block, 44) + v5; v13 = rotr<u32>(v13 ^ v1, 8); v9 += v13; v5 = rotr<u32>(v5 ^ v9, 7);
  v2 = v2 + load<u32>(block, 60) + v6; v14 = rotr<u32>(v14 ^ v2, 16); v10 += v14; v6 = rotr<u32>(v6 ^ v10, 12);
  v2 = v2 + load<u32>(block, 40) + v6; v14 = rotr<u32>(v14 ^ v2, 8); v10 += v14; v6 = rotr<u32>(v6 ^ v10, 7);
  v3 = v3 + load<u32>(block, 56) + v7; v15 = rotr<u32>(v15 ^ v3, 16); v11 += v15; v7 = rotr<u32>(v7 ^ v11, 12);
  v3 = v3 + load<u32>(block, 32) + v7; v15 = rotr<u32>(v15 ^ v3, 8); v11 += v15; v7 = rotr<u32>(v7 ^ v11, 7);
  v0 = v0 + load<u32>(block, 28) + v5; v15 = rotr<u32>(v15 ^ v0, 16); v10 += v15; v5 = rotr<u32>(v5 ^ v10, 12);
  v0 = v0 + load<u32>(block, 8) + v5; v15 = rotr<u32>(v15 ^ v0, 8); v10 += v15; v5 = rotr<u32>(v5 ^ v10, 7);
  v1 = v1 + load<u32>(block, 20) + v6; v12 = rotr<u32>(v12 ^ v1, 16); v11 += v12; v6 = rotr<u32>(v6 ^ v11, 12);
  v1 = v1 + load<u32>(block, 12) + v6; v12 = rotr<u32>(v12 ^ v1, 8); v11 += v12; v6 = rotr<u32>(v6 ^ v11, 7);
  v2 = v2 + load<u32>(block, 0) + v7; v13 = rotr<u32>(v13 ^ v2, 16); v8 += v13; v7 = rotr<u32>(v7 ^ v8, 12);
  v2 = v2 + load<u32>(block, 4) + v7; v13 = rotr<u32>(v13 ^ v2, 8); v8 += v13; v7 = rotr<u32>(v7 ^ v8, 7);
  v3 = v3 + load<u32>(block, 24) + v4; v14 = rotr<u32>(v14 ^ v3, 16); v9 += v14; v4 = rotr<u32>(v4 ^ v9, 12);
  v3 = v3 + load<u32>(block, 16) + v4; v14 = rotr<u32>(v14 ^ v3, 8); v9 += v14; v4 = rotr<u32>(v4 ^ v9, 7);
  // Round 5: message words 9 14 11 5 8 12 15 1 13 3 0 10 2 6 4 7.
  v0 = v0 + load<u32>(block, 36) + v4; v12 = rotr<u32>(v12 ^ v0, 16); v8 += v12; v4 = rotr<u32>(v4 ^ v8, 12);
  v0 = v0 + load<u32>(block, 56) + v4; v12 = rotr<u32>(v12 ^ v0, 8); v8 += v12; v4 = rotr<u32>(v4 ^ v8, 7);
  v1 = v1 + load<u32>(block, 44) + v5; v13 = rotr<u32>(v13 ^ v1, 16); v9 += v13; v5 = rotr<u32>(v5 ^ v9, 12);
  v1 = v1 + load<u32>(block, 20) + v5; v13 = rotr<u32>(v13 ^ v1, 8); v9 += v13; v5 = rotr<u32>(v5 ^ v9, 7);
  v2 = v2 + load<u32>(block, 32) + v6; v14 = rotr<u32>(v14 ^ v2, 16); v10 += v14; v6 = rotr<u32>(v6 ^ v10, 12);
  v2 = v2 + load<u32>(block, 48) + v6; v14 = rotr<u32>(v14 ^ v2, 8); v10 += v14; v6 = rotr<u32>(v6 ^ v10, 7);
  v3 = v3 + load<u32>(block, 60) + v7; v15 = rotr<u32>(v15 ^ v3, 16); v11 += v15; v7 = rotr<u32>(v7 ^ v11, 12);
  v3 = v3 + load<u32>(block, 4) + v7; v15 = rotr<u32>(v15 ^ v3, 8); v11 += v15; v7 = rotr<u32>(v7 ^ v11, 7);
  v0 = v0 + load<u32>(block, 52) + v5; v15 = rotr<u32>(v15 ^ v0, 16); v10 += v15; v5 = rotr<u32>(v5 ^ v10, 12);
  v0 = v0 + load<u32>(block, 12) + v5; v15 = rotr<u32>(v15 ^ v0, 8); v10 += v15; v5 = rotr<u32>(v5 ^ v10, 7);
  v1 = v1 + load<u32>(block, 0) + v6; v12 = rotr<u32>(v12 ^ v1, 16); v11 += v12; v6 = rotr<u32>(v6 ^ v11, 12);
  v1 = v1 + load<u32>(block, 40) + v6; v12 = rotr<u32>(v12 ^ v1, 8); v11 += v12; v6 = rotr<u32>(v6 ^ v11, 7);
  v2 = v2 + load<u32>(block, 8) + v7; v13 = rotr<u32>(v13 ^ v2, 16); v8 += v13; v7 = rotr<u32>(v7 ^ v8, 12);
  v2 = v2 + load<u32>(block, 24) + v7; v13 = rotr<u32>(v13 ^ v2, 8); v8 += v13; v7 = rotr<u32>(v7 ^ v8, 7);
  v3 = v3 + load<u32>(block, 16) + v4; v14 = rotr<u32>(v14 ^ v3, 16); v9 += v14; v4 = rotr<u32>(v4 ^ v9, 12);
  v3 = v3 + load<u32>(block, 28) + v4; v14 = rotr<u32>(v14 ^ v3, 8); v9 += v14; v4 = rotr<u32>(v4 ^ v9, 7);
  // Round 6: message words 11 15 5 0 1 9 8 6 14 10 2 12 3 4 7 13.
  v0 = v0 + load<u32>(block, 44) + v4; v12 = rotr<u32>(v12 ^ v0, 16); v8 += v12; v4 = rotr<u32>(v4 ^ v8, 12);
  v0 = v0 + load<u32>(block, 60) + v4; v12 = rotr<u32>(v12 ^ v0, 8); v8 += v12; v4 = rotr<u32>(v4 ^ v8, 7);
  v1 = v1 + load<u32>(block, 20) + v5; v13 = rotr<u32>(v13 ^ v1, 16); v9 += v13; v5 = rotr<u32>(v5 ^ v9, 12);
  v1 = v1 + load<u32>(block, 0) + v5; v13 = rotr<u32>(v13 ^ v1, 8); v9 += v13; v5 = rotr<u32>(v5 ^ v9, 7);
  v2 = v2 + load<u32>(block, 4) + v6; v14 = rotr<u32>(v14 ^ v2, 16); v10 += v14; v6 = rotr<u32>(v6 ^ v10, 12);
  v2 = v2 + load<u32>(block, 36) + v6; v14 = rotr<u32>(v14 ^ v2, 8); v10 += v14; v6 = rotr<u32>(v6 ^ v10, 7);
  v3 = v3 + load<u32>(block, 32) + v7; v15 = rotr<u32>(v15 ^ v3, 16); v11 += v15; v7 = rotr<u32>(v7 ^ v11, 12);
  v3 = v3 + load<u32>(block, 24) + v7; v15 = rotr<u32>(v15 ^ v3, 8); v11 += v15; v7 = rotr<u32>(v7 ^ v11, 7);
  v0 = v0 + load<u32>(block, 56) + v5; v15 = rotr<u32>(v15 ^ v0, 16); v10 += v15; v5 = rotr<u32>(v5 ^ v10, 12);
  v0 = v0 + load<u32>(block, 40) + v5; v15 = rotr<u32>(v15 ^ v0, 8); v10 += v15; v5 = rotr<u32>(v5 ^ v10, 7);
  v1 = v1 + load<u32>(block, 8) + v6; v12 = rotr<u32>(v12 ^ v1, 16); v11 += v12; v6 = rotr<u32>(v6 ^ v11, 12);
  v1 = v1 + load<u32>(block, 48) + v6; v12 = rotr<u32>(v12 ^ v1, 8); v11 += v12; v6 = rotr<u32>(v6 ^ v11, 7);
  v2 = v2 + load<u32>(block, 12) + v7; v13 = rotr<u32>(v13 ^ v2, 16); v8 += v13; v7 = rotr<u32>(v7 ^ v8, 12);
  v2 = v2 + load<u32>(block, 16) + v7; v13 = rotr<u32>(v13 ^ v2, 8); v8 += v13; v7 = rotr<u32>(v7 ^ v8, 7);
  v3 = v3 + load<u32>(block, 28) + v4; v14 = rotr<u32>(v14 ^ v3, 16); v9 += v14; v4 = rotr<u32>(v4 ^ v9, 12);
  v3 = v3 + load<u32>(block, 52) + v4; v14 = rotr<u32>(v14 ^ v3, 8); v9 += v14; v4 = rotr<u32>(v4 ^ v9, 7);

  if (full) {
    store<u32>(out, v8 ^ c0, 32); store<u32>(out, v9 ^ c1, 36); store<u32>(out, v10 ^ c2, 40); store<u32>(out, v11 ^ c3, 44);
    store<u32>(out, v12 ^ c4, 48); store<u32>(out, v13 ^ c5, 52); store<u32>(out, v14 ^ c6, 56); store<u32>(out, v15 ^ c7, 60);
  }
  store<u32>(out, v0 ^ v8, 0); store<u32>(out, v1 ^ v9, 4); store<u32>(out, v2 ^ v10, 8); store<u32>(out, v3 ^ v11, 12);
  store<u32>(out, v4 ^ v12, 16); store<u32>(out, v5 ^ v13, 20); store<u32>(out, v6 ^ v14, 24); store<u32>(out, v7 ^ v15, 28);
}
