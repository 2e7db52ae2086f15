// IoHere: calls stay on the calling thread while they go at memory speed, and leave it for good
// on one long call or on a window of slow ones. FileWriter and FileReader follow it: blocking
// calls while it is open, the handle's own (libuv) calls after, the same bytes and the same
// errors either way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IoHere } from '../../src/storage/io-here.js';
import { FileWriter } from '../../src/storage/file-writes.js';
import { FileReader } from '../../src/storage/file-reads.js';
import type { FileHandleLike } from '../../src/storage/fd-cache.js';
import { tempDir, wrapHandle } from './helpers.js';

const MiB = 1 << 20;

test('IoHere stays open while writes go at memory speed, window after window', () => {
  const here = new IoHere({ maxCallMs: 50, minBytesPerSecond: 250e6, windowBytes: 32 * MiB });
  for (let i = 0; i < 1000; i++) here.took(MiB, 0.5); // 1 MiB in 0.5 ms: 2 GB/s, ~31 windows
  assert.equal(here.open, true);
  assert.equal(here.why, '');
  here.took(MiB, 49.9); // one slow call under the limit, inside a fast window
  assert.equal(here.open, true);
});

test('IoHere closes for good on one write that blocks maxCallMs', () => {
  const here = new IoHere({ maxCallMs: 50 });
  here.took(256 * 1024, 0.1);
  here.took(256 * 1024, 50);
  assert.equal(here.open, false);
  assert.equal(here.why, 'a call of 262144 bytes blocked 50 ms');
  here.took(256 * 1024, 0.1);
  assert.equal(here.open, false, 'closed for good');
});

test('IoHere closes when a window of writes went slower than minBytesPerSecond', () => {
  const here = new IoHere({ maxCallMs: 50, minBytesPerSecond: 250e6, windowBytes: 32 * MiB });
  for (let i = 0; i < 31; i++) here.took(MiB, 10); // 100 MB/s, each call short of maxCallMs
  assert.equal(here.open, true, 'judged only once the window is full');
  here.took(MiB, 10);
  assert.equal(here.open, false);
  assert.equal(here.why, '33554432 bytes moved at 105 MB/s');
});

test('IoHere judges each window alone: a slow spell after fast windows closes it', () => {
  const here = new IoHere({ minBytesPerSecond: 250e6, windowBytes: 4 * MiB });
  for (let i = 0; i < 40; i++) here.took(MiB, 0.5); // 10 fast windows
  assert.equal(here.open, true);
  for (let i = 0; i < 4; i++) here.took(MiB, 20); // 52 MB/s: the fast past does not carry it
  assert.equal(here.open, false);
});

test('FileWriter writes with blocking calls while IoHere is open, then through the handle', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'f');
  const real = await open(path, 'w+');
  t.after(() => real.close());
  let handleWrites = 0;
  const h: FileHandleLike = Object.assign(
    wrapHandle(real, {
      write: ((...args: Parameters<FileHandleLike['write']>) => {
        handleWrites++;
        return (real.write as (...a: unknown[]) => ReturnType<FileHandleLike['write']>)(...args);
      }) as FileHandleLike['write'],
    }),
    { fd: real.fd },
  );
  const here = new IoHere({ maxCallMs: 1e9, minBytesPerSecond: 1, windowBytes: 1 });
  const w = new FileWriter(4096, here);
  const a = new Uint8Array(10_000).map((_, i) => i & 0xff);
  await w.write(h, a, 0);
  assert.equal(handleWrites, 0, 'written here, in blocking calls');
  here.took(1, 1e9); // now slow: from here on, through the handle
  assert.equal(here.open, false);
  const b = new Uint8Array(5000).fill(7);
  await w.write(h, b, 10_000);
  assert.equal(handleWrites, 2, 'through the handle: calls of 4096 and 904 bytes');
  const on = await readFile(path);
  assert.deepEqual(on.subarray(0, 10_000), Buffer.from(a));
  assert.deepEqual(on.subarray(10_000), Buffer.from(b));
});

