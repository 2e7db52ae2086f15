// What only the file-system storage does: staging names and the rename on completion, sparse
// or full allocation, resume after a restart, files changed while we were away, the descriptor
// bound, refused paths, and disk errors that surface as BytefallErrors with file and operation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, open, readFile, readdir, rm, stat, truncate, utimes, writeFile } from 'node:fs/promises';
import { statfsSync } from 'node:fs';
import { join } from 'node:path';
import { FsStorage } from '../../src/storage/fs-storage.js';
import type { BytefallError } from '../../src/errors.js';
import type { FileHandleLike } from '../../src/storage/fd-cache.js';
import type { OpenFile } from '../../src/storage/resume-state.js';
import { FILES, fileBytes, openReal, pieceBytes, tempDir, wrapHandle, writeAllPieces } from './helpers.js';

/** /dev/shm when it is a tmpfs (statfs type 0x01021994), else undefined. */
function tmpfsDir(): string | undefined {
  try {
    return statfsSync('/dev/shm').type === 0x01021994 ? '/dev/shm' : undefined;
  } catch {
    return undefined;
  }
}

/** Leaves a storage as a kill -9 would: nothing flushed or saved, descriptors dropped (the journal's too, unsynced). */
async function abandon(s: FsStorage): Promise<void> {
  const inner = s as unknown as { fds: { closeAll(): Promise<void> }; state: { journal: FileHandleLike | null } };
  await inner.fds.closeAll();
  await inner.state.journal?.close();
  inner.state.journal = null;
}

test('a file keeps its staging name until every piece is verified, then gets its final name', async (t) => {
  const root = await tempDir(t);
  const s = await FsStorage.open(root, FILES);
  assert.deepEqual((await readdir(join(root, 'dir'))).sort(), ['empty'], 'empty files are complete at open');
  await s.writePiece(1, 0, pieceBytes(FILES[1], 1, 0));
  assert.deepEqual((await readdir(join(root, 'dir'))).sort(), ['b.bin.bytefall-part', 'empty']);
  assert.equal((await stat(join(root, 'dir', 'b.bin.bytefall-part'))).size, 4096, 'created at full size');
  for (const p of [3, 1]) await s.writePiece(1, p, pieceBytes(FILES[1], 1, p));
  assert.deepEqual((await readdir(join(root, 'dir'))).sort(), ['b.bin.bytefall-part', 'empty'], '3 of 4 pieces: still staged');
  await s.writePiece(1, 2, pieceBytes(FILES[1], 1, 2));
  assert.deepEqual((await readdir(join(root, 'dir'))).sort(), ['b.bin', 'empty']);
  assert.deepEqual(new Uint8Array(await readFile(join(root, 'dir', 'b.bin'))), fileBytes(FILES[1], 1));
  await s.close();
});

test('working copies are sparse by default, fully allocated on request', async (t) => {
  const files = [{ path: ['big'], size: 8 << 20, pieceSize: 1 << 20 }];
  const piece = new Uint8Array(1 << 20).fill(1);
  const sparseRoot = await tempDir(t);
  const sparse = await FsStorage.open(sparseRoot, files);
  await sparse.writePiece(0, 3, piece);
  const a = await stat(join(sparseRoot, 'big.bytefall-part'));
  assert.equal(a.size, 8 << 20);
  assert.ok(a.blocks * 512 < 4 << 20, `sparse: ${a.blocks * 512} bytes allocated`);
  await sparse.close();
  const fullRoot = await tempDir(t);
  const full = await FsStorage.open(fullRoot, files, { allocation: 'full' });
  await full.writePiece(0, 3, piece);
  const b = await stat(join(fullRoot, 'big.bytefall-part'));
  assert.ok(b.blocks * 512 >= 8 << 20, `full: ${b.blocks * 512} bytes allocated`);
  assert.deepEqual(await full.read(0, 0, 4), new Uint8Array(4));
  await full.close();
});

