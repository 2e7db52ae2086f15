// The two data-path options the swarm engine uses: large frames put together in one reused
// buffer (FrameParser.reuseAbove / WireOptions.reuseFrameBuffers), and PIECE's onWritten,
// which tells a server when it may reuse the buffer it sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { FrameParser } from '../../src/wire/framing.js';
import { Wire } from '../../src/wire/wire.js';
import { duplexPair } from '../../src/net/memory.js';
import { fill } from './helpers.js';

function frame(len: number, byte: number): Uint8Array {
  const out = new Uint8Array(4 + len).fill(byte);
  new DataView(out.buffer).setUint32(0, len, true);
  return out;
}

test('large frames that span chunks share one buffer; small ones and whole ones do not', () => {
  const p = new FrameParser();
  p.reuseAbove = 4096;
  const seen: { body: Uint8Array; copy: Uint8Array }[] = [];
  const push = (bytes: Uint8Array, cut: number) => {
    p.push(bytes.subarray(0, cut), (b) => seen.push({ body: b, copy: b.slice() }));
    p.push(bytes.subarray(cut), (b) => seen.push({ body: b, copy: b.slice() }));
  };
  push(frame(10_000, 1), 100);
  push(frame(20_000, 2), 5000);
  push(frame(100, 3), 50);
  assert.equal(seen.length, 3);
  assert.equal(seen[0].body.buffer, seen[1].body.buffer, 'the scratch buffer is reused');
  assert.equal((seen[1].body.byteOffset + 6) % 8, 0, 'PIECE data (6 bytes into the body) is 8-aligned');
  assert.notEqual(seen[2].body.buffer, seen[1].body.buffer, 'a small frame gets its own');
  assert.ok(seen[1].copy.every((x) => x === 2) && seen[1].copy.length === 20_000);
  assert.ok(seen[0].body.every((x) => x === 2), 'the first body was overwritten: consumers must copy');
  const q = new FrameParser();
  q.reuseAbove = 4096;
  const whole: Uint8Array[] = [];
  const one = frame(10_000, 4);
  q.push(one, (b) => whole.push(b));
  assert.equal(whole[0].buffer, one.buffer, 'a frame within one chunk is still a view, no copy');
});

test('PIECE onWritten fires once the stream is done with the data, and not for a refused answer', async () => {
  const [sa, sb] = duplexPair();
  const A = fill(0xa1);
  const B = fill(0xb2);
  const swarmId = fill(0x51);
  const wa = new Wire(sa, { initiator: true, nodeId: A, remoteNodeId: B, swarmId, reuseFrameBuffers: true });
  const wb = new Wire(sb, { initiator: false, nodeId: B, remoteNodeId: A, acceptSwarm: () => true });
  await Promise.all([once(wa, 'handshake'), once(wb, 'handshake')]);
  const block = new Uint8Array(50_000).fill(9);
  const asked = once(wb, 'request');
  wa.request({ kind: 'index', waterfallId: fill(0x11), piece: 0 }, 0, block.length);
  const [m] = await asked;
  let written = 0;
  const got = once(wa, 'piece');
  assert.equal(wb.piece(m.reqId, block, () => written++), true);
  const [, data] = await got;
  assert.equal(written, 1);
  assert.ok((data as Uint8Array).every((x) => x === 9));
  assert.equal(wb.piece(m.reqId, block, () => written++), false, 'already answered');
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(written, 1);
  wa.close();
  await once(wb, 'close');
});
