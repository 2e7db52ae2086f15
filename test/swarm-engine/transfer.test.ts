// The engine moving data in one process (MemoryNetwork + MemoryStorage): a seeder and a
// leecher, with and without the piece layer, several leechers at once, and the bound on
// the bytes a leecher holds in piece buffers.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { BytefallError } from '../../src/errors.js';
import { HashPool } from '../../src/hash/pool.js';
import type { Storage } from '../../src/storage/storage.js';
import { makeData, TestSwarm, until } from './helpers.js';

const pool = new HashPool({ threads: 1 });
after(() => pool.destroy());

const FILES = [
  { path: ['a.bin'], size: 300_000 },
  { path: ['dir', 'b.bin'], size: 70_000 },
  { path: ['dir', 'empty'], size: 0 },
  { path: ['dir', 'sub', 'c'], size: 1 },
];

test('a leecher with the piece layer gets every file from one seeder', async (t) => {
  const s = new TestSwarm(makeData(FILES, 16 * 1024), pool);
  t.after(() => s.close());
  const seed = await s.add({ have: 'all', download: false });
  const leech = await s.add({ have: 'none', withLayers: true, peers: [seed.address] });
  await until(() => leech.swarm.complete, 10_000, 'the leecher to complete');
  assert.ok(await s.holdsAll(leech));
  const st = leech.swarm.snapshot();
  assert.equal(st.badPieces, 0);
  assert.equal(st.downloaded, s.data.contents.reduce((n, c) => n + c.length, 0), 'nothing fetched twice');
  assert.ok(seed.swarm.snapshot().uploaded >= st.downloaded);
});

test('without a piece layer the leecher fetches the hashes with proofs first', async (t) => {
  const s = new TestSwarm(makeData([{ path: ['big'], size: 2_100_000 }], 1024), pool); // 2051 pieces: 5 runs of 512
  t.after(() => s.close());
  const seed = await s.add({ have: 'all', download: false });
  const leech = await s.add({ have: 'none', peers: [seed.address] });
  let layers: Uint8Array | undefined;
  leech.swarm.on('layers', (l) => (layers = l));
  await until(() => leech.swarm.complete, 20_000, 'the leecher to complete');
  assert.ok(await s.holdsAll(leech));
  assert.ok(layers, 'the checked layer is handed out to be kept');
  assert.ok(leech.swarm.hashes.allKnown());
});

test('five leechers at once all complete, and the seeder serves them all', async (t) => {
  const s = new TestSwarm(makeData(FILES, 8 * 1024), pool);
  t.after(() => s.close());
  const seed = await s.add({ have: 'all', download: false });
  const leechers: Awaited<ReturnType<typeof s.add>>[] = [];
  for (let i = 0; i < 5; i++) leechers.push(await s.add({ have: 'none', peers: [seed.address] }));
  await until(() => leechers.every((l) => l.swarm.complete), 20_000, 'every leecher to complete');
  for (const l of leechers) assert.ok(await s.holdsAll(l));
});

test('piece buffers stay within the node-wide bound', async (t) => {
  const s = new TestSwarm(makeData([{ path: ['x'], size: 4_000_000 }], 64 * 1024), pool);
  t.after(() => s.close());
  const seed = await s.add({ have: 'all', download: false });
  const bound = 512 * 1024;
  const leech = await s.add({ have: 'none', withLayers: true, peers: [seed.address], maxBytesInFlight: bound, maxPendingBytes: bound });
  let peak = 0;
  leech.swarm.on('verified', () => (peak = Math.max(peak, leech.swarm.buffers.inUse)));
  const timer = setInterval(() => (peak = Math.max(peak, leech.swarm.buffers.inUse)), 5);
  t.after(() => clearInterval(timer));
  await until(() => leech.swarm.complete, 20_000, 'the leecher to complete');
  assert.ok(peak > 0);
  assert.ok(peak <= 2 * bound + 64 * 1024, `at most the in-flight and pending bounds (+ one piece): peak ${peak}`);
});

test('a node that already holds everything completes at once and asks for nothing', async (t) => {
  const s = new TestSwarm(makeData(FILES, 16 * 1024), pool);
  t.after(() => s.close());
  const a = await s.add({ have: 'all' });
  assert.equal(a.swarm.complete, true);
  const b = await s.add({ have: 'all', peers: [a.address] });
  assert.equal(b.swarm.complete, true);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(a.swarm.snapshot().uploaded + b.swarm.snapshot().uploaded, 0);
});

