// TCP + TLS 1.3 on 127.0.0.1 between node keys: the handshake, the Wire over
// it, and the refusals (wrong node, a claimed id that is not the proved key,
// no or non-ed25519 certificate, plain TCP, unknown swarm, unsupported version).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import tls from 'node:tls';
import { webcrypto } from 'node:crypto';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { TcpTlsTransport, ALPN } from '../../src/net/tcp-tls.js';
import { nodeKeyFromSeed } from '../../src/net/node-key.js';
import { nodeCertificate } from '../../src/net/node-cert.js';
import type { Connection, TransportServer } from '../../src/net/transport.js';
import { Wire, type WireOptions, type WireCloseInfo } from '../../src/wire/wire.js';
import { CLOSE_UNKNOWN_SWARM } from '../../src/wire/constants.js';
import { BytefallError } from '../../src/errors.js';
import { toHex } from '../../src/util/hex.js';
import { chunkSourceOf, ChunkRelay, CHUNK_SINK } from '../../src/net/chunk-source.js';
import { profile, secureContextOf } from '../../src/net/tls-profile.js';
import { readBufferSupported, useReadBuffer } from '../../src/net/user-buffer.js';

/** An accepted socket reads through a reused buffer only where node's internals allow it (user-buffer.ts); elsewhere it falls back to 'data' events. */
const ACCEPTED_FAST = readBufferSupported() ? false : 'this node does not let an accepted TLS socket use onread (fallback: data events)';

const KEY_A = nodeKeyFromSeed(new Uint8Array(32).fill(1));
const KEY_B = nodeKeyFromSeed(new Uint8Array(32).fill(2));
const KEY_C = nodeKeyFromSeed(new Uint8Array(32).fill(3));
const SWARM = new Uint8Array(32).fill(0x51);

async function setup(t: TestContext) {
  const a = await TcpTlsTransport.create(KEY_A);
  const b = await TcpTlsTransport.create(KEY_B);
  const server = await b.listen('127.0.0.1:0');
  const conns: Connection[] = [];
  server.on('connection', (c) => conns.push(c));
  t.after(async () => {
    conns.forEach((c) => c.destroy());
    await server.close();
  });
  return { a, b, server, port: server.address.port, conns };
}

function code(c: string) {
  return (e: unknown) => e instanceof BytefallError && e.code === c;
}

test('two node keys connect: each side learns the key the other proved', async (t) => {
  const { a, server, port } = await setup(t);
  const accepted = once(server, 'connection');
  const conn = await a.connect(`127.0.0.1:${port}`, { expectedNodeId: KEY_B.publicKey });
  t.after(() => conn.destroy());
  const [inbound] = (await accepted) as [Connection];
  assert.equal(toHex(conn.remoteNodeId), toHex(KEY_B.publicKey));
  assert.equal(toHex(inbound.remoteNodeId), toHex(KEY_A.publicKey));
  assert.equal(inbound.remoteAddress.kind === 'ip' && inbound.remoteAddress.host, '127.0.0.1');
  const socket = conn.stream as tls.TLSSocket;
  assert.equal(socket.getProtocol(), 'TLSv1.3');
  assert.equal(socket.getCipher().name, 'TLS_AES_128_GCM_SHA256');
  assert.equal(socket.alpnProtocol, ALPN);
  assert.equal(conn.initiator, true);
  assert.equal(inbound.initiator, false);
});

function wires(conn: Connection, inbound: Connection, a: Partial<WireOptions> = {}, b: Partial<WireOptions> = {}) {
  const wa = new Wire(conn.stream, { initiator: true, nodeId: KEY_A.publicKey, remoteNodeId: conn.remoteNodeId, swarmId: SWARM, ...a });
  const wb = new Wire(inbound.stream, {
    initiator: false, nodeId: KEY_B.publicKey, remoteNodeId: inbound.remoteNodeId,
    acceptSwarm: (s) => (toHex(s) === toHex(SWARM) ? true : CLOSE_UNKNOWN_SWARM), ...b,
  });
  return { wa, wb };
}

