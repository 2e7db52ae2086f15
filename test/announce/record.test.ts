// The version record: exact bytes (golden file), JSON both ways, strict parsing,
// signing and the checks a node makes before it trusts a record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError } from '../../src/announce/api-error.js';
import { nameFieldOf, parseRecordJson, recordMessage, recordToJson, RECORD_DOMAIN, type VersionRecord } from '../../src/announce/record.js';
import { recordFor, verifyRecord } from '../../src/announce/record-sign.js';
import { BytefallError } from '../../src/errors.js';
import { toHex } from '../../src/util/hex.js';
import { repoRoot } from '../helpers/cli.js';
import { OTHER_SEED, TEST_SEED } from './bad-input-cases.js';
import { testRecord, testRecordJson, testSwarmId } from './kit.js';
import { recordVector } from './vector.js';
import { publicKeyOf } from '../../src/keys/ed25519.js';

const VECTOR_FILE = join(repoRoot, 'test', 'announce', 'fixtures', 'record-v1.json');

test('record: the golden vector is reproduced byte for byte', () => {
  const now = recordVector();
  if (process.env.BYTEFALL_WRITE_FIXTURES) writeFileSync(VECTOR_FILE, JSON.stringify(now, null, 2) + '\n');
  assert.deepEqual(JSON.parse(readFileSync(VECTOR_FILE, 'utf8')), now);
});

test('record: message layout', () => {
  const r = testRecord(7, TEST_SEED, ['https://a.example/x']);
  const m = recordMessage(r);
  assert.equal(m.length, 512 + 2 + 'https://a.example/x'.length);
  assert.equal(new TextDecoder().decode(m.subarray(0, RECORD_DOMAIN.length)), RECORD_DOMAIN);
  assert.ok(m.subarray(RECORD_DOMAIN.length, 64).every((b) => b === 0));
  assert.deepEqual(m.subarray(64, 96), r.swarmId);
  assert.deepEqual(m.subarray(96, 128), r.publicKey);
  assert.deepEqual(m.subarray(128, 384), nameFieldOf(r.name));
  assert.deepEqual(m.subarray(384, 448), r.salt);
  const v = new DataView(m.buffer);
  assert.equal(v.getBigUint64(448, true), 7n);
  assert.equal(v.getBigInt64(456, true), BigInt(r.publishTime));
  assert.equal(v.getBigUint64(464, true), BigInt(r.waterfallSize));
  assert.deepEqual(m.subarray(472, 504), r.waterfallId);
  assert.equal(v.getUint32(504, true), 1);
  assert.equal(v.getUint32(508, true), 0);
  assert.equal(v.getUint16(512, true), 19);
  assert.equal(new TextDecoder().decode(m.subarray(514)), 'https://a.example/x');
});

test('record: a negative publish time is encoded as i64', () => {
  const r = { ...testRecord(1), publishTime: -5 };
  assert.equal(new DataView(recordMessage(r).buffer).getBigInt64(456, true), -5n);
});

test('record: JSON round trip', () => {
  const r = testRecord(3, TEST_SEED, ['https://example.org/w']);
  const json = recordToJson(r);
  assert.deepEqual(parseRecordJson(JSON.parse(JSON.stringify(json))), r);
  assert.deepEqual(Object.keys(json).sort(), ['name', 'publicKey', 'publishTime', 'salt', 'sequence', 'signature', 'swarmId', 'urls', 'waterfallId', 'waterfallSize']);
});

test('record: urls may be left out of the JSON (no URLs)', () => {
  const json: Record<string, unknown> = { ...testRecordJson(3) };
  delete json.urls;
  assert.deepEqual(parseRecordJson(json).urls, []);
});

test('record: strict parsing refuses each malformed field with BAD_RECORD', () => {
  const good = testRecordJson(3) as unknown as Record<string, unknown>;
  const bad: Record<string, unknown>[] = [
    { ...good, swarmId: 'zz'.repeat(32) },
    { ...good, publicKey: 7 },
    { ...good, salt: 'ab' },
    { ...good, sequence: -1 },
    { ...good, sequence: 1.5 },
    { ...good, publishTime: 2 ** 53 },
    { ...good, waterfallSize: 1088 + 447 },
    { ...good, waterfallSize: 100 },
    { ...good, urls: 'https://x' },
    { ...good, urls: ['https://x y'] },
    { ...good, urls: ['javascript:alert(1)'] },
    { ...good, urls: ['https://' + 'a'.repeat(600)] },
    { ...good, name: 'a\u0000b' },
    { ...good, name: '\ud800' },
    { ...good, name: 5 },
    { ...good, signature: 'ab'.repeat(63) },
    { ...good, more: true },
  ];
  for (const b of bad) {
    assert.throws(() => parseRecordJson(b), (e: unknown) => e instanceof ApiError && e.code === 'BAD_RECORD', JSON.stringify(b).slice(0, 200));
  }
  for (const v of [null, [], 'x', 1]) assert.throws(() => parseRecordJson(v), ApiError);
});

test('record: a node verifies swarm, key binding and signature', () => {
  const r = testRecord(4);
  verifyRecord(r, { swarmId: testSwarmId() });
  verifyRecord(r, { swarmId: testSwarmId(), publicKey: publicKeyOf(TEST_SEED) });
  const refuse = (rec: VersionRecord, expect: Parameters<typeof verifyRecord>[1], why: RegExp) =>
    assert.throws(() => verifyRecord(rec, expect), (e: unknown) => e instanceof BytefallError && e.code === 'ANNOUNCE_BAD_RECORD' && why.test(e.message));
  refuse(r, { swarmId: testSwarmId(OTHER_SEED) }, /names swarm/);
  refuse(r, { swarmId: testSwarmId(), publicKey: publicKeyOf(OTHER_SEED) }, /another key/);
  const other = testRecord(4, OTHER_SEED);
  refuse({ ...other, swarmId: testSwarmId() }, { swarmId: testSwarmId() }, /do not derive/);
  refuse({ ...r, sequence: 5 }, { swarmId: testSwarmId() }, /signature/);
  refuse({ ...r, urls: ['https://other.example/'] }, { swarmId: testSwarmId() }, /signature/);
  refuse({ ...r, name: '' }, { swarmId: testSwarmId() }, /name/);
});

test('record: recordFor takes everything from a decoded Waterfall', () => {
  const w = {
    swarmId: testSwarmId(), publicKey: publicKeyOf(TEST_SEED), name: 'announce test', salt: testRecord(1).salt,
    sequence: 9, publishTime: 123, waterfallId: new Uint8Array(32).fill(9), entries: [{}, {}],
  } as unknown as Parameters<typeof recordFor>[0];
  const r = recordFor(w, TEST_SEED, ['https://example.org/w']);
  assert.equal(r.waterfallSize, 1088 + 2 * 448);
  assert.equal(r.sequence, 9);
  assert.equal(toHex(r.waterfallId), '09'.repeat(32));
  verifyRecord(r, { swarmId: testSwarmId() });
});
