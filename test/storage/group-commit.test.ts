import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GroupCommit } from '../../src/storage/group-commit.js';
import type { PieceLocation } from '../../src/storage/layout.js';

test('GroupCommit: batches in order; a failed batch rejects each of its pieces, the next batch still runs', async () => {
  const batches: string[] = [];
  let fail = false;
  const gc = new GroupCommit(0, async (batch: PieceLocation[]) => {
    batches.push(batch.map((b) => `${b.file}:${b.piece}`).join(' '));
    if (fail) throw new Error('EIO');
  }, () => false);
  const first = gc.add({ file: 0, piece: 0 }, false); // starts a batch of its own at once
  const rest = [gc.add({ file: 0, piece: 1 }, false), gc.add({ file: 1, piece: 0 }, true)];
  await Promise.all([first, ...rest]);
  assert.deepEqual(batches, ['0:0', '0:1 1:0']);
  fail = true;
  const failing = [gc.add({ file: 2, piece: 0 }, false), gc.add({ file: 2, piece: 1 }, false)];
  for (const p of failing) await assert.rejects(p, /EIO/);
  fail = false;
  await gc.add({ file: 3, piece: 0 }, false);
  await gc.settle();
  assert.deepEqual(batches, ['0:0', '0:1 1:0', '2:0', '2:1', '3:0']);
});