test('a restarted node knows its verified pieces without re-hashing (clean close and kill)', async (t) => {
  const root = await tempDir(t);
  const s = await FsStorage.open(root, FILES);
  for (const p of [0, 4, 9]) await s.writePiece(0, p, pieceBytes(FILES[0], 0, p));
  await writeAllPieces(s, 1);
  await s.close();
  const s2 = await FsStorage.open(root, FILES);
  assert.deepEqual(s2.status(0), { pieces: 10, verified: 3, complete: false });
  assert.deepEqual(s2.status(1), { pieces: 4, verified: 4, complete: true });
  assert.deepEqual(await s2.readPiece(0, 4), pieceBytes(FILES[0], 0, 4));
  await s2.writePiece(0, 5, pieceBytes(FILES[0], 0, 5));
  await abandon(s2); // no close: the journal alone must carry piece 5
  const s3 = await FsStorage.open(root, FILES);
  assert.deepEqual(s3.status(0), { pieces: 10, verified: 4, complete: false });
  assert.equal(s3.isVerified(0, 5), true);
  await s3.close();
});

test('a kill between the last record and the rename is finished at the next open', async (t) => {
  const root = await tempDir(t);
  await mkdir(join(root, 'dir', 'b.bin'), { recursive: true }); // the rename will fail
  const s = await FsStorage.open(root, FILES);
  await writeAllPieces(s, 1);
  assert.equal(s.status(1).complete, false);
  await assert.rejects(s.flush(), (err: { code: string; op: string; file: string }) => {
    assert.equal(err.op, 'rename');
    assert.equal(err.file, join(root, 'dir', 'b.bin'));
    return true;
  });
  await abandon(s);
  await rm(join(root, 'dir', 'b.bin'), { recursive: true });
  const s2 = await FsStorage.open(root, FILES);
  assert.deepEqual(s2.status(1), { pieces: 4, verified: 4, complete: true });
  assert.deepEqual(new Uint8Array(await readFile(join(root, 'dir', 'b.bin'))), fileBytes(FILES[1], 1));
  await s2.close();
});

test('a finished file changed or removed while we were away is no longer trusted', async (t) => {
  const root = await tempDir(t);
  const s = await FsStorage.open(root, FILES);
  await writeAllPieces(s, 0);
  await writeAllPieces(s, 1);
  await s.writePiece(3, 0, pieceBytes(FILES[3], 3, 0));
  await s.close();
  await writeFile(join(root, 'a.txt'), new Uint8Array(10_000).fill(9)); // same size, new content
  await utimes(join(root, 'a.txt'), 1_000_000, 1_000_000);
  await rm(join(root, 'dir', 'b.bin'));
  const s2 = await FsStorage.open(root, FILES);
  assert.deepEqual(s2.status(0), { pieces: 10, verified: 0, complete: false });
  assert.deepEqual(s2.status(1), { pieces: 4, verified: 0, complete: false });
  assert.deepEqual(s2.status(3), { pieces: 1, verified: 1, complete: true });
  assert.deepEqual(await s2.readFinal(0, 0, 2), Uint8Array.of(9, 9), 'the changed copy is still there to re-check');
  await s2.close();
});

test('a working copy deleted while we were away loses its pieces', async (t) => {
  const root = await tempDir(t);
  const s = await FsStorage.open(root, FILES);
  await s.writePiece(0, 1, pieceBytes(FILES[0], 0, 1));
  await s.close();
  await rm(join(root, 'a.txt.bytefall-part'));
  const s2 = await FsStorage.open(root, FILES);
  assert.equal(s2.status(0).verified, 0);
  await s2.close();
});

test('resume state follows files by path, size, piece size and id across layouts', async (t) => {
  const root = await tempDir(t);
  const v1 = [
    { path: ['keep'], size: 2048, pieceSize: 1024, id: Uint8Array.of(1) },
    { path: ['change'], size: 2048, pieceSize: 1024, id: Uint8Array.of(2) },
  ];
  const s = await FsStorage.open(root, v1);
  await s.writePiece(0, 1, pieceBytes(v1[0], 0, 1));
  await s.writePiece(1, 1, pieceBytes(v1[1], 1, 1));
  await s.close();
  const v2 = [{ path: ['added'], size: 5, pieceSize: 1024 }, v1[0], { ...v1[1], id: Uint8Array.of(3) }];
  const s2 = await FsStorage.open(root, v2);
  assert.deepEqual([0, 1, 2].map((i) => s2.status(i).verified), [0, 1, 0]);
  assert.equal(s2.isVerified(1, 1), true);
  await s2.close();
});

