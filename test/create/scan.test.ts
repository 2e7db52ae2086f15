import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathUnder, rootDir, scan } from '../../src/create/scan.js';
import { removeDir, tempDir, writeTree } from './tmp-tree.js';

let root: string;
let hasFifo = false;

before(() => {
  root = tempDir();
  writeTree(root, {
    'b.txt': 'bee',
    'a/': '',
    'a/z/deep/x.bin': 'x',
    'a/b': 'ab',
    'a-c': 'hyphen sorts after the directory a, component-wise',
    'empty/': '',
    '\uFFFD.txt': 'U+FFFD is EF BF BD in UTF-8',
    '\u{1F600}.txt': 'U+1F600 is F0 9F 98 80: after U+FFFD in bytes, before it in UTF-16',
    'Z': 'capitals first',
  });
  chmodSync(join(root, 'b.txt'), 0o640);
  utimesSync(join(root, 'b.txt'), 1_700_000_000.25, 1_700_000_123.75);
  symlinkSync('b.txt', join(root, 'link-to-b'));
  symlinkSync('/nonexistent', join(root, 'a', 'dangling'));
  symlinkSync('a', join(root, 'link-to-dir'));
  hasFifo = spawnSync('mkfifo', [join(root, 'a', 'pipe')]).status === 0;
});
after(() => removeDir(root));

test('scan lists files and directories in canonical order, root excluded', async () => {
  const { entries } = await scan(root);
  assert.deepEqual(
    entries.map((e) => e.path.join('/') + (e.isDir ? '/' : '')),
    ['Z', 'a/', 'a/b', 'a/z/', 'a/z/deep/', 'a/z/deep/x.bin', 'a-c', 'b.txt', 'empty/', '\uFFFD.txt', '\u{1F600}.txt'],
  );
  assert.deepEqual(entries[1].path, ['a']);
  assert.deepEqual(entries[5].path, ['a', 'z', 'deep', 'x.bin']);
});

test('scan records size, whole-ms times, permission bits, inode and device', async () => {
  const { entries } = await scan(root);
  const b = entries.find((e) => e.path.join('/') === 'b.txt')!;
  const st = statSync(join(root, 'b.txt'));
  assert.equal(b.size, 3);
  assert.equal(b.mtimeMs, 1_700_000_123_750);
  assert.equal(b.mode, 0o640);
  assert.equal(b.ino, st.ino);
  assert.equal(b.dev, st.dev);
  assert.ok(Number.isInteger(b.birthtimeMs) && b.birthtimeMs >= 0);
  const dir = entries.find((e) => e.path.join('/') === 'a')!;
  assert.equal(dir.isDir, true);
  assert.equal(dir.size, 0);
});

test('symlinks and special files are skipped with a warning each', async () => {
  const { entries, warnings } = await scan(root);
  const listed = new Set(entries.map((e) => e.path.join('/')));
  for (const name of ['link-to-b', 'link-to-dir', 'a/dangling', 'a/pipe']) assert.ok(!listed.has(name), name);
  const expected = [
    { path: 'a/dangling', kind: 'symlink' },
    ...(hasFifo ? [{ path: 'a/pipe', kind: 'fifo' }] : []),
    { path: 'link-to-b', kind: 'symlink' },
    { path: 'link-to-dir', kind: 'symlink' },
  ];
  assert.deepEqual(
    warnings.map((w) => ({ path: w.path.join('/'), kind: w.kind })),
    expected,
  );
  assert.match(warnings[0].message, /skipped symlink: a\/dangling/);
});

test('a missing root is NOT_FOUND; a file as root is NOT_A_DIRECTORY', async () => {
  await assert.rejects(scan(join(root, 'nope')), { code: 'NOT_FOUND', file: join(root, 'nope') });
  await assert.rejects(scan(join(root, 'b.txt')), { code: 'NOT_A_DIRECTORY', file: join(root, 'b.txt') });
});

test('a name that is not UTF-8 is BAD_NAME', async () => {
  const dir = tempDir();
  try {
    writeFileSync(Buffer.concat([Buffer.from(dir + '/bad-'), Buffer.from([0xff, 0xfe])]), 'x');
    await assert.rejects(scan(dir), { code: 'BAD_NAME' });
  } finally {
    removeDir(dir);
  }
});

test('an unreadable directory fails naming it and the operation', { skip: process.getuid?.() === 0 && 'root reads everything' }, async () => {
  const dir = tempDir();
  try {
    writeTree(dir, { 'locked/f': 'x' });
    chmodSync(join(dir, 'locked'), 0o000);
    await assert.rejects(scan(dir), { code: 'IO_ERROR', file: join(dir, 'locked'), op: 'readdir' });
  } finally {
    chmodSync(join(dir, 'locked'), 0o755);
    removeDir(dir);
  }
});

test('pathUnder(rootDir(root), names) is join(root, ...names) for listed names', () => {
  for (const root of ['/', '.', './', 'x', 'x/', './x//y/', '/tmp/a', '../a/', '..', 'a/..']) {
    for (const names of [['f'], ['d', 'f'], ['d', 'e', 'f.txt']]) {
      assert.equal(pathUnder(rootDir(root), names), join(root, ...names), `${root} ${names.join('/')}`);
    }
  }
});
