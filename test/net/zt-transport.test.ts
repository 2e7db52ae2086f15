// The ZeroTier transport over the stub libzt, this process against a peer process
// (test/native/zt-peer.ts): addresses `zt:<node>:<port>`, TLS on top proving node
// keys, a Wire exchange with data both ways, refusals with their codes. Skips
// without a compiler (test/native/build.ts).
import test, { after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { BytefallError } from '../../src/errors.js';
import { nodeKeyFromSeed } from '../../src/net/node-key.js';
import { formatAddress } from '../../src/net/address.js';
import type { Connection } from '../../src/net/transport.js';
import type { ClosableZtTransport } from '../../src/net/zt/create.js';
import { ALPN } from '../../src/net/tcp-tls.js';
import { toHex } from '../../src/util/hex.js';
import { Wire } from '../../src/wire/wire.js';
import { prepareNative, stubLibrary } from '../native/build.js';
import { fetchBlocks, pattern, readAll, serveBlocks, sha256 } from '../native/exchange.js';
import { startPeer } from '../native/peer.js';

const KEY_A = nodeKeyFromSeed(new Uint8Array(32).fill(1));
const KEY_B = nodeKeyFromSeed(new Uint8Array(32).fill(2));
const KEY_C = nodeKeyFromSeed(new Uint8Array(32).fill(3));
const SWARM = new Uint8Array(32).fill(0x51);
const skip = await prepareNative();

const scratch = mkdtempSync(join(tmpdir(), 'bf-zt-transport-'));
const registry = join(scratch, 'registry');
process.env.ZTS_STUB_DIR = registry;
let transport: ClosableZtTransport;
const log: string[] = [];
if (!skip) {
  const { createZtTransport } = await import('../../src/net/zt/create.js');
  transport = await createZtTransport({ key: KEY_A, home: join(scratch, 'home-a'), network: 'adhoc', library: stubLibrary, onlineTimeoutMs: 5000, log: (l) => log.push(l) });
}
after(async () => {
  await transport?.close();
  rmSync(scratch, { recursive: true, force: true });
});

let homes = 0;
function peer(t: TestContext, mode: 'echo' | 'wire', extra: { blocks?: number; rootsFile?: string; port?: number } = {}) {
  return startPeer(t, { home: join(scratch, `home-b${homes++}`), network: 'adhoc', seed: 2, port: extra.port ?? 6881, mode, ...extra }, registry);
}

function code(c: string) {
  return (e: unknown) => e instanceof BytefallError && e.code === c;
}

test('createZtTransport: online, joined, our address on the ad hoc network; libzt events logged, early ones too', { skip }, async () => {
  await new Promise((r) => setImmediate(r));
  assert.equal(transport.name, 'zerotier');
  assert.equal(transport.membership.networkId, 'ff0000ffff000000');
  assert.equal(transport.membership.addressing, '6plane');
  assert.deepEqual(transport.addressFor(6881), { kind: 'zt', node: transport.node.id, port: 6881 });
  assert.equal(toHex(transport.nodeId), toHex(KEY_A.publicKey));
  for (const line of ['zerotier: NODE_UP', 'zerotier: NODE_ONLINE', `zerotier: ADDR_ADDED_IP6 ff0000ffff000000 ${transport.membership.addressText}`]) {
    assert.ok(log.includes(line), `${line} in ${JSON.stringify(log)}`);
  }
});

test('connect by ZeroTier address: TLS on top proves both node keys; 16 MiB echoed back', { skip }, async (t) => {
  const b = await peer(t, 'echo');
  assert.match(b.ready.address, /^zt:[0-9a-f]{10}:6881$/);
  const conn = await transport.connect(b.ready.address, { expectedNodeId: KEY_B.publicKey });
  t.after(() => conn.destroy());
  assert.equal(toHex(conn.remoteNodeId), toHex(KEY_B.publicKey));
  assert.equal(formatAddress(conn.remoteAddress), b.ready.address);
  assert.equal(conn.initiator, true);
  const tlsSocket = conn.stream as TLSSocket;
  assert.equal(tlsSocket.getProtocol(), 'TLSv1.3');
  assert.equal(tlsSocket.alpnProtocol, ALPN);
  const seen = await b.next('accepted');
  assert.equal(seen.remoteNodeId, toHex(KEY_A.publicKey));
  assert.match(seen.remote as string, new RegExp(`^zt:${transport.node.id}:\\d+$`), 'the peer sees our ZeroTier node id');
  const data = pattern(7, 16 << 20);
  const back = readAll(conn.stream);
  conn.stream.end(data);
  assert.equal(sha256(await back), sha256(data));
  b.send({ type: 'stop' });
});

test('the Wire over ZeroTier: handshake, then 8 MiB of blocks each way; a roots file reaches libzt', { skip }, async (t) => {
  const rootsFile = join(scratch, 'roots.bin');
  writeFileSync(rootsFile, Buffer.from('private roots for the test'));
  const home = join(scratch, `home-b${homes}`);
  const b = await peer(t, 'wire', { blocks: 64, rootsFile });
  assert.deepEqual(readFileSync(join(home, 'stub-roots')), readFileSync(rootsFile));
  const conn = await transport.connect(b.ready.address, { expectedNodeId: KEY_B.publicKey });
  t.after(() => conn.destroy());
  const wire = new Wire(conn.stream, { initiator: true, nodeId: KEY_A.publicKey, remoteNodeId: conn.remoteNodeId, swarmId: SWARM });
  serveBlocks(wire);
  const [[hs]] = await Promise.all([once(wire, 'handshake')]);
  assert.equal(toHex(hs.nodeId ?? conn.remoteNodeId), toHex(KEY_B.publicKey));
  const [mine, theirs] = await Promise.all([fetchBlocks(wire, 64), b.next('fetched', 30_000)]);
  assert.equal(mine, 8 << 20);
  assert.equal(theirs.bytes, 8 << 20);
  const closed = b.next('wire-closed');
  wire.close();
  assert.equal((await closed).error, undefined);
  b.send({ type: 'stop' });
});

test('the peer dials us: allow() sees its ZeroTier address before any TLS; refused, then accepted', { skip }, async (t) => {
  const b = await peer(t, 'echo');
  const asked: string[] = [];
  let admit = false;
  const server = await transport.listen(transport.addressFor(0), { allow: (a) => (asked.push(formatAddress(a)), admit) });
  t.after(() => server.close());
  assert.equal(server.address.kind === 'zt' && server.address.node, transport.node.id);
  assert.ok(server.address.port > 0);
  b.send({ type: 'connect', address: formatAddress(server.address) });
  const failed = await b.next('connect-failed');
  assert.match(String(failed.code), /^NET_(CONNECT|TLS)_FAILED$/);
  assert.match(asked[0], new RegExp(`^zt:${b.ready.ztNode}:\\d+$`));
  admit = true;
  const accepted = once(server, 'connection');
  b.send({ type: 'connect', address: formatAddress(server.address), expectedNodeId: toHex(KEY_A.publicKey) });
  const [conn] = (await accepted) as [Connection];
  t.after(() => conn.destroy());
  assert.equal(toHex(conn.remoteNodeId), toHex(KEY_B.publicKey));
  assert.equal(conn.initiator, false);
  assert.equal(conn.remoteAddress.kind === 'zt' && conn.remoteAddress.node, b.ready.ztNode);
  b.send({ type: 'stop' });
});

test('refused: another node key than expected, a port nobody listens on, a node that is not online', { skip }, async (t) => {
  const b = await peer(t, 'echo');
  await assert.rejects(transport.connect(b.ready.address, { expectedNodeId: KEY_C.publicKey }), code('NET_WRONG_NODE'));
  await assert.rejects(transport.connect(`zt:${b.ready.ztNode}:6999`), (e: unknown) => {
    assert.ok(code('NET_CONNECT_FAILED')(e));
    assert.match((e as Error).message, /ECONNREFUSED/);
    assert.equal(((e as Error).cause as { code?: string }).code, 'ECONNREFUSED');
    return true;
  });
  const t0 = Date.now();
  await assert.rejects(transport.connect('zt:1122334455:6881', { timeoutMs: 400 }), (e: unknown) => code('NET_CONNECT_FAILED')(e) && /ETIMEDOUT/.test((e as Error).message));
  assert.ok(Date.now() - t0 >= 390);
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(transport.connect(b.ready.address, { signal: ac.signal }), code('NET_CONNECT_FAILED'));
  b.send({ type: 'stop' });
});

test('addresses the transport cannot use are BAD_ARGUMENT before any native call', { skip }, async () => {
  await assert.rejects(transport.listen('127.0.0.1:0'), code('BAD_ARGUMENT'));
  await assert.rejects(transport.listen('zt:1122334455:6881'), code('BAD_ARGUMENT'));
  await assert.rejects(transport.connect('127.0.0.1:6881'), code('BAD_ARGUMENT'));
  await assert.rejects(transport.connect('zt:0000000000:6881'), code('BAD_ARGUMENT'));
  await assert.rejects(transport.connect('zt:1122334455:6881', { timeoutMs: 0 }), code('BAD_ARGUMENT'));
});

test('a closed server refuses new connections; its port can be listened on again', { skip }, async () => {
  const server = await transport.listen(transport.addressFor(6890));
  await server.close();
  await assert.rejects(transport.connect(transport.addressFor(6890), { timeoutMs: 1000 }), code('NET_CONNECT_FAILED'));
  const again = await transport.listen(transport.addressFor(6890));
  assert.equal(again.address.port, 6890);
  await again.close();
});