test('readv goes on after short reads until every part is full, and a file that ends first is an IO_ERROR', async (t) => {
  const root = await tempDir(t);
  let calls = 0;
  const short: OpenFile = async (path, flags, mode) => {
    const h = await openReal(path, flags, mode);
    if (!path.endsWith('.bytefall-part')) return h;
    const readv = (async (buffers: NodeJS.ArrayBufferView[], position: number) => {
      calls++;
      const first = buffers[0] as Uint8Array; // at most 300 bytes per call, as a busy disk may give
      return h.readv([first.subarray(0, Math.min(300, first.length))], position);
    }) as FileHandleLike['readv'];
    return wrapHandle(h, { readv });
  };
  const s = await FsStorage.open(root, FILES, { openFile: short });
  await writeAllPieces(s, 0);
  const parts = [new Uint8Array(1000), new Uint8Array(2048), new Uint8Array(5)];
  await s.readv(0, 500, parts);
  const whole = fileBytes(FILES[0], 0);
  assert.deepEqual(parts.map((p) => [...p]), [[...whole.subarray(500, 1500)], [...whole.subarray(1500, 3548)], [...whole.subarray(3548, 3553)]]);
  assert.ok(calls >= 11, `${calls} readv calls`);
  await truncate(join(root, 'a.txt'), 2000); // cut under us
  await assert.rejects(s.readv(0, 500, [new Uint8Array(1000), new Uint8Array(2000)]), { code: 'IO_ERROR', op: 'read' });
  await s.close();
});

test('no more files are open than the bound, even with many concurrent writes', async (t) => {
  const root = await tempDir(t);
  const files = Array.from({ length: 20 }, (_, i) => ({ path: [`f${i}`], size: 4096, pieceSize: 1024 }));
  let open = 0;
  let peak = 0;
  const counting: OpenFile = async (path, flags, mode) => {
    const h = await openReal(path, flags, mode);
    if (!path.endsWith('.bytefall-part')) return h;
    peak = Math.max(peak, ++open);
    return wrapHandle(h, { close: async () => (open--, h.close()) });
  };
  const s = await FsStorage.open(root, files, { maxOpenFiles: 3, openFile: counting });
  await Promise.all(files.flatMap((f, i) => [0, 1, 2, 3].map((p) => s.writePiece(i, p, pieceBytes(f, i, p)))));
  assert.ok(peak <= 3, `peak ${peak} open files`);
  assert.ok(s.openFiles <= 3);
  for (let i = 0; i < 20; i++) assert.equal(s.status(i).complete, true);
  for (let i = 0; i < 20; i++) assert.deepEqual(await s.readPiece(i, 2), pieceBytes(files[i], i, 2));
  await s.close();
});

test('paths that leave the root or clash are refused', async (t) => {
  const parent = await tempDir(t);
  const root = join(parent, 'dl');
  const bad: string[][] = [['..', 'x'], ['a', '..', '..', 'x'], ['/etc/passwd'], [''], ['.'], ['a\0b'], []];
  for (const path of bad) {
    await assert.rejects(FsStorage.open(root, [{ path, size: 1, pieceSize: 1024 }]), { code: 'UNSAFE_PATH' }, JSON.stringify(path));
  }
  const twice = [{ path: ['a'], size: 1, pieceSize: 1024 }, { path: ['a.bytefall-part'], size: 1, pieceSize: 1024 }];
  await assert.rejects(FsStorage.open(root, twice), { code: 'UNSAFE_PATH' });
  const fileAndDir = [{ path: ['a'], size: 1, pieceSize: 1024 }, { path: ['a', 'b'], size: 1, pieceSize: 1024 }];
  await assert.rejects(FsStorage.open(root, fileAndDir), { code: 'BAD_ARGUMENT' });
  const onState = [{ path: ['.bytefall', 'state'], size: 1, pieceSize: 1024 }];
  await assert.rejects(FsStorage.open(root, onState), { code: 'UNSAFE_PATH' });
  const elsewhere = await FsStorage.open(root, onState, { statePath: join(await tempDir(t), 'state') });
  await elsewhere.writePiece(0, 0, Uint8Array.of(1));
  await elsewhere.close();
  assert.deepEqual(await readdir(join(root, '.bytefall')), ['state'], 'allowed when the state lives elsewhere');
  assert.deepEqual(await readdir(parent), ['dl'], 'nothing was written outside the root');
});

