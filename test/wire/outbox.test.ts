// The outbox between a Wire and its stream: one write at a time, messages of one tick joined,
// a message that is one large buffer written as that very buffer (no copy), backpressure and
// its drain, ending after what is queued, and every onWritten called whatever happens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Duplex } from 'node:stream';
import { JOIN_BYTES, Outbox } from '../../src/wire/outbox.js';

/** A stream that records each write and completes it only when told to. */
function slowStream() {
  const writes: Uint8Array[] = [];
  const pending: Array<() => void> = [];
  let ended = false;
  const stream = new Duplex({
    read() {},
    write(chunk: Uint8Array, _enc, cb) {
      writes.push(chunk);
      pending.push(() => cb());
    },
    final(cb) {
      ended = true;
      cb();
    },
    highWaterMark: 1000,
  });
  return { stream, writes, complete: () => pending.shift()?.(), inFlight: () => pending.length, ended: () => ended };
}

const tick = () => new Promise((r) => setImmediate(r));
const bytes = (n: number, v: number) => new Uint8Array(n).fill(v);

test('messages queued in one tick leave joined in one write; the next write waits for the stream', async () => {
  const s = slowStream();
  const done: string[] = [];
  const box = new Outbox(s.stream, () => done.push('drain'));
  box.push([bytes(2, 1)], () => done.push('a'));
  box.push([bytes(3, 2), bytes(1, 3)], () => done.push('b'));
  assert.equal(s.writes.length, 0, 'nothing leaves before the end of the tick');
  await tick();
  assert.deepEqual(s.writes.map((w) => [...w]), [[1, 1, 2, 2, 2, 3]]);
  box.push([bytes(1, 4)], () => done.push('c'));
  await tick();
  assert.equal(s.writes.length, 1, 'one write at a time');
  assert.equal(s.inFlight(), 1);
  s.complete();
  await tick();
  assert.deepEqual(done, ['a', 'b']);
  assert.deepEqual(s.writes.map((w) => [...w]), [[1, 1, 2, 2, 2, 3], [4]]);
  s.complete();
  await tick();
  assert.deepEqual(done, ['a', 'b', 'c'], 'no drain: the high-water mark was never reached');
});

test('a large message in one buffer is written as that buffer, alone; one in parts is joined', async () => {
  const s = slowStream();
  const box = new Outbox(s.stream, () => undefined);
  const big = bytes(JOIN_BYTES + 10, 9);
  box.push([bytes(4, 1)]);
  box.push([big]);
  box.push([bytes(10, 2), bytes(JOIN_BYTES, 3)]);
  await tick();
  assert.deepEqual([...s.writes[0]], [1, 1, 1, 1], 'the small message does not wait to be joined to the big one');
  s.complete();
  await tick();
  assert.ok(s.writes[1].buffer === big.buffer && s.writes[1].byteOffset === big.byteOffset, 'the very bytes: not a copy');
  assert.equal(s.writes[1].length, big.length);
  s.complete();
  await tick();
  assert.equal(s.writes[2].length, JOIN_BYTES + 10);
  assert.deepEqual([s.writes[2][0], s.writes[2][10]], [2, 3]);
  s.complete();
});

test('needsDrain at the high-water mark; the drain comes once everything queued is written', async () => {
  const s = slowStream();
  let drains = 0;
  const box = new Outbox(s.stream, () => drains++, 100);
  box.push([bytes(60, 1)]);
  assert.equal(box.needsDrain, false);
  box.push([bytes(60, 2)]);
  assert.equal(box.needsDrain, true);
  assert.equal(box.pending, 120);
  await tick();
  assert.equal(box.needsDrain, true, 'in flight still counts');
  s.complete();
  await tick();
  assert.equal(box.needsDrain, false);
  assert.equal(drains, 1);
});

test('end() ends the stream after what is queued; later messages and dropped ones still get onWritten', async () => {
  const s = slowStream();
  const done: string[] = [];
  const box = new Outbox(s.stream, () => undefined);
  box.push([bytes(1, 1)], () => done.push('close message'));
  box.end();
  box.push([bytes(1, 2)], () => done.push('after end'));
  await tick();
  assert.equal(s.ended(), false, 'the queued message leaves first');
  s.complete();
  await tick();
  await tick();
  assert.equal(s.ended(), true);
  assert.deepEqual(done.sort(), ['after end', 'close message']);
  assert.equal(s.writes.length, 1);

  const t = slowStream();
  const box2 = new Outbox(t.stream, () => undefined);
  const released: number[] = [];
  box2.push([bytes(1, 1)], () => released.push(1));
  await tick();
  box2.push([bytes(1, 2)], () => released.push(2));
  box2.push([bytes(1, 3)], () => released.push(3));
  box2.drop(); // the stream went away with two messages queued
  assert.deepEqual(released, [2, 3]);
  t.complete();
  await tick();
  assert.deepEqual(released, [2, 3, 1]);
});
