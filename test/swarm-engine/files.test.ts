// The engine on real files (FsStorage): a seeder takes the files it finds after hashing
// them once (and trusts its resume state the next time), serves nothing of a file that does
// not match, notices a file that changes under it and stops serving it until it matches
// again; a downloader salvages the matching pieces of a damaged copy and fetches the rest.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HashPool } from '../../src/hash/pool.js';
import { makeData, TestSwarm, until, type TestData } from './helpers.js';

const pool = new HashPool({ threads: 1 });
after(() => pool.destroy());

async function writeData(dir: string, data: TestData): Promise<void> {
  const files = data.waterfall.entries.filter((e) => !e.isDir);
  for (let i = 0; i < files.length; i++) {
    await mkdir(join(dir, ...files[i].path.slice(0, -1)), { recursive: true });
    await writeFile(join(dir, ...files[i].path), data.contents[i]);
  }
}

const FILES = [{ path: ['a.bin'], size: 120_000 }, { path: ['d', 'b.bin'], size: 40_000 }];

test('a seeder hashes the files it finds once, then trusts its resume state', async (t) => {
  const data = makeData(FILES, 8192);
  const s1 = new TestSwarm(data, pool);
  const s2 = new TestSwarm(data, pool);
  t.after(() => s2.close());
  const dir = await s2.tempDir();
  await writeData(dir, data);
  let checked = 0;
  const seed = await s1.add({ have: 'none', download: false, withLayers: true, dir });
  assert.equal(seed.swarm.complete, true, 'every file adopted');
  await s1.close();
  const again = await s2.add({ have: 'none', download: false, withLayers: true, dir });
  again.swarm.on('checking', (c) => (checked = c.total));
  assert.equal(again.swarm.complete, true);
  assert.equal(checked, 0, 'nothing hashed again');
  const leech = await s2.add({ have: 'none', peers: [again.address] });
  await until(() => leech.swarm.complete, 10_000, 'the leecher');
  assert.ok(await s2.holdsAll(leech));
});

test('without a piece layer a seeder learns the hashes from its own files', async (t) => {
  const data = makeData(FILES, 4096);
  const s = new TestSwarm(data, pool);
  t.after(() => s.close());
  const dir = await s.tempDir();
  await writeData(dir, data);
  const seed = await s.add({ have: 'none', download: false, withLayers: false, dir });
  assert.equal(seed.swarm.complete, true);
  assert.ok(seed.swarm.hashes.allKnown());
  const leech = await s.add({ have: 'none', peers: [seed.address] });
  await until(() => leech.swarm.complete, 10_000, 'the leecher (hashes fetched from the seeder)');
});

test('a seeder does not serve a file that does not match, and notices a file that changes', async (t) => {
  const data = makeData(FILES, 4096);
  const s = new TestSwarm(data, pool);
  t.after(() => s.close());
  const dir = await s.tempDir();
  await writeData(dir, data);
  const bad = join(dir, 'd', 'b.bin');
  const good = await readFile(bad);
  const broken = Buffer.from(good);
  broken[5000] ^= 1;
  await writeFile(bad, broken);
  const seed = await s.add({ have: 'none', download: false, withLayers: true, dir });
  assert.ok(seed.logs.some((l) => /d\/b\.bin does not match the Waterfall \(9 of 10 pieces match\); not served/.test(l)), seed.logs.join('\n'));
  assert.equal(seed.storage.status(0).complete, true);
  assert.equal(seed.storage.status(1).verified, 0);

  await writeFile(bad, good); // repaired: the change is noticed and the file checked again
  await until(() => seed.storage.status(1).complete, 10_000, 'the repaired file to be taken');
  const a = join(dir, 'a.bin');
  const original = await readFile(a);
  const changed = Buffer.from(original);
  changed[0] ^= 1;
  await writeFile(a, changed);
  await until(() => seed.logs.some((l) => /a\.bin changed on disk/.test(l)), 10_000, 'the change to be noticed');
  await until(() => seed.logs.some((l) => /a\.bin no longer matches the Waterfall; not served/.test(l)), 10_000, 'the changed file to be checked');
  assert.equal(seed.storage.status(0).complete, false);
  assert.equal(seed.storage.status(0).verified, 0);
});

test('a downloader keeps the matching pieces of a damaged copy and fetches only the rest', async (t) => {
  const data = makeData([{ path: ['big.bin'], size: 200_000 }], 4096); // 49 pieces
  const s = new TestSwarm(data, pool);
  t.after(() => s.close());
  const seedDir = await s.tempDir();
  await writeData(seedDir, data);
  const dir = await s.tempDir();
  await writeData(dir, data);
  const p = join(dir, 'big.bin');
  const damaged = await readFile(p);
  damaged[100] ^= 1; // piece 0
  damaged[150_000] ^= 1; // piece 36
  await writeFile(p, damaged);
  const seed = await s.add({ have: 'none', download: false, dir: seedDir });
  const leech = await s.add({ have: 'none', withLayers: true, dir, peers: [seed.address] });
  await until(() => leech.swarm.complete, 10_000, 'the repair');
  assert.equal(leech.swarm.snapshot().downloaded, 2 * 4096, 'only the two damaged pieces were fetched');
  assert.deepEqual(await readFile(p), Buffer.from(data.contents[0]));
});