/**
 * With the disk full (`setFull(true)`), piece 0 of a.txt fails as NO_SPACE naming its part file
 * and the write, and is not recorded; with room again, the same write succeeds and is recorded.
 */
async function fullThenRoom(s: FsStorage, root: string, setFull: (full: boolean) => void): Promise<void> {
  setFull(true);
  await assert.rejects(s.writePiece(0, 0, pieceBytes(FILES[0], 0, 0)), (err: { code: string; file: string; op: string }) => {
    assert.equal(err.code, 'NO_SPACE');
    assert.equal(err.file, join(root, 'a.txt.bytefall-part'));
    assert.equal(err.op, 'write');
    return true;
  });
  assert.equal(s.isVerified(0, 0), false);
  setFull(false);
  await s.writePiece(0, 0, pieceBytes(FILES[0], 0, 0));
  assert.equal(s.isVerified(0, 0), true);
}

test('a full disk is a NO_SPACE error naming the file and the operation; nothing is recorded', async (t) => {
  const root = await tempDir(t);
  let full = false;
  const io: OpenFile = async (path, flags, mode) => {
    const h = await openReal(path, flags, mode);
    return wrapHandle(h, {
      write: (async (...args: unknown[]) => {
        if (full) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        return (h.write as (...a: unknown[]) => unknown)(...args);
      }) as FileHandleLike['write'],
    });
  };
  const s = await FsStorage.open(root, FILES, { openFile: io });
  await fullThenRoom(s, root, (f) => (full = f));
  await s.close();
});

test('a full disk met by a write made on this thread (io-here.ts) is the same NO_SPACE error', async (t) => {
  const devFull = await open('/dev/full', 'w').catch(() => undefined);
  if (!devFull) return t.skip('no /dev/full');
  t.after(() => devFull.close());
  const root = await tempDir(t);
  let full = false;
  const io: OpenFile = async (path, flags, mode) => {
    const h = await openReal(path, flags, mode);
    const wrapped = wrapHandle(h, {});
    // the descriptor blocking writes use: /dev/full while the disk is "full"
    Object.defineProperty(wrapped, 'fd', { get: () => (full && path.endsWith('.bytefall-part') ? devFull.fd : (h as { fd?: number }).fd) });
    return wrapped;
  };
  const s = await FsStorage.open(root, FILES, { openFile: io });
  await s.writePiece(0, 1, pieceBytes(FILES[0], 0, 1));
  await fullThenRoom(s, root, (f) => (full = f));
  await s.close();
  const on = await readFile(join(root, 'a.txt.bytefall-part'));
  assert.deepEqual(on.subarray(0, 2048), Buffer.concat([pieceBytes(FILES[0], 0, 0), pieceBytes(FILES[0], 0, 1)]));
});

