// The next version of an update (docs/STORAGE.md): complete files stay under their own staging
// names while the old version keeps the final names; finishAll renames them all (setting
// aside what the callback says), refuses while a file is incomplete, and a reopen after a
// kill in the middle of it counts the files already renamed as finished.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FsStorage } from '../../src/storage/fs-storage.js';
import type { FileSpec } from '../../src/storage/layout.js';
import type { OpenFile } from '../../src/storage/resume-state.js';
import { BytefallError } from '../../src/errors.js';
import { fileBytes, openReal, pieceBytes, tempDir, wrapHandle } from './helpers.js';

const FILES: FileSpec[] = [
  { path: ['a.bin'], size: 3000, pieceSize: 1024 },
  { path: ['d', 'b.bin'], size: 1024, pieceSize: 1024 },
  { path: ['empty'], size: 0, pieceSize: 1024 },
];
const OPTS = (root: string) => ({ statePath: join(root, '.bytefall', 'state-2'), partSuffix: '.bytefall-v2', deferFinish: true });

async function writeAll(st: FsStorage, file: number): Promise<void> {
  const f = FILES[file];
  for (let p = 0; p * f.pieceSize < f.size; p++) await st.writePiece(file, p, pieceBytes(f, file, p));
}

test('deferFinish: complete files keep their staging names until finishAll; the old files stay', async (t) => {
  const root = await tempDir(t);
  mkdirSync(join(root, 'd'), { recursive: true });
  writeFileSync(join(root, 'a.bin'), 'the old version');
  writeFileSync(join(root, 'empty'), 'old, not empty');
  const st = await FsStorage.open(root, FILES, OPTS(root));
  assert.equal(st.partPath(0), join(root, 'a.bin.bytefall-v2'));
  await writeAll(st, 0);
  await st.flush();
  assert.equal(readFileSync(join(root, 'a.bin'), 'utf8'), 'the old version', 'the final name is untouched');
  assert.ok(existsSync(join(root, 'a.bin.bytefall-v2')));
  assert.equal(st.status(0).complete, false);
  await assert.rejects(st.finishAll(), (e: BytefallError) => e.code === 'NOT_VERIFIED' && /b\.bin/.test(e.message));
  assert.equal(readFileSync(join(root, 'a.bin'), 'utf8'), 'the old version', 'a refused finishAll renames nothing');
  await writeAll(st, 1);
  const asked: string[] = [];
  await st.finishAll(async (file, finalPath) => {
    asked.push(FILES[file].path.join('/'));
    if (existsSync(finalPath) && file === 2) renameSync(finalPath, `${finalPath}.bytefall-local`);
  });
  assert.deepEqual(asked, ['a.bin', 'd/b.bin', 'empty']);
  assert.deepEqual(new Uint8Array(readFileSync(join(root, 'a.bin'))), fileBytes(FILES[0], 0));
  assert.deepEqual(new Uint8Array(readFileSync(join(root, 'd', 'b.bin'))), fileBytes(FILES[1], 1));
  assert.equal(readFileSync(join(root, 'empty'), 'utf8'), '');
  assert.equal(readFileSync(join(root, 'empty.bytefall-local'), 'utf8'), 'old, not empty');
  assert.ok(!existsSync(join(root, 'a.bin.bytefall-v2')));
  for (let i = 0; i < FILES.length; i++) assert.equal(st.status(i).complete, true);
  assert.equal(await st.finalIntact(0), true);
  writeFileSync(join(root, 'a.bin'), 'x'.repeat(3000));
  utimesSync(join(root, 'a.bin'), new Date(2001, 1, 1), new Date(2001, 1, 1)); // a clearly different mtime, whatever the clock's grain
  assert.equal(await st.finalIntact(0), false, 'changed by hand (same size, new mtime): not what was written');
  await st.close();
});

test('deferFinish: a reopen keeps staged files staged, and counts one renamed by an interrupted finishAll', async (t) => {
  const root = await tempDir(t);
  writeFileSync(join(root, 'a.bin'), Buffer.alloc(3000, 1)); // the old version, same size
  let st = await FsStorage.open(root, FILES, OPTS(root));
  await writeAll(st, 0);
  await writeAll(st, 1);
  await st.close();
  st = await FsStorage.open(root, FILES, OPTS(root));
  assert.equal(st.status(0).complete, false, 'staged: the old a.bin of the same size is not taken for the new one');
  assert.deepEqual(new Uint8Array(readFileSync(join(root, 'a.bin'))), new Uint8Array(3000).fill(1));
  await st.close();
  // A kill after renaming b.bin only.
  renameSync(join(root, 'd', 'b.bin.bytefall-v2'), join(root, 'd', 'b.bin'));
  st = await FsStorage.open(root, FILES, OPTS(root));
  assert.equal(st.status(1).complete, true, 'renamed: finished');
  assert.equal(st.status(0).complete, false);
  await st.finishAll();
  assert.deepEqual(new Uint8Array(readFileSync(join(root, 'a.bin'))), fileBytes(FILES[0], 0));
  await st.close();
});

test('a read that opens a file just as finishAll renames it reads the file, and leaves no working copy behind', async (t) => {
  // CI once found `added.bin.bytefall-v2` left beside a finished update: an uploader's read
  // opened the staging name just after the rename and, opening with O_CREAT, made a new
  // empty copy there (and would have served zeros from it).
  const root = await tempDir(t);
  const part = join(root, 'a.bin.bytefall-v2');
  let raceRead: Promise<Uint8Array> | undefined;
  let armed = false;
  const io: OpenFile = async (path, flags, mode) => {
    if (armed && path === part) {
      armed = false;
      for (let i = 0; existsSync(part) && i < 5000; i++) await new Promise((r) => setTimeout(r, 1)); // until finishAll renamed it
    }
    const h = await openReal(path, flags, mode);
    if (path !== part) return h;
    return wrapHandle(h, {
      close: async () => {
        await h.close();
        // finishAll has just closed the staged file: a read now opens it afresh.
        if (armed && !raceRead) raceRead = st.read(0, 0, FILES[0].size);
      },
    });
  };
  const st = await FsStorage.open(root, FILES, { ...OPTS(root), openFile: io });
  await writeAll(st, 0);
  await writeAll(st, 1);
  await st.flush();
  armed = true;
  await st.finishAll();
  assert.ok(raceRead, 'the read was started while finishAll closed the staged file');
  assert.deepEqual(await raceRead, fileBytes(FILES[0], 0), 'the read got the verified bytes');
  assert.deepEqual(readdirSync(root).filter((n) => n.includes('.bytefall-v')), [], 'no staging name left');
  assert.deepEqual(new Uint8Array(readFileSync(join(root, 'a.bin'))), fileBytes(FILES[0], 0));
  await st.close();
});
