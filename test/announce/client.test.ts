// The node's side: AnnounceClient and Announcer against the embedded server, and
// against a service that is down, slow, or answers garbage, a wrong swarm, a bad
// record: nothing throws, the node is told nothing false, each failure is logged once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { AnnounceClient, AnnounceError } from '../../src/announce/client.js';
import { Announcer, type Timers } from '../../src/announce/announcer.js';
import { recordToJson } from '../../src/announce/record.js';
import { type Address } from '../../src/net/address.js';
import { toHex } from '../../src/util/hex.js';
import { OTHER_SEED } from './bad-input-cases.js';
import { testRecord, testRecordJson, testSwarmId } from './kit.js';
import { withServer } from './helpers.js';

const swarmId = testSwarmId();

/** A fake service: each request is answered by `answer` (status, body text, delay). */
async function fakeService(answer: (path: string) => { status?: number; body: string; delayMs?: number }): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    req.resume();
    const a = answer(req.url ?? '');
    setTimeout(() => {
      res.writeHead(a.status ?? 200, { 'content-type': 'application/json' });
      res.end(a.body);
    }, a.delayMs ?? 0);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

test('client: push, poll and read against the embedded server', async () => {
  await withServer({}, async (s) => {
    const c = new AnnounceClient({ url: s.url + '/', swarmId });
    await assert.rejects(c.poll({}), (e: unknown) => e instanceof AnnounceError && e.apiCode === 'UNKNOWN_SWARM');
    assert.equal(await c.getRecord(), undefined);
    assert.deepEqual(await c.pushRecord(testRecord(2)), { stored: true });
    assert.deepEqual(await c.pushRecord(testRecord(1)), { stored: false, current: 2 });
    const v = await c.poll({ port: 7100, interval: 600 });
    assert.equal(v.record?.sequence, 2);
    assert.ok(v.intervalS >= 120);
    const w = await c.poll({ addresses: ['127.0.0.1:7101'] });
    assert.deepEqual(w.peers, [{ kind: 'ip', host: '127.0.0.1', port: 7100 }]);
    assert.equal((await c.getRecord())?.sequence, 2);
    assert.equal((await c.view()).peers.length, 2);
  });
});

test('client: garbage, wrong swarms and forged records are ANNOUNCE_BAD_RESPONSE', async () => {
  const good = { swarmId: toHex(swarmId), record: testRecordJson(3), peers: ['127.0.0.1:1'], interval: 300 };
  const forged = { ...testRecordJson(3), sequence: 4 };
  const other = recordToJson(testRecord(3, OTHER_SEED));
  const answers = [
    'not json',
    '[]',
    JSON.stringify({ ...good, swarmId: 'ab'.repeat(32) }),
    JSON.stringify({ ...good, interval: 'soon' }),
    JSON.stringify({ ...good, peers: ['example.org:1'] }),
    JSON.stringify({ ...good, peers: 'x' }),
    JSON.stringify({ ...good, record: forged }),
    JSON.stringify({ ...good, record: other }),
    JSON.stringify({ ...good, record: { ...other, swarmId: toHex(swarmId) } }),
    JSON.stringify({ ...good, record: { sequence: 3 } }),
    JSON.stringify({ ...good, filler: 'x'.repeat(100_000) }),
  ];
  let i = 0;
  const svc = await fakeService(() => ({ body: answers[i] }));
  try {
    const c = new AnnounceClient({ url: svc.url, swarmId });
    for (; i < answers.length; i++) {
      await assert.rejects(c.poll({}), (e: unknown) => e instanceof AnnounceError && e.code === 'ANNOUNCE_BAD_RESPONSE', answers[i].slice(0, 80));
    }
  } finally {
    await svc.close();
  }
  const ok = await fakeService(() => ({ body: JSON.stringify({ ...good, newField: 1 }) }));
  try {
    const v = await new AnnounceClient({ url: ok.url, swarmId }).poll({});
    assert.equal(v.record?.sequence, 3, 'unknown fields in answers are ignored');
  } finally {
    await ok.close();
  }
});

