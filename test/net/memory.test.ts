import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { MemoryNetwork } from '../../src/net/memory.js';
import type { Connection } from '../../src/net/transport.js';
import { Wire } from '../../src/wire/wire.js';
import { BytefallError } from '../../src/errors.js';

const A = new Uint8Array(32).fill(0xa1);
const B = new Uint8Array(32).fill(0xb2);
const SWARM = new Uint8Array(32).fill(0x51);

test('the memory transport connects by address and carries a Wire', async () => {
  const network = new MemoryNetwork();
  const ta = network.transport(A, '10.0.0.1');
  const tb = network.transport(B, '10.0.0.2');
  const server = await tb.listen('10.0.0.2:0');
  const accepted = once(server, 'connection');
  const conn = await ta.connect(server.address, { expectedNodeId: B });
  const [inbound] = (await accepted) as [Connection];
  assert.deepEqual(inbound.remoteNodeId, A);
  assert.equal(inbound.remoteAddress.kind === 'ip' && inbound.remoteAddress.host, '10.0.0.1');
  const wa = new Wire(conn.stream, { initiator: true, nodeId: A, remoteNodeId: conn.remoteNodeId, swarmId: SWARM });
  const wb = new Wire(inbound.stream, { initiator: false, nodeId: B, remoteNodeId: inbound.remoteNodeId, acceptSwarm: () => true });
  await Promise.all([once(wa, 'handshake'), once(wb, 'handshake')]);
  wa.close();
  await once(wb, 'close');
  await assert.rejects(ta.connect(server.address, { expectedNodeId: A }), (e: unknown) => e instanceof BytefallError && e.code === 'NET_WRONG_NODE');
  await assert.rejects(tb.listen(server.address), (e: unknown) => e instanceof BytefallError && e.code === 'NET_LISTEN_FAILED');
  await server.close();
  await assert.rejects(ta.connect(server.address), (e: unknown) => e instanceof BytefallError && e.code === 'NET_CONNECT_FAILED');
});
