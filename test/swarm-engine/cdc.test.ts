// Content-defined pieces (format 1.1) through the engine, in one process: a leecher without
// the piece layer fetches the records with HASHES (36 bytes each), learns the offsets from
// them, fetches every piece by index and writes it where its offsets say; a peer that sends
// records that do not prove the entry hash is banned.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HashPool } from '../../src/hash/pool.js';
import { formatAddress } from '../../src/net/address.js';
import { toHex } from '../../src/util/hex.js';
import { PieceHashes } from '../../src/swarm/piece-hashes.js';
import { startEvilPeer } from '../integration/evil-peer.js';
import { makeData, TestSwarm, until } from './helpers.js';

const pool = new HashPool({ threads: 1 });
after(() => pool.destroy());

const FILES = [
  { path: ['big.bin'], size: 1_300_000 }, // about 1100 pieces of 1 KiB on average: 3 runs of HASHES
  { path: ['dir', 'mid.bin'], size: 90_000 },
  { path: ['dir', 'one'], size: 1 },
  { path: ['dir', 'empty'], size: 0 },
];

test('a leecher without the layer gets a content-defined Waterfall from a seeder', async (t) => {
  const data = makeData(FILES, 1024, true);
  assert.equal(data.waterfall.entries.find((e) => e.path.join('/') === 'big.bin')!.chunking, 1);
  const s = new TestSwarm(data, pool);
  t.after(() => s.close());
  const seed = await s.add({ have: 'all', download: false });
  const leech = await s.add({ have: 'none', peers: [seed.address] });
  let layers: Uint8Array | undefined;
  leech.swarm.on('layers', (l) => (layers = l));
  await until(() => leech.swarm.complete, 30_000, 'the leecher to complete');
  assert.ok(await s.holdsAll(leech), 'every byte where it belongs');
  const st = leech.swarm.snapshot();
  assert.equal(st.badPieces, 0);
  assert.equal(st.downloaded, data.contents.reduce((n, c) => n + c.length, 0), 'nothing fetched twice');
  assert.ok(layers, 'the checked layer (with records) is handed out to be kept');
  const big = leech.storage.layout;
  assert.ok(big.pieceCounts[0] > 1024, `${big.pieceCounts[0]} pieces: more than two runs`);
  // Offsets really are content-defined: not multiples of the average.
  assert.ok([1, 2, 3, 4, 5].some((p) => big.pieceOffset(0, p) % 1024 !== 0));
  // A second leecher can learn the records from the first one too (it serves what it holds).
  const second = await s.add({ have: 'none', peers: [leech.address] });
  await until(() => second.swarm.complete, 30_000, 'the second leecher to complete');
  assert.ok(await s.holdsAll(second));
});

test('records are served as 36-byte records and accepted only when they prove the entry hash', () => {
  const data = makeData([{ path: ['f'], size: 700_000 }], 1024, true);
  const source = new PieceHashes(data.waterfall, data.layers);
  const fresh = new PieceHashes(data.waterfall);
  assert.equal(source.recordLen(0), 36);
  const run = [...fresh.missingRuns()][0];
  const answer = source.answer(0, run.first, run.count)!;
  assert.equal(answer.recordLen, 36);
  assert.equal(answer.hashes.length, 36 * run.count);
  assert.deepEqual([...answer.hashes.subarray(0, 36)], [...data.layers[0].subarray(0, 36)]);

  const longer = Buffer.from(answer.hashes);
  longer.writeUInt32LE(longer.readUInt32LE(0) + 1, 0);
  assert.equal(fresh.acceptRun(run, longer, answer.proof), false, 'a changed length');
  const huge = Buffer.from(answer.hashes);
  huge.writeUInt32LE(1 << 30, 36);
  assert.equal(fresh.acceptRun(run, huge, answer.proof), false, 'a length out of bounds');
  const plain = Buffer.concat(Array.from({ length: run.count }, (_, i) => answer.hashes.subarray(i * 36 + 4, (i + 1) * 36)));
  assert.equal(fresh.acceptRun(run, plain, answer.proof), false, 'hashes without their lengths');
  assert.equal(fresh.leaf(0, 0), undefined);
  assert.equal(fresh.acceptRun(run, answer.hashes, answer.proof), true);
  assert.deepEqual([...fresh.leaf(0, 0)!], [...data.layers[0].subarray(4, 36)], 'the leaf checked is the plain hash of the record');
  assert.deepEqual(fresh.piecesReadyAfter(0, run.run), [0, 0], 'no offsets before every record is known');
  for (const r of [...fresh.missingRuns()]) {
    const a = source.answer(0, r.first, r.count)!;
    assert.equal(fresh.acceptRun(r, a.hashes, a.proof), true);
  }
  assert.deepEqual(fresh.piecesReadyAfter(0, 0), [0, fresh.pieceCount(0)]);
  assert.deepEqual(fresh.encode(), source.encode());
});

