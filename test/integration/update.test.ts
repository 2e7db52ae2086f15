// Updates across a live swarm of real processes on 127.0.0.1 (docs/UPDATES.md): the
// publisher's seeder follows its Waterfall file; downloaders hear of each new version from
// a peer's VERSION, fetch its hashes, reuse what they hold, fetch the rest and switch;
// the publisher leaves right after one peer has v3 and every node still reaches it; a kill -9
// in the middle of an update resumes; files changed by hand are set aside, not overwritten;
// an equivocating pair is refused with a proof.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Scope, run, type Proc } from './helpers.js';

const T = 120_000;
const KiB = 1024;

function verifyOk(waterfall: string, dir: string): void {
  assert.match(run(['verify', waterfall, dir]), /^ok: all/m);
}

/** Overwrites `length` bytes at `offset` with random bytes (pieces stay aligned). */
function edit(path: string, offset: number, length: number): void {
  const b = readFileSync(path);
  randomBytes(length).copy(b, offset);
  writeFileSync(path, b);
}

/** Publishes the next version with fixed pieces of `pieceSize` for every file (the size `site` used). */
function publish(s: Scope, site: string, from: string, to: string, extra: string[] = [], pieceSize = '32K'): void {
  run(['publish', site, '--key', s.path('publisher.key'), '--from', from, '-o', to, '--force', '--chunking', 'fixed', '--piece-size', pieceSize, ...extra]);
}

const switchedTo = (p: Proc, seq: number, ms = T) => p.waitFor((e) => e.event === 'switched' && e.sequence === seq, ms, `switched to version ${seq}`);
const completeAt = (p: Proc, seq: number, ms = T) => p.waitFor((e) => e.event === 'complete' && e.sequence === seq, ms, `complete at version ${seq}`);

test('v1 -> v2 -> v3 in one swarm: nodes follow, fetch only what changed, and reach v3 after the publisher leaves', { timeout: 3 * T }, async (t) => {
  const s = new Scope(t);
  const site = s.site({ 'same.bin': 700 * KiB, 'edit.bin': 1024 * KiB, 'old-name.bin': 300 * KiB, 'gone.bin': 200 * KiB, 'docs/a.txt': 5000 }, '64K');
  const served = s.path('served.waterfall'); // the publisher's seeder follows this file
  for (const ext of ['', '.layers']) writeFileSync(served + ext, readFileSync(site.waterfall + ext));
  const pub = s.bytefall('publisher', ['seed', served, site.dir, '--listen', '127.0.0.1:0', '--pex-interval', '1']);
  const address = await pub.address();
  const nodes = [0, 1].map((i) => s.bytefall(`node${i}`, ['get', site.waterfall, s.path(`copy${i}`), '--peer', address, '--listen', '127.0.0.1:0', '--seed', '--pex-interval', '1']));
  for (const n of nodes) await completeAt(n, 1);

  // v2: one edited piece, a rename, a removal, an addition.
  edit(join(site.dir, 'edit.bin'), 200 * KiB, 1000);
  renameSync(join(site.dir, 'old-name.bin'), join(site.dir, 'docs', 'new-name.bin'));
  rmSync(join(site.dir, 'gone.bin'));
  writeFileSync(join(site.dir, 'added.bin'), randomBytes(100 * KiB));
  const v2 = s.path('v2.waterfall');
  publish(s, site.dir, served, v2, [], '64K');
  for (const ext of ['', '.layers']) writeFileSync(served + ext, readFileSync(v2 + ext));
  await switchedTo(pub, 2);
  for (const n of nodes) {
    await switchedTo(n, 2);
    await completeAt(n, 2);
  }
  for (let i = 0; i < 2; i++) {
    const copy = s.path(`copy${i}`);
    verifyOk(v2, copy);
    assert.ok(!existsSync(join(copy, 'gone.bin')), 'a removed file is removed');
    assert.ok(!existsSync(join(copy, 'old-name.bin')), 'a renamed file left its old name');
    assert.deepEqual(readdirSync(copy).filter((n) => n.includes('.bytefall-')), [], 'no staging names left');
    const u = nodes[i].events.find((e) => e.event === 'updating' && e.to === 2)!;
    // Fetched: one 64 KiB piece of edit.bin and added.bin (100 KiB); the rename is a local move.
    assert.equal(u.fetch, 64 * KiB + 100 * KiB, `bytes to fetch for v2: ${JSON.stringify(u)}`);
    assert.equal(u.moved, 1);
  }

  // v3: the publisher gives it to the swarm, then leaves as soon as one node switched.
  edit(join(site.dir, 'same.bin'), 0, 10);
  const v3 = s.path('v3.waterfall');
  publish(s, site.dir, v2, v3, [], '64K');
  for (const ext of ['', '.layers']) writeFileSync(served + ext, readFileSync(v3 + ext));
  try {
    await switchedTo(pub, 3);
    await Promise.race(nodes.map((n) => switchedTo(n, 3)));
    pub.kill('SIGKILL');
    for (const n of nodes) await completeAt(n, 3);
  } catch (err) {
    t.diagnostic(`publisher: ${pub.events.filter((e) => e.event !== 'stats').map((e) => JSON.stringify(e).slice(0, 300)).join('\n')}`);
    for (const n of nodes) t.diagnostic(`${n.name}: ${n.events.filter((e) => e.event !== 'stats').map((e) => JSON.stringify(e).slice(0, 300)).join('\n')}`);
    throw err;
  }
  for (let i = 0; i < 2; i++) verifyOk(v3, s.path(`copy${i}`));
  for (const n of nodes) n.kill('SIGINT');
  for (const n of nodes) assert.equal(await n.exit(10_000), 0);
});

