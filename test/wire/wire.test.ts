// Two Wires piped together in memory (no network): the handshake, every message
// both ways with its bytes, refusals, protocol violations and timeouts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Duplex } from 'node:stream';
import { Wire, type WireOptions, type WireCloseInfo } from '../../src/wire/wire.js';
import { duplexPair } from '../../src/net/memory.js';
import { encodeMessage } from '../../src/wire/messages.js';
import { makeHello } from '../../src/wire/handshake.js';
import {
  CAPS_IMPLEMENTED, CLOSE_UNKNOWN_SWARM, CLOSE_PROTOCOL_ERROR, REJECT_CANCELLED, REJECT_CHOKED, MAX_REQUESTS_IN_FLIGHT,
} from '../../src/wire/constants.js';
import { BytefallError } from '../../src/errors.js';
import { hex, unhex, fill } from './helpers.js';

const A = fill(0xa1);
const B = fill(0xb2);
const SWARM = fill(0x51);
const W = fill(0x11);
const sameSwarm = (s: Uint8Array) => (hex(s) === hex(SWARM) ? true : CLOSE_UNKNOWN_SWARM);

function pair(a: Partial<WireOptions> = {}, b: Partial<WireOptions> = {}) {
  const [sa, sb] = duplexPair();
  const bytesAtB: Uint8Array[] = [];
  const bytesAtA: Uint8Array[] = [];
  sb.on('data', (c: Uint8Array) => bytesAtB.push(c));
  sa.on('data', (c: Uint8Array) => bytesAtA.push(c));
  const wa = new Wire(sa, { initiator: true, nodeId: A, remoteNodeId: B, swarmId: SWARM, ...a });
  const wb = new Wire(sb, { initiator: false, nodeId: B, remoteNodeId: A, acceptSwarm: sameSwarm, ...b });
  /** Hex of what arrived at each side since the last call. */
  const drained = (list: Uint8Array[]) => hex(Buffer.concat(list.splice(0)));
  return { wa, wb, atB: () => drained(bytesAtB), atA: () => drained(bytesAtA) };
}

async function opened(a: Partial<WireOptions> = {}, b: Partial<WireOptions> = {}) {
  const p = pair(a, b);
  await Promise.all([once(p.wa, 'handshake'), once(p.wb, 'handshake')]);
  p.atA();
  p.atB();
  return p;
}

test('handshake: both sides learn the version, capabilities and each other', async () => {
  const { wa, wb } = pair({ listenPort: 6881 }, {});
  const [[ra], [rb]] = await Promise.all([once(wa, 'handshake'), once(wb, 'handshake')]);
  assert.equal(ra.version, 1);
  assert.equal(rb.version, 1);
  assert.equal(ra.capabilities, CAPS_IMPLEMENTED);
  assert.equal(hex(ra.remoteNodeId), hex(B));
  assert.equal(hex(rb.remoteNodeId), hex(A));
  assert.equal(rb.remoteListenPort, 6881);
  assert.equal(hex(rb.swarmId), hex(SWARM));
  wa.close();
  await once(wb, 'close');
});

test('state messages: exact bytes on the wire and one event each', async () => {
  const { wa, wb, atB } = await opened();
  const cases: [() => void, string, string][] = [
    [() => wa.choke(), '0100000002', 'choke'],
    [() => wa.unchoke(), '0100000003', 'unchoke'],
    [() => wa.interested(), '0100000004', 'interested'],
    [() => wa.notInterested(), '0100000005', 'not-interested'],
    [() => wa.keepAlive(), '00000000', 'keep-alive'],
    [() => wa.haveNone(W), '2100000007' + hex(W), 'have-none'],
    [() => wa.have(3), '0500000009' + '03000000', 'have'],
    [() => wa.haveAll(W), '2100000006' + hex(W), 'have-all'],
    [() => wa.bitfield(W, unhex('c0')), '2600000008' + hex(W) + '00000000' + 'c0', 'bitfield'],
  ];
  for (const [send, bytes, event] of cases) {
    const got = once(wb, event);
    send();
    await got;
    assert.equal(atB(), bytes, event);
  }
  assert.equal(wb.peerChoking, false);
  assert.equal(wb.peerInterested, false);
  assert.equal(hex(wb.peerHaveVersion!), hex(W));
  wa.close();
});

