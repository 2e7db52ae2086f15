// Memory layout and constants of the hash module. Small areas (hasher state, scratch,
// tables) are static data; the big I/O buffers sit above __heap_base and are laid out
// when the module starts, so that the shared asconfig can keep one initial page.
// Nothing here is ever allocated at run time: the module has no heap.

export const BLOCK_LEN: u32 = 64;
export const CHUNK_LEN: u32 = 1024;

// Domain flags of the BLAKE3 compression function.
export const CHUNK_START: u32 = 1;
export const CHUNK_END: u32 = 2;
export const PARENT: u32 = 4;
export const ROOT: u32 = 8;
export const KEYED_HASH: u32 = 16;
export const DERIVE_KEY_CONTEXT: u32 = 32;
export const DERIVE_KEY_MATERIAL: u32 = 64;

// The first four IV words, used in every compression; the full IV is the plain-hash key.
export const IV0: u32 = 0x6a09e667;
export const IV1: u32 = 0xbb67ae85;
export const IV2: u32 = 0x3c6ef372;
export const IV3: u32 = 0xa54ff53a;
export const IV = memory.data<u32>([IV0, IV1, IV2, IV3, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19], 16);

/** The key buffer: 32 bytes the caller writes before init(1) (keyed hash). */
export const KEY = memory.data(32, 16);

/** Scratch for the 4-lane compression: the transposed message (16 vectors). */
export const MSG4 = memory.data(16 * 16, 16);
/** Largest subtree (in chunks) hashed in one go by the 4-lane path. */
export const MAX_SUBTREE_CHUNKS: u32 = 64;
/** Chaining values of the chunks of one subtree, reduced in place to its two halves. */
export const SUBTREE_CVS = memory.data(<i32>MAX_SUBTREE_CHUNKS * 32, 16);

// Big buffers, laid out above the static data.
export const INPUT_CAPACITY: usize = 4 << 20;
export const OUTPUT_CAPACITY: usize = 64 << 10;
/** Entries of the length table of hashMany: as many as 32-byte digests fit the output. */
export const LENS_CAPACITY: usize = OUTPUT_CAPACITY / 32;
export const INPUT: usize = (__heap_base + 63) & ~<usize>63;
export const OUTPUT: usize = INPUT + INPUT_CAPACITY;
export const LENS: usize = OUTPUT + OUTPUT_CAPACITY;
/** Merkle leaves live at the end of memory; the region grows on demand. */
export const LEAVES: usize = LENS + LENS_CAPACITY * 4;

/** Grows memory so that [0, end) is addressable; false if the engine refuses. */
export function ensureMemory(end: u64): bool {
  if (end > 0xffff0000) return false;
  const needed = <i32>((end + 0xffff) >> 16);
  const have = memory.size();
  return needed <= have || memory.grow(needed - have) >= 0;
}

if (!ensureMemory(<u64>LEAVES)) unreachable();