test('update: kill -9 in the middle, then the same command finishes; files changed by hand are set aside', { timeout: 2 * T }, async (t) => {
  const s = new Scope(t);
  const site = s.site({ 'big.bin': 4 * 1024 * KiB, 'mine.txt': 3000, 'drop.txt': 1000 }, '32K');
  const copy = s.path('copy');
  const seed1 = s.bytefall('seed1', ['seed', site.waterfall, site.dir, '--listen', '127.0.0.1:0']);
  const get = s.bytefall('get', ['get', site.waterfall, copy, '--peer', await seed1.address(), '--listen', '127.0.0.1:0']);
  assert.equal(await get.exit(T), 0, get.stderr);
  seed1.kill('SIGINT');
  await seed1.exit(10_000);
  // The user edits two files of the copy by hand.
  writeFileSync(join(copy, 'mine.txt'), 'my own notes');
  writeFileSync(join(copy, 'drop.txt'), 'changed by hand');
  // v2 rewrites all of big.bin and mine.txt, and drops drop.txt.
  writeFileSync(join(site.dir, 'big.bin'), randomBytes(4 * 1024 * KiB));
  writeFileSync(join(site.dir, 'mine.txt'), randomBytes(3000));
  rmSync(join(site.dir, 'drop.txt'));
  const v2 = s.path('v2.waterfall');
  publish(s, site.dir, site.waterfall, v2);
  const seed2 = s.bytefall('seed2', ['seed', v2, site.dir, '--listen', '127.0.0.1:0', '--upload-limit', '1M']);
  const address = await seed2.address();
  const args = ['update', v2, copy, '--peer', address, '--listen', '127.0.0.1:0'];
  const first = s.bytefall('update1', args);
  await first.waitFor((e) => e.event === 'verified' && (e.pieces as number) >= 20, T, 'some pieces of v2');
  first.kill('SIGKILL');
  await first.exited;
  const second = s.bytefall('update2', args);
  assert.equal(await second.exit(T), 0, second.stderr);
  const done = second.events.find((e) => e.event === 'complete')!;
  assert.equal(done.sequence, 2);
  assert.ok((done.downloaded as number) < 4 * 1024 * KiB, `the second run fetched only what the first had not verified (${done.downloaded} bytes)`);
  verifyOk(v2, copy);
  assert.equal(readFileSync(join(copy, 'mine.txt.bytefall-local'), 'utf8'), 'my own notes', 'a file changed by hand is set aside, not overwritten');
  assert.equal(readFileSync(join(copy, 'drop.txt'), 'utf8'), 'changed by hand', 'a removed file changed by hand is left in place');
  const sw = second.events.find((e) => e.event === 'switched')!;
  assert.deepEqual(sw.leftInPlace, ['drop.txt']);
});

