// Peer exchange (a node that knows one peer finds the others; the swarm outlives its first
// seeder), choking (a seeder with few slots serves many peers in turn, never more at once),
// and floods (requests while choked, PEX storms) that must not grow what a node keeps.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { HashPool } from '../../src/hash/pool.js';
import { duplexPair } from '../../src/net/memory.js';
import { encodeMessage, type PexEntry } from '../../src/wire/messages.js';
import { REJECT_CHOKED } from '../../src/wire/constants.js';
import { Wire } from '../../src/wire/wire.js';
import { makeData, TestSwarm, until } from './helpers.js';

const pool = new HashPool({ threads: 1 });
after(() => pool.destroy());

test('PEX: leechers that know only the seeder find each other', async (t) => {
  const s = new TestSwarm(makeData([{ path: ['a'], size: 100_000 }], 4096), pool);
  t.after(() => s.close());
  const seed = await s.add({ have: 'all', download: false });
  const a = await s.add({ have: 'none', peers: [seed.address] });
  const b = await s.add({ have: 'none', peers: [seed.address] });
  const c = await s.add({ have: 'none', peers: [seed.address] });
  const all = [a, b, c];
  await until(() => all.every((x) => all.every((y) => x === y || x.swarm.peers.has(y.node.nodeIdHex))), 10_000, 'every leecher connected to every other');
  await until(() => all.every((x) => x.swarm.complete), 10_000, 'completion');
});

test('PEX: the swarm keeps working after the first seeder leaves', async (t) => {
  const s = new TestSwarm(makeData([{ path: ['a'], size: 400_000 }], 8192), pool);
  t.after(() => s.close());
  const first = await s.add({ have: 'all', download: false, uploadLimit: 16 * 1024 }); // slow: most data must come from elsewhere
  const other = await s.add({ have: 'all', peers: [first.address] }); // a peer that has spread copy
  await until(() => first.swarm.peers.has(other.node.nodeIdHex), 5000, 'the second copy to join');
  const late = await s.add({ have: 'none', peers: [first.address] });
  await until(() => late.swarm.peers.has(other.node.nodeIdHex), 10_000, 'the newcomer to find the other copy by PEX');
  await first.swarm.stop();
  await first.node.close();
  await until(() => late.swarm.complete, 15_000, 'completion without the first seeder');
  assert.ok(await s.holdsAll(late));
  assert.ok(other.swarm.snapshot().uploaded > 0);
});

test('choking: a seeder with one slot and one optimistic slot serves four leechers in turn', async (t) => {
  const s = new TestSwarm(makeData([{ path: ['a'], size: 300_000 }], 4096), pool);
  t.after(() => s.close());
  // No PEX: the leechers never meet, so each needs every piece from the seeder and gets it
  // only in its turn at the two slots (with PEX they could finish from each other first).
  const seed = await s.add({
    have: 'all', download: false, uploadLimit: 400 * 1024, pex: false,
    choker: { slots: 1, optimisticSlots: 1, rotateMs: 200, optimisticMs: 200, quantumMs: 200 },
  });
  let most = 0;
  const timer = setInterval(() => {
    let n = 0;
    for (const p of seed.swarm.peers.values()) if (!p.wire.amChoking) n++;
    most = Math.max(most, n);
  }, 5);
  t.after(() => clearInterval(timer));
  const leechers: Awaited<ReturnType<typeof s.add>>[] = [];
  for (let i = 0; i < 4; i++) leechers.push(await s.add({ have: 'none', peers: [seed.address], pex: false }));
  await until(() => leechers.every((l) => l.swarm.complete), 20_000, 'every leecher to complete');
  assert.ok(most <= 2, `at most two unchoked at once, saw ${most}`);
  for (const l of leechers) {
    assert.equal(l.swarm.peers.size, 1, 'a leecher knows only the seeder');
    const fromSeed = l.swarm.peers.get(seed.node.nodeIdHex)?.downloaded ?? 0;
    assert.ok(fromSeed >= 300_000, `every leecher got the whole file straight from the seeder (${fromSeed} bytes)`);
  }
});

