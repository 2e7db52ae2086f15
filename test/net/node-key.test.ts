import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync, chmodSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate, webcrypto } from 'node:crypto';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { writeNewNodeKeyFile, readNodeKeyFile, loadOrCreateNodeKey, nodeKeyFromSeed, decodeNodeKeyFile } from '../../src/net/node-key.js';
import { nodeCertificate, nodeIdOfCertificate } from '../../src/net/node-cert.js';
import { encodeKeyFile } from '../../src/keys/keyfile.js';
import { BytefallError } from '../../src/errors.js';
import { toHex } from '../../src/util/hex.js';

const SEED = new Uint8Array(32).fill(7);

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'bytefall-node-key-'));
}

test('a node key file is created 0600, read back, and never overwritten', (t) => {
  const dir = tmp();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'node.key');
  const key = writeNewNodeKeyFile(path, SEED);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(toHex(readNodeKeyFile(path).publicKey), toHex(key.publicKey));
  assert.match(readFileSync(path, 'utf8'), /"kind": "bytefall-node-key"/);
  assert.throws(() => writeNewNodeKeyFile(path), (e: unknown) => e instanceof BytefallError && e.code === 'KEY_EXISTS');
  const again = loadOrCreateNodeKey(path);
  assert.equal(again.created, false);
  assert.equal(toHex(again.key.seed), toHex(SEED));
  const fresh = loadOrCreateNodeKey(join(dir, 'other.key'));
  assert.equal(fresh.created, true);
  assert.notEqual(toHex(fresh.key.publicKey), toHex(key.publicKey));
});

test('node key files that are readable by others, malformed, or a publisher key are refused', (t) => {
  const dir = tmp();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const open = join(dir, 'open.key');
  writeNewNodeKeyFile(open, SEED);
  chmodSync(open, 0o644);
  assert.throws(() => readNodeKeyFile(open), /too open; run: chmod 600/);
  const publisher = join(dir, 'publisher.key');
  writeFileSync(publisher, encodeKeyFile(SEED), { mode: 0o600 });
  assert.throws(() => readNodeKeyFile(publisher), /this is a publisher key/);
  const bad = (text: string, why: RegExp) => assert.throws(() => decodeNodeKeyFile(text), (e: unknown) => e instanceof BytefallError && e.code === 'BAD_KEY_FILE' && why.test(e.message));
  bad('nope', /not JSON/);
  bad('{"kind":"bytefall-node-key","version":2,"algorithm":"ed25519","seed":""}', /version 2/);
  bad(`{"kind":"bytefall-node-key","version":1,"algorithm":"ed25519","seed":"${'00'.repeat(32)}"}`, /not all zero/);
  bad(`{"kind":"bytefall-node-key","version":1,"algorithm":"ed25519","seed":"${'07'.repeat(32)}","publicKey":"${'00'.repeat(32)}"}`, /does not match/);
});

test('the certificate is deterministic and carries the node key', async () => {
  const key = nodeKeyFromSeed(SEED);
  const a = await nodeCertificate(key);
  const b = await nodeCertificate(key);
  assert.equal(a.certPem, b.certPem);
  const cert = new X509Certificate(a.certPem);
  assert.equal(toHex(nodeIdOfCertificate(cert)!), toHex(key.publicKey));
  assert.ok(cert.verify(cert.publicKey), 'self-signed by the node key');
  assert.equal(cert.subject, 'CN=ByteFall node');
});

test('the certificate template is the one an X.509 library makes for the same fields', async () => {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  for (const fill of [1, 7, 200]) {
    const key = nodeKeyFromSeed(new Uint8Array(32).fill(fill));
    const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');
    const jwk = { kty: 'OKP', crv: 'Ed25519', d: b64u(key.seed), x: b64u(key.publicKey) };
    const privateKey = await webcrypto.subtle.importKey('jwk', jwk, { name: 'Ed25519' }, false, ['sign']);
    const publicKey = await webcrypto.subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, { name: 'Ed25519' }, true, ['verify']);
    const expected = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01', name: 'CN=ByteFall node', notBefore: new Date(Date.UTC(2026, 0, 1)), notAfter: new Date(Date.UTC(9999, 11, 31, 23, 59, 59)),
      signingAlgorithm: { name: 'Ed25519' }, keys: { privateKey, publicKey } as never, extensions: [],
    });
    const ours = new X509Certificate((await nodeCertificate(key)).certPem);
    assert.equal(Buffer.from(ours.raw).toString('hex'), Buffer.from(expected.rawData).toString('hex'));
  }
});