test('a PIECE framed in the room in front of its data: the same bytes on the wire, only the room is written', async () => {
  const { wa, wb, atA } = await opened();
  const buf = fill(0xee, 16 + 5);
  buf.fill(0x77, 16);
  const data = buf.subarray(16);
  const req = wa.request({ kind: 'index', waterfallId: W, piece: 4 }, 10, 5);
  const [m] = await once(wb, 'request');
  let written = 0;
  assert.equal(wb.piece(m.reqId, data, () => written++, 0, true), true);
  const [r, got] = await once(wa, 'piece');
  assert.equal(r, req);
  assert.equal(hex(got), hex(data));
  assert.equal(atA(), '0b0000000b' + hex(new Uint8Array(new Uint32Array([m.reqId]).buffer)) + '00' + '7777777777');
  assert.equal(hex(buf.subarray(0, 6)), 'eeeeeeeeeeee', 'bytes before the room are left alone');
  assert.equal(hex(buf.subarray(6, 16)), '0b0000000b' + hex(new Uint8Array(new Uint32Array([m.reqId]).buffer)) + '00');
  assert.equal(written, 1);
  // No room: refused before anything is sent, and the request is still there to answer.
  const req2 = wa.request({ kind: 'index', waterfallId: W, piece: 4 }, 0, 5);
  const [m2] = await once(wb, 'request');
  assert.throws(() => wb.piece(m2.reqId, fill(1, 5), undefined, 0, true), { code: 'BAD_ARGUMENT' });
  assert.equal(wb.piece(m2.reqId, fill(1, 5)), true);
  const [r2] = await once(wa, 'piece');
  assert.equal(r2, req2);
  wa.close();
});

test('request, piece, cancel and reject both ways', async () => {
  const { wa, wb, atA, atB } = await opened();
  const data = fill(0x77, 5);
  // a asks b for 5 bytes of piece 4
  const req = wa.request({ kind: 'index', waterfallId: W, piece: 4 }, 10, 5);
  const [m] = await once(wb, 'request');
  assert.equal(atB(), '320000000a' + '00000000' + '00' + hex(W) + '04000000' + '0a000000' + '05000000');
  assert.equal(m.reqId, req.reqId);
  assert.equal(wb.peerRequestsInFlight, 1);
  assert.equal(wa.requestsInFlight, 1);
  wb.piece(m.reqId, data);
  const [r, got] = await once(wa, 'piece');
  assert.equal(atA(), '0b0000000b' + '00000000' + '00' + hex(data));
  assert.equal(r, req);
  assert.equal(hex(got), hex(data));
  assert.equal(wa.requestsInFlight, 0);
  assert.equal(wb.piece(m.reqId, data), false, 'answered once only');
  // b asks a for the Waterfall; a cancels nothing, b cancels, a rejects as cancelled
  const req2 = wb.request({ kind: 'waterfall', waterfallId: W }, 0, 1088);
  const [m2] = await once(wa, 'request');
  wb.cancel(req2.reqId);
  const [cancelled] = await once(wa, 'cancel');
  assert.equal(cancelled, m2.reqId);
  assert.equal(atA().slice(-18), '050000000c' + hex(new Uint8Array(new Uint32Array([req2.reqId]).buffer)));
  wa.reject(m2.reqId, REJECT_CANCELLED);
  const [r2, reason] = await once(wb, 'reject');
  assert.equal(atB(), '060000000d' + '00000000' + '02');
  assert.equal(r2, req2);
  assert.equal(reason, REJECT_CANCELLED);
  // rejectAll after choking
  wa.request({ kind: 'hash', leaf: fill(9), length: 1024 }, 0, 1024);
  wa.request({ kind: 'hash', leaf: fill(9), length: 1024 }, 0, 512);
  await once(wb, 'request');
  await new Promise((r) => setImmediate(r));
  const rejects: number[] = [];
  wa.on('reject', (_r, why) => rejects.push(why));
  wb.choke();
  wb.rejectAll(REJECT_CHOKED);
  await once(wa, 'choke');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(rejects, [REJECT_CHOKED, REJECT_CHOKED]);
  assert.equal(wa.requestsInFlight, 0);
  wa.close();
});