test('client: down, slow, 5xx and 429 are ANNOUNCE_UNAVAILABLE; 4xx refusals are ANNOUNCE_REFUSED', async () => {
  const down = new AnnounceClient({ url: 'http://127.0.0.1:9', swarmId, timeoutMs: 2000 });
  await assert.rejects(down.poll({}), (e: unknown) => e instanceof AnnounceError && e.code === 'ANNOUNCE_UNAVAILABLE');
  const slow = await fakeService(() => ({ body: '{}', delayMs: 3000 }));
  try {
    const c = new AnnounceClient({ url: slow.url, swarmId, timeoutMs: 200 });
    await assert.rejects(c.poll({}), (e: unknown) => e instanceof AnnounceError && e.code === 'ANNOUNCE_UNAVAILABLE' && /no answer within 200 ms/.test(e.message));
  } finally {
    await slow.close();
  }
  for (const [status, body, code] of [
    [503, 'overloaded', 'ANNOUNCE_UNAVAILABLE'],
    [429, JSON.stringify({ error: { code: 'RATE_LIMITED', message: 'slow down' } }), 'ANNOUNCE_UNAVAILABLE'],
    [400, JSON.stringify({ error: { code: 'BAD_ADDRESS', message: 'no\u0007pe' } }), 'ANNOUNCE_REFUSED'],
  ] as const) {
    const svc = await fakeService(() => ({ status, body }));
    try {
      await assert.rejects(new AnnounceClient({ url: svc.url, swarmId }).poll({}), (e: unknown) => e instanceof AnnounceError && e.code === code && !/\u0007/.test(e.message));
    } finally {
      await svc.close();
    }
  }
  assert.throws(() => new AnnounceClient({ url: 'ftp://x', swarmId }), /not an http/);
});

/** Timers run by hand: fire() runs everything due up to `now`. */
function manualTimers(clock: { now: number }) {
  const pending: { at: number; fn: () => void; id: number }[] = [];
  let id = 0;
  const timers: Timers = {
    set: (fn, ms) => {
      pending.push({ at: clock.now + ms, fn, id: ++id });
      return id;
    },
    clear: (h) => {
      const i = pending.findIndex((p) => p.id === h);
      if (i >= 0) pending.splice(i, 1);
    },
  };
  return {
    timers,
    pending,
    async advance(ms: number) {
      const end = clock.now + ms;
      for (;;) {
        pending.sort((a, b) => a.at - b.at);
        const next = pending[0];
        if (!next || next.at > end) break;
        pending.shift();
        clock.now = Math.max(clock.now, next.at);
        next.fn();
        await new Promise((r) => setTimeout(r, 20)); // let the poll's HTTP round trip finish
      }
      clock.now = end;
    },
  };
}

test('announcer: with two services, one down and one garbage and one good, the node gets peers and the record; failures are logged once', async () => {
  await withServer({}, async (good) => {
    const garbage = await fakeService(() => ({ body: 'garbage' }));
    try {
      const boot = new AnnounceClient({ url: good.url, swarmId });
      await boot.pushRecord(testRecord(5));
      await boot.poll({ addresses: ['127.0.0.1:7200'] });
      const logs: string[] = [];
      const peers: Address[][] = [];
      const records: number[] = [];
      const clock = { now: Date.now() };
      const t = manualTimers(clock);
      const a = new Announcer({
        urls: ['http://127.0.0.1:9', garbage.url, good.url],
        swarmId,
        port: 7201,
        peerCount: () => 0,
        knownSequence: () => 4,
        onPeers: (p) => peers.push(p),
        onRecord: (r) => records.push(r.sequence),
        log: (l) => logs.push(l),
        now: () => clock.now,
        timers: t.timers,
        timeoutMs: 1000,
      });
      a.start();
      assert.equal(t.pending.length, 3, 'no peers: each service is asked at once');
      await t.advance(0);
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(records, [5]);
      assert.deepEqual(peers, [[{ kind: 'ip', host: '127.0.0.1', port: 7200 }]]);
      assert.equal(logs.length, 2, logs.join('\n'));
      for (let i = 0; i < 4; i++) await a.announce();
      assert.equal(logs.length, 2, 'each failure is logged once');
      assert.deepEqual(records, [5], 'a record is reported once');
      assert.equal((await a.getLatest())?.sequence, 5);
      const outcomes = await a.pushRecord(testRecord(6));
      assert.deepEqual(outcomes.map((o) => (o.result ? (o.result.stored ? 'stored' : 'stale') : (o.error as AnnounceError).code)), ['ANNOUNCE_UNAVAILABLE', 'ANNOUNCE_BAD_RESPONSE', 'stored']);
      assert.equal(garbage.hits.length >= 5, true);
      a.stop();
      assert.equal(t.pending.length, 0);
      assert.deepEqual(Object.keys(a.exportState()), [good.url]);
    } finally {
      await garbage.close();
    }
  });
});

