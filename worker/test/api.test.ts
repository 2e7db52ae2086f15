// The Worker's API in workerd: publish, read, announce, caching, the peer table's
// bounds, durable state across Durable Object restarts, the rows each request
// writes, and the per-client rate limit.
import { SELF, env, runInDurableObject, abortAllDurableObjects } from 'cloudflare:test';
import { expect, it } from 'vitest';
import { signedRecord } from './kit.js';
import { MAX_PEERS_PER_RESPONSE, MAX_PEERS_PER_SWARM } from '../../src/announce/limits.js';
import type { SwarmObject } from '../src/swarm-object.js';

const BASE = 'https://announce.test';
/** One swarm per test: storage is shared by the tests of a file. */
const seedOf = (n: number) => new Uint8Array(32).fill(n);
let ipCounter = 0;

function req(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  // a fresh client address per request, so that the rate limit stays out of the way
  const ip = headers['cf-connecting-ip'] ?? `198.51.${(++ipCounter >> 8) & 255}.${ipCounter & 255}`;
  return SELF.fetch(BASE + path, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers, 'cf-connecting-ip': ip },
  });
}

interface View {
  swarmId: string;
  record: { sequence: number; waterfallId: string } | null;
  peers: string[];
  interval: number;
}

it('serves its description at /v1', async () => {
  const res = await req('GET', '/v1');
  expect(res.status).toBe(200);
  const info = (await res.json()) as { service: string; api: number; addressPolicy: string };
  expect(info).toMatchObject({ service: 'bytefall-announce', api: 1, addressPolicy: 'public' });
});

it('stores a record, serves it with cache headers and an ETag, and refuses the same sequence again', async () => {
  const r1 = await signedRecord(seedOf(1), 1);
  const path = `/v1/swarms/${r1.swarmId}`;
  let res = await req('PUT', `${path}/record`, r1);
  expect(res.status).toBe(201);
  expect(await res.json()).toEqual({ stored: true, sequence: 1 });
  expect(res.headers.get('cache-control')).toBe('no-store');

  res = await req('GET', `${path}/record`);
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual(r1);
  expect(res.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
  const etag = res.headers.get('etag');
  expect(etag).toBe(`"1-${r1.waterfallId}"`);
  res = await req('GET', `${path}/record`, undefined, { 'if-none-match': etag! });
  expect(res.status).toBe(304);
  res = await req('HEAD', `${path}/record`);
  expect(res.status).toBe(200);
  expect(await res.text()).toBe('');

  res = await req('PUT', `${path}/record`, r1);
  expect(res.status).toBe(409);
  res = await req('PUT', `${path}/record`, await signedRecord(seedOf(1), 3));
  expect(res.status).toBe(201);
  const view = (await (await req('GET', path)).json()) as View;
  expect(view.record!.sequence).toBe(3);
  expect(view.interval).toBeGreaterThanOrEqual(120);
});

it('announces: stores addresses, hands back a bounded random sample without the caller, fills in the client IP', async () => {
  const r = await signedRecord(seedOf(2), 10);
  const path = `/v1/swarms/${r.swarmId}`;
  expect((await req('PUT', `${path}/record`, r)).status).toBeLessThan(500);
  let res = await req('POST', `${path}/announce`, { port: 6881 }, { 'cf-connecting-ip': '2606:4700:4700::1111' });
  expect(res.status).toBe(200);
  let view = (await res.json()) as View;
  expect(view.swarmId).toBe(r.swarmId);
  expect(view.record!.sequence).toBeGreaterThanOrEqual(10);
  expect(view.peers).not.toContain('[2606:4700:4700::1111]:6881'); // not handed back to itself
  res = await req('POST', `${path}/announce`, { addresses: ['8.8.4.4:7000', 'zt:abcdef0123:9993'], interval: 3600 });
  view = (await res.json()) as View;
  expect(view.peers).toContain('[2606:4700:4700::1111]:6881');
  expect(res.headers.get('cache-control')).toBe('no-store');

  for (let i = 0; i < 70; i++) {
    const addresses = [0, 1, 2, 3].map((k) => `9.${i}.${k}.1:6881`);
    expect((await req('POST', `${path}/announce`, { addresses })).status).toBe(200);
  }
  view = (await (await req('GET', path)).json()) as View;
  expect(view.peers.length).toBe(MAX_PEERS_PER_RESPONSE);
  const stub = env.SWARMS.get(env.SWARMS.idFromName(r.swarmId));
  const stored = await runInDurableObject(stub, (_o: SwarmObject, state) => JSON.parse(state.storage.sql.exec('SELECT state FROM swarm').one().state as string));
  expect(stored.peers.length).toBe(MAX_PEERS_PER_SWARM);
});

it('keeps its state when the Durable Object restarts', async () => {
  const r = await signedRecord(seedOf(3), 20);
  const path = `/v1/swarms/${r.swarmId}`;
  await req('PUT', `${path}/record`, r);
  await req('POST', `${path}/announce`, { addresses: ['1.1.1.1:6881'] });
  await abortAllDurableObjects();
  const view = (await (await req('GET', path)).json()) as View;
  expect(view.record!.sequence).toBe(20);
  expect(view.peers).toContain('1.1.1.1:6881');
});

it('writes one row for a request that changes the swarm, none for a repeated announce, a read or an unknown swarm', async () => {
  const r = await signedRecord(seedOf(4), 30);
  const path = `/v1/swarms/${r.swarmId}`;
  await req('PUT', `${path}/record`, r);
  const stub = env.SWARMS.get(env.SWARMS.idFromName(r.swarmId));
  // count what each statement writes (cursor.rowsWritten) while calling the object's own methods
  const written = await runInDurableObject(stub, async (o: SwarmObject, s) => {
    const exec = s.storage.sql.exec.bind(s.storage.sql);
    let rows = 0;
    let reads = 0;
    (s.storage.sql as { exec: typeof exec }).exec = ((query: string, ...args: unknown[]) => {
      const cursor = exec(query, ...(args as []));
      cursor.toArray();
      rows += cursor.rowsWritten;
      reads += cursor.rowsRead;
      return cursor;
    }) as typeof exec;
    const q = { now: Date.now(), maxPeers: 50 };
    const counts: number[] = [];
    await o.announce(['1.0.0.1:6881', '1.0.0.2:6881', 'zt:abcdef0123:9993'], q);
    counts.push(rows);
    await o.announce(['1.0.0.1:6881'], q); // announced a moment ago: not rewritten
    await o.view(q);
    counts.push(rows);
    await o.announce(['1.0.0.3:6881'], q);
    counts.push(rows);
    return { counts, reads };
  });
  expect(written.counts).toEqual([1, 1, 2]);
  expect(written.reads).toBeLessThanOrEqual(2); // the row each INSERT OR REPLACE replaces
  const unknown = env.SWARMS.get(env.SWARMS.idFromName('cd'.repeat(32)));
  expect((await req('GET', `/v1/swarms/${'cd'.repeat(32)}`)).status).toBe(404);
  const tables = await runInDurableObject(unknown, (_o: SwarmObject, s) => s.storage.sql.exec("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").one().n);
  expect(tables).toBe(0);
});

it('limits each client address: 429 with Retry-After once over the limit', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 70; i++) {
    const res = await req('GET', '/v1', undefined, { 'cf-connecting-ip': '203.0.113.200' });
    statuses.push(res.status);
    if (res.status === 429) {
      expect(res.headers.get('retry-after')).toBe('60');
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
      break;
    }
  }
  expect(statuses).toContain(429);
  expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(50);
});