test('hash requests and hashes', async () => {
  const { wa, wb, atA, atB } = await opened();
  const req = wa.hashRequest(W, 2, 4, 4);
  const [m] = await once(wb, 'hash-request');
  assert.equal(atB(), '2f0000000e' + '00000000' + hex(W) + '02000000' + '04000000' + '0400');
  assert.deepEqual([m.file, m.first, m.count], [2, 4, 4]);
  const hashes = fill(0xdd, 64);
  const proof = fill(0xee, 96);
  wb.hashes(m.reqId, hashes, proof);
  const [r, h, p] = await once(wa, 'hashes');
  assert.equal(atA(), 'a80000000f' + '00000000' + '0200' + '03' + hex(hashes) + hex(proof));
  assert.equal(r, req);
  assert.equal(hex(h), hex(hashes));
  assert.equal(hex(p), hex(proof));
  wa.close();
});

test('version announcements and PEX', async () => {
  const { wa, wb, atB } = await opened();
  wa.version({ sequence: 3, waterfallId: W, waterfallSize: 1088 });
  const [v] = await once(wb, 'version');
  assert.equal(v.sequence, 3);
  assert.equal(atB(), '2d00000010' + '0300000000000000' + hex(W) + '40040000');
  const entry = { nodeId: B, address: { kind: 'ip' as const, host: '127.0.0.1', port: 6881 }, dropped: false, seed: true };
  assert.equal(wa.pex([entry]), true);
  const [entries] = await once(wb, 'pex');
  assert.equal(atB(), '3600000011' + '01' + hex(B) + '01' + '02' + 'e11a' + '7f000001' + '00'.repeat(12));
  assert.deepEqual(entries[0].address, entry.address);
  assert.equal(entries[0].seed, true);
  wa.close();
});

test('PEX is not sent and is skipped when it was not negotiated', async () => {
  const { wa, wb } = await opened({ capabilities: 0 });
  const entry = { nodeId: B, address: { kind: 'ip' as const, host: '127.0.0.1', port: 6881 }, dropped: false, seed: false };
  assert.equal(wa.pex([entry]), false);
  let got = false;
  wb.on('pex', () => (got = true));
  (wa as unknown as { stream: Duplex }).stream.write(encodeMessage({ type: 'pex', entries: [entry] }));
  wa.interested();
  await once(wb, 'interested');
  assert.equal(wb.closed, false);
  assert.equal(got, false);
  wa.close();
});

test('unknown message ids are skipped and the connection goes on', async () => {
  const { wa, wb } = await opened();
  (wa as unknown as { stream: Duplex }).stream.write(unhex('05000000' + 'c8' + 'deadbeef'));
  const [id, payload] = await once(wb, 'unknown');
  assert.equal(id, 200);
  assert.equal(hex(payload), 'deadbeef');
  wa.interested();
  await once(wb, 'interested');
  assert.equal(wb.closed, false);
  wa.close();
});

test('a normal close: no error, no ban, lost requests reported', async () => {
  const { wa, wb } = await opened();
  wa.request({ kind: 'index', waterfallId: W, piece: 0 }, 0, 1);
  await once(wb, 'request');
  const closeA = once(wa, 'close');
  wb.close();
  const [[infoA]] = await Promise.all([closeA]);
  assert.equal(infoA.error, undefined);
  assert.equal(infoA.byPeer, true);
  assert.equal(infoA.ban, false);
  assert.equal(infoA.lost.length, 1);
});

async function refused(a: Partial<WireOptions>, b: Partial<WireOptions>): Promise<[WireCloseInfo, WireCloseInfo, string[]]> {
  const log: string[] = [];
  const { wa, wb } = pair(a, { log: (l) => log.push(l), ...b });
  const [[ia], [ib]] = await Promise.all([once(wa, 'close'), once(wb, 'close')]);
  assert.equal(wa.handshake, null);
  return [ia, ib, log];
}

test('refused: unknown swarm', async () => {
  const [ia, ib, log] = await refused({ swarmId: fill(0x99) }, {});
  assert.equal(ia.error?.code, 'WIRE_UNKNOWN_SWARM');
  assert.equal(ia.byPeer, true);
  assert.equal(ib.error?.code, 'WIRE_UNKNOWN_SWARM');
  assert.equal(ib.ban, false);
  assert.equal(log.length, 1);
  assert.match(log[0], /^peer a1a1a1a1a1a1a1a1: WIRE_UNKNOWN_SWARM: refused peer for swarm 9999/);
});