test('a replayed older version and an equivocating pair are refused; the proof is kept', { timeout: 3 * T }, async (t) => {
  const s = new Scope(t);
  const site = s.site({ 'a.bin': 200 * KiB }, '32K');
  const copy = s.path('copy');
  const seed1 = s.bytefall('seed1', ['seed', site.waterfall, site.dir, '--listen', '127.0.0.1:0']);
  const get = s.bytefall('get', ['get', site.waterfall, copy, '--peer', await seed1.address(), '--listen', '127.0.0.1:0']);
  assert.equal(await get.exit(T), 0, get.stderr);
  edit(join(site.dir, 'a.bin'), 0, 100);
  const v2a = s.path('v2a.waterfall');
  publish(s, site.dir, site.waterfall, v2a);
  seed1.kill('SIGINT');
  await seed1.exit(10_000);
  const seed2 = s.bytefall('seed2', ['seed', v2a, site.dir, '--listen', '127.0.0.1:0']);
  const a2 = await seed2.address();
  const upd2 = s.bytefall('update2', ['update', v2a, copy, '--peer', a2, '--listen', '127.0.0.1:0']);
  assert.equal(await upd2.exit(T), 0, upd2.stderr);
  verifyOk(v2a, copy);
  // Replay: the copy holds v2; v1 again is refused.
  const old = s.bytefall('old', ['update', site.waterfall, copy, '--listen', '127.0.0.1:0']);
  assert.equal(await old.exit(T), 2);
  assert.match(old.stderr, /already holds version 2/);
  // Equivocation: another Waterfall signed with sequence 2.
  edit(join(site.dir, 'a.bin'), 1000, 100);
  const v2b = s.path('v2b.waterfall');
  publish(s, site.dir, site.waterfall, v2b, ['--sequence', '2']);
  const eq = s.bytefall('eq', ['update', v2b, copy, '--listen', '127.0.0.1:0']);
  assert.equal(await eq.exit(T), 2);
  assert.match(eq.stderr, /EQUIVOCATION/);
  const proofs = readdirSync(join(copy, '.bytefall', 'equivocation'));
  assert.equal(proofs.length, 1);
  assert.match(run(['inspect', join(copy, '.bytefall', 'equivocation', proofs[0])]), /equivocation proof.*sequence 2/is);
  // Over the wire: a seeder of v2b announces it to a node on v2a; the node records it and stays on v2a.
  const seedB = s.bytefall('seedB', ['seed', v2b, site.dir, '--listen', '127.0.0.1:0']);
  const node = s.bytefall('node', ['get', v2a, copy, '--peer', await seedB.address(), '--listen', '127.0.0.1:0', '--seed']);
  const ev = await node.event('equivocation', T);
  assert.equal(ev.sequence, 2);
  verifyOk(v2a, copy);
});

test('a peer announcing a forged newer version is banned; the node stays on its version', { timeout: T }, async (t) => {
  const s = new Scope(t);
  const site = s.site({ 'a.bin': 300 * KiB }, '32K');
  const evil = s.evilPeer(site.waterfall, 'forged-version');
  const seed = s.bytefall('seed', ['seed', site.waterfall, site.dir, '--listen', '127.0.0.1:0']);
  const copy = s.path('copy');
  // --seed: the download may finish before the forged Waterfall has been fetched and checked.
  const get = s.bytefall('get', ['get', site.waterfall, copy, '--peer', await evil.address(), '--peer', await seed.address(), '--listen', '127.0.0.1:0', '--seed']);
  await get.waitFor((e) => e.event === 'complete', T, 'the download complete');
  const refused = await get.waitFor((e) => e.event === 'version-refused', T, 'the forged version refused');
  assert.equal(refused.error, 'INVALID_SIGNATURE');
  await get.waitFor((e) => e.event === 'banned', T, 'the forger banned');
  get.kill('SIGINT');
  assert.equal(await get.exit(10_000), 0, get.stderr);
  assert.ok(!get.events.some((e) => e.event === 'updating'));
  assert.equal(get.events.filter((e) => e.event === 'complete').at(-1)!.sequence, 1, 'still on version 1');
  verifyOk(site.waterfall, copy);
});