test('a full disk: one line, downloading pauses, nothing unverified is kept, and it completes once there is room', async (t) => {
  const s = new TestSwarm(makeData(FILES, 16 * 1024), pool);
  t.after(() => s.close());
  const seed = await s.add({ have: 'all', download: false });
  let failures = 0;
  const full = (inner: Storage): Storage =>
    new Proxy(inner, {
      get(target, prop, receiver) {
        if (prop === 'writePiece') {
          return async (file: number, piece: number, data: Uint8Array) => {
            if (failures++ < 5) throw new BytefallError('NO_SPACE', `cannot write /data/x.bytefall-part: ENOSPC`, { op: 'write' });
            return target.writePiece(file, piece, data);
          };
        }
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
  const leech = await s.add({ have: 'none', withLayers: true, peers: [seed.address], wrapStorage: full, diskRetryMs: 300 });
  await until(() => leech.swarm.complete, 10_000, 'completion after the disk has room again');
  assert.ok(await s.holdsAll(leech));
  const lines = leech.logs.filter((l) => /cannot write/.test(l));
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.match(lines[0], /ENOSPC; downloading paused for 0\.3 s/);
});

/**
 * A storage whose group commit waits for `release()`: writePiece puts the bytes where read()
 * and readv() find them and calls onWritten at once, but records the piece (MemoryStorage.writePiece)
 * only once released; `fail` makes the held commits fail instead (a disk error at fsync).
 */
function heldCommits() {
  let open!: () => void;
  let gate = new Promise<void>((r) => (open = r));
  const held = new Map<string, { file: number; offset: number; data: Uint8Array }>();
  const heldAtRetry: boolean[] = [];
  const failedOnce = new Set<string>();
  let fail = false;
  let node: { swarm: { holds(file: number, piece: number): boolean } } | undefined;
  /** The bytes of a held (written, not committed) piece, where reads must find them. */
  const heldBytes = (file: number, offset: number, length: number) => {
    for (const h of held.values()) {
      if (h.file === file && offset >= h.offset && offset + length <= h.offset + h.data.length) return h.data.subarray(offset - h.offset, offset - h.offset + length);
    }
    return undefined;
  };
  const wrap = (inner: Storage): Storage =>
    new Proxy(inner, {
      get(target, prop, receiver) {
        if (prop === 'writePiece') {
          return async (file: number, piece: number, data: Uint8Array, onWritten?: () => void) => {
            const key = `${file}:${piece}`;
            if (failedOnce.has(key) && node) heldAtRetry.push(node.swarm.holds(file, piece)); // before it is written again
            held.set(key, { file, offset: target.layout.pieceOffset(file, piece), data: data.slice() });
            onWritten?.();
            await gate;
            if (fail && !failedOnce.has(key)) {
              failedOnce.add(key);
              held.delete(key);
              throw new BytefallError('IO_ERROR', 'fdatasync failed', { op: 'sync' });
            }
            await target.writePiece(file, piece, data);
            held.delete(key);
          };
        }
        if (prop === 'read') {
          return async (file: number, offset: number, length: number, into?: Uint8Array) => {
            const bytes = heldBytes(file, offset, length);
            if (!bytes) return target.read(file, offset, length, into);
            const out = into ? into.subarray(0, length) : new Uint8Array(length);
            out.set(bytes);
            return out;
          };
        }
        if (prop === 'readv') {
          return async (file: number, offset: number, parts: Uint8Array[]) => {
            const length = parts.reduce((n, p) => n + p.length, 0);
            const bytes = heldBytes(file, offset, length);
            if (!bytes) return target.readv(file, offset, parts);
            let at = 0;
            for (const p of parts) {
              p.set(bytes.subarray(at, at + p.length));
              at += p.length;
            }
          };
        }
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
  return {
    wrap, held, heldAtRetry, failedOnce,
    attach: (n: typeof node) => (node = n),
    release(withFailure: boolean) {
      fail = withFailure;
      open();
      if (withFailure) gate = Promise.resolve(); // the retries go through
    },
  };
}

test('a piece is announced and served once written, before its commit; counted and recorded only once durable', async (t) => {
  const s = new TestSwarm(makeData([{ path: ['a.bin'], size: 300_000 }], 16 * 1024), pool);
  t.after(() => s.close());
  const total = Math.ceil(300_000 / (16 * 1024));
  const seed = await s.add({ have: 'all', download: false });
  const c = heldCommits();
  const mid = await s.add({ have: 'none', withLayers: true, peers: [seed.address], wrapStorage: c.wrap, pex: false });
  c.attach(mid);
  await until(() => c.held.size === total, 10_000, 'every piece written, none committed');
  assert.equal(mid.storage.verified().count, 0, 'nothing recorded before it is durable');
  assert.equal(mid.swarm.verifiedCount, 0);
  assert.equal(mid.swarm.complete, false);
  // A peer that knows only `mid` gets every piece from it while the commits wait.
  const late = await s.add({ have: 'none', withLayers: true, peers: [mid.address], pex: false });
  await until(() => late.swarm.complete, 10_000, 'the late peer to complete from the uncommitted pieces');
  assert.ok(await s.holdsAll(late));
  assert.equal(late.swarm.peers.size, 1);
  assert.equal(mid.storage.verified().count, 0, 'still nothing recorded');
  assert.equal(mid.swarm.snapshot().uploaded, 300_000);
  c.release(false);
  await until(() => mid.swarm.complete, 10_000, 'the commits to complete');
  assert.equal(mid.storage.verified().count, total);
});

test('a piece whose commit fails after it was announced is no longer served, and is fetched again', async (t) => {
  const s = new TestSwarm(makeData([{ path: ['a.bin'], size: 300_000 }], 16 * 1024), pool);
  t.after(() => s.close());
  const total = Math.ceil(300_000 / (16 * 1024));
  const seed = await s.add({ have: 'all', download: false });
  const c = heldCommits();
  const mid = await s.add({ have: 'none', withLayers: true, peers: [seed.address], wrapStorage: c.wrap, pex: false, diskRetryMs: 100 });
  c.attach(mid);
  await until(() => c.held.size === total, 10_000, 'every piece written, none committed');
  c.release(true);
  await until(() => mid.swarm.complete, 10_000, 'completion after the failed commits');
  assert.equal(c.failedOnce.size, total);
  assert.equal(c.heldAtRetry.length, total);
  assert.ok(c.heldAtRetry.every((h) => !h), 'a piece whose commit failed is not served until it is written again');
  assert.ok(await s.holdsAll(mid));
});
