import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { BytefallError } from '../../src/errors.js';
import { hashPieces } from '../../src/hash/merkle.js';
import { HashPool, withHashPool } from '../../src/hash/pool.js';
import { random, removeDir, tempDir } from '../create/tmp-tree.js';

const KiB = 1024;
const MiB = 1024 * KiB;

describe('HashPool', () => {
  let dir: string;
  let pool: HashPool;
  before(() => {
    dir = tempDir();
    pool = new HashPool({ threads: 2 });
  });
  after(async () => {
    await pool.destroy();
    removeDir(dir);
  });

  function file(name: string, bytes: Uint8Array): string {
    const p = join(dir, name);
    writeFileSync(p, bytes);
    return p;
  }

  const pieceSize = 64 * KiB;
  const sizes = [0, 1, pieceSize - 1, pieceSize, pieceSize + 1, 3 * MiB + 12345];
  for (const size of sizes) {
    test(`hashRegion of a ${size}-byte file equals hashPieces`, async () => {
      const data = random(size);
      const path = file(`r${size}`, data);
      const r = await pool.hashRegion({ path, offset: 0, length: size, pieceSize, fileSize: size });
      assert.equal(r.hashed, true);
      assert.equal(r.stamp.size, size);
      assert.deepEqual(r.leaves, hashPieces(data, pieceSize));
    });
  }

  test('regions hashed separately give the leaves of the whole file', async () => {
    const data = random(5 * MiB + 7);
    const path = file('regions', data);
    const ps = 1 * KiB;
    const step = 2 * MiB;
    const parts: Uint8Array[] = [];
    for (let offset = 0; offset < data.length; offset += step) {
      const length = Math.min(step, data.length - offset);
      parts.push((await pool.hashRegion({ path, offset, length, pieceSize: ps })).leaves);
    }
    assert.deepEqual(new Uint8Array(Buffer.concat(parts)), hashPieces(data, ps));
  });

  test('hashFiles hashes a batch of many small files', async () => {
    const files = Array.from({ length: 300 }, (_, i) => {
      const data = random((i * 7919) % 5000);
      const ps = i % 2 === 0 ? KiB : 4 * KiB;
      return { data, path: file(`small${i}`, data), size: data.length, pieceSize: ps };
    });
    const r = await pool.hashFiles({ files: files.map(({ path, size, pieceSize }) => ({ path, size, pieceSize, fileSize: size })) });
    assert.deepEqual(r.hashed, files.map(() => true));
    const expected = Buffer.concat(files.map((f) => hashPieces(f.data, f.pieceSize)));
    assert.deepEqual(r.leaves, new Uint8Array(expected));
  });

  test('a file of another size than expected is not read', async () => {
    const path = file('other-size', random(100));
    const r = await pool.hashFiles({ files: [{ path, size: 99, pieceSize: KiB, fileSize: 99 }] });
    assert.deepEqual(r.hashed, [false]);
    assert.equal(r.stamps[0].size, 100);
    const g = await pool.hashRegion({ path, offset: 0, length: 200, pieceSize: KiB });
    assert.equal(g.hashed, false);
  });

  test('hashBuffer transfers an owned buffer and shares a SharedArrayBuffer', async () => {
    const data = random(100 * KiB + 3);
    const want = hashPieces(data, 16 * KiB);
    const copy = data.slice();
    assert.deepEqual(await pool.hashBuffer(copy, 16 * KiB), want);
    assert.equal(copy.byteLength, 0, 'the caller’s buffer was transferred');
    const shared = new Uint8Array(new SharedArrayBuffer(data.length));
    shared.set(data);
    assert.deepEqual(await pool.hashBuffer(shared, 16 * KiB), want);
    assert.equal(shared.byteLength, data.length);
    const part = data.subarray(10, 5000);
    assert.deepEqual(await pool.hashBuffer(part, KiB), hashPieces(part, KiB));
    assert.equal(data.byteLength, 100 * KiB + 3, 'a partial view is copied, not detached');
  });

  test('verifyRegion finds the changed piece, and pieces a short file lacks', async () => {
    const data = random(10 * KiB + 100);
    const expected = hashPieces(data, KiB);
    data[3 * KiB + 5] ^= 1;
    const path = file('verify', data);
    const r = await pool.verifyRegion({ path, offset: 0, length: data.length, pieceSize: KiB, expected });
    assert.deepEqual([...r.bad], [3]);
    const second = await pool.verifyRegion({ path, offset: 4 * KiB, length: data.length - 4 * KiB, pieceSize: KiB, expected: expected.subarray(4 * 32) });
    assert.deepEqual([...second.bad], []);
    const short = file('short', data.subarray(0, 6 * KiB + 1));
    const s = await pool.verifyRegion({ path: short, offset: 0, length: data.length, pieceSize: KiB, expected });
    assert.deepEqual([...s.bad], [3, 6, 7, 8, 9, 10]);
    assert.equal(s.size, 6 * KiB + 1);
  });

  test('verifyFiles checks a batch', async () => {
    const a = random(3000);
    const b = random(10);
    const pa = file('va', a);
    const pb = file('vb', b);
    const expected = new Uint8Array(Buffer.concat([hashPieces(a, KiB), hashPieces(b, KiB)]));
    a[2500] ^= 0xff;
    writeFileSync(pa, a);
    const r = await pool.verifyFiles({
      files: [
        { path: pa, size: 3000, pieceSize: KiB },
        { path: pb, size: 10, pieceSize: KiB },
      ],
      expected,
    });
    assert.deepEqual(r.bad, [[2], []]);
    assert.deepEqual(r.sizes, [3000, 10]);
  });

  test('a missing file is NOT_FOUND naming the file and the operation', async () => {
    const path = join(dir, 'does-not-exist');
    await assert.rejects(pool.hashRegion({ path, offset: 0, length: 1, pieceSize: KiB }), (err: unknown) => {
      assert.ok(err instanceof BytefallError);
      assert.equal(err.code, 'NOT_FOUND');
      assert.equal(err.file, path);
      assert.equal(err.op, 'open');
      return true;
    });
    await assert.rejects(pool.hashFiles({ files: [{ path, size: 0, pieceSize: KiB }] }), { code: 'NOT_FOUND', file: path });
  });

  test('a directory is not hashed', async () => {
    await assert.rejects(pool.hashRegion({ path: dir, offset: 0, length: 0, pieceSize: KiB }), { code: 'UNSUPPORTED_FILE', file: dir });
  });

  test('malformed tasks are refused before they reach a worker', async () => {
    const path = file('args', random(10));
    for (const bad of [
      { offset: 1, length: 1, pieceSize: KiB },
      { offset: 0, length: -1, pieceSize: KiB },
      { offset: 0, length: 1, pieceSize: 0 },
      { offset: 0.5, length: 1, pieceSize: 1 },
    ]) {
      await assert.rejects(pool.hashRegion({ path, ...bad }), { code: 'BAD_ARGUMENT' }, JSON.stringify(bad));
    }
    await assert.rejects(pool.hashFiles({ files: [{ path, size: 10, pieceSize: 3.5 }] }), { code: 'BAD_ARGUMENT' });
    await assert.rejects(pool.hashBuffer(new Uint8Array(4), 0), { code: 'BAD_ARGUMENT' });
    assert.equal(pool.inFlight, 0);
  });

  test('a BytefallError inside the worker keeps its code', async () => {
    const path = file('expected', random(10));
    const expected = new Uint8Array(64); // two hashes for a one-piece region
    await assert.rejects(pool.verifyRegion({ path, offset: 0, length: 10, pieceSize: KiB, expected }), { code: 'BAD_ARGUMENT' });
  });

  test('never more than maxInFlight tasks are handed to the workers', async () => {
    const small = new HashPool({ threads: 2, maxInFlight: 3 });
    try {
      const path = file('many', random(256 * KiB));
      let peak = 0;
      const tasks = Array.from({ length: 40 }, () => {
        const p = small.hashRegion({ path, offset: 0, length: 256 * KiB, pieceSize: KiB });
        peak = Math.max(peak, small.inFlight);
        return p.then((r) => {
          peak = Math.max(peak, small.inFlight);
          return r;
        });
      });
      const results = await Promise.all(tasks);
      assert.equal(results.length, 40);
      assert.ok(peak <= 3, `peak ${peak}`);
      assert.equal(small.inFlight, 0);
    } finally {
      await small.destroy();
    }
  });
});

