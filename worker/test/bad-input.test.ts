// The shared bad-input cases (test/announce/bad-input-cases.ts) against the Worker,
// in workerd: the same statuses and codes as the embedded server, nothing stored.
import { SELF } from 'cloudflare:test';
import { expect, it } from 'vitest';
import { badInputCases, type BadCase } from '../../test/announce/bad-input-cases.js';
import { workerKit } from './kit.js';

const BASE = 'https://announce.test';
// The streamed 100 kB case makes workerd log "Uncaught (in promise) ... Network connection lost":
// the Worker stops reading at 8 KiB and cancels the body, which ends the test's own upload
// pipe. That is the behaviour under test, not a failure.

function send(c: Pick<BadCase, 'method' | 'path' | 'body' | 'stream'>, ip = '198.18.0.1'): Promise<Response> {
  let body: BodyInit | undefined = c.body;
  if (c.stream && c.body !== undefined) {
    const bytes = typeof c.body === 'string' ? new TextEncoder().encode(c.body) : c.body;
    let at = 0;
    body = new ReadableStream<Uint8Array>({
      pull(ctl) {
        ctl.enqueue(bytes.slice(at, at + 1024));
        at += 1024;
        if (at >= bytes.length) ctl.close();
      },
    });
  }
  return SELF.fetch(BASE + c.path, { method: c.method, body, headers: { 'content-type': 'application/json', 'cf-connecting-ip': ip } });
}

const kit = await workerKit();
const cases = await badInputCases(kit);
// Storage is shared by the tests of this file: the swarm's record (sequence 2) is stored once.
const stored = await send({ method: 'PUT', path: `/v1/swarms/${kit.swarmId}/record`, body: JSON.stringify(await kit.record(2)) }, '198.18.0.2');

it('has the whole list of cases, and the record to refuse them against', () => {
  expect(cases.length).toBeGreaterThanOrEqual(50);
  expect(stored.status).toBe(201);
});

it.each(cases.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, i) => {
  const res = await send(c, `198.18.1.${i}`);
  const text = await res.text();
  expect(res.status, text).toBe(c.status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = JSON.parse(text) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(c.code);
  expect(typeof body.error.message).toBe('string');
  const after = (await (await send({ method: 'GET', path: `/v1/swarms/${kit.swarmId}` }, `198.18.1.${i}`)).json()) as {
    record: { sequence: number };
    peers: string[];
  };
  expect(after.record.sequence).toBe(2);
  expect(after.peers).toEqual([]);
  expect((await send({ method: 'GET', path: `/v1/swarms/${kit.unknownSwarmId}` }, `198.18.1.${i}`)).status).toBe(404);
});