test('FileWriter never writes here through a handle without a descriptor', async (t) => {
  const dir = await tempDir(t);
  const real = await open(join(dir, 'f'), 'w+');
  t.after(() => real.close());
  let handleWrites = 0;
  const h = wrapHandle(real, {
    write: ((...args: Parameters<FileHandleLike['write']>) => {
      handleWrites++;
      return (real.write as (...a: unknown[]) => ReturnType<FileHandleLike['write']>)(...args);
    }) as FileHandleLike['write'],
  });
  await new FileWriter(Number.POSITIVE_INFINITY, new IoHere()).write(h, new Uint8Array(100), 0);
  assert.equal(handleWrites, 1);
});

test('a failed write here rejects with the system error, like one on libuv\'s threads', async (t) => {
  const full = await open('/dev/full', 'w').catch(() => undefined);
  if (!full) return t.skip('no /dev/full');
  t.after(() => full.close());
  const here = new IoHere();
  await assert.rejects(new FileWriter(65536, here).write(full, new Uint8Array(1000), 0), { code: 'ENOSPC' });
  assert.equal(here.open, true, 'an error is not a slow write');
});

/** A real handle whose own read/readv are counted (the libuv path). */
async function countedHandle(path: string, flags = 'r'): Promise<{ h: FileHandleLike; calls: () => number; close: () => Promise<void> }> {
  const real = await open(path, flags);
  let calls = 0;
  const h = Object.assign(
    wrapHandle(real, {
      read: ((...a: unknown[]) => (calls++, (real.read as (...x: unknown[]) => unknown)(...a))) as FileHandleLike['read'],
      readv: ((...a: unknown[]) => (calls++, (real.readv as (...x: unknown[]) => unknown)(...a))) as FileHandleLike['readv'],
    }),
    { fd: real.fd },
  );
  return { h, calls: () => calls, close: () => real.close() };
}

test('FileReader reads and fills parts with blocking calls while IoHere is open, then through the handle', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'f');
  const bytes = new Uint8Array(20_000).map((_, i) => (i * 7) & 0xff);
  await writeFile(path, bytes);
  const { h, calls, close } = await countedHandle(path);
  t.after(close);
  const here = new IoHere({ maxCallMs: 1e9, minBytesPerSecond: 1, windowBytes: 1 });
  const r = new FileReader(here);
  assert.deepEqual(await r.read(h, 100, 5000, path), bytes.subarray(100, 5100));
  const parts = [new Uint8Array(3), new Uint8Array(0), new Uint8Array(4000)];
  await r.readv(h, 19_000 - 4003, parts, path);
  assert.deepEqual(Buffer.concat(parts), Buffer.from(bytes.subarray(19_000 - 4003, 19_000)));
  assert.equal(calls(), 0, 'read here, in blocking calls');
  here.took(1, 1e9);
  const into = new Uint8Array(10);
  assert.deepEqual(await r.read(h, 0, 10, path, into), bytes.subarray(0, 10));
  assert.equal(calls(), 1, 'through the handle once IoHere closed');
});

test('FileReader here: a file that ends first is IO_ERROR, a system error is wrapped, neither is slow', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'f');
  await writeFile(path, new Uint8Array(1000));
  const here = new IoHere();
  const r = new FileReader(here);
  const short = await countedHandle(path);
  t.after(short.close);
  await assert.rejects(r.read(short.h, 900, 200, path), { code: 'IO_ERROR', message: `${path} ends before byte 1100` });
  await assert.rejects(r.readv(short.h, 900, [new Uint8Array(50), new Uint8Array(150)], path), { code: 'IO_ERROR', message: `${path} ends before byte 1100` });
  await assert.rejects(r.read(short.h, 0, 10, path, new Uint8Array(5)), { code: 'BAD_ARGUMENT' });
  const writeOnly = await countedHandle(path, 'a'); // reading it fails with EBADF
  t.after(writeOnly.close);
  await assert.rejects(r.read(writeOnly.h, 0, 10, path), { code: 'IO_ERROR', message: `cannot read ${path}: EBADF` });
  assert.equal(short.calls() + writeOnly.calls(), 0, 'all of it here');
  assert.equal(here.open, true);
});
