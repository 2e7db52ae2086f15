// Compressed pieces through the engine: a leecher that holds an old file fetches its edited
// copy with fetchHints naming, for each new piece, the old piece at the same position (asked
// with its delta signature); the bytes on the wire are counted against a plain fetch of the
// same data, which asks for nothing compressed (kind 0) and moves every byte raw. A peer whose
// deltas rebuild wrong bytes is not banned for it: the pieces are asked for again plainly.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HashPool } from '../../src/hash/pool.js';
import type { FetchHint } from '../../src/swarm/compress-fetch.js';
import { formatAddress } from '../../src/net/address.js';
import { toHex } from '../../src/util/hex.js';
import { startEvilPeer } from '../integration/evil-peer.js';
import type { TestNode } from './helpers.js';
import { makeData, TestSwarm, until } from './helpers.js';

const pool = new HashPool({ threads: 1 });
after(() => pool.destroy());

const old = new Uint8Array(randomBytes(300_000));
const edited = Buffer.concat([old.subarray(0, 150_000), Buffer.from('an insertion in the middle of the file'), old.subarray(150_000)]);

/** Bytes of PIECE data that reached `t`, as they travelled (compressed or not). */
function countWire(t: TestNode): { bytes: number; blocks: number; sizes: number[] } {
  const c = { bytes: 0, blocks: 0, sizes: [] as number[] };
  t.swarm.on('peer', (p) => {
    if (p.action !== 'connected') return;
    t.swarm.peers.get(p.nodeId)?.wire.on('piece', (_r, _d, wireBytes) => {
      c.bytes += wireBytes;
      c.blocks++;
      c.sizes.push(wireBytes);
    });
  });
  return c;
}

test('an edited file fetched with the old pieces as dictionaries moves a fraction of its bytes', async (t) => {
  const data = makeData([{ path: ['old.bin'], size: old.length, data: old }, { path: ['new.bin'], size: edited.length, data: edited }], 16 * 1024, true);
  const s = new TestSwarm(data, pool);
  t.after(() => s.close());
  const [newIndex, oldIndex] = [data.waterfall.entries.findIndex((e) => e.path[0] === 'new.bin'), data.waterfall.entries.findIndex((e) => e.path[0] === 'old.bin')];
  assert.deepEqual([newIndex, oldIndex], [0, 1], 'files in canonical order: new.bin, then old.bin');
  const seed = await s.add({ have: 'all', download: false });

  // The leecher holds old.bin already (on disk, checked at start) and fetches new.bin.
  const dir = await s.tempDir();
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'old.bin'), old);
  let leech: TestNode | undefined;
  let reads = 0;
  const hints = (piece: number): FetchHint | undefined => {
    const layout = leech?.storage.layout;
    if (!layout || piece >= layout.pieceCounts[0]) return undefined; // only new.bin's pieces
    const at = Math.min(layout.pieceOffset(0, piece), old.length - 1);
    const k = layout.pieceAt(1, at);
    const storage = leech!.storage;
    return {
      compress: true,
      dictionary: { leaf: leech!.swarm.hashes.leaf(1, k)!, length: layout.pieceLength(1, k), read: () => (reads++, storage.readPiece(1, k)) },
    };
  };
  leech = await s.add({ have: 'none', withLayers: true, dir, fetchHints: (p) => hints(p) });
  assert.equal(leech.storage.status(1).complete, true, 'old.bin was taken from disk');
  const wire = countWire(leech);
  leech.swarm.connector.add(seed.address, undefined, 'user');
  await until(() => leech!.swarm.complete, 20_000, 'the leecher');
  assert.ok(await s.holdsAll(leech), 'every piece verified against its hash');
  assert.ok(reads > 0, 'the dictionaries were read');
  t.diagnostic(`with dictionaries: ${wire.bytes} bytes on the wire in ${wire.blocks} blocks for ${edited.length} bytes`);
  assert.ok(wire.bytes < edited.length / 10, `${wire.bytes} bytes on the wire for ${edited.length}; blocks ${wire.sizes.join(' ')}; dictionary reads ${reads}; leecher log: ${leech.logs.join(' | ')}`);

  // The same file fetched plainly (a fresh download): every byte raw, nothing asked compressed.
  // From the seeder alone (no PEX: the leecher above would be a second source, and endgame
  // duplicates from two sources would count twice).
  const plain = await s.add({ have: 'none', withLayers: true, pex: false });
  const plainWire = countWire(plain);
  plain.swarm.connector.add(seed.address, undefined, 'user');
  await until(() => plain.swarm.complete, 20_000, 'the plain leecher');
  assert.ok(await s.holdsAll(plain));
  assert.equal(plainWire.bytes, old.length + edited.length, 'raw: exactly the data');
  t.diagnostic(`plain: ${plainWire.bytes} bytes for ${old.length + edited.length}`);
});

