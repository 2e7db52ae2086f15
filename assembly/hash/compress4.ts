// Four BLAKE3 compressions at once with WebAssembly SIMD: lane j of every vector
// belongs to input j. Whole chunks (16 blocks, lanes 1 KiB apart) and parent or
// merkle nodes (1 block, lanes 64 bytes apart) go through the same routine.
// The seven rounds are written out: round r reads the message words in the order of
// the BLAKE3 permutation applied r times (listed above each round), so every message
// access is a load at a constant address.

import { IV0, IV1, IV2, IV3, MSG4 } from './layout';

// @ts-ignore: decorator
@inline function add(a: v128, b: v128): v128 { return i32x4.add(a, b); }
/** a + b + m, adding b last: b is the newest value, so this shortens the dependency chain. */
// @ts-ignore: decorator
@inline function add3(a: v128, b: v128, m: v128): v128 { return i32x4.add(i32x4.add(a, m), b); }
// Rotations right: by 16 and 8 move whole bytes (one byte shuffle); by 12 and 7 need
// shifts. V8 turns rot16 into pshuflw+pshufhw; for rot8 a swizzle by a constant keeps
// the pshufb mask in a register, where i8x16.shuffle rebuilds it at every use (~12%
// slower overall, measured).
// @ts-ignore: decorator
@inline function rot16(x: v128): v128 {
  return i8x16.shuffle(x, x, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13);
}
// @ts-ignore: decorator
@inline function rot8(x: v128): v128 {
  return i8x16.swizzle(x, v128(1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12));
}
// @ts-ignore: decorator
@inline function rot12(x: v128): v128 { return v128.or(i32x4.shr_u(x, 12), i32x4.shl(x, 20)); }
// @ts-ignore: decorator
@inline function rot7(x: v128): v128 { return v128.or(i32x4.shr_u(x, 7), i32x4.shl(x, 25)); }
// @ts-ignore: decorator
@inline function xor(a: v128, b: v128): v128 { return v128.xor(a, b); }
/** Message word i of the four lanes (the block transposed into MSG4). */
// @ts-ignore: decorator
@inline function m(i: usize): v128 { return v128.load(MSG4 + (i << 4)); }

/**
 * Transposes a 4x4 matrix of words: row k of the result (word k of rows a..d) is stored
 * at dst + k * stride.
 */
// @ts-ignore: decorator
@inline function transpose(a: v128, b: v128, c: v128, d: v128, dst: usize, stride: usize): void {
  const ab01 = i32x4.shuffle(a, b, 0, 4, 1, 5), ab23 = i32x4.shuffle(a, b, 2, 6, 3, 7);
  const cd01 = i32x4.shuffle(c, d, 0, 4, 1, 5), cd23 = i32x4.shuffle(c, d, 2, 6, 3, 7);
  v128.store(dst, i64x2.shuffle(ab01, cd01, 0, 2));
  v128.store(dst + stride, i64x2.shuffle(ab01, cd01, 1, 3));
  v128.store(dst + 2 * stride, i64x2.shuffle(ab23, cd23, 0, 2));
  v128.store(dst + 3 * stride, i64x2.shuffle(ab23, cd23, 1, 3));
}

/**
 * Hashes four inputs of `blocks` full 64-byte blocks each, lane j starting at
 * input + j * stride, under the key at `key` (8 words). Lane j uses counter
 * counter + j * counterStep (1 for chunks, 0 for parents). The first block adds
 * flagsStart, the last flagsEnd. Writes the four 32-byte chaining values to out,
 * consecutively; out may overlap the input of the last block.
 */
