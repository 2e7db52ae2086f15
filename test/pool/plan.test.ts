import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BATCH_BYTES, BATCH_FILES, JobPlanner, planJobs, regionBytes, regionCount } from '../../src/hash/pool-plan.js';
import { JobWindow, runWindowed } from '../../src/hash/pool-window.js';

const KiB = 1024;
const MiB = 1024 * KiB;

test('regions are a whole number of pieces of about 8 MiB', () => {
  assert.equal(regionBytes(KiB), 8 * MiB);
  assert.equal(regionBytes(256 * KiB), 8 * MiB);
  assert.equal(regionBytes(16 * MiB), 16 * MiB);
  assert.equal(regionCount({ size: BATCH_BYTES, pieceSize: KiB }), 0, 'batched, not cut');
  assert.equal(regionCount({ size: 20 * MiB + 1, pieceSize: KiB }), 3);
});

test('small files are batched by bytes and by count; large ones cut into regions', () => {
  const big = { name: 'big', size: 20 * MiB + 1, pieceSize: 256 * KiB };
  const files = [
    ...Array.from({ length: BATCH_FILES + 10 }, (_, i) => ({ name: `s${i}`, size: 100, pieceSize: KiB })),
    { name: 'half1', size: 5 * MiB, pieceSize: KiB },
    big,
    { name: 'half2', size: 5 * MiB, pieceSize: KiB },
  ];
  const jobs = [...planJobs(files)];
  const shape = jobs.map((j) => (j.kind === 'batch' ? `batch:${j.files.length}` : `region:${j.file.name}@${j.offset}+${j.length}`));
  assert.deepEqual(shape, [
    `batch:${BATCH_FILES}`,
    `region:big@0+${8 * MiB}`,
    `region:big@${8 * MiB}+${8 * MiB}`,
    `region:big@${16 * MiB}+${4 * MiB + 1}`,
    'batch:11', // 10 small files and half1
    'batch:1', // half2 does not fit beside half1
  ]);
});

test('runWindowed keeps at most `limit` jobs pending and runs them all', async () => {
  let pending = 0;
  let peak = 0;
  const seen: number[] = [];
  await runWindowed([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
    pending++;
    peak = Math.max(peak, pending);
    await new Promise((r) => setTimeout(r, 5 * (n % 3)));
    seen.push(n);
    pending--;
  });
  assert.equal(peak, 3);
  assert.deepEqual(seen.sort(), [1, 2, 3, 4, 5, 6, 7]);
});

test('runWindowed stops at the first failure and waits for the pending jobs', async () => {
  const started: number[] = [];
  let settled = 0;
  await assert.rejects(
    runWindowed([1, 2, 3, 4, 5, 6], 2, async (n) => {
      started.push(n);
      await new Promise((r) => setTimeout(r, n === 2 ? 1 : 20));
      settled++;
      if (n === 2) throw new Error('job 2 failed');
    }),
    /job 2 failed/,
  );
  assert.equal(settled, started.length, 'nothing still running when it rejects');
  assert.ok(started.length < 6, `started ${started}`);
});

test('JobPlanner gives a job as soon as it is complete; uncut, a large file is a batch of its own', () => {
  const small = (name: string, size = 100) => ({ name, size, pieceSize: KiB });
  const planner = new JobPlanner<{ name: string; size: number; pieceSize: number }>();
  assert.deepEqual(planner.add(small('a')), []);
  assert.deepEqual(planner.add(small('b')), []);
  const regions = planner.add({ name: 'big', size: 9 * MiB, pieceSize: MiB });
  assert.deepEqual(regions.map((j) => (j.kind === 'region' ? `${j.offset}+${j.length}` : 'batch')), [`0+${8 * MiB}`, `${8 * MiB}+${MiB}`]);
  // The next file that does not fit closes the batch of a and b.
  const closed = planner.add(small('c', BATCH_BYTES));
  assert.deepEqual(closed.map((j) => (j.kind === 'batch' ? j.files.map((f) => f.name) : [])), [['a', 'b']]);
  assert.deepEqual(planner.flush().map((j) => (j.kind === 'batch' ? j.files.map((f) => f.name) : [])), [['c']]);
  assert.deepEqual(planner.flush(), []);
  const uncut = new JobPlanner<{ name: string; size: number; pieceSize: number }>(false);
  assert.deepEqual(uncut.add({ name: 'big', size: 9 * MiB, pieceSize: MiB }), [{ kind: 'batch', files: [{ name: 'big', size: 9 * MiB, pieceSize: MiB }] }]);
});

test('JobWindow runs pushed jobs at most `limit` at a time, queues the rest, and waits for all', async () => {
  let pending = 0;
  let peak = 0;
  const seen: number[] = [];
  const window = new JobWindow<number>(2, async (n) => {
    pending++;
    peak = Math.max(peak, pending);
    await new Promise((r) => setTimeout(r, n % 3));
    seen.push(n);
    pending--;
  });
  for (let n = 1; n <= 5; n++) window.push(n);
  assert.equal(pending, 2, 'two started at once, three queued');
  await new Promise((r) => setTimeout(r, 5));
  for (let n = 6; n <= 9; n++) window.push(n);
  await window.done();
  assert.equal(peak, 2);
  assert.deepEqual(seen.sort(), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  await window.done(); // nothing left: resolves at once
});

test('JobWindow stops at the first failure, drops the queue, and rejects once nothing runs', async () => {
  const started: number[] = [];
  let settled = 0;
  const window = new JobWindow<number>(2, async (n) => {
    started.push(n);
    await new Promise((r) => setTimeout(r, n === 1 ? 1 : 10));
    settled++;
    if (n === 1) throw new Error('job 1 failed');
  });
  for (let n = 1; n <= 6; n++) window.push(n);
  await assert.rejects(window.done(), /job 1 failed/);
  assert.ok(window.failed);
  assert.equal(settled, started.length, 'nothing still running when it rejects');
  assert.ok(started.length < 6, `started ${started}`);
  window.push(7);
  assert.ok(!started.includes(7), 'nothing starts after a failure');
});
