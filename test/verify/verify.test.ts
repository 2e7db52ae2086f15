import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashTree } from '../../src/create/hash-tree.js';
import { scan } from '../../src/create/scan.js';
import { HashPool } from '../../src/hash/pool.js';
import { badRanges, type EntryReport } from '../../src/verify/report.js';
import { verifyTree, type ExpectedEntry } from '../../src/verify/verify.js';
import { random, removeDir, tempDir, writeTree } from '../create/tmp-tree.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const PS = KiB;

let pristine: string;
let dir: string;
let pool: HashPool;
/** The tree as created: with the piece layer, and with roots only. */
let withLayer: ExpectedEntry[];
let rootsOnly: ExpectedEntry[];

before(async () => {
  pool = new HashPool({ threads: 2 });
  pristine = tempDir();
  writeTree(pristine, {
    'a.bin': random(10 * KiB + 100), // 11 pieces, the last one 100 bytes
    'docs/': '',
    'docs/readme.txt': 'hello',
    'docs/empty': '',
    'docs/sub/': '',
    'docs/sub/deep.bin': random(3 * KiB),
    'huge.bin': random(9 * MiB + 3), // cut into regions
  });
  const { entries: scanned } = await scan(pristine);
  const { entries, perFileLeaves } = await hashTree(pristine, scanned, { pool, pieceSize: PS });
  let k = 0;
  withLayer = entries.map((e) => ({ path: e.path, isDir: e.isDir, size: e.size, pieceSize: e.pieceSize, ...(e.isDir ? {} : { leaves: perFileLeaves[k++] }) }));
  rootsOnly = entries.map((e) => ({ path: e.path, isDir: e.isDir, size: e.size, pieceSize: e.pieceSize, ...(e.isDir ? {} : { root: e.root }) }));
});
after(async () => {
  await pool.destroy();
  removeDir(pristine);
  if (dir) removeDir(dir);
});

function fresh(): void {
  if (dir) removeDir(dir);
  dir = tempDir();
  cpSync(pristine, dir, { recursive: true });
}

function flip(rel: string, at: number): void {
  const p = join(dir, rel);
  const data = readFileSync(p);
  data[at] ^= 0x55;
  writeFileSync(p, data);
}

function problems(entries: EntryReport[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const e of entries) {
    if (e.status === 'ok') continue;
    const { path, isDir, ...rest } = e;
    out[path.join('/')] = rest;
  }
  return out;
}

