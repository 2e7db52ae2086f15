// The Waterfall's footer peer records as the only way to find a seeder: `create --peer-record`
// names the seeder's address (and a ZeroTier record, which a TCP node must not dial), the
// seeder listens there, and `get` with no --peer and no announce service completes. Real
// processes on 127.0.0.1; the port is one the system handed out and released just before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Scope, run } from './helpers.js';

const T = 60_000;

/** A port free right now on 127.0.0.1 (bound, read, released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test('get finds the seeder from the Waterfall peer record alone (TCP dials kind 1, skips kind 0)', { timeout: T }, async (t) => {
  const s = new Scope(t);
  const dir = s.path('site');
  mkdirSync(join(dir, 'img'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), randomBytes(3000));
  writeFileSync(join(dir, 'img', 'a.bin'), randomBytes(700_000));
  const key = s.path('publisher.key');
  const waterfall = s.path('site.waterfall');
  run(['keygen', key]);

  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  run(['create', dir, '--key', key, '-o', waterfall, '--piece-size', '64K', '--name', 'peer records', '--peer-record', 'zt:1a2b3c4d5e:9993', '--peer-record', address]);
  const info = JSON.parse(run(['inspect', waterfall, '--json']));
  assert.deepEqual(info.peers.map((p: { address: string }) => p.address), ['zt:1a2b3c4d5e:9993', address]);

  const seed = s.bytefall('seed', ['seed', waterfall, dir, '--listen', address]);
  assert.equal(await seed.address(), address);
  const seederId = (await seed.event('listening', 1)).nodeId;

  const copy = s.path('copy');
  const get = s.bytefall('get', ['get', waterfall, copy, '--listen', '127.0.0.1:0']);
  assert.equal(await get.exit(T), 0, get.stderr);
  const connected = get.events.filter((e) => e.event === 'peer' && e.action === 'connected');
  assert.deepEqual(connected.map((e) => e.nodeId), [seederId], 'the only peer is the seeder, reached through the record');
  assert.equal(connected[0].address, address);
  assert.doesNotMatch(get.stderr + JSON.stringify(get.events), /zt:1a2b3c4d5e/, 'the ZeroTier record is not dialed over TCP');
  assert.match(run(['verify', waterfall, copy]), /^ok: all 2 files/m);
  seed.kill('SIGINT');
  assert.equal(await seed.exit(10_000), 0);
});