test('refused: unsupported protocol version', async () => {
  const [ia, ib] = await refused({ versionMin: 2, versionMax: 2 }, {});
  assert.equal(ia.error?.code, 'WIRE_UNSUPPORTED_VERSION');
  assert.match(ia.error!.message, /speaks 1-1/);
  assert.equal(ib.error?.code, 'WIRE_UNSUPPORTED_VERSION');
  assert.equal(ib.ban, false);
});

test('refused and banned: a node id that is not the key the transport proved', async () => {
  const [ia, ib, log] = await refused({ nodeId: fill(0xc3) }, {});
  assert.equal(ib.error?.code, 'WIRE_NODE_ID_MISMATCH');
  assert.equal(ib.ban, true);
  assert.match(log[0], /\(banned\)$/);
  assert.equal(ia.error?.code, 'WIRE_REFUSED');
  assert.match(ia.error!.message, /node id mismatch/);
});

/** A responder Wire and the raw stream of a hand-driven peer. */
async function rawPeer(handshake = true, b: Partial<WireOptions> = {}) {
  const [raw, sb] = duplexPair();
  const log: string[] = [];
  const wb = new Wire(sb, { initiator: false, nodeId: B, remoteNodeId: A, acceptSwarm: sameSwarm, log: (l) => log.push(l), ...b });
  const received: Uint8Array[] = [];
  raw.on('data', (c: Uint8Array) => received.push(c));
  if (handshake) {
    raw.write(encodeMessage(makeHello({ versionMin: 1, versionMax: 1, capabilities: 1, listenPort: 0, nodeId: A }, SWARM)));
    await once(wb, 'handshake');
  }
  const closed = async () => {
    const [info] = (await once(wb, 'close')) as [WireCloseInfo];
    return { info, log, sent: hex(Buffer.concat(received)) };
  };
  return { raw, wb, closed };
}

const violations: [string, boolean, string, string][] = [
  ['a message before the handshake', false, '0100000004', 'WIRE_UNEXPECTED'],
  ['a frame over the handshake limit', false, '01040000' + '00', 'WIRE_TOO_LARGE'],
  ['a frame over 1 MiB', true, '01001000', 'WIRE_TOO_LARGE'],
  ['a second HELLO', true, hex(encodeMessage(makeHello({ versionMin: 1, versionMax: 1, capabilities: 0, listenPort: 0, nodeId: A }, SWARM))), 'WIRE_UNEXPECTED'],
  ['HAVE before any bitfield', true, '0500000009' + '00000000', 'WIRE_UNEXPECTED'],
  ['a malformed REQUEST (length 0)', true, '320000000a' + '00000000' + '00' + hex(W) + '00000000' + '00000000' + '00000000', 'WIRE_BAD_MESSAGE'],
  ['a truncated HAVE', true, '0400000009' + '000000', 'WIRE_TRUNCATED'],
  ['a PIECE for no request', true, '070000000b' + '05000000' + '00' + 'aa', 'WIRE_UNKNOWN_REQUEST'],
  ['a REJECT for no request', true, '060000000d' + '05000000' + '00', 'WIRE_UNKNOWN_REQUEST'],
  ['HASHES for no request', true, '280000000f' + '05000000' + '0100' + '00' + 'aa'.repeat(32), 'WIRE_UNKNOWN_REQUEST'],
];

for (const [name, handshake, bytes, code] of violations) {
  test(`closed and banned: ${name}`, async () => {
    const { raw, closed } = await rawPeer(handshake);
    raw.write(unhex(bytes));
    const { info, log, sent } = await closed();
    assert.equal(info.error?.code, code);
    assert.equal(info.ban, true);
    assert.equal(log.length, 1, 'one log line');
    assert.match(log[0], new RegExp(`${code}: .*\\(banned\\)$`));
    assert.match(sent, new RegExp(`01${CLOSE_PROTOCOL_ERROR.toString(16).padStart(2, '0')}[0-9a-f]*$`), 'a CLOSE was sent');
  });
}

