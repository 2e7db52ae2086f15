// Content-defined pieces (format 1.1) between processes: `create --chunking cdc`, `seed`, and
// `get` from a swarm id and one address, which fetches the Waterfall, then the records of every
// file with HASHES, then the pieces at the offsets the records give; then `get` of the
// Waterfall file, which reads the piece layer beside it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Scope, run } from './helpers.js';

const T = 60_000;

test('seed -> get of a content-defined Waterfall, from a swarm id and from the file', { timeout: T }, async (t) => {
  const s = new Scope(t);
  const site = s.site({ 'big.bin': 1_500_000, 'd/mid.bin': 300_000, 'd/small.txt': 3000, 'empty': 0 }, '4K', 'cdc');
  const info = JSON.parse(run(['inspect', site.waterfall, '--json']));
  assert.equal(info.format, '1.1.0', 'the Waterfall has content-defined files');
  const seed = s.bytefall('seed', ['seed', site.waterfall, site.dir, '--listen', '127.0.0.1:0']);
  const address = await seed.address();

  const byId = s.path('by-id');
  const get = s.bytefall('get', ['get', info.swarmId as string, byId, '--peer', address, '--listen', '127.0.0.1:0']);
  assert.equal(await get.exit(T), 0, get.stderr);
  const done = await get.event('complete', 1);
  assert.equal(done.bytesVerified, site.bytes);
  assert.match(run(['verify', site.waterfall, byId]), /^ok: all/m);

  const byFile = s.path('by-file');
  const get2 = s.bytefall('get2', ['get', site.waterfall, byFile, '--peer', address, '--listen', '127.0.0.1:0']);
  assert.equal(await get2.exit(T), 0, get2.stderr);
  assert.match(run(['verify', site.waterfall, byFile]), /^ok: all/m);
  seed.kill('SIGINT');
  assert.equal(await seed.exit(10_000), 0);
});
