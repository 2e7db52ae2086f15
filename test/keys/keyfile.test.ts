import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync, writeFileSync, chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeNewKeyFile, readKeyFile, decodeKeyFile, encodeKeyFile } from '../../src/keys/keyfile.js';
import { publicKeyOf, sign, verify } from '../../src/keys/ed25519.js';
import { toHex } from '../../src/util/hex.js';
import { tempDir } from '../helpers/cli.js';

// RFC 8032 test 1: the seed and public key of the first test vector.
const RFC_SEED = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
const RFC_PUB = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
const RFC_SIG =
  'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b';

test('ed25519 matches RFC 8032 test 1 (empty message)', () => {
  const seed = Buffer.from(RFC_SEED, 'hex');
  assert.equal(toHex(publicKeyOf(seed)), RFC_PUB);
  const sig = sign(new Uint8Array(0), seed);
  assert.equal(toHex(sig), RFC_SIG);
  assert.ok(verify(sig, new Uint8Array(0), Buffer.from(RFC_PUB, 'hex')));
  sig[0] ^= 1;
  assert.equal(verify(sig, new Uint8Array(0), Buffer.from(RFC_PUB, 'hex')), false);
  assert.equal(verify(sig.subarray(1), new Uint8Array(0), Buffer.from(RFC_PUB, 'hex')), false);
});

test('a new key file is owner-only, round-trips, and is never overwritten', () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, 'k.key');
    const kp = writeNewKeyFile(path);
    if (process.platform !== 'win32') assert.equal(statSync(path).mode & 0o777, 0o600);
    const back = readKeyFile(path);
    assert.deepEqual(back.seed, kp.seed);
    assert.deepEqual(back.publicKey, kp.publicKey);
    const before = readFileSync(path, 'utf8');
    assert.throws(() => writeNewKeyFile(path), { code: 'KEY_EXISTS' });
    assert.equal(readFileSync(path, 'utf8'), before);
  } finally {
    cleanup();
  }
});

test('key files that are too open, malformed or inconsistent are refused', () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, 'k.key');
    writeFileSync(path, encodeKeyFile(Buffer.from(RFC_SEED, 'hex')), { mode: 0o644 });
    chmodSync(path, 0o644);
    if (process.platform !== 'win32') assert.throws(() => readKeyFile(path), { code: 'BAD_KEY_FILE', message: /chmod 600/ });
    assert.throws(() => readKeyFile(join(dir, 'missing')), { code: 'NOT_FOUND' });
    const good = JSON.parse(encodeKeyFile(Buffer.from(RFC_SEED, 'hex')));
    const cases: unknown[] = [
      'not json',
      JSON.stringify({ ...good, kind: 'other' }),
      JSON.stringify({ ...good, version: 2 }),
      JSON.stringify({ ...good, algorithm: 'rsa' }),
      JSON.stringify({ ...good, seed: 'zz' }),
      JSON.stringify({ ...good, seed: '00'.repeat(32), publicKey: undefined }),
      JSON.stringify({ ...good, publicKey: '11'.repeat(32) }),
      'null',
    ];
    for (const text of cases) assert.throws(() => decodeKeyFile(text as string), { code: 'BAD_KEY_FILE' });
    assert.equal(toHex(decodeKeyFile(JSON.stringify(good)).publicKey), RFC_PUB);
  } finally {
    cleanup();
  }
});