export function hash4(
  input: usize, stride: usize, blocks: u32, key: usize,
  counter: u64, counterStep: u64, flags: u32, flagsStart: u32, flagsEnd: u32, out: usize,
): void {
  const ctr1 = counter + counterStep, ctr2 = ctr1 + counterStep, ctr3 = ctr2 + counterStep;
  let lo = i32x4.replace_lane(i32x4.splat(<i32>counter), 1, <i32>ctr1);
  lo = i32x4.replace_lane(i32x4.replace_lane(lo, 2, <i32>ctr2), 3, <i32>ctr3);
  let hi = i32x4.replace_lane(i32x4.splat(<i32>(counter >>> 32)), 1, <i32>(ctr1 >>> 32));
  hi = i32x4.replace_lane(i32x4.replace_lane(hi, 2, <i32>(ctr2 >>> 32)), 3, <i32>(ctr3 >>> 32));
  const blockLen = i32x4.splat(64);

  let h0 = i32x4.splat(load<i32>(key, 0)), h1 = i32x4.splat(load<i32>(key, 4));
  let h2 = i32x4.splat(load<i32>(key, 8)), h3 = i32x4.splat(load<i32>(key, 12));
  let h4 = i32x4.splat(load<i32>(key, 16)), h5 = i32x4.splat(load<i32>(key, 20));
  let h6 = i32x4.splat(load<i32>(key, 24)), h7 = i32x4.splat(load<i32>(key, 28));

  for (let b: u32 = 0; b < blocks; b++) {
    // Transpose the block so that MSG4 vector w holds word w of the four lanes.
    const p0 = input + <usize>b * 64, p1 = p0 + stride, p2 = p1 + stride, p3 = p2 + stride;
    for (let q: usize = 0; q < 64; q += 16) {
      transpose(v128.load(p0 + q), v128.load(p1 + q), v128.load(p2 + q), v128.load(p3 + q), MSG4 + q * 4, 16);
    }
    let f = flags;
    if (b == 0) f |= flagsStart;
    if (b == blocks - 1) f |= flagsEnd;

    let v0 = h0, v1 = h1, v2 = h2, v3 = h3, v4 = h4, v5 = h5, v6 = h6, v7 = h7;
    let v8 = i32x4.splat(IV0), v9 = i32x4.splat(IV1), v10 = i32x4.splat(IV2), v11 = i32x4.splat(IV3);
    let v12 = lo, v13 = hi, v14 = blockLen, v15 = i32x4.splat(f);

    // Round 0: message words 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15.
    v0 = add3(v0, v4, m(0)); v1 = add3(v1, v5, m(2)); v2 = add3(v2, v6, m(4)); v3 = add3(v3, v7, m(6));
    v12 = rot16(xor(v12, v0)); v13 = rot16(xor(v13, v1)); v14 = rot16(xor(v14, v2)); v15 = rot16(xor(v15, v3));
    v8 = add(v8, v12); v9 = add(v9, v13); v10 = add(v10, v14); v11 = add(v11, v15);
    v4 = rot12(xor(v4, v8)); v5 = rot12(xor(v5, v9)); v6 = rot12(xor(v6, v10)); v7 = rot12(xor(v7, v11));
    v0 = add3(v0, v4, m(1)); v1 = add3(v1, v5, m(3)); v2 = add3(v2, v6, m(5)); v3 = add3(v3, v7, m(7));
    v12 = rot8(xor(v12, v0)); v13 = rot8(xor(v13, v1)); v14 = rot8(xor(v14, v2)); v15 = rot8(xor(v15, v3));
    v8 = add(v8, v12); v9 = add(v9, v13); v10 = add(v10, v14); v11 = add(v11, v15);
    v4 = rot7(xor(v4, v8)); v5 = rot7(xor(v5, v9)); v6 = rot7(xor(v6, v10)); v7 = rot7(xor(v7, v11));
    v0 = add3(v0, v5, m(8)); v1 = add3(v1, v6, m(10)); v2 = add3(v2, v7, m(12)); v3 = add3(v3, v4, m(14));
    v15 = rot16(xor(v15, v0)); v12 = rot16(xor(v12, v1)); v13 = rot16(xor(v13, v2)); v14 = rot16(xor(v14, v3));
    v10 = add(v10, v15); v11 = add(v11, v12); v8 = add(v8, v13); v9 = add(v9, v14);
    v5 = rot12(xor(v5, v10)); v6 = rot12(xor(v6, v11)); v7 = rot12(xor(v7, v8)); v4 = rot12(xor(v4, v9));
    v0 = add3(v0, v5, m(9)); v1 = add3(v1, v6, m(11)); v2 = add3(v2, v7, m(13)); v3 = add3(v3, v4, m(15));
    v15 = rot8(xor(v15, v0)); v12 = rot8(xor(v12, v1)); v13 = rot8(xor(v13, v2)); v14 = rot8(xor(v14, v3));
    v10 = add(v10, v15); v11 = add(v11, v12); v8 = add(v8, v13); v9 = add(v9, v14);
    v5 = rot7(xor(v5, v10)); v6 = rot7(xor(v6, v11)); v7 = rot7(xor(v7, v8)); v4 = rot7(xor(v4, v9));
    // Round 1: message words 2 6 3 10 7 0 4 13 1 11 12 5 9 14 15 8.
    v0 = add3(v0, v4, m(2)); v1 = add3(v1, v5, m(3)); v2 = add3(v2, v6, m(7)); v3 = add3(v3, v7, m(4));
    v12 = rot16(xor(v12, v0)); v13 = rot16(xor(v13, v1)); v14 = rot16(xor(v14, v2)); v15 = rot16(xor(v15, v3));
    v8 = add(v8, v12); v9 = add(v9, v13); v10 = add(v10, v14); v11 = add(v11, v15);
    v4 = rot12(xor(v4, v8)); v5 = rot12(xor(v5, v9)); v6 = rot12(xor(v6, v10)); v7 = rot12(xor(v7, v11));
    v0 = add3(v0, v4, m(6)); v1 = add3(v1, v5, m(10)); v2 = add3(v2, v6, m(0)); v3 = add3(v3, v7, m(13));
    v12 = rot8(xor(v12, v0)); v13 = rot8(xor(v13, v1)); v14 = rot8(xor(v14, v2)); v15 = rot8(xor(v15, v3));
    v8 = add(v8, v12); v9 = add(v9, v13); v10 = add(v10, v14); v11 = add(v11, v15);
    v4 = rot7(xor(v4, v8)); v5 = rot7(xor(v5, v9)); v6 = rot7(xor(v6, v10)); v7 = rot7(xor(v7, v11));
    v0 = add3(v0, v5, m(1)); v1 = add3(v1, v6, m(12)); v2 = add3(v2, v7, m(9)); v3 = add3(v3, v4, m(15));
    v15 = rot16(xor(v15, v0)); v12 = rot16(xor(v12, v1)); v13 = rot16(xor(v13, v2)); v14 = rot16(xor(v14, v3));
    v10 = add(v10, v15); v11 = add(v11, v12); v8 = add(v8, v13); v9 = add(v9, v14);
    v5 = rot12(xor(v5, v10)); v6 = rot12(xor(v6, v11)); v7 = rot12(xor(v7, v8)); v4 = rot12(xor(v4, v9));
    v0 = add3(v0, v5, m(11)); v1 = add3(v1, v6, m(5)); v2 = add3(v2, v7, m(14)); v3 = add3(v3, v4, m(8));
    v15 = rot8(xor(v15, v0)); v12 = rot8(xor(v12, v1)); v13 = rot8(xor(v13, v2)); v14 = rot8(xor(v14, v3));
    v10 = add(v10, v15); v11 = add(v11, v12); v8 = add(v8, v13); v9 = add(v9, v14);
    v5 = rot7(xor(v5, v10)); v6 = rot7(xor(v6, v11)); v7 = rot7(xor(v7, v8)); v4 = rot7(xor(v4, v9));
    // Round 2: message words 3 4 10 12 13 2 7 14 6 5 9 0 11 15 8 1.
    v0 = add3(v0, v4, m(3)); v1 = add3(v1, v5, m(10)); v2 = add3(v2, v6, m(13)); v3 = add3(v3, v7, m(7));
    v12 = rot16(xor(v12, v0)); v13 = rot16(xor(v13, v1)); v14 = rot16(xor(v14, v2)); v15 = rot16(xor(v15, v3));
    v8 = add(v8, v12); v9 = add(v9, v13); v10 = add(v10, v14); v11 = add(v11, v15);
    v4 = rot12(xor(v4, v8)); v5 = rot12(xor(v5, v9)); v6 = rot12(xor(v6, v10)); v7 = rot12(xor(v7, v11));
    v0 = add3(v0, v4, m(4)); v1 = add3(v1, v5, m(12)); v2 = add3(v2, v6, m(2)); v3 = add3(v3, v7, m(14));
    v12 = rot8(xor(v12, v0)); v13 = rot8(xor(v13, v1)); v14 = rot8(xor(v14, v2)); v15 = rot8(xor(v15, v3));
    v8 = add(v8, v12); v9 = add(v9, v13); v10 = add(v10, v14); v11 = add(v11, v15);
    v4 = rot7(xor(v4, v8)); v5 = rot7(xor(v5, v9)); v6 = rot7(xor(v6, v10)); v7 = rot7(xor(v7, v11));
    v0 = add3(v0, v5, m(6)); v1 = add3(v1, v6, m(9)); v2 = add3(v2, v7, m(11)); v3 = add3(v3, v4, m(8));
    v15 = rot16(xor(v15, v0)); v12 = rot16(xor(v12, v1)); v13 = rot16(xor(v13, v2)); v14 = rot16(xor(v14, v3));
    v10 = add(v10, v15); v11 = add(v11, v12); v8 = add(v8, v13); v9 = add(v9, v14);
    v5 = rot12(xor(v5, v10)); v6 = rot12(xor(v6, v11)); v7 = rot12(xor(v7, v8)); v4 = rot12(xor(v4, v9));
    v0 = add3(v0, v5, m(5)); v1 = add3(v1, v6, m(0)); v2 = add3(v2, v7, m(15)); v3 = add3(v3, v4, m(1));
    v15 = rot8(xor(v15, v0)); v12 = rot8(xor(v12, v1)); v13 = rot8(xor(v13, v2)); v14 = rot8(xor(v14, v3));
    v10 = add(v10, v15); v11 = add(v11, v12); v8 = add(v8, v13); v9 = add(v9, v14);
    v5 = rot7(xor(v5, v10)); v6 = rot7(xor(v6, v11)); v7 = rot7(xor(v7, v8)); v4 = rot7(xor(v4, v9));
    // Round 3: message words 10 7 12 9 14 3 13 15 4 0 11 2 5 8 1 6.
    v0 = add3(v0, v4, m(10)); v1 = add3(v1, v5, m(12)); v2 = add3(v2, v6, m(14)); v3 = add3(v3, v7, m(13));
    v12 = rot16(xor(v12, v0)); v13 = rot16(xor(v13, v1)); v14 = rot16(xor(v14, v2)); v15 = rot16(xor(v15, v3));
    v8 = add(v8, v12); v9 = add(v9, v13); v10 = add(v10, v14); v11 = add(v11, v15);
    v4 = rot12(xor(v4, v8)); v5 = rot12(xor(v5, v9)); v6 = rot12(xor(v6, v10)); v7 = rot12(xor(v7, v11));
    v0 = add3(v0, v4, m(7)); v1 = add3(v1, v5, m(9)); v2 = add3(v2, v6, m(3)); v3 = add3(v3, v7, m(15));
    v12 = rot8(xor(v12, v0)); v13 = rot8(xor(v13, v1)); v14 = rot8(xor(v14, v2)); v15 = rot8(xor(v15, v3));
    v8 = add(v8, v12); v9 = add(v9, v13); v10 = add(v10, v14); v11 = add(v11, v15);
    v4 = rot7(xor(v4, v8)); v5 = rot7(xor(v5, v9)); v6 = rot7(xor(v6, v10)); v7 = rot7(xor(v7, v11));
    v0 = add3(v0, v5, m(4)); v1 = add3(v1, v6, m(11)); v2 = add3(v2, v7, m(5)); v3 = add3(v3, v4, m(1));
    v15 = rot16(xor(v15, v0)); v12 = rot16(xor(v12, v1)); v13 = rot16(xor(v13, v2)); v14 = rot16(xor(v14, v3));
    v10 = add(v10, v15); v11 = add(v11, v12); v8 = add(v8, v13); v9 = add(v9, v14);
    v5 = rot12(xor(v5, v10)); v6 = rot12(xor(v6, v11)); v7 = rot12(xor(v7, v8)); v4 = rot12(xor(v4, v9));
    v0 = add3(v0, v5, m(0)); v1 = add3(v1, v6, m(2)); v2 = add3(v2, v7, m(8)); v3 = add3(v3, v4, m(6));
    v15 = rot8(xor(v15, v0)); v12 = rot8(xor(v12, v1)); v13 = rot8(xor(v13, v2)); v14 = rot8(xor(v14, v3));
    v10 = add(v10, v15); v11 = add(v11, v12); v8 = add(v8, v13); v9 = add(v9, v14);
    v5 = rot7(xor(v5, v10)); v6 = rot7(xor(v6, v11)); v7 = rot7(xor(v7, v8)); v4 = rot7(xor(v4, v9));
    // Round 4: message words 12 13 9 11 15 10 14 8 7 2 5 3 0 1 6 4.
    v0 = add3(v0, v4, m(12)); v1 = add3(v1, v5, m(9)); v2 = add3(v2, v6, m(15)); v3 = add3(v3, v7, m(14));
    v12 = rot16(xor(v12, v0)); v13 = rot16(xor(v13, v1)); v14 = rot16(xor(v14, v2)); v15 = rot16(xor(v15, v3));
    v8 = add(v8, v12); v9 = add(v9, v13); v10 = add(v10, v14); v11 = add(v11, v15);
    v4 = rot12(xor(v4, v8)); v5 = rot12(xor(v5, v9)); v6 = rot12(xor(v6, v10)); v7 = rot12(xor(v7, v11));
    v0 = add3(v0, v4, m(13)); v1 = add3(v1, v5, m(11)); v2 = add3(v2, v6, m(10)); v3 = add3(v3, v7, m(8));
    v12 = rot8(xor(v12, v0)); v13 = rot8(xor(v13, v1)); v14 = rot8(xor(v14, v2)); v15 = rot8(xor(v15, v3));
    v8 = add(v8, v12); v9 = add(v9, v13); v10 = add(v10, v14); v11 = add(v11, v15);
    v4 = rot7(xor(v4, v8)); v5 = rot7(xor(v5, v9)); v6 = rot7(xor(v6, v10)); v7 = rot7(xor(v7, v11));
    v0 = add3(v0, v5, m(7)); v1 = add3(v1, v6, m(5)); v2 = add3(v2, v7, m(0)); v3 = add3(v3, v4, m(6));
    v15 = rot16(xor(v15, v0)); v12 = rot16(xor(v12, v1)); v13 = rot16(xor(v13, v2)); v14 = rot16(xor(v14, v3));
    v10 = add(v10, v15); v11 = add(v11, v12); v8 = add(v8, v13); v9 = add(v9, v14);
    v5 = rot12(xor(v5, v10)); v6 = rot12(xor(v6, v11)); v7 = rot12(xor(v7, v8)); v4 = rot12(xor(v4, v9));
    v0 = add3(v0, v5, m(2)); v1 = add3(v1, v6, m(3)); v2 = add3(v2, v7, m(1)); v3 = add3(v3, v4, m(4));
    v15 = rot8(xor(v15, v0)); v12 = rot8(xor(v12, v1)); v13 = rot8(xor(v13, v2)); v14 = rot8(xor(v14, v3));
    v10 = add(v10, v15); v11 = add(v11, v12); v8 = add(v8, v13); v9 = add(v9, v14);
    v5 = rot7(xor(v5, v10)); v6 = rot7(xor(v6, v11)); v7 = rot7(xor(v7, v8)); v4 = rot7(xor(v4, v9));
    // Round 5: message words 9 14 11 5 8 12 15 1 13 3 0 10 2 6 4 7.
    v0 = add3(v0, v4, m(9)); v1 = add3(v1, v5, m(11)); v2 = add3(v2, v6, m(8)); v3 = add3(v3, v7, m(15));
    v12 = rot16(xor(v12, v0)); v13 = rot16(xor(v13, v1)); v14 = rot16(xor(v14, v2)); v15 = rot16(xor(v15, v3));
    v8 = add(v8, v12); v9 = add(v9, v13); v10 = add(v10, v14); v11 = add(v11, v15);
    v4 = rot12(xor(v4, v8)); v5 = rot12(xor(v5, v9)); v6 = rot12(xor(v6, v10)); v7 = rot12(xor(v7, v11));
    v0 = add3(v0, v4, m(14)); v1 = add3(v1, v5, m(5)); v2 = add3(v2, v6, m(12)); v3 = add3(v3, v7, m(1));
    v12 = rot8(xor(v12, v0)); v13 = rot8(xor(v13, v1)); v14 = rot8(xor(v14, v2)); v15 = rot8(xor(v15, v3));
    v8 = add(v8, v12); v9 = add(v9, v13); v10 = add(v10, v14); v11 = add(v11, v15);
    v4 = rot7(xor(v4, v8)); v5 = rot7(xor(v5, v9)); v6 = rot7(xor(v6, v10)); v7 = rot7(xor(v7, v11));
    v0 = add3(v0, v5, m(13)); v1 = add3(v1, v6, m(0)); v2 = add3(v2, v7, m(2)); v3 = add3(v3, v4, m(4));
    v15 = rot16(xor(v15, v0)); v12 = rot16(xor(v12, v1)); v13 = rot16(xor(v13, v2)); v14 = rot16(xor(v14, v3));
    v10 = add(v10, v15); v11 = add(v11, v12); v8 = add(v8, v13); v9 = add(v9, v14);
    v5 = rot12(xor(v5, v10)); v6 = rot12(xor(v6, v11)); v7 = rot12(xor(v7, v8)); v4 = rot12(xor(v4, v9));
    v0 = add3(v0, v5, m(3)); v1 = add3(v1, v6, m(10)); v2 = add3(v2, v7, m(6)); v3 = add3(v3, v4, m(7));
    v15 = rot8(xor(v15, v0)); v12 = rot8(xor(v12, v1)); v13 = rot8(xor(v13, v2)); v14 = rot8(xor(v14, v3));
    v10 = add(v10, v15); v11 = add(v11, v12); v8 = add(v8, v13); v9 = add(v9, v14);
    v5 = rot7(xor(v5, v10)); v6 = rot7(xor(v6, v11)); v7 = rot7(xor(v7, v8)); v4 = rot7(xor(v4, v9));
    // Round 6: message words 11 15 5 0 1 9 8 6 14 10 2 12 3 4 7 13.
    v0 = add3(v0, v4, m(11)); v1 = add3(v1, v5, m(5)); v2 = add3(v2, v6, m(1)); v3 = add3(v3, v7, m(8));
    v12 = rot16(xor(v12, v0)); v13 = rot16(xor(v13, v1)); v14 = rot16(xor(v14, v2)); v15 = rot16(xor(v15, v3));
    v8 = add(v8, v12); v9 = add(v9, v13); v10 = add(v10, v14); v11 = add(v11, v15);
    v4 = rot12(xor(v4, v8)); v5 = rot12(xor(v5, v9)); v6 = rot12(xor(v6, v10)); v7 = rot12(xor(v7, v11));
    v0 = add3(v0, v4, m(15)); v1 = add3(v1, v5, m(0)); v2 = add3(v2, v6, m(9)); v3 = add3(v3, v7, m(6));
    v12 = rot8(xor(v12, v0)); v13 = rot8(xor(v13, v1)); v14 = rot8(xor(v14, v2)); v15 = rot8(xor(v15, v3));
    v8 = add(v8, v12); v9 = add(v9, v13); v10 = add(v10, v14); v11 = add(v11, v15);
    v4 = rot7(xor(v4, v8)); v5 = rot7(xor(v5, v9)); v6 = rot7(xor(v6, v10)); v7 = rot7(xor(v7, v11));
    v0 = add3(v0, v5, m(14)); v1 = add3(v1, v6, m(2)); v2 = add3(v2, v7, m(3)); v3 = add3(v3, v4, m(7));
    v15 = rot16(xor(v15, v0)); v12 = rot16(xor(v12, v1)); v13 = rot16(xor(v13, v2)); v14 = rot16(xor(v14, v3));
    v10 = add(v10, v15); v11 = add(v11, v12); v8 = add(v8, v13); v9 = add(v9, v14);
    v5 = rot12(xor(v5, v10)); v6 = rot12(xor(v6, v11)); v7 = rot12(xor(v7, v8)); v4 = rot12(xor(v4, v9));
    v0 = add3(v0, v5, m(10)); v1 = add3(v1, v6, m(12)); v2 = add3(v2, v7, m(4)); v3 = add3(v3, v4, m(13));
    v15 = rot8(xor(v15, v0)); v12 = rot8(xor(v12, v1)); v13 = rot8(xor(v13, v2)); v14 = rot8(xor(v14, v3));
    v10 = add(v10, v15); v11 = add(v11, v12); v8 = add(v8, v13); v9 = add(v9, v14);
    v5 = rot7(xor(v5, v10)); v6 = rot7(xor(v6, v11)); v7 = rot7(xor(v7, v8)); v4 = rot7(xor(v4, v9));
    h0 = v128.xor(v0, v8); h1 = v128.xor(v1, v9); h2 = v128.xor(v2, v10); h3 = v128.xor(v3, v11);
    h4 = v128.xor(v4, v12); h5 = v128.xor(v5, v13); h6 = v128.xor(v6, v14); h7 = v128.xor(v7, v15);
  }
  // Back to one chaining value per lane: words 0..3 and 4..7 of lane j at out + 32j.
  transpose(h0, h1, h2, h3, out, 32);
  transpose(h4, h5, h6, h7, out + 16, 32);
}
