// Every bad-input case of bad-input-cases.ts against the embedded server, over real
// HTTP on 127.0.0.1, with the Worker's address policy ('public'): the status and
// error code, a JSON error body, nothing stored, and the server still answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { badInputCases } from './bad-input-cases.js';
import { nodeKit, testRecordJson } from './kit.js';
import { send, withServer } from './helpers.js';
import { tempDir } from '../helpers/cli.js';

test('bad input: each case is a 4xx with a JSON error, and nothing is stored', async (t) => {
  const { dir, cleanup } = tempDir('bytefall-announce-');
  t.after(cleanup);
  const kit = nodeKit();
  const cases = await badInputCases(kit);
  await withServer({ dataDir: dir, addressPolicy: 'public' }, async (s) => {
    const stored = await send(s.url, { method: 'PUT', path: `/v1/swarms/${kit.swarmId}/record`, body: JSON.stringify(testRecordJson(2)) });
    assert.equal(stored.status, 201);
    for (const c of cases) {
      const res = await send(s.url, c);
      const text = await res.text();
      assert.equal(res.status, c.status, `${c.name}: status ${res.status} ${text}`);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/, c.name);
      const body = JSON.parse(text);
      assert.equal(body.error?.code, c.code, `${c.name}: ${text}`);
      assert.equal(typeof body.error?.message, 'string', c.name);
    }
    const after = (await (await fetch(`${s.url}/v1/swarms/${kit.swarmId}`)).json()) as { record: { sequence: number }; peers: string[] };
    assert.equal(after.record.sequence, 2, 'the stored record is unchanged');
    assert.deepEqual(after.peers, [], 'no address of a refused announce was stored');
    assert.equal((await fetch(`${s.url}/v1/swarms/${kit.unknownSwarmId}`)).status, 404, 'the unknown swarm was not created');
  });
  assert.ok(cases.length >= 50, `${cases.length} cases`);
});

test('bad input: a STALE_SEQUENCE refusal says which sequence the service has', async () => {
  const kit = nodeKit();
  await withServer({}, async (s) => {
    await send(s.url, { method: 'PUT', path: `/v1/swarms/${kit.swarmId}/record`, body: JSON.stringify(testRecordJson(5)) });
    const res = await send(s.url, { method: 'PUT', path: `/v1/swarms/${kit.swarmId}/record`, body: JSON.stringify(testRecordJson(4)) });
    assert.equal(res.status, 409);
    assert.deepEqual(((await res.json()) as { error: { current: number } }).error.current, 5);
  });
});

test('bad input: raw garbage on the socket gets an HTTP error, and the server goes on', async () => {
  const { connect } = await import('node:net');
  await withServer({}, async (s) => {
    const reply = await new Promise<string>((resolve) => {
      const sock = connect(s.port, '127.0.0.1', () => sock.end('\x16\x03\x01 not http at all\r\n\r\n'));
      let data = '';
      sock.on('data', (d) => (data += d));
      sock.on('close', () => resolve(data));
      sock.on('error', () => resolve(data));
    });
    assert.match(reply, /^HTTP\/1\.1 400/);
    assert.equal((await fetch(`${s.url}/v1`)).status, 200);
  });
});
