import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync, chmodSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
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
