// Our signatures come from @noble/ed25519 (the stack's choice); RFC 8032 signing is
// deterministic, so OpenSSL (node:crypto) must make the same bytes for the same seed and message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, randomBytes, sign as cryptoSign } from 'node:crypto';
import { publicKeyOf, sign, verify } from '../../src/keys/ed25519.js';

/** PKCS #8 DER of an Ed25519 private key: this prefix, then the 32-byte seed (RFC 8410). */
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

test('publicKeyOf and sign give the bytes OpenSSL gives', () => {
  for (let i = 0; i < 40; i++) {
    const seed = new Uint8Array(randomBytes(32));
    const message = new Uint8Array(randomBytes(i * 13));
    const key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
    const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
    const publicKey = publicKeyOf(seed);
    assert.deepEqual(publicKey, new Uint8Array(spki.subarray(spki.length - 32)));
    const signature = sign(message, seed);
    assert.deepEqual(signature, new Uint8Array(cryptoSign(null, message, key)));
    assert.ok(verify(signature, message, publicKey));
    assert.notDeepEqual(sign(message, new Uint8Array(randomBytes(32))), signature);
  }
});

test('a seed of the wrong length is refused', () => {
  assert.throws(() => publicKeyOf(new Uint8Array(31)));
  assert.throws(() => sign(new Uint8Array(1), new Uint8Array(33)));
});
