// publishNext: the next version keeps the swarm, bumps the sequence, hashes only
// what changed (counted by a pool that adds up the bytes of every task it is
// given, not by timing), and moves file versions only for changed content.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashTree } from '../../src/create/hash-tree.js';
import { scan } from '../../src/create/scan.js';
import { buildWaterfall, decodeLayers, decodeWaterfall, type Waterfall } from '../../src/format/index.js';
import { HashPool } from '../../src/hash/pool.js';
import type { ChunkFilesTask, HashFilesTask, HashRegionTask } from '../../src/hash/tasks.js';
import { publishNext, type PreviousVersion, type Published } from '../../src/publish/publish.js';
import { decodeIndex } from '../../src/publish/index-file.js';
import { verifyTree } from '../../src/verify/verify.js';
import { random, removeDir, tempDir, writeTree } from '../create/tmp-tree.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const SEED = new Uint8Array(32).fill(3);
const N = 60;

/** A pool that adds up the bytes of every file region it is asked to hash. */
class CountingPool extends HashPool {
  bytes = 0;
  paths: string[] = [];
  constructor() {
    super({ threads: 2 });
  }
  override hashRegion(t: HashRegionTask) {
    this.bytes += t.length;
    if (t.offset === 0) this.paths.push(t.path);
    return super.hashRegion(t);
  }
  override hashFiles(t: HashFilesTask) {
    for (const f of t.files) {
      this.bytes += f.size;
      this.paths.push(f.path);
    }
    return super.hashFiles(t);
  }
  override chunkFiles(t: ChunkFilesTask) {
    for (const f of t.files) {
      this.bytes += f.size;
      this.paths.push(f.path);
    }
    return super.chunkFiles(t);
  }
  reset(): void {
    this.bytes = 0;
    this.paths = [];
  }
}

const name = (i: number) => `site/page${String(i).padStart(2, '0')}.html`;