test('a peer sending forged records is banned; the records come from the honest seeder', async (t) => {
  const s = new TestSwarm(makeData([{ path: ['a'], size: 400_000 }, { path: ['b'], size: 50_000 }], 4096, true), pool);
  t.after(() => s.close());
  const id = new Uint8Array(randomBytes(32));
  const evil = await startEvilPeer({
    transport: s.net.transport(id, '10.9.9.9'), listen: '10.9.9.9:0', waterfall: s.data.waterfall, served: s.data.served,
    layers: s.data.layers, mode: 'bad-records',
  });
  t.after(() => evil.close());
  const seed = await s.add({ have: 'all', download: false });
  const leech = await s.add({ have: 'none', peers: [formatAddress(evil.address), seed.address] });
  await until(() => leech.swarm.complete, 20_000, 'the leecher to complete');
  assert.ok(await s.holdsAll(leech));
  assert.ok(leech.node.bans.isBanned(toHex(id)), leech.logs.join('\n'));
  assert.ok(leech.logs.some((l) => /do not prove the entry hash/.test(l)), leech.logs.join('\n'));
});

async function writeData(dir: string, data: ReturnType<typeof makeData>, damage?: number): Promise<void> {
  const files = data.waterfall.entries.filter((e) => !e.isDir);
  for (let i = 0; i < files.length; i++) {
    await mkdir(join(dir, ...files[i].path.slice(0, -1)), { recursive: true });
    const bytes = Buffer.from(data.contents[i]);
    if (damage !== undefined && bytes.length > damage) bytes[damage] ^= 0xff;
    await writeFile(join(dir, ...files[i].path), bytes);
  }
}

test('content-defined files on disk: checked against their records, or cut again without a layer; a damaged copy is salvaged', async (t) => {
  const data = makeData([{ path: ['a.bin'], size: 300_000 }, { path: ['d', 'b.bin'], size: 40_000 }], 2048, true);
  const s = new TestSwarm(data, pool);
  t.after(() => s.close());
  const withLayer = await s.tempDir();
  await writeData(withLayer, data);
  const seed = await s.add({ have: 'none', download: false, withLayers: true, dir: withLayer });
  assert.equal(seed.swarm.complete, true, 'every file matches its records');
  const noLayer = await s.tempDir();
  await writeData(noLayer, data);
  const seed2 = await s.add({ have: 'none', download: false, withLayers: false, dir: noLayer });
  assert.equal(seed2.swarm.complete, true, 'every file cut again and its root matched');
  assert.ok(seed2.swarm.hashes.allKnown());
  const damaged = await s.tempDir();
  await writeData(damaged, data, 150_000);
  const leech = await s.add({ have: 'none', withLayers: true, dir: damaged, peers: [seed2.address] });
  await until(() => leech.swarm.complete, 20_000, 'the leecher');
  assert.ok(await s.holdsAll(leech));
  const downloaded = leech.swarm.snapshot().downloaded;
  assert.ok(downloaded > 0 && downloaded <= 4 * 2048 * 2, `only the damaged piece is fetched (${downloaded} bytes)`);
  assert.equal(Buffer.compare(await readFile(join(damaged, 'a.bin')), data.contents[0]), 0);
});

test('a content-defined download stopped midway resumes without its layer: records fetched again, verified pieces kept', async (t) => {
  const data = makeData([{ path: ['big.bin'], size: 1_000_000 }, { path: ['small.bin'], size: 30_000 }], 4096, true);
  const s = new TestSwarm(data, pool);
  t.after(() => s.close());
  const seed = await s.add({ have: 'all', download: false, uploadLimit: 1_000_000 });
  const dir = await s.tempDir();
  const first = await s.add({ have: 'none', dir, peers: [seed.address] });
  await until(() => first.swarm.verifiedCount > first.storage.layout.totalPieces / 3, 20_000, 'a third of the pieces');
  s.nodes.splice(s.nodes.indexOf(first), 1);
  await first.swarm.stop();
  await first.node.close();
  await first.storage.close();

  const second = await s.add({ have: 'none', dir, peers: [seed.address] });
  const kept = second.storage.verified().count;
  assert.ok(kept > 0, 'the resume state vouches for the pieces written');
  assert.equal(second.storage.layout.lengthsKnown(0), false, 'no layer yet: no offsets');
  await until(() => second.swarm.complete, 30_000, 'the resumed download');
  assert.ok(await s.holdsAll(second));
  const total = data.contents.reduce((n, c) => n + c.length, 0);
  assert.ok(second.swarm.snapshot().downloaded < total, `only what was missing: ${second.swarm.snapshot().downloaded} of ${total}`);
});
