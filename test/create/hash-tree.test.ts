import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { hashTree, type HashProgress } from '../../src/create/hash-tree.js';
import { defaultPieceSize } from '../../src/create/piece-size.js';
import { scan, scanChunks, type ScanEntry, type ScanWarning } from '../../src/create/scan.js';
import { hashPieces, merkleRoot } from '../../src/hash/merkle.js';
import { HashPool } from '../../src/hash/pool.js';
import type { HashFilesTask, HashRegionTask } from '../../src/hash/tasks.js';
import { random, removeDir, tempDir, writeTree } from './tmp-tree.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/** A pool that runs `before` ahead of each task: a file changing between scan and hash. */
class MeddlingPool extends HashPool {
  constructor(private readonly meddle: (path: string) => void) {
    super({ threads: 2 });
  }
  override hashRegion(task: HashRegionTask) {
    this.meddle(task.path);
    return super.hashRegion(task);
  }
  override hashFiles(task: HashFilesTask) {
    for (const f of task.files) this.meddle(f.path);
    return super.hashFiles(task);
  }
}

describe('hashTree', () => {
  let root: string;
  let pool: HashPool;
  before(() => {
    root = tempDir();
    pool = new HashPool({ threads: 2 });
    const spec: Record<string, Uint8Array | string> = {
      'big.bin': random(9 * MiB + 5), // cut into regions
      'docs/': '',
      'docs/empty.txt': '',
      'docs/one.txt': 'x',
      'site/img/': '',
    };
    for (let i = 0; i < 300; i++) spec[`site/p${String(i).padStart(3, '0')}.html`] = random((i * 7919) % 20000);
    spec['site/img/logo.png'] = random(256 * KiB + 1);
    writeTree(root, spec);
  });
  after(async () => {
    await pool.destroy();
    removeDir(root);
  });

  test('leaves and roots equal single-threaded hashing, in entry order', async () => {
    const { entries: scanned } = await scan(root);
    const events: HashProgress[] = [];
    const { entries, perFileLeaves } = await hashTree(root, scanned, { pool, onProgress: (p) => events.push(p) });
    assert.equal(entries.length, scanned.length);
    const files = scanned.filter((e) => !e.isDir);
    assert.equal(perFileLeaves.length, files.length);
    let k = 0;
    entries.forEach((e, i) => {
      const s = scanned[i];
      assert.deepEqual(e.path, s.path);
      assert.equal(e.isDir, s.isDir);
      assert.equal(e.fileVersion, 1);
      assert.equal(e.created, s.birthtimeMs);
      assert.equal(e.changed, s.mtimeMs);
      assert.equal(e.permissions, s.mode);
      if (e.isDir) {
        assert.equal(e.pieceSize, 0);
        assert.equal(e.size, 0);
        return;
      }
      const data = readFileSync(join(root, ...e.path));
      assert.equal(e.size, data.length);
      assert.equal(e.pieceSize, defaultPieceSize(data.length));
      const leaves = hashPieces(data, e.pieceSize);
      assert.deepEqual(perFileLeaves[k++], leaves, e.path.join('/'));
      assert.deepEqual(e.root, merkleRoot(leaves));
    });
    const last = events[events.length - 1];
    const total = files.reduce((n, f) => n + f.size, 0);
    assert.deepEqual(last, { filesDone: files.length, filesTotal: files.length, bytesDone: total, bytesTotal: total });
    for (let i = 1; i < events.length; i++) assert.ok(events[i].bytesDone >= events[i - 1].bytesDone);
  });

  test('fed by the walk as it goes (scanChunks), the result is the same as from a finished scan', async () => {
    const { entries: scanned, warnings } = await scan(root);
    const whole = await hashTree(root, scanned, { pool });
    const seen: ScanWarning[] = [];
    const events: HashProgress[] = [];
    const streamed = await hashTree(root, scanChunks(root, seen), { pool, onProgress: (p) => events.push(p) });
    assert.deepEqual(streamed, whole);
    assert.deepEqual(seen, warnings);
    // Totals grow while the walk goes on and end at the whole tree.
    const files = scanned.filter((e) => !e.isDir);
    assert.deepEqual(events[0], { filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0 });
    assert.equal(events[events.length - 1].filesTotal, files.length);
    for (let i = 1; i < events.length; i++) assert.ok(events[i].filesTotal >= events[i - 1].filesTotal);
  });

  test('a walk that fails ends hashTree with its error, once no task is running', async () => {
    const { entries: scanned } = await scan(root);
    let running = 0;
    const counting = new (class extends HashPool {
      override async hashFiles(task: HashFilesTask) {
        running++;
        try {
          return await super.hashFiles(task);
        } finally {
          running--;
        }
      }
    })({ threads: 1 });
    async function* failing(): AsyncGenerator<ScanEntry[]> {
      yield scanned.slice(0, 200);
      throw new Error('walk failed');
    }
    try {
      await assert.rejects(hashTree(root, failing(), { pool: counting }), /walk failed/);
      assert.equal(running, 0);
    } finally {
      await counting.destroy();
    }
  });

  test('an explicit piece size applies to every file', async () => {
    const { entries: scanned } = await scan(root);
    const { entries, perFileLeaves } = await hashTree(root, scanned, { pool, pieceSize: 4 * KiB });
    const big = entries.findIndex((e) => e.path[0] === 'big.bin');
    assert.equal(entries[big].pieceSize, 4 * KiB);
    assert.deepEqual(perFileLeaves[0], hashPieces(readFileSync(join(root, 'big.bin')), 4 * KiB));
    await assert.rejects(hashTree(root, scanned, { pool, pieceSize: 3000 }), { code: 'BAD_ARGUMENT' });
  });
});

