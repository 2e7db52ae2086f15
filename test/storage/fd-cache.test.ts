// The descriptor cache: a hard bound under concurrency, least recently used evicted first, a
// written file synced before it is closed, and sync errors reported to the next syncDirty().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FdCache, type FileHandleLike } from '../../src/storage/fd-cache.js';

function fakeFiles() {
  const log: string[] = [];
  let open = 0;
  let peak = 0;
  let failSync = -1;
  const opener = async (key: number): Promise<FileHandleLike> => {
    peak = Math.max(peak, ++open);
    log.push(`open ${key}`);
    return {
      datasync: async () => {
        if (key === failSync) throw Object.assign(new Error('EIO'), { code: 'EIO' });
        log.push(`sync ${key}`);
      },
      close: async () => {
        open--;
        log.push(`close ${key}`);
      },
    } as unknown as FileHandleLike;
  };
  return { log, opener, peak: () => peak, failSyncOf: (k: number) => (failSync = k) };
}

const tick = () => new Promise((r) => setTimeout(r, 1));

test('never more open than the bound, whatever runs at once', async () => {
  const f = fakeFiles();
  const cache = new FdCache(2, f.opener);
  await Promise.all(Array.from({ length: 30 }, (_, i) => cache.use(i % 7, async () => tick(), true)));
  assert.ok(f.peak() <= 2, `peak ${f.peak()}`);
  assert.ok(cache.openCount <= 2);
});

test('the least recently used idle file is closed first, synced if written', async () => {
  const f = fakeFiles();
  const cache = new FdCache(2, f.opener);
  await cache.use(1, async () => undefined, true);
  await cache.use(2, async () => undefined);
  await cache.use(1, async () => undefined); // 2 is now the least recently used
  await cache.use(3, async () => undefined);
  await cache.use(4, async () => undefined);
  assert.deepEqual(f.log, ['open 1', 'open 2', 'close 2', 'open 3', 'sync 1', 'close 1', 'open 4']);
});

test('syncDirty syncs only written files, and reports a failed sync on eviction', async () => {
  const f = fakeFiles();
  const cache = new FdCache(1, f.opener, (err, key, op) => Object.assign(new Error(`${op} ${key}`), { cause: err }));
  await cache.use(5, async () => undefined, true);
  await cache.use(6, async () => undefined, true);
  await cache.syncDirty();
  assert.deepEqual(f.log, ['open 5', 'sync 5', 'close 5', 'open 6', 'sync 6']);
  f.failSyncOf(6);
  await cache.use(6, async () => undefined, true);
  await cache.use(7, async () => undefined); // evicts 6, whose sync fails
  await assert.rejects(cache.syncDirty(), /sync 6/);
  await cache.syncDirty(); // reported once
});

test('a failed open does not hold a slot', async () => {
  let n = 0;
  const cache = new FdCache(1, async (key) => {
    if (n++ === 0) throw new Error(`cannot open ${key}`);
    return { close: async () => undefined, datasync: async () => undefined } as unknown as FileHandleLike;
  });
  await assert.rejects(cache.use(1, async () => undefined), /cannot open 1/);
  assert.equal(await cache.use(2, async () => 'ok'), 'ok');
});