test('announcer: a failing service is asked less and less often (backoff), never more than the policy says', async () => {
  const svc = await fakeService(() => ({ status: 503, body: '' }));
  try {
    const clock = { now: 1_800_000_000_000 };
    const t = manualTimers(clock);
    const a = new Announcer({ urls: [svc.url], swarmId, peerCount: () => 0, now: () => clock.now, timers: t.timers, random: () => 0.5 });
    a.start();
    await t.advance(6 * 3_600_000);
    a.stop();
    // no peers: base 1 h / 9 ≈ 6.7 min; backoff 30 s, 1, 2, 4, ... min: about 15 polls in 6 h, not 360 (one a minute)
    assert.ok(svc.hits.length >= 8 && svc.hits.length <= 30, `${svc.hits.length} polls in 6 hours`);
  } finally {
    await svc.close();
  }
});

test('announcer: a node with peers does not poll at join; it polls only if it is still connected to nobody after the grace', async () => {
  await withServer({}, async (svc) => {
    await new AnnounceClient({ url: svc.url, swarmId }).pushRecord(testRecord(2));
    const clock = { now: 1_800_000_000_000 };
    const t = manualTimers(clock);
    let connected = 0;
    const hits = { n: 0 };
    const counting: typeof fetch = (input, init) => {
      hits.n++;
      return fetch(input, init);
    };
    // --peer given (or Waterfall peer records, PEX): known, not connected yet at start
    const a = new Announcer({ urls: [svc.url], swarmId, port: 7300, peerCount: () => connected, knownPeers: () => 3 + connected, now: () => clock.now, timers: t.timers, fetch: counting, random: () => 0.5 });
    a.start();
    connected = 3;
    await t.advance(0);
    await t.advance(86_400_000); // a day with peers: the join interval is 60 days
    assert.equal(hits.n, 0, 'no request at join, none on the first day');
    a.stop();
    assert.equal(t.pending.length, 0);
    assert.deepEqual(a.exportState(), {});

    // the same node whose peers never answer: after the grace it bootstraps like a node with no peer
    connected = 0;
    const b = new Announcer({ urls: [svc.url], swarmId, port: 7301, peerCount: () => connected, knownPeers: () => 3, now: () => clock.now, timers: t.timers, fetch: counting, random: () => 0.5 });
    b.start();
    await t.advance(30_000);
    assert.equal(hits.n, 0, 'within the grace: no request');
    await t.advance(60_000);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(hits.n, 1, 'connected to nobody after the grace: one poll');
    assert.deepEqual(Object.keys(b.exportState()), [svc.url]);
    b.stop();
    assert.equal(t.pending.length, 0);

    // a node that knows no peer at all polls at once (the bootstrap)
    const c = new Announcer({ urls: [svc.url], swarmId, port: 7302, peerCount: () => 0, knownPeers: () => 0, now: () => clock.now, timers: t.timers, fetch: counting, random: () => 0.5 });
    c.start();
    await t.advance(0);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(hits.n, 2);
    c.stop();
  });
});