test('floods: requests while choked are refused at once, PEX storms do not grow the address book', async (t) => {
  const s = new TestSwarm(makeData([{ path: ['a'], size: 100_000 }], 4096), pool);
  t.after(() => s.close());
  const seed = await s.add({ have: 'all', download: false, choker: { slots: 0, optimisticSlots: 0 } });
  const id = new Uint8Array(randomBytes(32));
  const conn = await s.net.transport(id, '10.7.7.7').connect(seed.address);
  const w = new Wire(conn.stream, { initiator: true, nodeId: id, remoteNodeId: conn.remoteNodeId, swarmId: s.data.waterfall.swarmId });
  t.after(() => w.close());
  await once(w, 'handshake');
  let rejected = 0;
  w.on('reject', (_r, reason) => reason === REJECT_CHOKED && rejected++);
  for (let i = 0; i < 200; i++) w.request({ kind: 'index', waterfallId: s.data.waterfall.waterfallId, piece: i % 24 }, 0, 4096);
  await until(() => rejected === 200, 5000, 'every request refused');
  const peer = seed.swarm.peers.get(Buffer.from(id).toString('hex'))!;
  assert.equal(peer.uploads.length, 0);
  for (let round = 0; round < 30; round++) {
    const entries: PexEntry[] = Array.from({ length: 50 }, (_, i) => ({
      nodeId: new Uint8Array(randomBytes(32)), address: { kind: 'ip', host: `10.50.${round}.${i + 1}`, port: 1000 + i }, dropped: false, seed: false,
    }));
    w.pex(entries);
  }
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(seed.swarm.connector.size <= 50, `only the first PEX in an interval is taken: ${seed.swarm.connector.size}`);
  assert.equal(w.closed, false, 'floods within the protocol are not a reason to ban');
});

test('a peer that never reads cannot make a seeder buffer: it hits the request limit and is closed', async (t) => {
  const s = new TestSwarm(makeData([{ path: ['a'], size: 2_000_000 }], 1024), pool); // layers of 2 x 31 KiB per run
  t.after(() => s.close());
  const seed = await s.add({ have: 'all', download: false });
  const [mine, theirs] = duplexPair();
  let stalled = false;
  const write = mine._write.bind(mine);
  mine._write = (chunk, enc, cb) => (stalled ? undefined : write(chunk, enc, cb)); // the peer stops reading
  const floodId = new Uint8Array(randomBytes(32));
  const seedId = seed.node.nodeId;
  const server = new Wire(mine, {
    initiator: false, nodeId: seedId, remoteNodeId: floodId,
    acceptSwarm: (_sid, nid) => seed.swarm.admit(Buffer.from(nid).toString('hex')),
  });
  server.on('handshake', () => seed.swarm.accept(server, { kind: 'ip', host: '10.8.8.8', port: 1 }));
  const flood = new Wire(theirs, { initiator: true, nodeId: floodId, remoteNodeId: seedId, swarmId: s.data.waterfall.swarmId });
  await once(flood, 'handshake');
  stalled = true;
  const wid = s.data.waterfall.waterfallId;
  for (let reqId = 0; reqId < 400; reqId++) {
    const m = reqId % 2 === 0
      ? encodeMessage({ type: 'hash-request', reqId, waterfallId: wid, file: 0, first: 0, count: 512 })
      : encodeMessage({ type: 'request', reqId, ref: { kind: 'waterfall', waterfallId: wid }, offset: 0, length: s.data.served.length });
    theirs.write(m); // raw frames: past what an honest Wire would send
  }
  await until(() => server.closed, 5000, 'the seeder to close the peer');
  assert.ok(mine.writableLength < 1 << 20, `bounded: ${mine.writableLength} bytes waiting for a peer that does not read`);
  assert.ok(seed.node.bans.isBanned(Buffer.from(floodId).toString('hex')), 'more than 256 requests in flight is a violation');
});