describe('publishNext', () => {
  let dir: string;
  let pool: CountingPool;
  let v1: PreviousVersion;
  let v2: Published;
  let v3: Published;
  const sizeOf = (rel: string) => readFileSync(join(dir, rel)).length;
  const prevOf = (p: Published): PreviousVersion => ({
    waterfall: p.waterfall,
    layers: decodeLayers(p.layers, p.waterfall),
    index: decodeIndex(p.index),
  });

  before(async () => {
    dir = tempDir();
    pool = new CountingPool();
    const spec: Record<string, Uint8Array | string> = { 'site/': '', 'big.log': random(5 * MiB + 17) };
    for (let i = 0; i < N; i++) spec[name(i)] = random(1000 + i * 977);
    writeTree(dir, spec);
    // Version 1, as `create` makes it (no publish index).
    const { entries } = await scan(dir);
    const hashed = await hashTree(dir, entries, { pool, chunking: 'auto' });
    const built = buildWaterfall({ name: 'site', salt: new Uint8Array(64).fill(9), sequence: 1, publishTime: 1, seed: SEED, entries: hashed.entries });
    v1 = { waterfall: built.waterfall, layers: hashed.perFileLeaves };
    assert.equal(built.waterfall.entries.find((e) => e.name === 'big.log')!.chunking, 1);
  });
  after(async () => {
    await pool.destroy();
    removeDir(dir);
  });

  test('nothing changed, no index yet: every file is hashed once, nothing changes version, the entries are the same', async () => {
    pool.reset();
    v2 = await publishNext(dir, v1, { pool, seed: SEED, publishTime: 2 });
    const total = v1.waterfall.entries.reduce((n, e) => n + e.size, 0);
    assert.equal(pool.bytes, total);
    assert.deepEqual(v2.stats, { files: N + 1, directories: 1, reused: 0, same: N + 1, changed: 0, added: 0, removed: 0, bytesHashed: total, quickCheck: 'none' });
    const w = v2.waterfall;
    assert.equal(w.sequence, 2);
    assert.deepEqual(w.swarmId, v1.waterfall.swarmId);
    assert.equal(w.name, 'site');
    assert.deepEqual(w.salt, v1.waterfall.salt);
    assert.deepEqual(w.entries.map((e) => e.hash), v1.waterfall.entries.map((e) => e.hash));
    assert.deepEqual(w.version, [1, 1, 0]);
    assert.equal(decodeIndex(v2.index).records.length, N + 1);
  });

  test('with the index, nothing changed: nothing is hashed', async () => {
    pool.reset();
    const again = await publishNext(dir, prevOf(v2), { pool, seed: SEED, publishTime: 2 });
    assert.equal(pool.bytes, 0);
    assert.equal(again.stats.reused, N + 1);
    assert.equal(again.stats.quickCheck, 'index');
    assert.deepEqual(again.waterfall.entries, v2.waterfall.entries);
  });

  test('10 of N files touched: exactly those are hashed; versions move only for changed content', async () => {
    const changed = [0, 1, 2, 3, 4].map(name); // new content
    const touched = [10, 11, 12].map(name); // same content, new mtime
    const grown = [20, 21].map(name); // appended to
    for (const rel of changed) writeFileSync(join(dir, rel), random(sizeOf(rel)));
    for (const rel of touched) utimesSync(join(dir, rel), new Date(), new Date(Date.now() + 5000));
    for (const rel of grown) appendFileSync(join(dir, rel), 'more');
    writeFileSync(join(dir, 'site/new.html'), 'new');
    rmSync(join(dir, name(30)));
    utimesSync(join(dir, 'site'), new Date(), new Date(Date.now() + 9000)); // its mtime moved (it does on a real add too)
    pool.reset();
    v3 = await publishNext(dir, prevOf(v2), { pool, seed: SEED, publishTime: 3 });
    // The directory keeps its times, so neither its entry nor those under it change for it.
    const entry = (w: Waterfall, rel: string) => w.entries.find((e) => e.path.join('/') === rel)!;
    assert.deepEqual(entry(v3.waterfall, 'site').hash, entry(v2.waterfall, 'site').hash, 'the directory entry');
    assert.deepEqual(entry(v3.waterfall, name(40)).hash, entry(v2.waterfall, name(40)).hash, 'an unchanged file under it');
    const expectedBytes = [...changed, ...touched, ...grown, 'site/new.html'].reduce((n, rel) => n + sizeOf(rel), 0);
    assert.equal(pool.bytes, expectedBytes);
    assert.equal(v3.stats.bytesHashed, expectedBytes);
    assert.deepEqual(pool.paths.map((p) => p.slice(dir.length + 1)).sort(), [...changed, ...touched, ...grown, 'site/new.html'].sort());
    assert.equal(v3.stats.quickCheck, 'index');
    assert.deepEqual(
      { reused: v3.stats.reused, same: v3.stats.same, changed: v3.stats.changed, added: v3.stats.added, removed: v3.stats.removed },
      { reused: N + 1 - 1 - 10, same: 3, changed: 7, added: 1, removed: 1 },
    );
    const version = (w: Waterfall, rel: string) => w.entries.find((e) => e.path.join('/') === rel)?.fileVersion;
    for (const rel of [...changed, ...grown]) assert.equal(version(v3.waterfall, rel), 2, rel);
    for (const rel of [...touched, name(40), 'big.log']) assert.equal(version(v3.waterfall, rel), 1, rel);
    assert.equal(version(v3.waterfall, 'site/new.html'), 1);
    assert.equal(version(v3.waterfall, name(30)), undefined);
    assert.equal(v3.waterfall.sequence, 3);
    assert.deepEqual(v3.waterfall.swarmId, v1.waterfall.swarmId);
    // What was written checks out: the Waterfall decodes, its layer matches, the data verifies.
    const w = decodeWaterfall(v3.bytes);
    const layers = decodeLayers(v3.layers, w);
    let k = 0;
    const expected = w.entries.map((e) => ({ path: e.path, isDir: e.isDir, size: e.size, pieceSize: e.pieceSize, chunking: e.chunking, ...(e.isDir ? {} : { leaves: layers[k++] }) }));
    assert.equal((await verifyTree(dir, expected, { pool })).ok, true);
  });

  test('an insertion in the big CDC file: one file hashed, its chunking and piece size kept', async () => {
    const path = join(dir, 'big.log');
    const old = readFileSync(path);
    writeFileSync(path, Buffer.concat([old.subarray(0, 2 * MiB), Buffer.from('inserted line\n'), old.subarray(2 * MiB)]));
    pool.reset();
    const v4 = await publishNext(dir, prevOf(v3), { pool, seed: SEED, publishTime: 4 });
    assert.equal(pool.bytes, old.length + 14);
    const before = v3.waterfall.entries.find((e) => e.name === 'big.log')!;
    const after = v4.waterfall.entries.find((e) => e.name === 'big.log')!;
    assert.equal(after.chunking, 1);
    assert.equal(after.pieceSize, before.pieceSize);
    assert.equal(after.fileVersion, 2);
  });

  test('--rehash hashes everything', async () => {
    pool.reset();
    const r = await publishNext(dir, prevOf(v3), { pool, seed: SEED, rehash: true });
    const total = v3.waterfall.entries.filter((e) => !e.isDir).reduce((n, e) => n + sizeOf(e.path.join('/')), 0);
    assert.equal(pool.bytes, total);
    assert.equal(r.stats.quickCheck, 'none');
  });

  test('another key, or a sequence that does not go up, is refused', async () => {
    await assert.rejects(publishNext(dir, v1, { pool, seed: new Uint8Array(32).fill(4) }), { code: 'BAD_KEY', message: /key does not match the previous version/ });
    await assert.rejects(publishNext(dir, v1, { pool, seed: SEED, sequence: 1 }), { code: 'BAD_ARGUMENT', message: /greater than the previous version's 1/ });
  });
});
