// Content-defined pieces through create and verify: hashTree cuts and hashes
// CDC files on the pool (alone when large, batched when small), verifyTree checks
// them piece by piece at the offsets of their records, or recomputes the
// boundaries when there is no layer; and the CLI end to end.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashTree } from '../../src/create/hash-tree.js';
import { CDC_MIN_FILE_SIZE, chunkingFor, defaultCdcPieceSize } from '../../src/create/chunking.js';
import { scan } from '../../src/create/scan.js';
import { cdcRoot, chunkBytes, recordLengths } from '../../src/hash/cdc.js';
import { HashPool } from '../../src/hash/pool.js';
import { verifyTree, type ExpectedEntry } from '../../src/verify/verify.js';
import { random, removeDir, tempDir, writeTree } from '../create/tmp-tree.js';
import { bytefall, tempDir as cliTempDir } from '../helpers/cli.js';

const KiB = 1024;
const MiB = 1024 * KiB;

test('auto: content-defined pieces from 4 MiB, fixed below; an explicit size is the average', () => {
  assert.deepEqual(chunkingFor(CDC_MIN_FILE_SIZE - 1, 'auto'), { chunking: 0, pieceSize: 256 * KiB });
  assert.deepEqual(chunkingFor(CDC_MIN_FILE_SIZE, 'auto'), { chunking: 1, pieceSize: defaultCdcPieceSize(CDC_MIN_FILE_SIZE) });
  assert.deepEqual(chunkingFor(10, 'cdc', 4 * KiB), { chunking: 1, pieceSize: 4 * KiB });
  assert.deepEqual(chunkingFor(100 * MiB, 'fixed'), { chunking: 0, pieceSize: 256 * KiB });
  assert.throws(() => chunkingFor(10, 'cdc', 8 * MiB), { code: 'BAD_ARGUMENT' });
  assert.throws(() => chunkingFor(10, 'cdc', 3000), { code: 'BAD_ARGUMENT' });
  assert.equal(defaultCdcPieceSize(0), 16 * KiB);
  assert.equal(defaultCdcPieceSize(2 ** 40), 1 * MiB);
});