describe('hashTree and files that change', () => {
  let root: string;
  before(() => {
    root = tempDir();
  });
  after(() => removeDir(root));

  for (const [label, size] of [
    ['a small file', 3000],
    ['a large file', 9 * MiB],
  ] as const) {
    test(`${label} changed after the scan is hashed again, with its new size and time`, async () => {
      const name = `once-${size}`;
      writeTree(root, { [name]: random(size) });
      const { entries: scanned } = await scan(root);
      const target = join(root, name);
      let changes = 0;
      const pool = new MeddlingPool((path) => {
        if (path === target && changes++ === 0) appendFileSync(path, 'more');
      });
      try {
        const only = scanned.filter((e) => e.path[0] === name);
        const { entries, perFileLeaves } = await hashTree(root, only, { pool, pieceSize: 64 * KiB });
        assert.equal(entries[0].size, size + 4);
        assert.deepEqual(perFileLeaves[0], hashPieces(readFileSync(target), 64 * KiB));
        assert.ok(changes >= 2, 'hashed twice');
      } finally {
        await pool.destroy();
      }
    });

    test(`${label} that keeps changing is FILE_CHANGED naming it`, async () => {
      const name = `always-${size}`;
      writeTree(root, { [name]: random(size) });
      const { entries: scanned } = await scan(root);
      const target = join(root, name);
      let t = 1_600_000_000;
      // Same size, new mtime each time: only the times tell.
      const pool = new MeddlingPool((path) => path === target && utimesSync(path, t, ++t));
      try {
        const only = scanned.filter((e) => e.path[0] === name);
        await assert.rejects(hashTree(root, only, { pool }), (err: unknown) => {
          assert.equal((err as { code: string }).code, 'FILE_CHANGED');
          assert.equal((err as { file: string }).file, target);
          assert.match((err as Error).message, new RegExp(name));
          return true;
        });
      } finally {
        await pool.destroy();
      }
    });
  }

  test('an unreadable file fails naming it and the operation', { skip: process.getuid?.() === 0 && 'root reads everything' }, async () => {
    writeTree(root, { 'locked/f': 'secret' });
    chmodSync(join(root, 'locked', 'f'), 0o000);
    const { entries: scanned } = await scan(join(root, 'locked'));
    const pool = new HashPool({ threads: 1 });
    try {
      await assert.rejects(hashTree(join(root, 'locked'), scanned, { pool }), { code: 'IO_ERROR', file: join(root, 'locked', 'f'), op: 'open' });
    } finally {
      await pool.destroy();
    }
  });

  test('a file removed after the scan is NOT_FOUND naming it', async () => {
    writeTree(root, { 'gone/f': 'x' });
    const { entries: scanned } = await scan(join(root, 'gone'));
    rmSync(join(root, 'gone', 'f'));
    const pool = new HashPool({ threads: 1 });
    try {
      await assert.rejects(hashTree(join(root, 'gone'), scanned, { pool }), { code: 'NOT_FOUND', file: join(root, 'gone', 'f'), op: 'open' });
    } finally {
      await pool.destroy();
    }
  });
});
