// The Waterfall's peer records are dialed by transport: a ZeroTier node dials only kind 0
// (`zt:<node id>:<port>`), a TCP node only kinds 1 and 2 (IPv4, IPv6). MemoryNetwork reaches
// both kinds of address, so each node is told which kinds its transport dials (as the real
// transports are, by name), and a downloader that knows seeders only from the records
// completes from the one its transport can reach.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { PeerRecord } from '../../src/format/model.js';
import { HashPool } from '../../src/hash/pool.js';
import { MemoryNetwork } from '../../src/net/memory.js';
import { Node } from '../../src/node/node.js';
import { peerRecordAddress } from '../../src/swarm/connector.js';
import { makeData, TestSwarm, until, type TestData } from './helpers.js';

const pool = new HashPool({ threads: 1 });
after(() => pool.destroy());

const ZERO_KEY = new Uint8Array(32);
const RECORDS: PeerRecord[] = [
  { publicKey: ZERO_KEY, ztAddress: 0x1a2b3c4d5en, confidence: 0, kind: 0, port: 7000, ip: '' },
  { publicKey: ZERO_KEY, ztAddress: 0n, confidence: 0, kind: 1, port: 7001, ip: '10.0.0.9' },
  { publicKey: ZERO_KEY, ztAddress: 0n, confidence: 0, kind: 2, port: 7002, ip: 'fd00::9' },
];
const ZT = 'zt:1a2b3c4d5e:7000';
const V4 = '10.0.0.9:7001';
const V6 = '[fd00::9]:7002';

/** Test data whose Waterfall carries RECORDS (the swarm reads them when it starts). */
function dataWithRecords(): TestData {
  const d = makeData([{ path: ['a.bin'], size: 200_000 }, { path: ['b.bin'], size: 5000 }], 16 * 1024);
  return { ...d, waterfall: { ...d.waterfall, peers: RECORDS } };
}

test('peer records map to addresses: kind 0 zt:, kinds 1 and 2 host:port', () => {
  assert.deepEqual(RECORDS.map(peerRecordAddress), [
    { kind: 'zt', node: '1a2b3c4d5e', port: 7000 },
    { kind: 'ip', host: '10.0.0.9', port: 7001 },
    { kind: 'ip', host: 'fd00::9', port: 7002 },
  ]);
  const small = peerRecordAddress({ ...RECORDS[0], ztAddress: 0x1n });
  assert.deepEqual(small, { kind: 'zt', node: '0000000001', port: 7000 }, 'ten digits, zero-padded');
});

test('a node dials the address kinds of its transport: zerotier zt:, everything else IP', () => {
  const net = new MemoryNetwork();
  const id = new Uint8Array(randomBytes(32));
  const zt = new Node({ transport: { ...net.transport(id), name: 'zerotier' } });
  const tcp = new Node({ transport: { ...net.transport(id), name: 'tcp-tls' } });
  const zta = { kind: 'zt', node: '1a2b3c4d5e', port: 1 } as const;
  const ipa = { kind: 'ip', host: '127.0.0.1', port: 1 } as const;
  assert.deepEqual([zt.canDial(zta), zt.canDial(ipa)], [true, false]);
  assert.deepEqual([tcp.canDial(zta), tcp.canDial(ipa)], [false, true]);
  const both = new Node({ transport: net.transport(id), dials: ['ip', 'zt'] });
  assert.deepEqual([both.canDial(zta), both.canDial(ipa)], [true, true]);
});

test('a ZeroTier node takes only the kind-0 records, a TCP node only kinds 1 and 2', async (t) => {
  const s = new TestSwarm(dataWithRecords(), pool);
  t.after(() => s.close());
  const zt = await s.add({ have: 'none', nodeOptions: { dials: ['zt'] }, listen: 'zt:00000000aa:7100' });
  const tcp = await s.add({ have: 'none' });
  assert.deepEqual(zt.swarm.connector.addresses(), [ZT]);
  assert.deepEqual(tcp.swarm.connector.addresses().sort(), [V4, V6].sort());
});

test('downloaders that know the seeders only from the records complete, each through its own transport', async (t) => {
  const s = new TestSwarm(dataWithRecords(), pool);
  t.after(() => s.close());
  const ztSeed = await s.add({ have: 'all', download: false, nodeOptions: { dials: ['zt'] }, listen: ZT });
  const ipSeed = await s.add({ have: 'all', download: false, listen: V4 });
  const ztGet = await s.add({ have: 'none', nodeOptions: { dials: ['zt'] }, listen: 'zt:00000000bb:7200' });
  const ipGet = await s.add({ have: 'none' });
  const met = (n: typeof ztGet) => {
    const ids = new Set<string>(n.swarm.peers.keys()); // connected before this listener, if any
    n.swarm.on('peer', (p) => p.action === 'connected' && ids.add(p.nodeId));
    return ids;
  };
  const ztMet = met(ztGet);
  const ipMet = met(ipGet);
  await until(() => ztGet.swarm.complete && ipGet.swarm.complete, 15_000, 'both downloaders to complete');
  assert.ok(await s.holdsAll(ztGet));
  assert.ok(await s.holdsAll(ipGet));
  assert.deepEqual([...ztMet], [ztSeed.node.nodeIdHex], 'the ZeroTier node reached the seeder of the kind-0 record');
  assert.deepEqual([...ipMet], [ipSeed.node.nodeIdHex], 'the TCP node reached the seeder of the kind-1 record');
});