test('a failed journal write or data sync rejects the write and records nothing; later writes work', async (t) => {
  const root = await tempDir(t);
  let failJournal = false;
  let failSync = false;
  const io: OpenFile = async (path, flags, mode) => {
    const h = await openReal(path, flags, mode);
    const eio = () => Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
    return wrapHandle(h, {
      write: (async (...args: unknown[]) => {
        if (failJournal && path.endsWith('state.journal')) {
          await (h.write as (...a: unknown[]) => Promise<unknown>)(args[0], 0, 7, args[3]); // a torn append
          throw eio();
        }
        return (h.write as (...a: unknown[]) => unknown)(...args);
      }) as FileHandleLike['write'],
      datasync: async () => {
        if (failSync && path.endsWith('.bytefall-part')) throw eio();
        return h.datasync();
      },
    });
  };
  const s = await FsStorage.open(root, FILES, { openFile: io });
  failJournal = true;
  await assert.rejects(s.writePiece(0, 0, pieceBytes(FILES[0], 0, 0)), { code: 'IO_ERROR', op: 'write', file: join(root, '.bytefall', 'state.journal') });
  failJournal = false;
  failSync = true;
  await assert.rejects(s.writePiece(0, 1, pieceBytes(FILES[0], 0, 1)), { code: 'IO_ERROR', op: 'sync' });
  failSync = false;
  await s.writePiece(0, 2, pieceBytes(FILES[0], 0, 2));
  assert.deepEqual([0, 1, 2].map((p) => s.isVerified(0, p)), [false, false, true]);
  await abandon(s);
  const s2 = await FsStorage.open(root, FILES);
  assert.deepEqual([0, 1, 2].map((p) => s2.isVerified(0, p)), [false, false, true], 'the torn append did not hide piece 2');
  await s2.close();
});


test('a piece is written in calls of at most writeSliceBytes, in order, and reads back whole', async (t) => {
  const root = await tempDir(t);
  const calls: [number, number][] = [];
  const io: OpenFile = async (path, flags, mode) => {
    const h = await openReal(path, flags, mode);
    if (!path.endsWith('a.txt.bytefall-part')) return h;
    return wrapHandle(h, {
      write: ((...args: unknown[]) => {
        calls.push([args[3] as number, args[2] as number]); // position, length
        return (h.write as (...a: unknown[]) => unknown)(...args);
      }) as FileHandleLike['write'],
    });
  };
  await assert.rejects(FsStorage.open(root, FILES, { writeSliceBytes: 0 }), { code: 'BAD_ARGUMENT' });
  const s = await FsStorage.open(root, FILES, { openFile: io, writeSliceBytes: 300 });
  try {
    await s.writePiece(0, 2, pieceBytes(FILES[0], 0, 2)); // 1024 bytes at 2048
    await s.writePiece(0, 9, pieceBytes(FILES[0], 0, 9)); // the last piece: 784 bytes at 9216
    assert.deepEqual(calls, [[2048, 300], [2348, 300], [2648, 300], [2948, 124], [9216, 300], [9516, 300], [9816, 184]]);
    assert.deepEqual(await s.readPiece(0, 2), pieceBytes(FILES[0], 0, 2));
    assert.deepEqual(await s.readPiece(0, 9), pieceBytes(FILES[0], 0, 9));
  } finally {
    await s.close();
  }
});

test('a slice that fails fails the piece only once the other slices are done with its buffer', async (t) => {
  const root = await tempDir(t);
  let fail = false;
  let inFlight = 0;
  let atRejection = -1;
  const io: OpenFile = async (path, flags, mode) => {
    const h = await openReal(path, flags, mode);
    if (!path.endsWith('a.txt.bytefall-part')) return h;
    return wrapHandle(h, {
      write: (async (...args: unknown[]) => {
        if (fail && args[3] === 2048 + 300) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        inFlight++;
        await new Promise((r) => setTimeout(r, 20));
        try {
          return await (h.write as (...a: unknown[]) => Promise<unknown>)(...args);
        } finally {
          inFlight--;
        }
      }) as FileHandleLike['write'],
    });
  };
  const s = await FsStorage.open(root, FILES, { openFile: io, writeSliceBytes: 300 });
  try {
    fail = true;
    await assert.rejects(
      s.writePiece(0, 2, pieceBytes(FILES[0], 0, 2)).finally(() => (atRejection = inFlight)),
      { code: 'NO_SPACE', op: 'write' },
    );
    assert.equal(atRejection, 0, 'no slice still writing when the piece failed');
    assert.equal(s.isVerified(0, 2), false);
    fail = false;
    await s.writePiece(0, 2, pieceBytes(FILES[0], 0, 2));
    assert.deepEqual(await s.readPiece(0, 2), pieceBytes(FILES[0], 0, 2));
  } finally {
    await s.close();
  }
});

