// WriteHere: writes stay on the calling thread while they go at memory speed, and leave it for
// good on one long write or on a window of slow ones. FileWriter follows it: blocking calls
// while it is open, the handle's own (libuv) writes after, and the same bytes either way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WriteHere } from '../../src/storage/write-here.js';
import { FileWriter } from '../../src/storage/file-writes.js';
import type { FileHandleLike } from '../../src/storage/fd-cache.js';
import { tempDir, wrapHandle } from './helpers.js';

const MiB = 1 << 20;

test('WriteHere stays open while writes go at memory speed, window after window', () => {
  const here = new WriteHere({ maxCallMs: 50, minBytesPerSecond: 250e6, windowBytes: 32 * MiB });
  for (let i = 0; i < 1000; i++) here.took(MiB, 0.5); // 1 MiB in 0.5 ms: 2 GB/s, ~31 windows
  assert.equal(here.open, true);
  assert.equal(here.why, '');
  here.took(MiB, 49.9); // one slow call under the limit, inside a fast window
  assert.equal(here.open, true);
});

test('WriteHere closes for good on one write that blocks maxCallMs', () => {
  const here = new WriteHere({ maxCallMs: 50 });
  here.took(256 * 1024, 0.1);
  here.took(256 * 1024, 50);
  assert.equal(here.open, false);
  assert.equal(here.why, 'a write of 262144 bytes blocked 50 ms');
  here.took(256 * 1024, 0.1);
  assert.equal(here.open, false, 'closed for good');
});

test('WriteHere closes when a window of writes went slower than minBytesPerSecond', () => {
  const here = new WriteHere({ maxCallMs: 50, minBytesPerSecond: 250e6, windowBytes: 32 * MiB });
  for (let i = 0; i < 31; i++) here.took(MiB, 10); // 100 MB/s, each call short of maxCallMs
  assert.equal(here.open, true, 'judged only once the window is full');
  here.took(MiB, 10);
  assert.equal(here.open, false);
  assert.equal(here.why, '33554432 bytes written at 105 MB/s');
});

test('WriteHere judges each window alone: a slow spell after fast windows closes it', () => {
  const here = new WriteHere({ minBytesPerSecond: 250e6, windowBytes: 4 * MiB });
  for (let i = 0; i < 40; i++) here.took(MiB, 0.5); // 10 fast windows
  assert.equal(here.open, true);
  for (let i = 0; i < 4; i++) here.took(MiB, 20); // 52 MB/s: the fast past does not carry it
  assert.equal(here.open, false);
});

test('FileWriter writes with blocking calls while WriteHere is open, then through the handle', async (t) => {
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
  const here = new WriteHere({ maxCallMs: 1e9, minBytesPerSecond: 1, windowBytes: 1 });
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
  await new FileWriter(Number.POSITIVE_INFINITY, new WriteHere()).write(h, new Uint8Array(100), 0);
  assert.equal(handleWrites, 1);
});

test('a failed write here rejects with the system error, like one on libuv\'s threads', async (t) => {
  const full = await open('/dev/full', 'w').catch(() => undefined);
  if (!full) return t.skip('no /dev/full');
  t.after(() => full.close());
  const here = new WriteHere();
  await assert.rejects(new FileWriter(65536, here).write(full, new Uint8Array(1000), 0), { code: 'ENOSPC' });
  assert.equal(here.open, true, 'an error is not a slow write');
});
