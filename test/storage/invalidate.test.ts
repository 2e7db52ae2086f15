// Two additions the swarm engine needs: invalidate() forgets a file that changed on disk
// (durably: a reopened storage does not trust it either), and read() into a caller's buffer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FsStorage } from '../../src/storage/fs-storage.js';
import { MemoryStorage } from '../../src/storage/memory-storage.js';
import type { Storage } from '../../src/storage/storage.js';
import { FILES, fileBytes, tempDir, writeAllPieces } from './helpers.js';

async function check(s: Storage): Promise<void> {
  await writeAllPieces(s, 0);
  assert.equal(s.status(0).complete, true);
  const into = new Uint8Array(4096).fill(0xee);
  const view = await s.read(0, 1000, 2000, into);
  assert.equal(view.length, 2000);
  assert.equal(view.buffer, into.buffer);
  assert.deepEqual(view, fileBytes(FILES[0], 0).subarray(1000, 3000));
  await assert.rejects(s.read(0, 0, 5000, into), /cannot take 5000/);
  await s.invalidate(0);
  assert.deepEqual(s.status(0), { pieces: 10, verified: 0, complete: false });
  assert.equal(s.isVerified(0, 3), false);
  await assert.rejects(s.readPiece(0, 3), /not verified/);
  await s.invalidate(2); // an empty file stays complete
  assert.equal(s.status(2).complete, true);
  await s.adoptFinal(0); // the final copy checks out again
  assert.equal(s.status(0).complete, true);
}

test('memory storage: read into a buffer, invalidate, adopt again', async () => {
  await check(new MemoryStorage(FILES));
});

test('file storage: read into a buffer, invalidate (durably), adopt again', async (t) => {
  const dir = await tempDir(t);
  const s = await FsStorage.open(dir, FILES);
  await check(s);
  await s.invalidate(0);
  await s.close();
  const again = await FsStorage.open(dir, FILES);
  assert.equal(again.status(0).verified, 0, 'a reopened storage does not trust the file either');
  await again.close();
});
