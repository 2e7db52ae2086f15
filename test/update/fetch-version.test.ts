// Fetching a newer Waterfall over a wire (src/update/fetch-version.ts) as a delta of the one the
// node holds: the golden files cdc (version 1) and cdc-next (version 2) of one swarm. An honest
// peer's deltas rebuild version 2 in a fraction of its size; a peer whose deltas rebuild wrong
// bytes makes the fetch ask again whole, and the result is still exactly version 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { deflateRawSync } from 'node:zlib';
import { Wire } from '../../src/wire/wire.js';
import { duplexPair } from '../../src/net/memory.js';
import { decodeWaterfall } from '../../src/format/decode.js';
import { rewritePeers, toPublicForm } from '../../src/format/rewrite.js';
import { encodeBlock } from '../../src/swarm/compress.js';
import { fetchWaterfallOver, servedIdMatches } from '../../src/update/fetch-version.js';
import { CLOSE_UNKNOWN_SWARM, ENCODING_DELTA, ENCODING_RAW } from '../../src/wire/constants.js';
import type { RequestMsg } from '../../src/wire/messages.js';
import { readFixture } from '../format/fixtures.js';

const served = (name: string) => rewritePeers(toPublicForm(readFixture(name).bytes), []);
const v1 = served('cdc');
const v2 = served('cdc-next');
const w2 = decodeWaterfall(v2);
const base = Buffer.concat([v2.subarray(0, 640), v1]); // what a follower holds: VERSION's header, then its Waterfall

async function pair(answer: (m: RequestMsg, wb: Wire) => void) {
  const [sa, sb] = duplexPair();
  const A = new Uint8Array(32).fill(0xa1);
  const B = new Uint8Array(32).fill(0xb2);
  const wa = new Wire(sa, { initiator: true, nodeId: A, remoteNodeId: B, swarmId: w2.swarmId });
  const wb = new Wire(sb, { initiator: false, nodeId: B, remoteNodeId: A, acceptSwarm: (s) => (Buffer.compare(s, w2.swarmId) === 0 ? true : CLOSE_UNKNOWN_SWARM) });
  await Promise.all([once(wa, 'handshake'), once(wb, 'handshake')]);
  const asked: RequestMsg[] = [];
  let bytes = 0;
  wa.on('piece', (_r, _d, wireBytes: number) => (bytes += wireBytes));
  wb.on('request', (m: RequestMsg) => {
    asked.push(m);
    answer(m, wb);
  });
  return { wa, asked, wireBytes: () => bytes };
}

test('the golden versions differ and hash to their ids', () => {
  assert.ok(servedIdMatches(v2, w2.waterfallId));
  assert.ok(!servedIdMatches(v1, w2.waterfallId));
});

test('an honest peer: the new Waterfall comes as a delta of the old, a fraction of its size', async () => {
  const { wa, asked, wireBytes } = await pair((m, wb) => {
    const block = v2.subarray(m.offset, m.offset + m.length);
    void encodeBlock(block, wb.handshake!.capabilities, undefined, m.ref.kind !== 'dict' ? m.ref.delta : undefined).then((e) => wb.piece(m.reqId, e.data, undefined, e.encoding));
  });
  const got = await fetchWaterfallOver(wa, w2.waterfallId, v2.length, { base });
  assert.deepEqual(got, v2);
  assert.ok(asked.every((m) => m.ref.kind === 'waterfall' && m.ref.delta?.blockLen === 64), 'asked with 64-byte delta signatures');
  assert.ok(wireBytes() < v2.length / 3, `${wireBytes()} bytes on the wire for a ${v2.length}-byte Waterfall`);
  wa.close();
});

test('a peer whose deltas rebuild wrong bytes: asked again whole, the result is exactly the new version', async () => {
  const { wa, asked } = await pair((m, wb) => {
    const delta = m.ref.kind !== 'dict' ? m.ref.delta : undefined;
    if (!delta) return void wb.piece(m.reqId, v2.subarray(m.offset, m.offset + m.length), undefined, ENCODING_RAW);
    // Well-formed and small, but wrong: base block 0 over and over, then zeros.
    const n = Math.floor(m.length / delta.blockLen);
    const rest = m.length - n * delta.blockLen;
    const ops = [...Array(n)].flatMap(() => [3, 0]);
    if (rest) ops.push(rest * 2, ...new Array(rest).fill(0)); // rest < 64: a one-byte LEB128 length
    wb.piece(m.reqId, deflateRawSync(Uint8Array.from(ops)), undefined, ENCODING_DELTA);
  });
  const got = await fetchWaterfallOver(wa, w2.waterfallId, v2.length, { base });
  assert.deepEqual(got, v2);
  assert.ok(asked.some((m) => m.ref.kind === 'waterfall' && m.ref.delta), 'first with deltas');
  assert.ok(asked.some((m) => m.ref.kind === 'waterfall' && !m.ref.delta), 'then whole');
  assert.equal(wa.closed, false, 'nobody is dropped for it');
  wa.close();
});
