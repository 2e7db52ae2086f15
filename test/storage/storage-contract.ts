// What every Storage promises, run against each implementation (as abstract-chunk-store does
// for WebTorrent's stores): round trips, refusals, completion, final copies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FileSpec } from '../../src/storage/layout.js';
import type { Storage } from '../../src/storage/storage.js';
import { FILES, fileBytes, pieceBytes, writeAllPieces } from './helpers.js';

export type OpenForTest = (
  t: import('node:test').TestContext,
  files: FileSpec[],
  finals?: Map<number, Uint8Array>,
) => Promise<Storage>;

export function storageContract(name: string, open: OpenForTest): void {
  test(`${name}: pieces round-trip, out of order, short last piece included`, async (t) => {
    const s = await open(t, FILES);
    for (const p of [9, 3, 0, 5]) await s.writePiece(0, p, pieceBytes(FILES[0], 0, p));
    for (const p of [9, 3, 0, 5]) assert.deepEqual(await s.readPiece(0, p), pieceBytes(FILES[0], 0, p));
    assert.deepEqual(s.status(0), { pieces: 10, verified: 4, complete: false });
    assert.equal(s.isVerified(0, 3), true);
    assert.equal(s.isVerified(0, 4), false);
    assert.deepEqual(await s.read(0, 3 * 1024 + 10, 5), pieceBytes(FILES[0], 0, 3).slice(10, 15));
    await s.close();
  });

  test(`${name}: readv fills its parts in order with the bytes read() gives, across pieces; out of range is refused`, async (t) => {
    const s = await open(t, FILES);
    for (const p of [2, 3, 4]) await s.writePiece(0, p, pieceBytes(FILES[0], 0, p));
    const parts = [new Uint8Array(1000), new Uint8Array(0), new Uint8Array(1500), new Uint8Array(7)];
    await s.readv(0, 2 * 1024 + 100, parts);
    const want = new Uint8Array([...pieceBytes(FILES[0], 0, 2).subarray(100), ...pieceBytes(FILES[0], 0, 3), ...pieceBytes(FILES[0], 0, 4).subarray(0, 559)]);
    assert.deepEqual(await s.read(0, 2 * 1024 + 100, 2507), want);
    assert.deepEqual(parts[0], want.subarray(0, 1000));
    assert.deepEqual(parts[2], want.subarray(1000, 2500));
    assert.deepEqual(parts[3], want.subarray(2500));
    await assert.rejects(s.readv(0, 9990, [new Uint8Array(5), new Uint8Array(6)]), { code: 'BAD_ARGUMENT' });
    await assert.rejects(s.readv(1, 0, [new Uint8Array(1)]), { code: 'NOT_FOUND' }, 'nothing written yet');
    await s.close();
  });

  test(`${name}: the verified bitfield is in global order`, async (t) => {
    const s = await open(t, FILES);
    await s.writePiece(1, 2, pieceBytes(FILES[1], 1, 2));
    await s.writePiece(3, 0, pieceBytes(FILES[3], 3, 0));
    const bits = s.verified();
    assert.equal(bits.length, 15);
    const set: number[] = [];
    bits.forEach((i) => set.push(i));
    assert.deepEqual(set, [12, 14]);
    await s.close();
  });

  test(`${name}: unverified pieces are not served; bad pieces are refused`, async (t) => {
    const s = await open(t, FILES);
    await assert.rejects(s.readPiece(0, 1), { code: 'NOT_VERIFIED' });
    await assert.rejects(s.writePiece(0, 1, new Uint8Array(1000)), { code: 'BAD_ARGUMENT' });
    await assert.rejects(s.writePiece(0, 10, new Uint8Array(1024)), { code: 'BAD_ARGUMENT' });
    await assert.rejects(s.writePiece(0, 9, new Uint8Array(1024)), { code: 'BAD_ARGUMENT' }, 'the last piece is 784 bytes');
    await assert.rejects(s.writePiece(7, 0, new Uint8Array(1024)), { code: 'BAD_ARGUMENT' });
    await assert.rejects(s.read(0, 9990, 11), { code: 'BAD_ARGUMENT' });
    await assert.rejects(s.read(1, 0, 1), { code: 'NOT_FOUND' }, 'nothing written yet');
    await s.close();
  });

  test(`${name}: a file completes with its last piece; empty files are complete at once`, async (t) => {
    const s = await open(t, FILES);
    assert.equal(s.status(2).complete, true);
    await writeAllPieces(s, 1);
    assert.deepEqual(s.status(1), { pieces: 4, verified: 4, complete: true });
    assert.deepEqual(await s.read(1, 0, 4096), fileBytes(FILES[1], 1));
    await s.writePiece(1, 0, pieceBytes(FILES[1], 1, 0)); // already verified: nothing happens
    await s.close();
  });

  test(`${name}: markVerified records a re-checked piece of the working copy`, async (t) => {
    const s = await open(t, FILES);
    await assert.rejects(s.markVerified(1, 0), { code: 'NOT_FOUND' });
    await s.writePiece(1, 0, pieceBytes(FILES[1], 1, 0));
    await s.markVerified(1, 1);
    assert.equal(s.isVerified(1, 1), true);
    await s.close();
  });

  test(`${name}: an earlier copy under the final name is readable, adoptable, and replaced only when complete`, async (t) => {
    const old = new Uint8Array(4096).fill(7);
    const s = await open(t, FILES, new Map([[1, old]]));
    assert.deepEqual(await s.readFinal(1, 10, 3), Uint8Array.of(7, 7, 7));
    await assert.rejects(s.readFinal(0, 0, 1), { code: 'NOT_FOUND' });
    await s.writePiece(1, 0, pieceBytes(FILES[1], 1, 0));
    assert.deepEqual(await s.readFinal(1, 0, 3), Uint8Array.of(7, 7, 7), 'the old copy stays until the new one is complete');
    await writeAllPieces(s, 1);
    assert.deepEqual(await s.readFinal(1, 0, 4096), fileBytes(FILES[1], 1));
    await s.close();

    const s2 = await open(t, FILES, new Map([[0, fileBytes(FILES[0], 0)]]));
    await s2.adoptFinal(0);
    assert.deepEqual(s2.status(0), { pieces: 10, verified: 10, complete: true });
    assert.deepEqual(await s2.readPiece(0, 9), pieceBytes(FILES[0], 0, 9));
    await s2.close();
  });

  test(`${name}: a closed storage refuses work`, async (t) => {
    const s = await open(t, FILES);
    await s.close();
    await assert.rejects(s.writePiece(0, 0, pieceBytes(FILES[0], 0, 0)), { code: 'BAD_ARGUMENT' });
  });
}
