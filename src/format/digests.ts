// Every H64/H32 of docs/FORMAT.md in one place: BLAKE3 derive-key mode with a
// context string that starts "ByteFall 2026-11-23 ", so no two uses collide.
// (The merkle node key lives with the merkle tree in src/hash/merkle.ts.)
import { blake3ContextKey, blake3DeriveKeyWith } from '../hash/blake3.js';
import { HASH64_LEN, fileLength, footerAt } from './layout.js';
import { ENTRY_LEN, HEADER_LEN } from './model.js';

const PREFIX = 'ByteFall 2026-11-23 ';

export const CONTEXTS = {
  nameSalt: `${PREFIX}name salt`,
  entry: `${PREFIX}entry`,
  headerSignature: `${PREFIX}header signature`,
  filesSignature: `${PREFIX}files signature`,
  swarmId: `${PREFIX}swarm id`,
  waterfallId: `${PREFIX}waterfall id`,
} as const;

/** Context keys (BLAKE3 derive-key mode), computed once per context and thread. */
const contextKeys = new Map<string, Uint8Array>();

/** BLAKE3 derive-key over the concatenation of `parts`. */
function derive(context: string, outLen: 32 | 64, ...parts: Uint8Array[]): Uint8Array {
  let key = contextKeys.get(context);
  if (key === undefined) contextKeys.set(context, (key = blake3ContextKey(context)));
  return blake3DeriveKeyWith(key, parts, outLen);
}

/** H64(name salt, name field(256) ‖ salt(64)). */
export function nameSaltHash(nameField: Uint8Array, salt: Uint8Array): Uint8Array {
  return derive(CONTEXTS.nameSalt, 64, nameField, salt);
}

/** H64(entry, name(256) ‖ info(64) ‖ parent hash(64) ‖ content root(32)). */
export function entryHash(nameField: Uint8Array, info: Uint8Array, parentHash: Uint8Array, root: Uint8Array): Uint8Array {
  return derive(CONTEXTS.entry, 64, nameField, info, parentHash, root);
}

/** What the header signature signs: H64(header signature, public form of bytes 0-575). */
export function headerSignatureMessage(publicHeaderTo576: Uint8Array): Uint8Array {
  return derive(CONTEXTS.headerSignature, 64, publicHeaderTo576);
}

/** What the files signature signs: H64(files signature, public form of bytes 0-639 ‖ all entries). */
export function filesSignatureMessage(publicHeader: Uint8Array, entries: Uint8Array): Uint8Array {
  return derive(CONTEXTS.filesSignature, 64, publicHeader, entries);
}

/** H32(swarm id, public key(32) ‖ name field(256) ‖ salt(64)): one swarm for all versions. */
export function swarmIdOf(publicKey: Uint8Array, nameField: Uint8Array, salt: Uint8Array): Uint8Array {
  return derive(CONTEXTS.swarmId, 32, publicKey, nameField, salt);
}

/** H32(waterfall id, public form of the header ‖ entries ‖ files signature): one signed version. */
export function waterfallIdOf(publicHeader: Uint8Array, entries: Uint8Array, filesSignature: Uint8Array): Uint8Array {
  return derive(CONTEXTS.waterfallId, 32, publicHeader, entries, filesSignature);
}

/**
 * The waterfall id of a served form (public form, no peers: 768 + 448n + 320 bytes), read off
 * its bytes without decoding or checking anything else; undefined when its size is not one.
 */
export function waterfallIdOfServed(served: Uint8Array): Uint8Array | undefined {
  const n = (served.length - fileLength(0, 0)) / ENTRY_LEN;
  if (!Number.isInteger(n) || n < 0) return undefined;
  const footer = footerAt(n);
  return waterfallIdOf(served.subarray(0, HEADER_LEN), served.subarray(HEADER_LEN, footer), served.subarray(footer, footer + HASH64_LEN));
}
