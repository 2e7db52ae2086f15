// Peers that lie, next to an honest seeder: corrupt pieces, hashes whose proof does not hold,
// a HAVE past the last piece, claims never served. Each liar is banned (by node id and
// address) with one log line, and the leecher still completes with exactly the right data.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { HashPool } from '../../src/hash/pool.js';
import { formatAddress } from '../../src/net/address.js';
import { toHex } from '../../src/util/hex.js';
import { startEvilPeer, type EvilMode } from '../integration/evil-peer.js';
import { makeData, TestSwarm, until } from './helpers.js';

const pool = new HashPool({ threads: 1 });
after(() => pool.destroy());

async function withLiar(t: { after: (fn: () => Promise<void>) => void }, mode: EvilMode, leecherLayers: boolean) {
  const s = new TestSwarm(makeData([{ path: ['a'], size: 200_000 }, { path: ['b'], size: 50_000 }], 8 * 1024), pool);
  t.after(() => s.close());
  const id = new Uint8Array(randomBytes(32));
  const evil = await startEvilPeer({
    transport: s.net.transport(id, '10.9.9.9'), listen: '10.9.9.9:0', waterfall: s.data.waterfall, served: s.data.served,
    layers: s.data.layers, mode,
  });
  t.after(() => evil.close());
  const seed = await s.add({ have: 'all', download: false });
  const leech = await s.add({
    have: 'none', withLayers: leecherLayers, peers: [formatAddress(evil.address), seed.address],
    nodeOptions: { wireTimeouts: { request: 1500, tick: 100 } },
  });
  return { s, evil, seed, leech, evilId: toHex(id) };
}

test('a peer serving corrupt pieces is banned and the pieces come from the honest seeder', async (t) => {
  const { s, evil, leech, evilId } = await withLiar(t, 'corrupt', true);
  const bans: string[] = [];
  leech.swarm.on('ban', (b) => bans.push(b.nodeId));
  await until(() => leech.swarm.complete, 15_000, 'the leecher to complete');
  assert.ok(await s.holdsAll(leech), 'only verified data was written');
  assert.ok(evil.junkSent > 0, 'the liar did send junk');
  assert.ok(leech.node.bans.isBanned(evilId), 'banned by node id');
  assert.ok(leech.node.bans.isBanned(undefined, formatAddress(evil.address)), 'banned by address');
  assert.deepEqual(bans, [evilId]);
  assert.ok(leech.swarm.snapshot().badPieces >= 1);
  assert.ok(leech.logs.some((l) => /WIRE_BAD_DATA.*does not match its hash.*\(banned\)/.test(l)), leech.logs.join('\n'));
  const connections = evil.connections;
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(evil.connections, connections, 'a banned peer is not dialed again');
});

test('a peer whose hash proofs do not hold is banned; the hashes come from the seeder', async (t) => {
  const { s, leech, evilId } = await withLiar(t, 'bad-proof', false);
  await until(() => leech.swarm.complete, 15_000, 'the leecher to complete');
  assert.ok(await s.holdsAll(leech));
  assert.ok(leech.node.bans.isBanned(evilId));
  assert.ok(leech.logs.some((l) => /do not prove the entry hash/.test(l)), leech.logs.join('\n'));
});

test('a HAVE past the last piece is a lie: banned', async (t) => {
  const { s, leech, evilId } = await withLiar(t, 'lie-have', true);
  await until(() => leech.node.bans.isBanned(evilId), 5000, 'the ban');
  await until(() => leech.swarm.complete, 15_000, 'the leecher to complete');
  assert.ok(await s.holdsAll(leech));
});

test('a peer that claims pieces and never sends them times out; the download completes elsewhere', async (t) => {
  const { s, leech, evilId } = await withLiar(t, 'silent', true);
  await until(() => leech.swarm.complete, 20_000, 'the leecher to complete');
  assert.ok(await s.holdsAll(leech));
  assert.equal(leech.node.bans.isBanned(evilId), false, 'slow is not malicious: no ban');
});
