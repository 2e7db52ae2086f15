// Swarms of real processes on 127.0.0.1, through the `bytefall` command as a user runs it:
// one seeder to one downloader; a seeder that leaves once every piece went out while five
// downloaders finish from each other; a peer serving corrupt data next to an honest one;
// kill -9 mid-download, then resume; Ctrl-C, then resume; `get` from a swarm id and one
// address. Small data and small pieces keep the suite quick on two cores.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Scope, run, type Proc } from './helpers.js';

const T = 60_000;

function verifyOk(waterfall: string, dir: string): void {
  assert.match(run(['verify', waterfall, dir]), /^ok: all/m);
}

test('one seeder, one downloader: exit 0, a verified copy, no part files left', { timeout: T }, async (t) => {
  const s = new Scope(t);
  const site = s.site({ 'index.html': 2000, 'img/a.bin': 1_500_000, 'img/b.bin': 300_000, 'empty.txt': 0 });
  const seed = s.bytefall('seed', ['seed', site.waterfall, site.dir, '--listen', '127.0.0.1:0']);
  const copy = s.path('copy');
  const get = s.bytefall('get', ['get', site.waterfall, copy, '--peer', await seed.address(), '--listen', '127.0.0.1:0']);
  assert.equal(await get.exit(T), 0, get.stderr);
  const done = await get.event('complete', 1);
  assert.equal(done.bytesVerified, site.bytes);
  verifyOk(site.waterfall, copy);
  assert.deepEqual(readdirSync(join(copy, 'img')).filter((n) => n.endsWith('.bytefall-part')), []);
  seed.kill('SIGINT');
  assert.equal(await seed.exit(10_000), 0, 'a seeder stopped with Ctrl-C exits 0');
});

test('a seeder leaves once every piece went out; five downloaders still complete from each other', { timeout: T }, async (t) => {
  const s = new Scope(t);
  const site = s.site({ 'data.bin': 4 * 1024 * 1024 }, '32K'); // 128 pieces
  const seed = s.bytefall('seed', ['seed', site.waterfall, site.dir, '--listen', '127.0.0.1:0', '--upload-limit', '2M']);
  const address = await seed.address();
  const gets: Proc[] = [];
  for (let i = 0; i < 5; i++) {
    gets.push(s.bytefall(`get${i}`, ['get', site.waterfall, s.path(`copy${i}`), '--peer', address, '--listen', '127.0.0.1:0', '--seed']));
  }
  const distributed = await seed.event('distributed', T);
  seed.kill('SIGTERM');
  assert.equal(await seed.exit(10_000), 0);
  const uploaded = distributed.uploaded as number;
  t.diagnostic(`the seeder left after sending ${(uploaded / site.bytes).toFixed(2)}x the data`);
  assert.ok(uploaded < 3 * site.bytes, `the seeder sent each piece about once (${(uploaded / site.bytes).toFixed(2)}x the data)`);
  for (const g of gets) await g.event('complete', T);
  for (let i = 0; i < 5; i++) verifyOk(site.waterfall, s.path(`copy${i}`));
  const peersSeen = gets.map((g) => new Set(g.events.filter((e) => e.event === 'peer' && e.action === 'connected').map((e) => e.nodeId)).size);
  assert.ok(peersSeen.every((n) => n >= 3), `PEX: each downloader met the others (${peersSeen})`);
  for (const g of gets) g.kill('SIGINT');
  for (const g of gets) assert.equal(await g.exit(10_000), 0, 'get --seed stopped after completing exits 0');
});

test('a peer serving corrupt data next to an honest one is banned; the copy is right', { timeout: T }, async (t) => {
  const s = new Scope(t);
  const site = s.site({ 'a.bin': 2_000_000 });
  const evil = s.evilPeer(site.waterfall, 'corrupt');
  // the honest seeder is slowed down so that the downloader surely asks the evil peer for pieces
  const seed = s.bytefall('seed', ['seed', site.waterfall, site.dir, '--listen', '127.0.0.1:0', '--upload-limit', '1M']);
  const copy = s.path('copy');
  const evilAddress = await evil.address();
  const get = s.bytefall('get', ['get', site.waterfall, copy, '--peer', evilAddress, '--peer', await seed.address(), '--listen', '127.0.0.1:0']);
  assert.equal(await get.exit(T), 0, get.stderr);
  const ban = await get.event('banned', 1);
  assert.match(String(ban.peer), new RegExp(`^${evilAddress.replace(/[.]/g, '\\.')} `));
  assert.match(String(ban.reason), /does not match its hash/);
  const logs = get.events.filter((e) => e.event === 'log').map((e) => String(e.message));
  assert.equal(logs.filter((l) => /\(banned\)/.test(l)).length, 1, `one clear line: ${logs.join(' | ')}`);
  verifyOk(site.waterfall, copy);
});

