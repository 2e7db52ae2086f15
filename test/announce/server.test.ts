// The embedded server over real HTTP on 127.0.0.1: the API end to end, durable
// state across a restart, the 'any' address policy, and its rate limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/cli.js';
import { withServer } from './helpers.js';
import { testRecordJson, nodeKit } from './kit.js';

interface View {
  swarmId: string;
  record: { sequence: number } | null;
  peers: string[];
  interval: number;
}

async function call(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any; headers: Headers }> {
  const res = await fetch(base + path, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined, headers: res.headers };
}

test('embedded server: publish, read, announce from 127.0.0.1 with the port form', async () => {
  const { swarmId } = nodeKit();
  await withServer({}, async (s) => {
    assert.equal((await call(s.url, 'PUT', `/v1/swarms/${swarmId}/record`, testRecordJson(1))).status, 201);
    const a = await call(s.url, 'POST', `/v1/swarms/${swarmId}/announce`, { port: 7001, interval: 600 });
    assert.equal(a.status, 200);
    assert.deepEqual((a.json as View).peers, []);
    const b = await call(s.url, 'POST', `/v1/swarms/${swarmId}/announce`, { addresses: ['127.0.0.1:7002'] });
    assert.deepEqual((b.json as View).peers, ['127.0.0.1:7001']);
    const v = await call(s.url, 'GET', `/v1/swarms/${swarmId}`);
    assert.deepEqual((v.json as View).peers.sort(), ['127.0.0.1:7001', '127.0.0.1:7002']);
    assert.equal((v.json as View).record?.sequence, 1);
    assert.equal(v.headers.get('cache-control'), 'public, max-age=30');
    const info = await call(s.url, 'GET', '/v1');
    assert.equal(info.json.addressPolicy, 'any');
  });
});

test('embedded server: state is durable across a restart', async (t) => {
  const { dir, cleanup } = tempDir('bytefall-announce-');
  t.after(cleanup);
  const { swarmId } = nodeKit();
  await withServer({ dataDir: dir }, async (s) => {
    assert.equal((await call(s.url, 'PUT', `/v1/swarms/${swarmId}/record`, testRecordJson(6))).status, 201);
    await call(s.url, 'POST', `/v1/swarms/${swarmId}/announce`, { addresses: ['127.0.0.1:7003'] });
  });
  assert.deepEqual(readdirSync(join(dir, 'swarms')), [`${swarmId}.json`]);
  await withServer({ dataDir: dir }, async (s) => {
    const v = await call(s.url, 'GET', `/v1/swarms/${swarmId}`);
    assert.equal(v.json.record.sequence, 6);
    assert.deepEqual(v.json.peers, ['127.0.0.1:7003']);
    assert.equal((await call(s.url, 'PUT', `/v1/swarms/${swarmId}/record`, testRecordJson(6))).status, 409);
  });
});

test('embedded server: a client over its rate gets 429 with Retry-After', async () => {
  await withServer({ ratePerMinute: 5 }, async (s) => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await call(s.url, 'GET', '/v1')).status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429]);
    const r = await call(s.url, 'GET', '/v1');
    assert.equal(r.headers.get('retry-after'), '60');
    assert.equal(r.json.error.code, 'RATE_LIMITED');
  });
});

test('embedded server: a damaged swarm file is an error for that swarm only', async (t) => {
  const { dir, cleanup } = tempDir('bytefall-announce-');
  t.after(cleanup);
  const { swarmId } = nodeKit();
  const { writeFileSync, mkdirSync } = await import('node:fs');
  mkdirSync(join(dir, 'swarms'), { recursive: true });
  writeFileSync(join(dir, 'swarms', `${swarmId}.json`), '{"kind": "something else"}');
  await withServer({ dataDir: dir }, async (s) => {
    const r = await call(s.url, 'GET', `/v1/swarms/${swarmId}`);
    assert.equal(r.status, 500);
    assert.equal(r.json.error.code, 'INTERNAL');
    assert.equal((await call(s.url, 'GET', `/v1/swarms/${'ab'.repeat(32)}`)).status, 404);
  });
});
