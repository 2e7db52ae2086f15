// The incremental BLAKE3 hasher: one chunk in progress plus the stack of chaining
// values of finished subtrees, all in one static block of memory (STATE) that the
// JS side can save and restore to run several hashes in turn.
//
// Tree building: chunk CVs are pushed lazily, merging only when the next CV arrives,
// so that the last node is never merged before finalize knows it is the root. Runs of
// at least four whole chunks are hashed as subtrees by the 4-lane path and pushed as
// their two halves; finalize then always finds the root's children on the stack.

import { compress } from './compress';
import { hash4 } from './compress4';
import {
  BLOCK_LEN, CHUNK_END, CHUNK_LEN, CHUNK_START, MAX_SUBTREE_CHUNKS, PARENT, ROOT, SUBTREE_CVS,
} from './layout';

/** Deepest possible stack: one entry per bit of a 2^54-chunk counter, plus the lazy one. */
const MAX_DEPTH: usize = 55;
export const STATE_SIZE: usize = 160 + MAX_DEPTH * 32;
export const STATE = memory.data(<i32>STATE_SIZE, 16);
const S_KEY = STATE; //            8 words: the key (IV, a user key or a derived key)
const S_CV = STATE + 32; //        8 words: chaining value of the chunk in progress
const S_BUF = STATE + 64; //       64 bytes: the chunk's last, not yet compressed, block
const S_COUNTER = STATE + 128; //  u64: index of the chunk in progress
const S_BUF_LEN = STATE + 136; //  u32: bytes in S_BUF
const S_BLOCKS = STATE + 140; //   u32: blocks of this chunk already compressed
const S_FLAGS = STATE + 144; //    u32: mode flags (KEYED_HASH, DERIVE_KEY_*)
const S_DEPTH = STATE + 148; //    u32: entries on the stack
const S_STACK = STATE + 160; //    MAX_DEPTH x 32 bytes

// The root node, rebuilt by every finalize: its input chaining value, block and params.
const NODE_CV = memory.data(32, 16);
const NODE_BLOCK = memory.data(64, 16);
let nodeBlockLen: u32 = 0;
let nodeFlags: u32 = 0;
const XOF_BLOCK = memory.data(64, 16);

/** Starts a new hash under the 32-byte key at `key` with the given mode flags. */
export function hasherInit(key: usize, flags: u32): void {
  memory.copy(S_KEY, key, 32);
  store<u32>(S_FLAGS, flags);
  store<u32>(S_DEPTH, 0);
  resetChunk(0);
}

function resetChunk(counter: u64): void {
  memory.copy(S_CV, S_KEY, 32);
  store<u64>(S_COUNTER, counter);
  store<u32>(S_BUF_LEN, 0);
  store<u32>(S_BLOCKS, 0);
}

/** Merges the top of the stack until it holds one entry per set bit of `chunks`. */
function mergeStack(chunks: u64): void {
  const target = <u32>popcnt(chunks);
  const flags = load<u32>(S_FLAGS) | PARENT;
  let depth = load<u32>(S_DEPTH);
  while (depth > target) {
    const left = S_STACK + (<usize>depth - 2) * 32; // left || right is one 64-byte block
    compress(S_KEY, left, 0, BLOCK_LEN, flags, left, false);
    depth--;
  }
  store<u32>(S_DEPTH, depth);
}

/** Pushes the CV of the subtree whose first chunk is `counter`. */
function pushCV(cv: usize, counter: u64): void {
  mergeStack(counter);
  const depth = load<u32>(S_DEPTH);
  memory.copy(S_STACK + <usize>depth * 32, cv, 32);
  store<u32>(S_DEPTH, depth + 1);
}

/** Adds up to the rest of the chunk in progress from [ptr, ptr+len); returns bytes taken. */
function chunkAbsorb(ptr: usize, len: usize): usize {
  let bufLen = load<u32>(S_BUF_LEN), blocks = load<u32>(S_BLOCKS);
  const counter = load<u64>(S_COUNTER), flags = load<u32>(S_FLAGS);
  const room = <usize>(CHUNK_LEN - blocks * BLOCK_LEN - bufLen);
  const take = len < room ? len : room;
  let p = ptr, rem = take;
  while (rem > 0) {
    if (bufLen == BLOCK_LEN) {
      compress(S_CV, S_BUF, counter, BLOCK_LEN, flags | (blocks == 0 ? CHUNK_START : 0), S_CV, false);
      blocks++;
      bufLen = 0;
    }
    if (bufLen == 0) {
      // Whole blocks straight from the input, keeping the last one buffered.
      while (rem > BLOCK_LEN) {
        compress(S_CV, p, counter, BLOCK_LEN, flags | (blocks == 0 ? CHUNK_START : 0), S_CV, false);
        blocks++;
        p += BLOCK_LEN;
        rem -= BLOCK_LEN;
      }
    }
    const n = min<usize>(BLOCK_LEN - bufLen, rem);
    memory.copy(S_BUF + bufLen, p, n);
    bufLen += <u32>n;
    p += n;
    rem -= n;
  }
  store<u32>(S_BUF_LEN, bufLen);
  store<u32>(S_BLOCKS, blocks);
  return take;
}

