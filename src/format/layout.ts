// Where each part of a Waterfall sits (docs/FORMAT.md, "Layout"): the header's
// fields, an entry's blocks, the footer, and the file size its counts imply.
import { HEADER_LEN, ENTRY_LEN, FOOTER_FIXED_LEN, PEER_LEN, MIN_PEER_SLOTS, NAME_FIELD_LEN } from './model.js';

export const BLOCK_LEN = 64;

// Header offsets.
export const HEADER_BLOCK_AT = 0;
export const NAME_AT = 64;
export const SALT_AT = NAME_AT + NAME_FIELD_LEN; // 320
export const NAME_SALT_HASH_AT = 384;
export const COUNT_BLOCK_AT = 448;
export const KEY_BLOCK_AT = 512;
export const PUBLIC_KEY_AT = KEY_BLOCK_AT + 32;
export const HEADER_SIGNATURE_AT = 576;

// Offsets inside one entry.
export const ENTRY_NAME = 0;
export const ENTRY_INFO = NAME_FIELD_LEN; // 256
export const ENTRY_HASH = 320;
export const ENTRY_PARENT = 384;

export const SALT_LEN = 64;
export const HASH64_LEN = 64;
export const ROOT_LEN = 32;

export function entryAt(i: number): number {
  return HEADER_LEN + ENTRY_LEN * i;
}

/** The files signature, first block of the footer, follows the n entries. */
export function footerAt(fileCount: number): number {
  return HEADER_LEN + ENTRY_LEN * fileCount;
}

export function peerCountAt(fileCount: number): number {
  return footerAt(fileCount) + BLOCK_LEN;
}

export function peerAt(fileCount: number, i: number): number {
  return footerAt(fileCount) + FOOTER_FIXED_LEN + PEER_LEN * i;
}

/** Peer record slots in the file: max(5, p). */
export function peerSlots(peerCount: number): number {
  return Math.max(MIN_PEER_SLOTS, peerCount);
}

/** The exact size of a file with these counts: 768 + 448n + 64·max(5, p). */
export function fileLength(fileCount: number, peerCount: number): number {
  return peerAt(fileCount, peerSlots(peerCount));
}