describe('HashPool lifecycle', () => {
  test('bad options are BAD_ARGUMENT', () => {
    assert.throws(() => new HashPool({ threads: 0 }), { code: 'BAD_ARGUMENT' });
    assert.throws(() => new HashPool({ threads: 1.5 }), { code: 'BAD_ARGUMENT' });
    assert.throws(() => new HashPool({ maxInFlight: -1 }), { code: 'BAD_ARGUMENT' });
  });

  test('a destroyed pool refuses work with POOL_ERROR; destroy twice is fine', async () => {
    const pool = new HashPool({ threads: 1 });
    await pool.destroy();
    await pool.destroy();
    await assert.rejects(pool.hashBuffer(new Uint8Array(1), KiB), { code: 'POOL_ERROR' });
  });

  test('destroy right after start waits for the workers to load (Node 20 aborts on a worker terminated while it loads)', async () => {
    const pool = new HashPool({ threads: 2 });
    assert.equal(pool.loadedWorkers, 0, 'no worker has loaded yet');
    await pool.destroy();
    assert.equal(pool.loadedWorkers, 2);
  });

  test('tasks waiting for a slot fail when the pool is destroyed', async () => {
    const pool = new HashPool({ threads: 1, maxInFlight: 1 });
    const first = pool.hashBuffer(random(8 * MiB), KiB);
    const waiting = pool.hashBuffer(random(10), KiB);
    const done = pool.destroy();
    await assert.rejects(waiting, { code: 'POOL_ERROR' });
    // The running one either finished in time or was stopped: never anything but a POOL_ERROR.
    await first.catch((err: BytefallError) => assert.equal(err.code, 'POOL_ERROR'));
    await done;
  });

  test('withHashPool destroys the pool even when the work fails', async () => {
    let seen: HashPool | undefined;
    await assert.rejects(
      withHashPool({ threads: 1 }, async (pool) => {
        seen = pool;
        throw new Error('boom');
      }),
      /boom/,
    );
    await assert.rejects(seen!.hashBuffer(new Uint8Array(1), KiB), { code: 'POOL_ERROR' });
  });
});