test('a dictionary that does not match its hash is not used: the piece still arrives, compressed or not', async (t) => {
  const text = new TextEncoder().encode('{"key": "value", "n": 12345}\n'.repeat(12_000));
  const data = makeData([{ path: ['a.json'], size: text.length, data: text }], 16 * 1024, true);
  const s = new TestSwarm(data, pool);
  t.after(() => s.close());
  const seed = await s.add({ have: 'all', download: false });
  const bogus = { leaf: new Uint8Array(32), length: 100, read: async () => new Uint8Array(100) };
  const leech = await s.add({ have: 'none', withLayers: true, fetchHints: () => ({ compress: true, dictionary: bogus }) });
  const wire = countWire(leech);
  leech.swarm.connector.add(seed.address, undefined, 'user');
  await until(() => leech.swarm.complete, 20_000, 'the leecher');
  assert.ok(await s.holdsAll(leech));
  assert.ok(wire.bytes < text.length / 5, `compression welcome still applies: ${wire.bytes} bytes for ${text.length}`);
});

test('compression welcome on incompressible data: every block answered raw, nothing lost', async (t) => {
  const data = makeData([{ path: ['r.bin'], size: 700_000 }], 64 * 1024);
  const s = new TestSwarm(data, pool);
  t.after(() => s.close());
  const seed = await s.add({ have: 'all', download: false });
  const leech = await s.add({ have: 'none', withLayers: true, fetchHints: () => ({ compress: true }) });
  const wire = countWire(leech);
  leech.swarm.connector.add(seed.address, undefined, 'user');
  await until(() => leech.swarm.complete, 20_000, 'the leecher');
  assert.ok(await s.holdsAll(leech));
  assert.equal(wire.bytes, 700_000, 'raw: the responder found nothing smaller');
  assert.equal(leech.swarm.snapshot().badPieces, 0);
});

test('a delta that rebuilds wrong bytes bans nobody: the piece is asked for again without one', async (t) => {
  // new.bin is file 0 (canonical order), with fixed-size pieces the liar serves by offset.
  const data = makeData([{ path: ['old.bin'], size: old.length, data: old }, { path: ['new.bin'], size: edited.length, data: edited }], 16 * 1024);
  const s = new TestSwarm(data, pool);
  t.after(() => s.close());
  const id = new Uint8Array(randomBytes(32));
  const liar = await startEvilPeer({
    transport: s.net.transport(id, '10.9.9.8'), listen: '10.9.9.8:0', waterfall: data.waterfall, served: data.served,
    layers: data.layers, mode: 'delta-junk', firstFile: edited,
  });
  t.after(() => liar.close());
  const dir = await s.tempDir();
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'old.bin'), old);
  let leech: TestNode | undefined;
  const hints = (piece: number): FetchHint | undefined => {
    const layout = leech?.storage.layout;
    if (!layout || piece >= layout.pieceCounts[0]) return undefined;
    const k = layout.pieceAt(1, Math.min(layout.pieceOffset(0, piece), old.length - 1));
    const storage = leech!.storage;
    return { compress: true, dictionary: { leaf: leech!.swarm.hashes.leaf(1, k)!, length: layout.pieceLength(1, k), read: () => storage.readPiece(1, k) } };
  };
  const warnings: string[] = [];
  leech = await s.add({ have: 'none', withLayers: true, dir, fetchHints: (p) => hints(p), peers: [formatAddress(liar.address)] });
  leech.swarm.on('warning', (w: string) => warnings.push(w));
  await until(() => leech!.swarm.complete, 20_000, 'the leecher');
  assert.ok(await s.holdsAll(leech), 'every piece verified against its hash');
  assert.ok(liar.junkSent > 0, 'the liar did answer deltas with wrong bytes');
  assert.equal(leech.node.bans.isBanned(toHex(id)), false, 'nobody banned for a delta that did not rebuild');
  assert.equal(leech.swarm.snapshot().badPieces, 0);
  assert.ok(warnings.some((w) => /rebuilt from a delta does not match its hash/.test(w)), warnings.join('\n'));
});