test('an insertion in the middle of a 100 MiB file: content-defined pieces, only the pieces around it travel', { timeout: 2 * T }, async (t) => {
  const s = new Scope(t);
  const dir = s.path('site');
  mkdirSync(dir, { recursive: true });
  const big = join(dir, 'big.bin');
  // 100 MiB in 1 MiB random chunks (generated here, never committed)
  const chunks: Buffer[] = [];
  for (let i = 0; i < 100; i++) chunks.push(randomBytes(1024 * KiB));
  writeFileSync(big, Buffer.concat(chunks));
  run(['keygen', s.path('publisher.key')]);
  const v1 = s.path('v1.waterfall');
  run(['create', dir, '--key', s.path('publisher.key'), '-o', v1]); // default chunking: content-defined for big files
  assert.match(run(['inspect', v1, '--json']), /"chunking":"cdc"/);
  const seed1 = s.bytefall('seed1', ['seed', v1, dir, '--listen', '127.0.0.1:0']);
  const copy = s.path('copy');
  const get = s.bytefall('get', ['get', v1, copy, '--peer', await seed1.address(), '--listen', '127.0.0.1:0']);
  assert.equal(await get.exit(T), 0, get.stderr);
  seed1.kill('SIGINT');
  await seed1.exit(10_000);
  const b = readFileSync(big);
  writeFileSync(big, Buffer.concat([b.subarray(0, 50 * 1024 * KiB), randomBytes(1000), b.subarray(50 * 1024 * KiB)]));
  const v2 = s.path('v2.waterfall');
  run(['publish', dir, '--key', s.path('publisher.key'), '--from', v1, '-o', v2]);
  const seed2 = s.bytefall('seed2', ['seed', v2, dir, '--listen', '127.0.0.1:0']);
  const upd = s.bytefall('update', ['update', v2, copy, '--peer', await seed2.address(), '--listen', '127.0.0.1:0']);
  assert.equal(await upd.exit(T), 0, upd.stderr);
  const u = upd.events.find((e) => e.event === 'updating')!;
  const done = upd.events.find((e) => e.event === 'complete')!;
  t.diagnostic(`plan: ${u.fetch} bytes to fetch; moved on the wire: ${done.downloaded} bytes`);
  assert.ok((u.fetch as number) < 1024 * KiB, `only the pieces around the insertion are fetched (${u.fetch} bytes)`);
  assert.ok((done.downloaded as number) <= (u.fetch as number));
  verifyOk(v2, copy);
});

test('the publisher gives v2 to one peer and leaves; a node that comes back later learns v2 from that peer and reaches it', { timeout: 2 * T }, async (t) => {
  const s = new Scope(t);
  const site = s.site({ 'a.bin': 600 * KiB, 'b.bin': 200 * KiB }, '32K');
  const served = s.path('served.waterfall');
  for (const ext of ['', '.layers']) writeFileSync(served + ext, readFileSync(site.waterfall + ext));
  const pub = s.bytefall('publisher', ['seed', served, site.dir, '--listen', '127.0.0.1:0']);
  const node0 = s.bytefall('node0', ['get', site.waterfall, s.path('copy0'), '--peer', await pub.address(), '--listen', '127.0.0.1:0', '--seed']);
  await completeAt(node0, 1);
  // node1 gets v1 from node0 alone, then stops.
  const args1 = ['get', site.waterfall, s.path('copy1'), '--peer', await node0.address(), '--listen', '127.0.0.1:0', '--seed'];
  const first = s.bytefall('node1', args1);
  await completeAt(first, 1);
  first.kill('SIGINT');
  await first.exit(10_000);
  // v2 reaches node0 only; then the publisher is gone for good.
  edit(join(site.dir, 'a.bin'), 100 * KiB, 500);
  const v2 = s.path('v2.waterfall');
  publish(s, site.dir, served, v2);
  for (const ext of ['', '.layers']) writeFileSync(served + ext, readFileSync(v2 + ext));
  await switchedTo(node0, 2);
  await completeAt(node0, 2);
  pub.kill('SIGKILL');
  await pub.exited;
  // node1 comes back with its v1 and node0's address only.
  const again = s.bytefall('node1-again', args1);
  const found = await again.event('version-found', T);
  assert.equal(found.sequence, 2);
  assert.match(String(found.from), new RegExp(`^${(await node0.address()).replace(/[.]/g, '\\.')} `), 'learned from node0 (gossip), not from the publisher');
  await completeAt(again, 2);
  verifyOk(v2, s.path('copy1'));
  const u = again.events.find((e) => e.event === 'updating')!;
  assert.equal(u.fetch, 32 * KiB, `one 32 KiB piece fetched: ${JSON.stringify(u)}`);
  // That piece (random bytes, which no compression shrinks) and the new Waterfall came as
  // deltas of what node1 held: everything it received is well under the piece's 32 KiB.
  const done = again.events.find((e) => e.event === 'complete' && e.sequence === 2)!;
  t.diagnostic(`node1 received ${done.wireBytesReceived} bytes in all: ${JSON.stringify(done.wireBytesReceivedByType)}`);
  assert.ok((done.wireBytesReceived as number) < 16 * KiB, `received ${done.wireBytesReceived} bytes`);
});