async function connectPair(t: TestContext) {
  const { a, server, port } = await setup(t);
  const accepted = once(server, 'connection');
  const conn = await a.connect(`127.0.0.1:${port}`);
  const [inbound] = (await accepted) as [Connection];
  t.after(() => {
    conn.destroy();
    inbound.destroy();
  });
  return { conn, inbound };
}

test('the Wire runs over TLS: handshake, a request and its piece', async (t) => {
  const { conn, inbound } = await connectPair(t);
  const { wa, wb } = wires(conn, inbound);
  await Promise.all([once(wa, 'handshake'), once(wb, 'handshake')]);
  const data = new Uint8Array(100_000).map((_, i) => i & 0xff);
  wb.on('request', (m) => wb.piece(m.reqId, data));
  wa.request({ kind: 'index', waterfallId: new Uint8Array(32), piece: 0 }, 0, data.length);
  const [, got] = await once(wa, 'piece');
  assert.deepEqual(new Uint8Array(got), data);
  const closed = once(wb, 'close');
  wa.close();
  const [info] = (await closed) as [WireCloseInfo];
  assert.equal(info.error, undefined);
});

for (const reader of ['dialer', 'listener'] as const) {
  test(`the ${reader} reads through one reused buffer; messages kept after their event stay intact`, { skip: reader === 'listener' && ACCEPTED_FAST }, async (t) => {
    const { conn, inbound } = await connectPair(t);
    assert.ok(chunkSourceOf(conn.stream), 'a dialed connection offers the chunk fast path');
    if (reader === 'listener') assert.ok(chunkSourceOf(inbound.stream), 'so does an accepted one');
    const { wa, wb } = wires(conn, inbound, { reuseFrameBuffers: true }, { reuseFrameBuffers: true });
    await Promise.all([once(wa, 'handshake'), once(wb, 'handshake')]);
    const [rd, wr] = reader === 'dialer' ? [wa, wb] : [wb, wa];
    const kept: Uint8Array[] = [];
    rd.on('bitfield', (m) => kept.push(m.bits)); // kept without a copy: small frames are copied out of the read buffer
    const sent: Uint8Array[] = [];
    for (let i = 0; i < 200; i++) {
      const bits = new Uint8Array(64).fill(i);
      sent.push(bits);
      wr.bitfield(new Uint8Array(32), bits);
    }
    const big = new Uint8Array(120_000).map((_, i) => (i * 7) & 0xff); // pushes the reused buffer around
    wr.on('request', (m) => wr.piece(m.reqId, big));
    for (let i = 0; i < 3; i++) {
      rd.request({ kind: 'index', waterfallId: new Uint8Array(32), piece: i }, 0, big.length);
      const [, got] = await once(rd, 'piece');
      assert.deepEqual(new Uint8Array(got), big);
    }
    assert.equal(kept.length, 200);
    kept.forEach((b, i) => assert.deepEqual(b, sent[i], `BITFIELD ${i} was overwritten`));
  });
}

test('an accepted connection: bytes sent before its reader attaches arrive whole and in order', { skip: ACCEPTED_FAST }, async (t) => {
  const { a, server, port } = await setup(t);
  const accepted = once(server, 'connection');
  const conn = await a.connect(`127.0.0.1:${port}`);
  t.after(() => conn.destroy());
  const sent = new Uint8Array(300_000).map((_, i) => (i * 13 + (i >> 9)) & 0xff);
  conn.stream.write(sent.subarray(0, 200_000)); // sent at once, before the listener reads
  const [inbound] = (await accepted) as [Connection];
  await new Promise((r) => setTimeout(r, 100));
  const got: number[] = [];
  const source = chunkSourceOf(inbound.stream);
  assert.ok(source);
  inbound.stream.on('data', () => assert.fail('no data events on the fast path'));
  let done!: () => void;
  const all = new Promise<void>((r) => (done = r));
  source[CHUNK_SINK]((c) => {
    got.push(...c);
    if (got.length === sent.length) done();
  });
  conn.stream.write(sent.subarray(200_000));
  await all;
  assert.deepEqual(new Uint8Array(got), sent);
});