test('kill -9 mid-download, then the same command resumes without fetching or hashing again', { timeout: T }, async (t) => {
  const s = new Scope(t);
  const site = s.site({ 'big.bin': 6 * 1024 * 1024, 'small.bin': 100_000 });
  const seed = s.bytefall('seed', ['seed', site.waterfall, site.dir, '--listen', '127.0.0.1:0', '--upload-limit', '3M']);
  const address = await seed.address();
  const copy = s.path('copy');
  const args = ['get', site.waterfall, copy, '--peer', address, '--listen', '127.0.0.1:0'];
  const first = s.bytefall('get1', args);
  const mid = await first.waitFor((e) => e.event === 'stats' && (e.bytesVerified as number) > site.bytes * 0.3, T, 'a third of the data');
  first.kill('SIGKILL');
  await first.exited;
  assert.equal(first.signal, 'SIGKILL');
  assert.ok(existsSync(join(copy, 'big.bin.bytefall-part')), 'the unfinished file keeps its staging name');
  assert.equal(existsSync(join(copy, 'big.bin')), false, 'no unverified data under the final name');

  const second = s.bytefall('get2', args);
  assert.equal(await second.exit(T), 0, second.stderr);
  const checking = second.events.filter((e) => e.event === 'checking').map((e) => e.bytesTotal as number);
  assert.ok(checking.every((n) => n === 0), `nothing hashed again at start: ${checking}`);
  const done = await second.event('complete', 1);
  assert.ok((done.downloaded as number) <= site.bytes - (mid.bytesVerified as number), `fetched ${done.downloaded} of ${site.bytes}, ${mid.bytesVerified} were verified before the kill`);
  verifyOk(site.waterfall, copy);
});

test('Ctrl-C stops a download cleanly (exit 130) and the same command resumes', { timeout: T }, async (t) => {
  const s = new Scope(t);
  const site = s.site({ 'big.bin': 4 * 1024 * 1024 });
  const seed = s.bytefall('seed', ['seed', site.waterfall, site.dir, '--listen', '127.0.0.1:0', '--upload-limit', '2M']);
  const copy = s.path('copy');
  const args = ['get', site.waterfall, copy, '--peer', await seed.address(), '--listen', '127.0.0.1:0'];
  const first = s.bytefall('get1', args);
  await first.waitFor((e) => e.event === 'stats' && (e.bytesVerified as number) > 0, T, 'some data');
  first.kill('SIGINT');
  assert.equal(await first.exit(10_000), 130);
  await first.event('stopped', 1);
  const second = s.bytefall('get2', args);
  assert.equal(await second.exit(T), 0, second.stderr);
  verifyOk(site.waterfall, copy);
});

test('get from a swarm id and one address fetches the Waterfall, then the data', { timeout: T }, async (t) => {
  const s = new Scope(t);
  const site = s.site({ 'a.bin': 700_000, 'd/b.bin': 5000 });
  const swarmId = JSON.parse(run(['inspect', site.waterfall, '--json'])).swarmId as string;
  const seed = s.bytefall('seed', ['seed', site.waterfall, site.dir, '--listen', '127.0.0.1:0']);
  const copy = s.path('copy');
  const get = s.bytefall('get', ['get', swarmId, copy, '--peer', await seed.address(), '--listen', '127.0.0.1:0']);
  assert.equal(await get.exit(T), 0, get.stderr);
  await get.event('fetched-waterfall', 1);
  verifyOk(site.waterfall, copy);
  assert.ok(existsSync(join(copy, '.bytefall', 'waterfall')) && existsSync(join(copy, '.bytefall', 'layers')), 'kept to resume without a peer');
  const again = s.bytefall('again', ['get', swarmId, copy, '--listen', '127.0.0.1:0']);
  assert.equal(await again.exit(T), 0, 'complete already, and no peer needed to know what to check');
});