describe('HashPool with this thread hashing too (inline)', () => {
  let dir: string;
  before(() => {
    dir = tempDir();
  });
  after(() => removeDir(dir));

  test('defaults: one worker fewer than cores (at least one), three tasks per worker and one here', async () => {
    const pool = new HashPool({ inline: true, threads: 2 });
    try {
      assert.equal(pool.inline, true);
      assert.equal(pool.maxInFlight, 7);
    } finally {
      await pool.destroy();
    }
  });

  test('a task that finds the workers busy runs here, with the same leaves and errors', async () => {
    const pool = new HashPool({ inline: true, threads: 1 });
    try {
      const data = random(3 * MiB + 17);
      const path = join(dir, 'inline.bin');
      writeFileSync(path, data);
      const expected = hashPieces(data, 64 * KiB);
      const regions = Array.from({ length: 12 }, () => pool.hashRegion({ path, offset: 0, length: data.length, pieceSize: 64 * KiB }));
      for (const r of await Promise.all(regions)) assert.deepEqual(r.leaves, expected);
      assert.ok(pool.ranHere > 0, 'some ran on this thread');
      assert.ok(pool.ranHere < 12, 'some ran on the worker');
      const batch = await pool.hashFiles({ files: [{ path, size: data.length, pieceSize: 64 * KiB }] });
      assert.deepEqual(batch.leaves, expected);
      // Errors keep their codes on either side.
      const missing = join(dir, 'missing');
      const failures = Array.from({ length: 6 }, () => pool.hashFiles({ files: [{ path: missing, size: 0, pieceSize: KiB }] }));
      for (const f of await Promise.allSettled(failures)) {
        assert.equal(f.status, 'rejected');
        assert.ok(f.status === 'rejected' && f.reason instanceof BytefallError && f.reason.code === 'NOT_FOUND' && f.reason.file === missing);
      }
      await assert.rejects(pool.hashRegion({ path: dir, offset: 0, length: 0, pieceSize: KiB }), { code: 'UNSUPPORTED_FILE' });
    } finally {
      await pool.destroy();
    }
  });

  test('a batch of many files run here (in slices) gives what a worker gives, a changed file included', async () => {
    const pool = new HashPool({ inline: true, threads: 1 });
    try {
      const files = Array.from({ length: 75 }, (_, i) => {
        const path = join(dir, `many-${i}.bin`);
        writeFileSync(path, random(i * 37 + (i % 3) * KiB));
        return { path, size: i * 37 + (i % 3) * KiB, pieceSize: KiB, fileSize: i * 37 + (i % 3) * KiB };
      });
      files[40] = { ...files[40], fileSize: files[40].size + 1 }; // not the size expected: not hashed
      const batches = await Promise.all(Array.from({ length: 8 }, () => pool.hashFiles({ files })));
      assert.ok(pool.ranHere > 0, 'some ran on this thread');
      const { hashFiles } = await import('../../src/hash/tasks.js');
      const direct = hashFiles({ files }).value;
      for (const b of batches) {
        assert.deepEqual(b.leaves, direct.leaves);
        assert.deepEqual(b.hashed, direct.hashed);
        assert.deepEqual(b.stamps, direct.stamps);
      }
      assert.equal(direct.hashed[40], false);
    } finally {
      await pool.destroy();
    }
  });

  test('without inline, nothing runs here', async () => {
    const pool = new HashPool({ threads: 1 });
    try {
      const path = join(dir, 'plain.bin');
      writeFileSync(path, random(100 * KiB));
      await Promise.all(Array.from({ length: 8 }, () => pool.hashRegion({ path, offset: 0, length: 100 * KiB, pieceSize: KiB })));
      assert.equal(pool.ranHere, 0);
    } finally {
      await pool.destroy();
    }
  });
});