/**
 * Hashes `chunks` whole chunks (a power of two, 4..MAX_SUBTREE_CHUNKS) at `ptr`, the
 * first one being chunk `counter`, and leaves the CVs of its two halves at SUBTREE_CVS.
 */
function hashSubtree(ptr: usize, chunks: u32, counter: u64): void {
  const flags = load<u32>(S_FLAGS);
  for (let g: u32 = 0; g < chunks; g += 4) {
    hash4(ptr + <usize>g * CHUNK_LEN, CHUNK_LEN, 16, S_KEY, counter + g, 1, flags, CHUNK_START, CHUNK_END,
      SUBTREE_CVS + <usize>g * 32);
  }
  // Parent levels, four parents per call; the level of two parents uses half the lanes.
  for (let cvs = chunks; cvs > 2; cvs >>= 1) {
    for (let p: u32 = 0; p < cvs >> 1; p += 4) {
      hash4(SUBTREE_CVS + <usize>p * 64, 64, 1, S_KEY, 0, 0, flags | PARENT, 0, 0, SUBTREE_CVS + <usize>p * 32);
    }
  }
}

/** Absorbs [ptr, ptr+len). */
export function hasherUpdate(ptr: usize, len: usize): void {
  while (len > 0) {
    const blocks = load<u32>(S_BLOCKS), bufLen = load<u32>(S_BUF_LEN);
    const counter = load<u64>(S_COUNTER);
    if ((blocks | bufLen) != 0) {
      if (blocks == 15 && bufLen == BLOCK_LEN) {
        // A full chunk and more input: it is not the root, so finish and push it.
        compress(S_CV, S_BUF, counter, BLOCK_LEN, load<u32>(S_FLAGS) | CHUNK_END, S_CV, false);
        pushCV(S_CV, counter);
        resetChunk(counter + 1);
        continue;
      }
    } else if (len >= 4 * CHUNK_LEN && (counter & 3) == 0) {
      // The largest aligned run of whole chunks that fits, as one subtree.
      let n: u32 = 4;
      while (n < MAX_SUBTREE_CHUNKS && <usize>(n << 1) * CHUNK_LEN <= len && (counter & ((n << 1) - 1)) == 0) n <<= 1;
      hashSubtree(ptr, n, counter);
      pushCV(SUBTREE_CVS, counter);
      pushCV(SUBTREE_CVS + 32, counter + (n >> 1));
      resetChunk(counter + n);
      ptr += <usize>n * CHUNK_LEN;
      len -= <usize>n * CHUNK_LEN;
      continue;
    }
    const take = chunkAbsorb(ptr, len);
    ptr += take;
    len -= take;
  }
  // With a chunk in progress, everything before it is complete: merge it now.
  if ((load<u32>(S_BLOCKS) | load<u32>(S_BUF_LEN)) != 0) mergeStack(load<u64>(S_COUNTER));
}

/** Rebuilds the root node (NODE_*) from the state, which it leaves unchanged. */
function rootNode(): void {
  const flags = load<u32>(S_FLAGS);
  const blocks = load<u32>(S_BLOCKS), bufLen = load<u32>(S_BUF_LEN);
  let depth = <usize>load<u32>(S_DEPTH);
  let counter: u64 = 0;
  if (depth == 0 || (blocks | bufLen) != 0) {
    // The chunk in progress (the only node of an input of at most one chunk).
    memory.copy(NODE_CV, S_CV, 32);
    memory.copy(NODE_BLOCK, S_BUF, bufLen);
    memory.fill(NODE_BLOCK + bufLen, 0, BLOCK_LEN - bufLen);
    nodeBlockLen = bufLen;
    nodeFlags = flags | (blocks == 0 ? CHUNK_START : 0) | CHUNK_END;
    counter = load<u64>(S_COUNTER);
  } else {
    // The chunk state is empty: the top two entries are the two halves of a subtree.
    depth -= 2;
    memory.copy(NODE_CV, S_KEY, 32);
    memory.copy(NODE_BLOCK, S_STACK + depth * 32, 64);
    nodeBlockLen = BLOCK_LEN;
    nodeFlags = flags | PARENT;
  }
  while (depth > 0) {
    depth--;
    compress(NODE_CV, NODE_BLOCK, counter, nodeBlockLen, nodeFlags, NODE_BLOCK + 32, false);
    memory.copy(NODE_BLOCK, S_STACK + depth * 32, 32);
    memory.copy(NODE_CV, S_KEY, 32);
    nodeBlockLen = BLOCK_LEN;
    nodeFlags = flags | PARENT;
    counter = 0;
  }
  nodeFlags |= ROOT;
}

/** Writes `len` bytes of the output, starting at byte `offset` of the output stream. */
export function hasherOutput(out: usize, len: usize, offset: u64): void {
  rootNode();
  let block = offset >> 6;
  let skip = <usize>(offset & 63);
  while (len > 0) {
    compress(NODE_CV, NODE_BLOCK, block, nodeBlockLen, nodeFlags, XOF_BLOCK, true);
    const n = min<usize>(64 - skip, len);
    memory.copy(out, XOF_BLOCK + skip, n);
    out += n;
    len -= n;
    skip = 0;
    block++;
  }
}
