// Ed25519 signatures through @noble/ed25519, with SHA-512 from node:crypto
// (OpenSSL). Strict RFC 8032 verification (no ZIP-215 leniency): a signature
// either verifies everywhere or nowhere.
import * as ed from '@noble/ed25519';
import { createHash, randomBytes } from 'node:crypto';

ed.hashes.sha512 = (m: Uint8Array) => new Uint8Array(createHash('sha512').update(m).digest());

export const SEED_LEN = 32;
export const PUBLIC_KEY_LEN = 32;
export const SIGNATURE_LEN = 64;

export function newSeed(): Uint8Array {
  for (;;) {
    const seed = new Uint8Array(randomBytes(SEED_LEN));
    if (seed.some((b) => b !== 0)) return seed; // an all-zero seed would read as the public key form
  }
}

export function publicKeyOf(seed: Uint8Array): Uint8Array {
  return ed.getPublicKey(seed);
}

export function sign(message: Uint8Array, seed: Uint8Array): Uint8Array {
  return ed.sign(message, seed);
}

/** False for a wrong signature and for malformed keys or signatures; never throws. */
export function verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== SIGNATURE_LEN || publicKey.length !== PUBLIC_KEY_LEN) return false;
  try {
    return ed.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}
