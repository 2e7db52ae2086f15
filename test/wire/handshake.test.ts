import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerHello, checkAnswer, makeHello, type LocalHello } from '../../src/wire/handshake.js';
import { CLOSE_TOO_MANY_PEERS, CLOSE_UNKNOWN_SWARM, CLOSE_UNSUPPORTED_VERSION, CLOSE_NODE_ID_MISMATCH, CLOSE_SELF, CAP_PEX } from '../../src/wire/constants.js';
import { fill } from './helpers.js';

const SWARM = fill(0x51);
const ME: LocalHello = { versionMin: 1, versionMax: 1, capabilities: CAP_PEX | 4, listenPort: 7000, nodeId: fill(0xa1) };
const YOU: LocalHello = { versionMin: 1, versionMax: 3, capabilities: CAP_PEX | 8, listenPort: 0, nodeId: fill(0xb2) };
const acceptAll = () => true as const;

test('the responder picks the highest common version and both sides agree', () => {
  const hello = makeHello(YOU, SWARM);
  const a = answerHello(ME, hello, YOU.nodeId, acceptAll);
  assert.ok(a.ok);
  assert.equal(a.value.reply.versionMin, 1);
  assert.equal(a.value.reply.versionMax, 1);
  assert.equal(a.value.result.capabilities, CAP_PEX);
  assert.equal(a.value.result.remoteListenPort, 0);
  const b = checkAnswer(YOU, SWARM, a.value.reply, ME.nodeId);
  assert.ok(b.ok);
  assert.equal(b.value.version, 1);
  assert.equal(b.value.capabilities, CAP_PEX);
  assert.equal(b.value.remoteListenPort, 7000);
  assert.deepEqual(b.value.remoteNodeId, ME.nodeId);
});

test('no common version: UNSUPPORTED_VERSION, no ban', () => {
  const hello = makeHello({ ...YOU, versionMin: 2, versionMax: 3 }, SWARM);
  const a = answerHello(ME, hello, YOU.nodeId, acceptAll);
  assert.ok(!a.ok);
  assert.equal(a.refusal.error.code, 'WIRE_UNSUPPORTED_VERSION');
  assert.equal(a.refusal.reason, CLOSE_UNSUPPORTED_VERSION);
  assert.equal(a.refusal.ban, false);
  assert.match(a.refusal.error.message, /2-3.*1-1/);
});

test('a claimed node id that is not the proved key: NODE_ID_MISMATCH and ban', () => {
  const a = answerHello(ME, makeHello(YOU, SWARM), fill(0xcc), acceptAll);
  assert.ok(!a.ok);
  assert.equal(a.refusal.error.code, 'WIRE_NODE_ID_MISMATCH');
  assert.equal(a.refusal.reason, CLOSE_NODE_ID_MISMATCH);
  assert.equal(a.refusal.ban, true);
  const reply = { ...makeHello(ME, SWARM), versionMax: 1 };
  const b = checkAnswer(YOU, SWARM, reply, fill(0xcc));
  assert.ok(!b.ok && b.refusal.error.code === 'WIRE_NODE_ID_MISMATCH');
});

test('connecting to ourselves is refused', () => {
  const a = answerHello(ME, makeHello(ME, SWARM), ME.nodeId, acceptAll);
  assert.ok(!a.ok && a.refusal.error.code === 'WIRE_SELF' && a.refusal.reason === CLOSE_SELF && !a.refusal.ban);
});

test('unknown swarm and a full swarm are refused with the reason acceptSwarm gives', () => {
  const a = answerHello(ME, makeHello(YOU, SWARM), YOU.nodeId, () => CLOSE_UNKNOWN_SWARM);
  assert.ok(!a.ok && a.refusal.error.code === 'WIRE_UNKNOWN_SWARM' && a.refusal.reason === CLOSE_UNKNOWN_SWARM && !a.refusal.ban);
  const b = answerHello(ME, makeHello(YOU, SWARM), YOU.nodeId, () => CLOSE_TOO_MANY_PEERS);
  assert.ok(!b.ok && b.refusal.error.code === 'WIRE_REFUSED' && b.refusal.reason === CLOSE_TOO_MANY_PEERS);
});

test('the initiator refuses an answer for another swarm or outside its versions', () => {
  const other = { ...makeHello(ME, fill(0x52)), versionMax: 1 };
  const a = checkAnswer(YOU, SWARM, other, ME.nodeId);
  assert.ok(!a.ok && a.refusal.error.code === 'WIRE_BAD_HANDSHAKE' && a.refusal.ban);
  const range = { ...makeHello(ME, SWARM), versionMin: 1, versionMax: 2 };
  const b = checkAnswer(YOU, SWARM, range, ME.nodeId);
  assert.ok(!b.ok && b.refusal.error.code === 'WIRE_BAD_HANDSHAKE');
  const tooNew = { ...makeHello(ME, SWARM), versionMin: 4, versionMax: 4 };
  const c = checkAnswer(YOU, SWARM, tooNew, ME.nodeId);
  assert.ok(!c.ok && c.refusal.error.code === 'WIRE_BAD_HANDSHAKE');
});