test('closed and banned: more requests in flight than the limit, or a duplicate request id', async () => {
  const { raw, closed } = await rawPeer();
  const req = (id: number) => encodeMessage({ type: 'request', reqId: id, ref: { kind: 'index', waterfallId: W, piece: 0 }, offset: 0, length: 1 });
  for (let i = 0; i <= MAX_REQUESTS_IN_FLIGHT; i++) raw.write(req(i));
  const { info } = await closed();
  assert.equal(info.error?.code, 'WIRE_TOO_MANY_REQUESTS');
  assert.equal(info.ban, true);
  const second = await rawPeer();
  second.raw.write(req(1));
  second.raw.write(req(1));
  const r2 = await second.closed();
  assert.equal(r2.info.error?.code, 'WIRE_BAD_MESSAGE');
  assert.match(r2.info.error!.message, /already in flight/);
});

test('closed and banned: a PIECE of the wrong length or for a hash request', async () => {
  const { wa, wb } = await opened();
  const req = wa.request({ kind: 'index', waterfallId: W, piece: 0 }, 0, 4);
  await once(wb, 'request');
  (wb as unknown as { stream: Duplex }).stream.write(encodeMessage({ type: 'piece', reqId: req.reqId, encoding: 0, data: fill(1, 3) }));
  const [info] = await once(wa, 'close');
  assert.equal(info.error.code, 'WIRE_BAD_MESSAGE');
  assert.match(info.error.message, /3 bytes for a request of 4/);
  assert.equal(info.ban, true);
});

test('a CANCEL for a request no longer in flight is skipped', async () => {
  const { raw, wb } = await rawPeer();
  raw.write(encodeMessage({ type: 'cancel', reqId: 42 }));
  raw.write(encodeMessage({ type: 'interested' }));
  await once(wb, 'interested');
  assert.equal(wb.closed, false);
  wb.close();
});

test('a peer that hangs up mid-frame: closed, not banned', async () => {
  const { raw, closed } = await rawPeer();
  raw.write(unhex('0500000009' + '00'));
  raw.end();
  const { info } = await closed();
  assert.equal(info.error?.code, 'WIRE_CLOSED');
  assert.equal(info.ban, false);
  assert.equal(info.byPeer, true);
});

test('timeouts: no handshake, nothing received, keep-alives, slow requests', async () => {
  const hold = setInterval(() => {}, 1000); // the Wire's timers are unref'd; in-memory streams hold nothing
  const silent = await rawPeer(false, { timeouts: { handshake: 30 } });
  const t1 = await silent.closed();
  assert.equal(t1.info.error?.code, 'WIRE_TIMEOUT');
  assert.equal(t1.info.ban, false);

  const idle = await rawPeer(true, { timeouts: { idle: 40, tick: 10, keepAlive: 1e6 } });
  const t2 = await idle.closed();
  assert.equal(t2.info.error?.code, 'WIRE_TIMEOUT');
  assert.match(t2.info.error!.message, /nothing received/);

  const { wa, wb } = await opened({ timeouts: { keepAlive: 20, tick: 5, request: 30 } });
  await once(wb, 'keep-alive');
  const r = wa.request({ kind: 'index', waterfallId: W, piece: 0 }, 0, 1);
  const [late] = await once(wa, 'request-timeout');
  assert.equal(late, r);
  assert.equal(wa.requestsInFlight, 1, 'still in flight: the answer may come');
  wa.close();
  clearInterval(hold);
});

test('sending before the handshake or beyond the request limit is a caller error', async () => {
  const { wa, wb } = pair();
  assert.throws(() => wa.interested(), (e: unknown) => e instanceof BytefallError && e.code === 'WIRE_UNEXPECTED');
  await Promise.all([once(wa, 'handshake'), once(wb, 'handshake')]);
  for (let i = 0; i < MAX_REQUESTS_IN_FLIGHT; i++) wa.request({ kind: 'index', waterfallId: W, piece: i }, 0, 1);
  assert.throws(() => wa.request({ kind: 'index', waterfallId: W, piece: 0 }, 0, 1), (e: unknown) => e instanceof BytefallError && e.code === 'WIRE_TOO_MANY_REQUESTS');
  assert.throws(() => wa.request({ kind: 'index', waterfallId: W, piece: 0 }, 0, 0), (e: unknown) => e instanceof BytefallError);
  wa.close();
});