describe('verifyTree with the piece layer', () => {
  beforeEach(fresh);

  test('an intact tree is ok', async () => {
    const r = await verifyTree(dir, withLayer, { pool });
    assert.equal(r.ok, true);
    assert.equal(r.entries.length, withLayer.length);
    assert.deepEqual(r.extra, []);
  });

  test('one flipped byte is exactly its piece', async () => {
    flip('a.bin', 5 * KiB + 17);
    flip('huge.bin', 8 * MiB + 2 * KiB); // in the second region
    const r = await verifyTree(dir, withLayer, { pool });
    assert.equal(r.ok, false);
    assert.deepEqual(problems(r.entries), {
      'a.bin': { status: 'corrupt', corrupt: [[5 * KiB, 6 * KiB]], narrowed: true },
      'huge.bin': { status: 'corrupt', corrupt: [[8 * MiB + 2 * KiB, 8 * MiB + 3 * KiB]], narrowed: true },
    });
  });

  test('adjacent bad pieces merge into one range; the last piece ends at the file size', async () => {
    flip('a.bin', 2 * KiB);
    flip('a.bin', 3 * KiB + 1);
    flip('a.bin', 10 * KiB + 50);
    const r = await verifyTree(dir, withLayer, { pool });
    assert.deepEqual(problems(r.entries), {
      'a.bin': {
        status: 'corrupt',
        corrupt: [
          [2 * KiB, 4 * KiB],
          [10 * KiB, 10 * KiB + 100],
        ],
        narrowed: true,
      },
    });
  });

  test('a truncated file: wrong size, and the pieces it no longer holds', async () => {
    truncateSync(join(dir, 'a.bin'), 4 * KiB + 10);
    truncateSync(join(dir, 'docs/readme.txt'), 0);
    const r = await verifyTree(dir, withLayer, { pool });
    assert.deepEqual(problems(r.entries), {
      'a.bin': { status: 'wrong-size', expectedSize: 10 * KiB + 100, actualSize: 4 * KiB + 10, corrupt: [[4 * KiB, 10 * KiB + 100]], narrowed: true },
      'docs/readme.txt': { status: 'wrong-size', expectedSize: 5, actualSize: 0, corrupt: [[0, 5]], narrowed: true },
    });
  });

  test('a longer file: wrong size, and its common prefix is still checked', async () => {
    appendFileSync(join(dir, 'a.bin'), 'tail');
    appendFileSync(join(dir, 'docs/empty'), 'now with content');
    flip('docs/sub/deep.bin', 1);
    appendFileSync(join(dir, 'docs/sub/deep.bin'), 'x');
    const r = await verifyTree(dir, withLayer, { pool });
    assert.deepEqual(problems(r.entries), {
      'a.bin': { status: 'wrong-size', expectedSize: 10 * KiB + 100, actualSize: 10 * KiB + 104, corrupt: [], narrowed: true },
      'docs/empty': { status: 'wrong-size', expectedSize: 0, actualSize: 16, corrupt: [], narrowed: true },
      'docs/sub/deep.bin': { status: 'wrong-size', expectedSize: 3 * KiB, actualSize: 3 * KiB + 1, corrupt: [[0, KiB]], narrowed: true },
    });
  });

  test('missing files and directories; extra entries are listed topmost only', async () => {
    rmSync(join(dir, 'docs/readme.txt'));
    rmSync(join(dir, 'docs/sub'), { recursive: true });
    writeTree(dir, { 'new.txt': 'extra', 'newdir/inner/x': 'x', 'docs/also-new': 'y' });
    const r = await verifyTree(dir, withLayer, { pool });
    assert.equal(r.ok, false);
    assert.deepEqual(problems(r.entries), {
      'docs/readme.txt': { status: 'missing' },
      'docs/sub': { status: 'missing' },
      'docs/sub/deep.bin': { status: 'missing' },
    });
    assert.deepEqual(
      r.extra.map((e) => `${e.path.join('/')}:${e.kind}`),
      ['docs/also-new:file', 'new.txt:file', 'newdir:directory'],
    );
  });

  test('extra files alone leave the tree ok', async () => {
    writeTree(dir, { 'docs/notes.md': 'mine' });
    const r = await verifyTree(dir, withLayer, { pool });
    assert.equal(r.ok, true);
    assert.deepEqual(r.extra.map((e) => e.path.join('/')), ['docs/notes.md']);
  });

  test('the wrong kind of thing: not a file, not a directory', async () => {
    rmSync(join(dir, 'a.bin'));
    mkdirSync(join(dir, 'a.bin'));
    writeFileSync(join(dir, 'a.bin', 'inside'), 'part of the same problem, not extra');
    rmSync(join(dir, 'docs/sub'), { recursive: true });
    writeFileSync(join(dir, 'docs/sub'), 'a file where a directory was');
    rmSync(join(dir, 'docs/readme.txt'));
    symlinkSync('empty', join(dir, 'docs/readme.txt'));
    const r = await verifyTree(dir, withLayer, { pool });
    assert.deepEqual(problems(r.entries), {
      'a.bin': { status: 'not-a-file', found: 'directory' },
      'docs/readme.txt': { status: 'not-a-file', found: 'symlink' },
      'docs/sub': { status: 'not-a-directory', found: 'file' },
      'docs/sub/deep.bin': { status: 'missing' },
    });
    assert.deepEqual(r.extra, []);
  });

  test('a piece layer of the wrong length is BAD_PIECE_LAYER', async () => {
    const bad = withLayer.map((e) => (e.path.join('/') === 'a.bin' ? { ...e, leaves: e.leaves!.subarray(32) } : e));
    await assert.rejects(verifyTree(dir, bad, { pool }), { code: 'BAD_PIECE_LAYER' });
  });

  test('progress reaches the totals', async () => {
    let last = { filesDone: 0, filesTotal: -1, bytesDone: 0, bytesTotal: -1 };
    await verifyTree(dir, withLayer, { pool, onProgress: (p) => (last = p) });
    const files = withLayer.filter((e) => !e.isDir);
    const bytes = files.reduce((n, e) => n + e.size, 0);
    assert.deepEqual(last, { filesDone: files.length, filesTotal: files.length, bytesDone: bytes, bytesTotal: bytes });
  });
});

describe('verifyTree with roots only', () => {
  beforeEach(fresh);

  test('an intact tree is ok; a root test function works too', async () => {
    assert.equal((await verifyTree(dir, rootsOnly, { pool })).ok, true);
    const seen: number[] = [];
    const viaTest = rootsOnly.map((e) => (e.root instanceof Uint8Array ? { ...e, root: (r: Uint8Array) => (seen.push(1), Buffer.compare(r, e.root as Uint8Array) === 0) } : e));
    assert.equal((await verifyTree(dir, viaTest, { pool })).ok, true);
    assert.equal(seen.length, rootsOnly.filter((e) => !e.isDir && e.size > 0).length);
  });

  test('a mismatch cannot be narrowed: the whole file is reported', async () => {
    flip('a.bin', 7);
    flip('huge.bin', 9 * MiB);
    truncateSync(join(dir, 'docs/sub/deep.bin'), 10);
    appendFileSync(join(dir, 'docs/readme.txt'), '!');
    const r = await verifyTree(dir, rootsOnly, { pool });
    assert.deepEqual(problems(r.entries), {
      'a.bin': { status: 'corrupt', corrupt: [[0, 10 * KiB + 100]], narrowed: false },
      'docs/readme.txt': { status: 'wrong-size', expectedSize: 5, actualSize: 6, corrupt: [], narrowed: false },
      'docs/sub/deep.bin': { status: 'wrong-size', expectedSize: 3 * KiB, actualSize: 10, corrupt: [[0, 3 * KiB]], narrowed: false },
      'huge.bin': { status: 'corrupt', corrupt: [[0, 9 * MiB + 3]], narrowed: false },
    });
  });

  test('an entry with neither leaves nor a root is BAD_ARGUMENT', async () => {
    const bare = rootsOnly.map((e) => ({ path: e.path, isDir: e.isDir, size: e.size, pieceSize: e.pieceSize }));
    await assert.rejects(verifyTree(dir, bare, { pool }), { code: 'BAD_ARGUMENT' });
  });
});

test('badRanges merges neighbours and clips the last piece', () => {
  assert.deepEqual(badRanges([], 10, 95), []);
  assert.deepEqual(badRanges([9, 0, 1, 2, 5], 10, 95), [
    [0, 30],
    [50, 60],
    [90, 95],
  ]);
});
