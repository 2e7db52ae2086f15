// Public keys and signatures come from node:crypto; they must be the bytes
// @noble/ed25519 (RFC 8032) makes for the same seed and message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as ed from '@noble/ed25519';
import { publicKeyOf, sign, verify } from '../../src/keys/ed25519.js';

test('publicKeyOf and sign give the same bytes as @noble/ed25519', () => {
  for (let i = 0; i < 40; i++) {
    const seed = new Uint8Array(randomBytes(32));
    const message = new Uint8Array(randomBytes(i * 13));
    const publicKey = publicKeyOf(seed);
    assert.deepEqual(publicKey, ed.getPublicKey(seed));
    const signature = sign(message, seed);
    assert.deepEqual(signature, ed.sign(message, seed));
    assert.ok(verify(signature, message, publicKey));
    // The same seed again (the cached key) and another seed in between.
    assert.deepEqual(sign(message, seed), signature);
    assert.notDeepEqual(sign(message, new Uint8Array(randomBytes(32))), signature);
  }
});

test('a seed of the wrong length is refused', () => {
  assert.throws(() => publicKeyOf(new Uint8Array(31)));
  assert.throws(() => sign(new Uint8Array(1), new Uint8Array(33)));
});