test('on tmpfs a piece is written in one call by default', { skip: tmpfsDir() === undefined ? 'no tmpfs at /dev/shm' : false }, async (t) => {
  const root = await mkdtemp(join(tmpfsDir()!, 'bytefall-test-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const lengths: number[] = [];
  const io: OpenFile = async (path, flags, mode) => {
    const h = await openReal(path, flags, mode);
    if (!path.endsWith('a.txt.bytefall-part')) return h;
    return wrapHandle(h, {
      write: ((...args: unknown[]) => {
        lengths.push(args[2] as number);
        return (h.write as (...a: unknown[]) => unknown)(...args);
      }) as FileHandleLike['write'],
    });
  };
  const files = [{ path: ['a.txt'], size: 300_000, pieceSize: 262_144 }];
  const s = await FsStorage.open(root, files, { openFile: io });
  try {
    await s.writePiece(0, 0, new Uint8Array(262_144).fill(1));
    assert.deepEqual(lengths, [262_144]);
  } finally {
    await s.close();
  }
});

test('group commits: streamed pieces (onWritten) wait for company up to the interval; a piece someone waits on, a flush, or the last pieces of a file start the commit at once', { timeout: 30_000 }, async (t) => {
  const root = await tempDir(t);
  let partSyncs = 0;
  const io: OpenFile = async (path, flags, mode) => {
    const h = await openReal(path, flags, mode);
    return wrapHandle(h, {
      datasync: async () => {
        if (path.endsWith('.bytefall-part')) partSyncs++;
        return h.datasync();
      },
    });
  };
  // an interval no test would wait out
  const s = await FsStorage.open(root, FILES, { openFile: io, commitIntervalMs: 600_000 });
  const a = FILES[0]; // 10 pieces
  const written: number[] = [];
  const eager = (p: number) => s.writePiece(0, p, pieceBytes(a, 0, p));
  const streamed = (p: number) => s.writePiece(0, p, pieceBytes(a, 0, p), () => written.push(p));
  try {
    // one at a time, each awaited (a check of files on disk): no waiting
    await eager(0);
    await eager(1);
    assert.equal(partSyncs, 2);
    // streamed pieces wait for the interval, written (and servable) but not yet durable
    const first = [2, 3, 4].map(streamed);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(written.sort(), [2, 3, 4]);
    assert.equal(partSyncs, 2, 'not synced yet: waiting for company');
    assert.deepEqual([2, 3, 4].map((p) => s.isVerified(0, p)), [false, false, false], 'not recorded before they are durable');
    // a piece whose writer waits on it starts the commit, and the streamed ones share it
    await Promise.all([...first, eager(5)]);
    assert.equal(partSyncs, 3, 'four pieces, one sync');
    // a flush ends the wait
    const second = [6, 7].map(streamed);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(partSyncs, 3);
    await s.flush();
    await Promise.all(second);
    assert.equal(partSyncs, 4);
    // the streamed pieces that complete the file are committed without waiting (else: the test's timeout)
    await Promise.all([8, 9].map(streamed));
    assert.equal(s.status(0).complete, true);
    assert.deepEqual(new Uint8Array(await readFile(join(root, 'a.txt'))), fileBytes(a, 0));
  } finally {
    await s.close(); // also when an assertion fails: a close flushes, ending the wait
  }
});

test('a read never creates a working copy: one deleted under a running download fails the read, it does not read zeros', async (t) => {
  const root = await tempDir(t);
  const s = await FsStorage.open(root, FILES, { maxOpenFiles: 1 });
  await s.writePiece(0, 0, pieceBytes(FILES[0], 0, 0));
  await s.writePiece(1, 0, pieceBytes(FILES[1], 1, 0)); // the one descriptor moves to file 1
  await s.flush();
  const part = join(root, 'a.txt.bytefall-part');
  await rm(part);
  await assert.rejects(s.read(0, 0, 1024), (e: BytefallError) => e.code === 'NOT_FOUND', 'the read fails');
  assert.equal((await readdir(root)).includes('a.txt.bytefall-part'), false, 'no empty working copy was made');
  await s.close();
});