describe('HashPool growAfterMs', () => {
  /** In a SharedArrayBuffer, as the swarm's piece buffers are: read in place, never transferred. */
  const shared = (bytes: Uint8Array): Uint8Array => {
    const out = new Uint8Array(new SharedArrayBuffer(bytes.length));
    out.set(bytes);
    return out;
  };
  /** Hashes `count` copies of one random shared buffer at once; each result must be exact. */
  const hashAtOnce = async (pool: HashPool, count: number, size: number, pieceSize: number) => {
    const data = shared(random(size));
    const expected = hashPieces(data, pieceSize);
    const got = await Promise.all(Array.from({ length: count }, () => pool.hashBuffer(data, pieceSize)));
    for (const g of got) assert.deepEqual(g, expected);
  };
  const assertWorkers = (pool: HashPool, n: number) => {
    assert.equal(pool.workersLetIn, n, 'workers let in');
    assert.equal(pool.workersStarted, n, 'workers piscina started');
  };
  test('short bursts keep one worker; a backlog that lasts lets the second in, and results stay exact', async () => {
    const pool = new HashPool({ threads: 2, startThreads: 1, growAfterMs: 40 });
    try {
      // bursts of 2 tasks fit the first worker's share: nothing waits, nothing grows
      for (let i = 0; i < 20; i++) await hashAtOnce(pool, 2, 64 * KiB, 16 * KiB);
      await new Promise((r) => setTimeout(r, 60));
      assertWorkers(pool, 1);
      // a queue that outlasts growAfterMs: 24 MiB pieces take ~10 ms each
      await hashAtOnce(pool, 12, 24 * MiB, 8 * MiB);
      assertWorkers(pool, 2);
    } finally {
      await pool.destroy();
    }
  });

  test('growBacklogBytes: a queue of small pieces that waits keeps one worker; a queue that large lets the second in', async () => {
    const pool = new HashPool({ threads: 2, startThreads: 1, growAfterMs: 5, growBacklogBytes: 64 * MiB });
    try {
      // 40 x 4 MiB pieces: they wait longer than 5 ms, but never 64 MiB of them at once
      for (let round = 0; round < 4; round++) await hashAtOnce(pool, 10, 4 * MiB, MiB);
      assertWorkers(pool, 1);
      // 24 x 8 MiB waiting: 176 MiB behind the two in flight
      await hashAtOnce(pool, 24, 8 * MiB, MiB);
      assertWorkers(pool, 2);
    } finally {
      await pool.destroy();
    }
  });

  test('without growAfterMs every worker may be used at once (the default)', async () => {
    const pool = new HashPool({ threads: 2, startThreads: 1 });
    try {
      assert.equal(pool.workersLetIn, 2);
    } finally {
      await pool.destroy();
    }
  });
});
