// Fetching a Waterfall by its swarm id (REQUEST kind 2): from an honest seeder it arrives
// checked; a peer that serves another Waterfall under the id it announced is banned and the
// next address is tried; a peer outside the swarm refuses.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { BytefallError } from '../../src/errors.js';
import { HashPool } from '../../src/hash/pool.js';
import { formatAddress } from '../../src/net/address.js';
import { Node } from '../../src/node/node.js';
import { fetchWaterfall } from '../../src/swarm/metadata.js';
import { toHex } from '../../src/util/hex.js';
import { startEvilPeer } from '../integration/evil-peer.js';
import { makeData, TestSwarm } from './helpers.js';

const pool = new HashPool({ threads: 1 });
after(() => pool.destroy());

const FILES = [{ path: ['a'], size: 10_000 }, { path: ['d', 'b'], size: 3000 }];

test('a Waterfall fetched by swarm id is the one the seeder serves, checked', async (t) => {
  const s = new TestSwarm(makeData(FILES, 1024), pool);
  t.after(() => s.close());
  const seed = await s.add({ have: 'all', download: false });
  const node = new Node({ transport: s.net.transport(new Uint8Array(randomBytes(32)), '10.1.1.1') });
  t.after(() => node.close());
  const got = await fetchWaterfall(node, s.data.waterfall.swarmId, [seed.address]);
  assert.deepEqual(got.bytes, s.data.served);
  assert.equal(toHex(got.waterfall.waterfallId), toHex(s.data.waterfall.waterfallId));
  assert.equal(got.from, seed.address);
});

test('a peer that serves another Waterfall is banned; the next address serves the right one', async (t) => {
  const s = new TestSwarm(makeData(FILES, 1024), pool);
  t.after(() => s.close());
  const other = makeData([{ path: ['x'], size: 5000 }], 1024);
  const evilId = new Uint8Array(randomBytes(32));
  const evil = await startEvilPeer({
    transport: s.net.transport(evilId, '10.6.6.6'), listen: '10.6.6.6:0', waterfall: s.data.waterfall, served: other.served, mode: 'corrupt',
  });
  t.after(() => evil.close());
  const seed = await s.add({ have: 'all', download: false });
  const logs: string[] = [];
  const node = new Node({ transport: s.net.transport(new Uint8Array(randomBytes(32)), '10.1.1.2') });
  t.after(() => node.close());
  const got = await fetchWaterfall(node, s.data.waterfall.swarmId, [formatAddress(evil.address), seed.address], { log: (l) => logs.push(l) });
  assert.deepEqual(got.bytes, s.data.served);
  assert.ok(node.bans.isBanned(toHex(evilId)));
  assert.match(logs.join('\n'), /cannot fetch the Waterfall from 10\.6\.6\.6:\d+: the Waterfall (belongs to swarm|does not hash to the id the peer announced)/);
});

test('a peer that is not in the swarm refuses, and the error says so', async (t) => {
  const s = new TestSwarm(makeData(FILES, 1024), pool);
  t.after(() => s.close());
  const seed = await s.add({ have: 'all', download: false });
  const node = new Node({ transport: s.net.transport(new Uint8Array(randomBytes(32)), '10.1.1.3') });
  t.after(() => node.close());
  await assert.rejects(fetchWaterfall(node, new Uint8Array(32).fill(9), [seed.address]), (e: unknown) => e instanceof BytefallError && e.code === 'WIRE_UNKNOWN_SWARM');
});
