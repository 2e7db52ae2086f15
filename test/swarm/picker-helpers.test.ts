// The picker's small helpers: the bitfield (wire/disk bit order, refusals), the request
// pipeline depth (bandwidth-delay product within bounds) and the rate meter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Bitfield } from '../../src/swarm/picker-bitfield.js';
import { pipelineDepth } from '../../src/swarm/picker-pipeline.js';
import { RateMeter } from '../../src/swarm/picker-rate.js';
import { SmallestK } from '../../src/swarm/picker-select.js';

test('bitfield: index 0 is the high bit of byte 0; round trip', () => {
  const bf = Bitfield.fromBytes(Uint8Array.of(0b1010_0000), 3);
  assert.deepEqual([bf.has(0), bf.has(1), bf.has(2), bf.has(3)], [true, false, true, false]);
  assert.equal(bf.count, 2);
  bf.set(1);
  assert.deepEqual(bf.toBytes(), Uint8Array.of(0b1110_0000));
  assert.equal(bf.set(1), false, 'setting a set bit changes nothing');
  const seen: number[] = [];
  Bitfield.full(70).forEachCommon(Bitfield.fromBytes(new Uint8Array(9).fill(0xff).fill(0xc0, 8), 70), (i) => seen.push(i));
  assert.equal(seen.length, 66, 'bytes 0-7 (64 bits) and 2 bits of byte 8');
});

test('bitfield: wrong size, spare bits and bad indexes are refused', () => {
  assert.throws(() => Bitfield.fromBytes(new Uint8Array(2), 3), { code: 'BAD_ARGUMENT' });
  assert.throws(() => Bitfield.fromBytes(Uint8Array.of(0b0001_0000), 3), { code: 'BAD_ARGUMENT' });
  assert.throws(() => new Bitfield(3).set(3), { code: 'BAD_ARGUMENT' });
  assert.throws(() => new Bitfield(-1), { code: 'BAD_ARGUMENT' });
  assert.equal(new Bitfield(3).has(99), false);
  assert.equal(Bitfield.fromBytes(new Uint8Array(0), 0).count, 0);
});

test('bitfield: forEachCommon with an exclusion', () => {
  const a = Bitfield.fromBytes(Uint8Array.of(0xff), 8);
  const b = Bitfield.fromBytes(Uint8Array.of(0b1111_0000), 8);
  const not = Bitfield.fromBytes(Uint8Array.of(0b0101_0000), 8);
  const seen: number[] = [];
  a.forEachCommon(b, (i) => seen.push(i), not);
  assert.deepEqual(seen, [0, 2]);
});

test('pipeline depth: rate x queue time / piece size, within bounds', () => {
  const MiB = 1 << 20;
  const rows: Array<[rate: number, piece: number, expected: number, why: string]> = [
    [0, 16 * 1024, 2, 'an idle or new peer still gets the minimum'],
    [10e6, MiB, 29, '10 MB/s x 3 s over 1 MiB pieces'],
    [1e9, 16 * 1024, 64, 'a very fast peer is capped in requests'],
    [100e6, 16 * MiB, 2, 'large pieces are capped by the 32 MiB byte bound'],
    [100e6, 64 * MiB, 1, 'a piece above the byte bound still gets one request'],
  ];
  for (const [rate, piece, expected, why] of rows) assert.equal(pipelineDepth(rate, piece), expected, why);
  assert.equal(pipelineDepth(1e6, 1024, { targetQueueMs: 100, maxRequests: 500 }), 98);
  assert.throws(() => pipelineDepth(1, 0), { code: 'BAD_ARGUMENT' });
  assert.throws(() => pipelineDepth(1, 1, { minRequests: 5, maxRequests: 4 }), { code: 'BAD_ARGUMENT' });
});

test('rate meter: a steady stream reads as its rate, silence decays to zero', () => {
  const m = new RateMeter();
  assert.equal(m.rate(0), 0);
  for (let t = 0; t <= 20_000; t += 100) m.add(1000, t);
  const r = m.rate(20_000);
  assert.ok(Math.abs(r - 10_000) < 1500, `about 10 kB/s, got ${r}`);
  assert.equal(m.rate(26_000), 0);
  const fresh = new RateMeter();
  fresh.add(5000, 1_000);
  assert.equal(fresh.rate(1_500), 5000, 'a young meter divides by at least one bucket');
});

test('SmallestK keeps the best k in order', () => {
  const s = new SmallestK(3);
  for (const [k, v] of [[5, 50], [1, 10], [9, 90], [3, 30], [2, 20]]) s.offer(k, v);
  assert.deepEqual(s.result(), [10, 20, 30]);
  const none = new SmallestK(0);
  none.offer(1, 1);
  assert.deepEqual(none.result(), []);
});
