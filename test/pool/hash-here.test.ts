// Pieces from the network are hashed on the calling thread while they arrive slowly
// (hash-here.ts), and the pool starts no worker for them; past the rate they go to the
// workers for good. The gate as a pure function with a readable timeline, then the pool.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hashPieces } from '../../src/hash/merkle.js';
import { HashHere } from '../../src/hash/hash-here.js';
import { HashPool } from '../../src/hash/pool.js';
import { random } from '../create/tmp-tree.js';

const MiB = 1 << 20;

/** Feeds [ms, bytes] arrivals to a gate of 100 MB/s over 250 ms windows (25 MB a window), any piece size unless given. */
function run(arrivals: [number, number][], o: Partial<ConstructorParameters<typeof HashHere>[0]> = {}): string {
  const gate = new HashHere({ bytesPerSecond: 100e6, maxPiece: Number.POSITIVE_INFINITY, ...o });
  return arrivals.map(([ms, bytes]) => (gate.take(bytes, ms) ? 'here' : 'worker')).join(' ');
}

describe('HashHere', () => {
  test('slow arrivals stay here, window after window', () => {
    // 10 MB every 200 ms is 50 MB/s: windows [0, 250) 20 MB, [400, 650) 20 MB, [800, ...) 10 MB.
    assert.equal(run([[0, 10e6], [200, 10e6], [400, 10e6], [600, 10e6], [800, 10e6]]), 'here here here here here');
  });

  test('the first window over the rate sends that piece and every later one to the workers', () => {
    // 10 MB at 0, 100, 200 ms: 30 MB within one window (> 25 MB), then slow again.
    assert.equal(run([[0, 10e6], [100, 10e6], [200, 10e6], [1000, 1], [5000, 1]]), 'here here worker worker worker');
  });

  test('a piece larger than maxPiece goes to a worker without closing the gate', () => {
    assert.equal(run([[0, 5 * MiB], [10, MiB], [20, 5 * MiB], [30, MiB]], { maxPiece: 4 * MiB }), 'worker here worker here');
  });

  test('the window length is respected exactly: a window is [start, start + windowMs)', () => {
    // 20 MB at 0 and 20 MB at 250 ms: two windows of 20 MB each, never 40 in one.
    assert.equal(run([[0, 20e6], [250, 20e6], [499, 5e6]]), 'here here here');
    assert.equal(run([[0, 20e6], [249, 20e6]]), 'here worker');
  });
});

describe('HashPool with hashHereBelow', () => {
  test('slow pieces are hashed on this thread and no worker starts; the result is the same', async () => {
    const pool = new HashPool({ threads: 1, hashHereBelow: 1e12 });
    try {
      const data = new Uint8Array(new SharedArrayBuffer(3 * MiB + 5));
      data.set(random(data.length));
      assert.deepEqual(await pool.hashBuffer(data, MiB), hashPieces(data, MiB));
      assert.equal(pool.ranHere, 1);
      assert.equal(pool.workersStarted, 0, 'no worker started for it');
      await assert.rejects(pool.hashBuffer(new Uint8Array(10), 0), { code: 'BAD_ARGUMENT' });
    } finally {
      await pool.destroy();
    }
    assert.equal(pool.workersStarted, 0);
  });

  test('past the rate a worker starts; pieces are hashed here until it has loaded, then on it', async () => {
    const pool = new HashPool({ threads: 1, hashHereBelow: 1 }); // 1 byte/s: the first piece is over it
    try {
      const data = random(2 * MiB);
      const expected = hashPieces(data, MiB);
      assert.deepEqual(await pool.hashBuffer(data.slice(), MiB), expected);
      assert.equal(pool.workersStarted, 1, 'the rate was exceeded: a worker starts');
      assert.equal(pool.ranHere, 1, 'it has not loaded yet: the piece was hashed here');
      for (let i = 0; i < 500 && pool.loadedWorkers === 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(pool.loadedWorkers, 1);
      assert.deepEqual(await pool.hashBuffer(data.slice(), MiB), expected);
      assert.equal(pool.ranHere, 1, 'once it has loaded, pieces go to it');
    } finally {
      await pool.destroy();
    }
  });

  test('other tasks start the workers as before; a bad rate is BAD_ARGUMENT', async () => {
    assert.throws(() => new HashPool({ hashHereBelow: 0 }), { code: 'BAD_ARGUMENT' });
    assert.throws(() => new HashPool({ hashHereBelow: Number.NaN }), { code: 'BAD_ARGUMENT' });
    const pool = new HashPool({ threads: 1, hashHereBelow: 1e12 });
    try {
      assert.equal(pool.workersStarted, 0);
      assert.deepEqual(await pool.verifyRecords({ records: new Uint8Array(0), items: [] }), { bad: [], sizes: [] });
      assert.equal(pool.workersStarted, 1, 'a task for the workers started one');
    } finally {
      await pool.destroy();
    }
  });
});
