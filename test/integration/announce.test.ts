// Nodes using the announce service, all real processes on 127.0.0.1 (`bytefall
// announce-server` and `bytefall` commands): `publish --announce` stores the new version's
// record (read back through the service's API) and reports a dead service without failing;
// a seeder and a downloader that know only the announce URL find each other and complete,
// the seeder reports the newer version the service knows; a downloader whose services are
// dead, answer garbage or never answer still completes from its --peer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { Scope, run, type Json } from './helpers.js';

const T = 60_000;

function verifyOk(waterfall: string, dir: string): void {
  assert.match(run(['verify', waterfall, dir]), /^ok: all/m);
}

function jsonLines(stdout: string): Json[] {
  return stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Json);
}

/** A port nothing listens on (bound, then closed). */
async function deadPort(): Promise<number> {
  const srv = createTcpServer().listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

/** An HTTP server on 127.0.0.1 that answers every request with `handler`; closed when the test ends. */
async function httpServer(t: { after: (fn: () => Promise<void>) => void }, handler: Parameters<typeof createServer>[1]): Promise<string> {
  const srv: Server = createServer(handler!).listen(0, '127.0.0.1');
  await once(srv, 'listening');
  t.after(async () => {
    srv.closeAllConnections();
    await new Promise((r) => srv.close(r));
  });
  return `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
}

test('announce: publish stores the record; a seeder and a downloader that know only the service find each other', { timeout: T }, async (t) => {
  const s = new Scope(t);
  const server = s.bytefall('announce', ['announce-server', '--listen', '127.0.0.1:0', '--data', s.path('announce-data')]);
  const url = (await server.event('listening', 10_000)).url as string;
  const site = s.site({ 'a.bin': 700_000, 'b/c.txt': 5000 });
  const id = jsonLines(run(['inspect', site.waterfall, '--json'])).find((e) => typeof e.swarmId === 'string')?.swarmId as string;
  assert.match(id, /^[0-9a-f]{64}$/);
  const dead = `http://127.0.0.1:${await deadPort()}`;

  // publish version 2 (same files) to the live service and a dead one: both reported, exit 0
  const v2 = s.path('v2.waterfall');
  const published = jsonLines(run(['publish', site.dir, '--key', s.path('publisher.key'), '--from', site.waterfall, '-o', v2, '--announce', url, '--announce', dead, '--json']));
  const stored = published.find((e) => e.event === 'announced');
  assert.deepEqual({ url: stored?.url, stored: stored?.stored, sequence: stored?.sequence }, { url, stored: true, sequence: 2 });
  const failed = published.find((e) => e.event === 'announce-failed');
  assert.equal(failed?.url, dead);
  const text = run(['publish', site.dir, '--key', s.path('publisher.key'), '--from', site.waterfall, '-o', v2, '--force', '--announce', url]);
  assert.match(text, /already has version 2; not stored/, 'a second push of the same sequence is reported, not fatal');

  const record = (await (await fetch(`${url}/v1/swarms/${id}/record`)).json()) as { sequence: number; swarmId: string };
  assert.equal(record.sequence, 2);
  assert.equal(record.swarmId, id);

  // the seeder serves version 1 and learns from the service that version 2 exists
  const seed = s.bytefall('seed', ['seed', site.waterfall, site.dir, '--listen', '127.0.0.1:0', '--announce', url]);
  await seed.address();
  const available = await seed.event('version-available', 20_000);
  assert.equal(available.sequence, 2);
  assert.equal(available.from, url);

  // the downloader knows the swarm id and the service only
  const copy = s.path('copy');
  const get = s.bytefall('get', ['get', id, copy, '--listen', '127.0.0.1:0', '--announce', url]);
  assert.equal(await get.exit(T), 0, get.stderr);
  const peers = await get.event('announced-peers', 1);
  assert.ok((peers.peers as string[]).includes(await seed.address()), `the service named the seeder: ${JSON.stringify(peers)}`);
  verifyOk(site.waterfall, copy);
  const state = JSON.parse(readFileSync(s.path('copy', '.bytefall', 'announce.json'), 'utf8')) as Record<string, { intervalS: number }>;
  assert.ok(state[url]?.intervalS > 0, 'the interval the service advertised is kept in the state folder');

  seed.kill('SIGINT');
  assert.equal(await seed.exit(10_000), 0);
  assert.ok(existsSync(s.path('site', '.bytefall', 'announce.json')), 'the seeder saved its announce state');
  server.kill('SIGTERM');
  assert.equal(await server.exit(10_000), 0);
});

test('announce services that are dead, answer garbage or never answer: the downloader completes from its --peer', { timeout: T }, async (t) => {
  const s = new Scope(t);
  const site = s.site({ 'a.bin': 600_000 });
  const dead = `http://127.0.0.1:${await deadPort()}`;
  const garbage = await httpServer(t, (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"swarmId": 7, "peers": "no'));
  const slow = await httpServer(t, () => {}); // accepts, never answers
  const seed = s.bytefall('seed', ['seed', site.waterfall, site.dir, '--listen', '127.0.0.1:0', '--announce', dead, '--announce', garbage]);
  const copy = s.path('copy');
  const started = Date.now();
  const get = s.bytefall('get', ['get', site.waterfall, copy, '--peer', await seed.address(), '--listen', '127.0.0.1:0', '--announce', dead, '--announce', garbage, '--announce', slow]);
  assert.equal(await get.exit(T), 0, get.stderr);
  t.diagnostic(`completed and exited in ${Date.now() - started} ms with every service broken`);
  verifyOk(site.waterfall, copy);
  const notices = get.events.filter((e) => e.event === 'log').map((e) => e.message).join('\n');
  assert.match(notices, /announce: .*going on with known peers/, 'a broken service costs a log line');
  seed.kill('SIGINT');
  assert.equal(await seed.exit(10_000), 0);
});
