// The addon against the stub libzt (test/native/stub-libzt.c): loading errors,
// events from libzt's thread, the async waits, sockets through the I/O thread
// (listen, accept, connect, large transfers with backpressure, half-close, close)
// and errors with stable codes. One node per process: each test starts and stops
// its own. Skips without a compiler.
import test, { type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NativeNode, NativeSocket, NativeSocketEvent, ZtAddon, ZtEvent } from '../../src/net/zt/addon.js';
import { nodeAddress } from '../../src/net/zt/ids.js';
import { pattern, sha256 } from './exchange.js';
import { prepareNative, repoRoot, stubLibrary } from './build.js';

const skip = await prepareNative();
const ADHOC = 'ff0000ffff000000';
const MANAGED = '8056c2e21c000001';

let zt: ZtAddon | undefined;
if (!skip) zt = (await import('../../src/net/zt/addon.js')).loadLibzt(stubLibrary);
const addon = (): ZtAddon => zt!;

function tmp(t: TestContext, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function started(t: TestContext, opts: { roots?: Uint8Array } = {}): Promise<{ node: NativeNode; events: ZtEvent[]; home: string }> {
  process.env.ZTS_STUB_DIR = tmp(t, 'bf-zt-reg-');
  const home = tmp(t, 'bf-zt-home-');
  const events: ZtEvent[] = [];
  const node = new (addon().Node)((ev) => events.push(ev));
  node.start({ home, ...opts });
  t.after(() => node.stop());
  await node.waitOnline(5000);
  return { node, events, home };
}

/** Collects a socket's events; next(type) takes the oldest unconsumed one or waits for it. */
function watch(s: NativeSocket) {
  const seen: NativeSocketEvent[] = [];
  const received: Buffer[] = [];
  const errors: Error[] = [];
  const unconsumed = new Map<NativeSocketEvent, unknown[]>();
  const waiters = new Map<NativeSocketEvent, ((arg: unknown) => void)[]>();
  s.setHandler((type, arg) => {
    seen.push(type);
    if (type === 'data') received.push(arg as Buffer);
    if (type === 'error') errors.push(arg as Error);
    const w = waiters.get(type)?.shift();
    if (w) w(arg);
    else unconsumed.set(type, [...(unconsumed.get(type) ?? []), arg]);
  });
  return {
    seen, received, errors,
    next(type: NativeSocketEvent): Promise<unknown> {
      const q = unconsumed.get(type);
      if (q?.length) return Promise.resolve(q.shift());
      return new Promise((resolve) => waiters.set(type, [...(waiters.get(type) ?? []), resolve]));
    },
    /** Forgets events of `type` seen so far. */
    clear(type: NativeSocketEvent) {
      unconsumed.delete(type);
    },
    bytes: () => Buffer.concat(received),
  };
}

async function pair(t: TestContext) {
  const { node } = await started(t);
  node.join(ADHOC);
  const me = await node.waitAddress(ADHOC, 5000);
  const listener = await node.listen(null, 7000);
  const lw = watch(listener);
  const client = await node.connect(me.bytes, 7000, 2000);
  const server = (await lw.next('connection')) as NativeSocket;
  return { node, me, listener, client, server };
}

function code(c: string, syscall?: string) {
  return (e: unknown) => (e as { code?: string }).code === c && (syscall === undefined || (e as { syscall?: string }).syscall === syscall);
}

function childLoad(env: Record<string, string>): { code?: string; message?: string } {
  const script = `import('${join(repoRoot, 'dist', 'src', 'net', 'zt', 'addon.js')}').then((m) => { try { m.loadLibzt(); console.log('{}'); } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); } })`;
  const r = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, ...env }, encoding: 'utf8' });
  return JSON.parse(r.stdout.trim() || '{}');
}

test('library missing: LIBZT_MISSING says what to install and where LIBZT_PATH points', { skip }, () => {
  const r = childLoad({ LIBZT_PATH: '/nonexistent/libzt.so' });
  assert.equal(r.code, 'LIBZT_MISSING');
  assert.match(r.message!, /\/nonexistent\/libzt\.so/);
  assert.match(r.message!, /LIBZT_PATH/);
  assert.match(r.message!, /docs\/ZEROTIER\.md/);
});

test('a library that is not libzt (Debian libzt1 would be one): LIBZT_INCOMPATIBLE names what it lacks', { skip }, () => {
  const r = childLoad({ LIBZT_PATH: 'libc.so.6' });
  assert.equal(r.code, 'LIBZT_INCOMPATIBLE');
  assert.match(r.message!, /zts_node_start/);
  assert.match(r.message!, /libzt1/);
});