describe('hashTree and verifyTree with content-defined pieces', () => {
  let pool: HashPool;
  let pristine: string;
  let dir: string;
  let layer: ExpectedEntry[];
  let roots: ExpectedEntry[];
  const PS = 4 * KiB;

  before(async () => {
    pool = new HashPool({ threads: 2 });
    pristine = tempDir();
    writeTree(pristine, {
      'big.bin': random(9 * MiB + 5), // a task of its own, several verify runs
      'small/': '',
      'small/a.bin': random(50 * KiB),
      'small/b.bin': random(3),
      'small/empty': '',
    });
    const { entries: scanned } = await scan(pristine);
    const r = await hashTree(pristine, scanned, { pool, chunking: 'cdc', pieceSize: PS });
    let k = 0;
    layer = [];
    roots = [];
    for (const e of r.entries) {
      const base = { path: e.path, isDir: e.isDir, size: e.size, pieceSize: e.pieceSize, chunking: e.chunking };
      if (e.isDir) {
        layer.push(base);
        roots.push(base);
        continue;
      }
      const records = r.perFileLeaves[k++];
      const data = readFileSync(join(pristine, ...e.path));
      assert.deepEqual(records, chunkBytes(data, PS), e.path.join('/'));
      assert.deepEqual(e.root, cdcRoot(records));
      assert.equal(e.chunking, 1);
      assert.equal(e.pieceCount, records.length / 36);
      layer.push({ ...base, leaves: records });
      roots.push({ ...base, root: e.root });
    }
    assert.equal(r.bytesHashed, 9 * MiB + 5 + 50 * KiB + 3);
  });
  after(async () => {
    await pool.destroy();
    removeDir(pristine);
    if (dir) removeDir(dir);
  });

  const fresh = () => {
    if (dir) removeDir(dir);
    dir = tempDir();
    cpSync(pristine, dir, { recursive: true });
  };
  const flip = (rel: string, at: number) => {
    const p = join(dir, rel);
    const data = readFileSync(p);
    data[at] ^= 0x55;
    writeFileSync(p, data);
  };
  /** The byte range of the piece holding byte `at`, from the layer's lengths. */
  const pieceAround = (records: Uint8Array, at: number): [number, number] => {
    let start = 0;
    for (const len of recordLengths(records)) {
      if (at < start + len) return [start, start + len];
      start += len;
    }
    throw new Error('past the end');
  };

  test('an intact tree is ok, with and without the layer', async () => {
    fresh();
    assert.equal((await verifyTree(dir, layer, { pool })).ok, true);
    assert.equal((await verifyTree(dir, roots, { pool })).ok, true);
  });

  test('a flipped byte is exactly the piece that holds it; without the layer, the whole file', async () => {
    fresh();
    flip('big.bin', 5_000_000);
    flip('small/a.bin', 10);
    const r = await verifyTree(dir, layer, { pool });
    const bad = Object.fromEntries(r.entries.filter((e) => e.status !== 'ok').map((e) => [e.path.join('/'), e]));
    const big = layer.find((e) => e.path.join('/') === 'big.bin')!.leaves!;
    const a = layer.find((e) => e.path.join('/') === 'small/a.bin')!.leaves!;
    assert.deepEqual(bad['big.bin'], { path: ['big.bin'], isDir: false, status: 'corrupt', corrupt: [pieceAround(big, 5_000_000)], narrowed: true });
    assert.deepEqual(bad['small/a.bin'], { path: ['small', 'a.bin'], isDir: false, status: 'corrupt', corrupt: [pieceAround(a, 10)], narrowed: true });
    const whole = await verifyTree(dir, roots, { pool });
    const wb = whole.entries.find((e) => e.path.join('/') === 'big.bin')!;
    assert.deepEqual(wb, { path: ['big.bin'], isDir: false, status: 'corrupt', corrupt: [[0, 9 * MiB + 5]], narrowed: false });
  });

  test('a truncated file: the pieces it no longer holds are bad', async () => {
    fresh();
    truncateSync(join(dir, 'big.bin'), 1 * MiB);
    const r = await verifyTree(dir, layer, { pool });
    const e = r.entries.find((x) => x.path.join('/') === 'big.bin')!;
    assert.equal(e.status, 'wrong-size');
    if (e.status !== 'wrong-size') return;
    const big = layer.find((x) => x.path.join('/') === 'big.bin')!.leaves!;
    assert.deepEqual(e.corrupt, [[pieceAround(big, 1 * MiB)[0], 9 * MiB + 5]]);
  });
});

test('CLI: create --chunking auto gives a 1.1 Waterfall whose CDC file verify checks piece by piece', () => {
  const { dir, cleanup } = cliTempDir();
  try {
    const site = join(dir, 'site');
    writeTree(site, { 'big.bin': random(5 * MiB), 'small.txt': 'hi\n' });
    const key = join(dir, 'k.key');
    const wf = join(dir, 's.waterfall');
    assert.equal(bytefall(['keygen', key]).status, 0);
    let r = bytefall(['create', site, '--key', key, '-o', wf, '--chunking', 'auto', '--json']);
    assert.equal(r.status, 0, r.stderr);
    r = bytefall(['inspect', wf, '--json']);
    assert.equal(JSON.parse(r.stdout).format, '1.1.0');
    r = bytefall(['verify', wf, site]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const data = readFileSync(join(site, 'big.bin'));
    data[3_000_000] ^= 1;
    writeFileSync(join(site, 'big.bin'), data);
    r = bytefall(['verify', wf, site, '--json']);
    assert.equal(r.status, 1);
    const report = JSON.parse(r.stdout.trim().split('\n').pop()!);
    const [bad] = report.entries.filter((e: { status: string }) => e.status !== 'ok');
    assert.equal(bad.path, 'big.bin');
    assert.equal(bad.corrupt.length, 1);
    const [start, end] = bad.corrupt[0];
    assert.ok(start <= 3_000_000 && end > 3_000_000 && end - start <= 4 * defaultCdcPieceSize(5 * MiB), `${start}-${end}`);
    // Without --chunking, an explicit piece size keeps fixed pieces (format 1.0).
    r = bytefall(['create', site, '--key', key, '-o', join(dir, 'f.waterfall'), '--piece-size', '64K']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(bytefall(['inspect', join(dir, 'f.waterfall'), '--json']).stdout).format, '1.0.0');
    r = bytefall(['create', site, '--key', key, '-o', join(dir, 'g.waterfall'), '--chunking', 'sometimes']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--chunking must be one of fixed, cdc, auto/);
  } finally {
    cleanup();
  }
});
