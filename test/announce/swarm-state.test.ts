// SwarmState: the rules both hosts share. Sequences only go up; the peer table is
// bounded, expires, is written only when needed, and answers with a bounded sample.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SwarmState } from '../../src/announce/swarm-state.js';
import { MAX_PEERS_PER_SWARM, PEER_TTL_MS } from '../../src/announce/limits.js';
import { testRecordJson } from './kit.js';

const T0 = 1_800_000_000_000;
const q = (now: number, maxPeers = 50) => ({ now, maxPeers });

function seeded(seed = 1): () => number {
  let x = seed;
  return () => ((x = (x * 48271) % 2147483647) / 2147483647);
}

test('swarm state: unknown until a record is published; reads of an unknown swarm change nothing', () => {
  const s = new SwarmState(undefined, { random: seeded() });
  assert.equal(s.known, false);
  assert.equal(s.view(q(T0)), undefined);
  assert.equal(s.announce(['1.2.3.4:1'], q(T0)), undefined);
  assert.deepEqual(s.takeChanges(), { record: false, slots: [], control: false });
  assert.deepEqual(s.snapshot().peers, []);
});

test('swarm state: sequences strictly increase', () => {
  const s = new SwarmState();
  assert.deepEqual(s.publish(testRecordJson(2), T0), { stored: true, sequence: 2 });
  assert.equal(s.takeChanges().record, true);
  assert.deepEqual(s.publish(testRecordJson(2), T0), { stored: false, current: 2 });
  assert.deepEqual(s.publish(testRecordJson(1), T0), { stored: false, current: 2 });
  assert.equal(s.takeChanges().record, false);
  assert.deepEqual(s.publish(testRecordJson(9), T0), { stored: true, sequence: 9 });
  assert.equal(s.view(q(T0))?.record?.sequence, 9);
});

test('swarm state: announces write a slot only when new or half expired', () => {
  const s = new SwarmState();
  s.publish(testRecordJson(1), T0);
  s.takeChanges();
  s.announce(['1.1.1.1:1', '2.2.2.2:2'], q(T0));
  assert.deepEqual(s.takeChanges().slots, [0, 1]);
  s.announce(['1.1.1.1:1'], q(T0 + PEER_TTL_MS / 2 - 1000));
  assert.deepEqual(s.takeChanges().slots, []);
  s.announce(['1.1.1.1:1'], q(T0 + PEER_TTL_MS / 2 + 1000));
  assert.deepEqual(s.takeChanges().slots, [0]);
});

test('swarm state: peers expire after the TTL and are not handed to their announcer', () => {
  const s = new SwarmState(undefined, { random: seeded() });
  s.publish(testRecordJson(1), T0);
  s.announce(['1.1.1.1:1'], q(T0));
  assert.deepEqual(s.announce(['2.2.2.2:2'], q(T0 + 1))?.peers, ['1.1.1.1:1']);
  assert.deepEqual(s.view(q(T0 + PEER_TTL_MS - 1))?.peers.sort(), ['1.1.1.1:1', '2.2.2.2:2']);
  assert.deepEqual(s.view(q(T0 + PEER_TTL_MS + 2))?.peers, []);
});

test('swarm state: the table holds MAX_PEERS_PER_SWARM; a new address replaces the one that expires first', () => {
  const s = new SwarmState(undefined, { random: seeded(7) });
  s.publish(testRecordJson(1), T0);
  for (let i = 0; i < MAX_PEERS_PER_SWARM + 50; i++) s.announce([`10.0.${i >> 8}.${i & 255}:1`], q(T0 + i));
  const snap = s.snapshot();
  assert.equal(snap.peers.length, MAX_PEERS_PER_SWARM);
  const addrs = new Set(snap.peers.map((p) => p.address));
  assert.equal(addrs.has('10.0.0.0:1'), false, 'the oldest went first');
  assert.equal(addrs.has(`10.0.0.249:1`), true);
  const sample = s.view(q(T0 + 1000, 50))!.peers;
  assert.equal(sample.length, 50);
  assert.equal(new Set(sample).size, 50);
});

test('swarm state: samples are random', () => {
  const s = new SwarmState(undefined, { random: seeded(3) });
  s.publish(testRecordJson(1), T0);
  for (let i = 0; i < 100; i++) s.announce([`10.1.0.${i}:1`], q(T0));
  const seen = new Set<string>();
  for (let i = 0; i < 20; i++) for (const p of s.view(q(T0, 10))!.peers) seen.add(p);
  assert.ok(seen.size > 60, `${seen.size} distinct peers in 20 samples of 10`);
});

test('swarm state: a snapshot restores the same state', () => {
  const s = new SwarmState();
  s.publish(testRecordJson(4), T0);
  s.announce(['1.1.1.1:1', 'zt:abcdef0123:9993'], { ...q(T0), claim: 600 });
  const copy = new SwarmState(JSON.parse(JSON.stringify(s.snapshot())));
  assert.deepEqual(copy.snapshot(), s.snapshot());
  assert.equal(copy.view(q(T0 + 1))?.record?.sequence, 4);
});

test('swarm state: the control state is reported changed at most every five minutes', () => {
  const s = new SwarmState();
  s.publish(testRecordJson(1), T0);
  assert.equal(s.takeChanges().control, true);
  s.view(q(T0 + 1000));
  assert.equal(s.takeChanges().control, false);
  s.view(q(T0 + 5 * 60_000 + 1));
  assert.equal(s.takeChanges().control, true);
});