test('events from libzt\'s thread arrive in order with their fields; the identity persists', { skip }, async (t) => {
  const { node, events, home } = await started(t);
  const id = node.nodeId();
  assert.match(id, /^[0-9a-f]{10}$/);
  node.join(ADHOC);
  const me = await node.waitAddress(ADHOC, 5000);
  await new Promise((r) => setTimeout(r, 20));
  const names = events.map((e) => e.name);
  assert.deepEqual(names.slice(0, 2), ['NODE_UP', 'NODE_ONLINE']);
  for (const n of ['NETWORK_REQ_CONFIG', 'NETWORK_OK', 'NETWORK_READY_IP6', 'ADDR_ADDED_IP6']) assert.ok(names.includes(n), `${n} in ${names}`);
  assert.ok(names.indexOf('NETWORK_REQ_CONFIG') < names.indexOf('NETWORK_READY_IP6'));
  assert.equal(events[0].nodeId, id);
  assert.equal(events[0].code, 200);
  const added = events.find((e) => e.name === 'ADDR_ADDED_IP6')!;
  assert.equal(added.networkId, ADHOC);
  assert.equal(added.address, me.text);
  // the stub's C computes the 6PLANE address independently of src/net/zt/ids.ts
  assert.deepEqual(new Uint8Array(me.bytes), nodeAddress(ADHOC, id, '6plane'));
  node.stop();
  const again = new (addon().Node)(() => {});
  again.start({ home });
  t.after(() => again.stop());
  assert.equal(again.nodeId(), id, 'same storage directory, same ZeroTier identity');
});

test('a managed network gives the RFC4193 address; roots reach zts_init_set_roots', { skip }, async (t) => {
  const roots = new Uint8Array([1, 2, 3, 4, 5]);
  const { node, home } = await started(t, { roots });
  node.join(MANAGED);
  const me = await node.waitAddress(MANAGED, 5000);
  assert.deepEqual(new Uint8Array(me.bytes), nodeAddress(MANAGED, node.nodeId(), 'rfc4193'));
  assert.deepEqual(new Uint8Array(readFileSync(join(home, 'stub-roots'))), roots);
});

test('waits time out with ZT_TIMEOUT and stop with ZT_STOPPED; one node per process', { skip }, async (t) => {
  process.env.ZTS_STUB_DIR = tmp(t, 'bf-zt-reg-');
  process.env.ZTS_STUB_OFFLINE = '1';
  t.after(() => delete process.env.ZTS_STUB_OFFLINE);
  const node = new (addon().Node)(() => {});
  node.start({ home: tmp(t, 'bf-zt-home-') });
  t.after(() => node.stop());
  const t0 = Date.now();
  await assert.rejects(node.waitOnline(150), code('ZT_TIMEOUT'));
  assert.ok(Date.now() - t0 >= 140);
  await assert.rejects(node.waitAddress(ADHOC, 100), code('ZT_TIMEOUT'));
  const other = new (addon().Node)(() => {});
  assert.throws(() => other.start({ home: tmp(t, 'bf-zt-home-') }), code('ZT_NODE_BUSY'));
  const pending = node.waitOnline(10_000);
  node.stop();
  await assert.rejects(pending, code('ZT_STOPPED'));
  assert.throws(() => node.nodeId(), code('ZT_NOT_STARTED'));
  assert.throws(() => node.start({ home: '/tmp' }), code('ZT_NODE_BUSY'));
});

test('arguments are checked before they reach libzt', { skip }, async (t) => {
  const { node } = await started(t);
  assert.throws(() => node.join('xyz'), code('ERR_INVALID_ARG_VALUE'));
  assert.throws(() => node.join(42 as unknown as string), code('ERR_INVALID_ARG_VALUE'));
  assert.throws(() => node.connect(new Uint8Array(15), 1, 100), code('ERR_INVALID_ARG_TYPE'));
  assert.throws(() => node.connect(new Uint8Array(16), 0, 100), code('ERR_OUT_OF_RANGE'));
  assert.throws(() => node.connect(new Uint8Array(16), 1, 0), code('ERR_OUT_OF_RANGE'));
  assert.throws(() => node.listen(null, 70000), code('ERR_OUT_OF_RANGE'));
  assert.throws(() => node.waitOnline(-1), code('ERR_OUT_OF_RANGE'));
  assert.throws(() => new (addon().Node)(undefined as never), code('ERR_INVALID_ARG_TYPE'));
  assert.throws(() => new (addon().Node)(() => {}).start({ home: '' }), code('ERR_INVALID_ARG_TYPE'));
});