test('useReadBuffer: bytes a TLS socket buffered before the switch come first, split to the buffer, then the rest', { timeout: 20_000, skip: ACCEPTED_FAST }, async (t) => {
  const cert = await nodeCertificate(KEY_B);
  const server = tls.createServer({ ...profile(cert), requestCert: true });
  t.after(() => server.close());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const sockets = once(server, 'secureConnection');
  const client = tls.connect({ ...profile(await nodeCertificate(KEY_A)), port: (server.address() as net.AddressInfo).port, host: '127.0.0.1' });
  t.after(() => client.destroy());
  await once(client, 'secureConnect');
  const [socket] = (await sockets) as [tls.TLSSocket];
  const sent = new Uint8Array(100_000).map((_, i) => (i * 31) & 0xff);
  client.write(sent.subarray(0, 40_000));
  while (socket.readableLength < socket.readableHighWaterMark) await new Promise((r) => setTimeout(r, 10)); // past the high-water mark: reading stopped
  const buffer = Buffer.alloc(1000);
  const chunks: number[][] = [];
  assert.equal(useReadBuffer(socket, buffer, (n, buf) => (chunks.push([...buf.subarray(0, n)]), true)), true);
  assert.equal(useReadBuffer(socket, buffer, () => true), false, 'only once');
  client.write(sent.subarray(40_000));
  while (chunks.reduce((n, c) => n + c.length, 0) < sent.length) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(new Uint8Array(chunks.flat()), sent);
  assert.ok(chunks.every((c) => c.length <= 1000));
  socket.destroy();
});

test('ChunkRelay: chunks that arrive before the sink is attached are copied and delivered in order', () => {
  const relay = new ChunkRelay(8);
  relay.buffer.set([1, 2, 3]);
  relay.callback(3, relay.buffer);
  relay.buffer.set([4, 5]);
  relay.callback(2, relay.buffer);
  relay.buffer.fill(9);
  const got: number[][] = [];
  relay.attach((c) => got.push([...c]));
  relay.buffer.set([6]);
  relay.callback(1, relay.buffer);
  assert.deepEqual(got, [[1, 2, 3], [4, 5], [6]]);
});

test('dialing builds no TLS context per connection: every dial of a transport shares one', async (t) => {
  const { a, port } = await setup(t);
  const first = await a.connect(`127.0.0.1:${port}`);
  first.destroy();
  const create = tls.createSecureContext;
  let built = 0;
  tls.createSecureContext = (...args: Parameters<typeof create>) => (built++, create(...args));
  t.after(() => void (tls.createSecureContext = create));
  for (let i = 0; i < 3; i++) (await a.connect(`127.0.0.1:${port}`, { expectedNodeId: KEY_B.publicKey })).destroy();
  assert.equal(built, 0);
  const cert = await nodeCertificate(KEY_A);
  assert.equal(secureContextOf(cert), secureContextOf(cert));
});

test('refused: the peer is not the node the dialer expected', async (t) => {
  const { a, port } = await setup(t);
  await assert.rejects(a.connect(`127.0.0.1:${port}`, { expectedNodeId: KEY_C.publicKey }), code('NET_WRONG_NODE'));
});

test('refused and banned: a peer that claims a node id it did not prove', async (t) => {
  const { conn, inbound } = await connectPair(t);
  // A proves key A in TLS but claims to be C in its HELLO
  const { wa, wb } = wires(conn, inbound, { nodeId: KEY_C.publicKey });
  const [[ia], [ib]] = await Promise.all([once(wa, 'close'), once(wb, 'close')]);
  assert.equal(ib.error.code, 'WIRE_NODE_ID_MISMATCH');
  assert.equal(ib.ban, true);
  assert.equal(ia.error.code, 'WIRE_REFUSED');
});

test('a certificate cannot be used without its key: OpenSSL refuses the pair before connecting', async () => {
  const certA = await nodeCertificate(KEY_A);
  const certC = await nodeCertificate(KEY_C);
  assert.throws(() => tls.createSecureContext({ cert: certA.certPem, key: certC.keyPem }), /key values mismatch/);
});

