// Ed25519 signatures through @noble/ed25519, with SHA-512 from node:crypto
// (OpenSSL). Strict RFC 8032 verification (no ZIP-215 leniency): a signature
// either verifies everywhere or nowhere. Public keys and signatures are made by
// node:crypto (OpenSSL) instead: RFC 8032 signing is deterministic, so the bytes are
// the same (test/keys checks both against each other), and noble's first use
// costs tens of milliseconds of table building that `create` would wait for.
import * as ed from '@noble/ed25519';
import { createHash, createPrivateKey, createPublicKey, randomBytes, sign as cryptoSign, type KeyObject } from 'node:crypto';

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

/** PKCS #8 DER of an Ed25519 private key is this prefix and then the 32-byte seed (RFC 8410). */
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

let lastKey: { seed: Uint8Array; key: KeyObject } | undefined;

function privateKeyOf(seed: Uint8Array): KeyObject {
  if (!(seed instanceof Uint8Array) || seed.length !== SEED_LEN) throw new TypeError(`an ed25519 seed is ${SEED_LEN} bytes`);
  if (lastKey && Buffer.compare(lastKey.seed, seed) === 0) return lastKey.key;
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  lastKey = { seed: seed.slice(), key };
  return key;
}

export function publicKeyOf(seed: Uint8Array): Uint8Array {
  const spki = createPublicKey(privateKeyOf(seed)).export({ format: 'der', type: 'spki' });
  return new Uint8Array(spki.subarray(spki.length - PUBLIC_KEY_LEN));
}

export function sign(message: Uint8Array, seed: Uint8Array): Uint8Array {
  return new Uint8Array(cryptoSign(null, message, privateKeyOf(seed)));
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