test('listen, connect and accept: ports and ZeroTier addresses on both ends', { skip }, async (t) => {
  const { node, me, listener, client, server } = await pair(t);
  assert.equal(listener.localPort, 7000);
  assert.equal(client.remotePort, 7000);
  assert.deepEqual(client.remoteAddress, me.bytes);
  assert.deepEqual(server.remoteAddress, me.bytes, 'the stub connects a node to itself');
  assert.equal(server.remotePort, client.localPort);
  const l0 = await node.listen(null, 0);
  assert.ok(l0.localPort > 0, 'port 0 gives a free port');
  await assert.rejects(node.listen(null, 7000), code('EADDRINUSE', 'bind'));
  for (const s of [client, server, listener, l0]) s.close();
});

test('32 MiB each way at once, with backpressure in both directions', { skip }, async (t) => {
  const { client, server } = await pair(t);
  const cw = watch(client);
  const sw = watch(server);
  const a = pattern(1, 32 << 20);
  const b = pattern(2, 32 << 20);
  const write = async (s: NativeSocket, w: ReturnType<typeof watch>, data: Buffer) => {
    let full = 0;
    for (let off = 0; off < data.length; off += 1 << 20) {
      if (!s.write(data.subarray(off, off + (1 << 20)))) {
        full++;
        await w.next('drain');
      }
    }
    s.end();
    return full;
  };
  const ended = Promise.all([cw.next('end'), sw.next('end')]);
  client.setReading(true);
  server.setReading(true);
  const [fullA] = await Promise.all([write(client, cw, a), write(server, sw, b)]);
  await ended;
  assert.ok(fullA > 0, 'writes outran the socket at least once and waited for drain');
  assert.equal(sha256(sw.bytes()), sha256(a));
  assert.equal(sha256(cw.bytes()), sha256(b));
  const closed = Promise.all([cw.next('close'), sw.next('close')]);
  client.close();
  server.close();
  await closed;
  assert.deepEqual(cw.errors, []);
  assert.equal(client.write(Buffer.from('late')), true, 'a write after close is dropped, not thrown');
});

test('a paused socket stops the sender: reading resumes where it stopped', { skip }, async (t) => {
  const { client, server } = await pair(t);
  const cw = watch(client);
  const sw = watch(server);
  const data = pattern(3, 64 << 20);
  const MiB = 1 << 20;
  let written = 0;
  let drain: Promise<unknown> | undefined;
  // write until the queue stays full: the kernel's buffers (under the stub) are full too
  while (written < data.length) {
    const ok = client.write(data.subarray(written, written + MiB));
    written += MiB;
    if (!ok) {
      drain = cw.next('drain');
      const drained = await Promise.race([drain.then(() => true), new Promise((r) => setTimeout(r, 300, false))]);
      if (!drained) break;
      drain = undefined;
    }
  }
  assert.ok(written < data.length && drain, 'nobody reads: the writer is held back');
  assert.equal(sw.received.length, 0);
  server.setReading(true);
  await drain;
  client.end();
  await sw.next('end');
  assert.equal(sw.bytes().length, written);
  assert.equal(sha256(sw.bytes()), sha256(data.subarray(0, written)));
  client.close();
  server.close();
});

test('connect errors: refused at once, unreachable times out, pending ones fail when the node stops', { skip }, async (t) => {
  const { node } = await started(t);
  node.join(ADHOC);
  const me = await node.waitAddress(ADHOC, 5000);
  await assert.rejects(node.connect(me.bytes, 7999, 1000), (e: { code: string; errno: number; syscall: string }) => {
    assert.equal(e.code, 'ECONNREFUSED');
    assert.equal(e.errno, 111);
    assert.equal(e.syscall, 'connect');
    return true;
  });
  const nobody = nodeAddress(ADHOC, '1122334455', '6plane');
  const t0 = Date.now();
  await assert.rejects(node.connect(nobody, 7000, 600), code('ETIMEDOUT', 'connect'));
  assert.ok(Date.now() - t0 >= 590, 'retried until the deadline');
  const pending = node.connect(nobody, 7000, 60_000);
  node.stop();
  await assert.rejects(pending, code('ZT_STOPPED'));
});

test('closing: end() reaches the peer as end after the data, close() as close on both sides', { skip }, async (t) => {
  const { client, server, listener } = await pair(t);
  const cw = watch(client);
  const sw = watch(server);
  server.setReading(true);
  client.setReading(true);
  client.write(Buffer.from('bye'));
  client.end();
  await sw.next('end');
  assert.equal(sw.bytes().toString(), 'bye');
  server.close();
  await sw.next('close');
  await cw.next('end');
  client.close();
  await cw.next('close');
  assert.deepEqual(sw.seen.filter((s) => s !== 'data'), ['end', 'close']);
  listener.close();
});