test('refused: a peer without a certificate, with a non-ed25519 certificate, or plain TCP', async (t) => {
  const { server, port } = await setup(t);
  const refusals: Error[] = [];
  server.on('refused', (_addr, err) => refusals.push(err));
  server.on('connection', () => assert.fail('no connection may be accepted'));
  const common = { host: '127.0.0.1', port, minVersion: 'TLSv1.3' as const, ALPNProtocols: [ALPN], rejectUnauthorized: false };
  // 1. no client certificate
  const s1 = tls.connect(common);
  s1.on('error', () => {});
  await once(s1, 'close');
  // 2. an ECDSA P-256 certificate
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({ serialNumber: '01', name: 'CN=x', keys: keys as never, signingAlgorithm: alg, notBefore: new Date(), notAfter: new Date(Date.now() + 1e9) });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64')}\n-----END PRIVATE KEY-----\n`;
  const s2 = tls.connect({ ...common, cert: cert.toString('pem'), key: keyPem });
  s2.on('error', () => {});
  await once(s2, 'close');
  // 3. plain TCP speaking ByteFall directly
  const s3 = net.connect(port, '127.0.0.1');
  s3.on('error', () => {});
  s3.write(Buffer.from('53000000004279746546616c6c', 'hex'));
  await once(s3, 'close');
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(refusals.length, 3);
  assert.ok(refusals.every((e) => e instanceof BytefallError && /NET_(NOT_AUTHENTICATED|TLS_FAILED)/.test(e.code)), refusals.map(String).join('; '));
  assert.equal((refusals[0] as BytefallError).code, 'NET_NOT_AUTHENTICATED');
});

test('refused over TLS: unknown swarm and unsupported protocol version', async (t) => {
  const p1 = await connectPair(t);
  const w1 = wires(p1.conn, p1.inbound, { swarmId: new Uint8Array(32).fill(9) });
  const [[ia]] = await Promise.all([once(w1.wa, 'close'), once(w1.wb, 'close')]);
  assert.equal(ia.error.code, 'WIRE_UNKNOWN_SWARM');
  const p2 = await connectPair(t);
  const w2 = wires(p2.conn, p2.inbound, { versionMin: 2, versionMax: 2 });
  const [[ja], [jb]] = await Promise.all([once(w2.wa, 'close'), once(w2.wb, 'close')]);
  assert.equal(ja.error.code, 'WIRE_UNSUPPORTED_VERSION');
  assert.equal(jb.error.code, 'WIRE_UNSUPPORTED_VERSION');
  assert.equal(jb.ban, false);
});

test('connect and listen failures are typed', async (t) => {
  const a = await TcpTlsTransport.create(KEY_A);
  const server: TransportServer = await a.listen('127.0.0.1:0');
  const port = server.address.port;
  await server.close();
  await assert.rejects(a.connect(`127.0.0.1:${port}`), code('NET_CONNECT_FAILED'));
  await assert.rejects(a.connect('zt:abcdef0123:9993'), code('BAD_ARGUMENT'));
  await assert.rejects(a.connect('nonsense'), code('BAD_ARGUMENT'));
  const busy = await a.listen('127.0.0.1:0');
  t.after(() => busy.close());
  await assert.rejects(a.listen(`127.0.0.1:${busy.address.port}`), code('NET_LISTEN_FAILED'));
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(a.connect(`127.0.0.1:${busy.address.port}`, { signal: controller.signal }), code('NET_CONNECT_FAILED'));
});

test('a listener can drop addresses before any cryptography (bans)', async (t) => {
  const b = await TcpTlsTransport.create(KEY_B);
  const seen: string[] = [];
  const server = await b.listen('127.0.0.1:0', { allow: (addr) => (seen.push(addr.kind === 'ip' ? addr.host : ''), false) });
  t.after(() => server.close());
  const a = await TcpTlsTransport.create(KEY_A);
  await assert.rejects(a.connect(server.address), (e: unknown) => e instanceof BytefallError && /NET_(CONNECT|TLS)_FAILED/.test(e.code));
  assert.deepEqual(seen, ['127.0.0.1']);
});
