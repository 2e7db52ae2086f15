// The Worker as it would be deployed: `wrangler deploy --dry-run` bundles it
// offline (our handler, the shared modules of src/, build/hash.wasm), and that very
// bundle then runs in workerd through Miniflare's API: publish, read, announce.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/cli.js';
import { quietEnv, workerDir, wranglerBin } from './wrangler-env.js';
import { testRecordJson, testSwarmId } from './kit.js';
import { toHex } from '../../src/util/hex.js';

test('wrangler bundles the Worker offline, and the bundle serves the API in workerd', { timeout: 120_000 }, async (t) => {
  const { dir, cleanup } = tempDir('bytefall-wrangler-');
  t.after(cleanup);
  const outdir = join(dir, 'out');
  const r = spawnSync(process.execPath, [wranglerBin, 'deploy', '--dry-run', '--outdir', outdir, '-c', join(workerDir, 'wrangler.toml')], {
    cwd: workerDir,
    env: quietEnv(dir),
    encoding: 'utf8',
    timeout: 90_000,
  });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /--dry-run: exiting now/);
  const files = readdirSync(outdir);
  const wasm = files.find((f) => f.endsWith('hash.wasm'));
  assert.ok(files.includes('index.js') && wasm, `bundle files: ${files.join(', ')}`);
  assert.ok(statSync(join(outdir, 'index.js')).size < 1024 * 1024, 'the script stays far below the 3 MiB free-plan limit');

  const { Miniflare } = await import('miniflare');
  const mf = new Miniflare({
    modules: [
      { type: 'ESModule', path: join(outdir, 'index.js') },
      { type: 'CompiledWasm', path: join(outdir, wasm!) },
    ],
    modulesRoot: outdir,
    compatibilityDate: '2026-04-01',
    compatibilityFlags: ['nodejs_compat'],
    durableObjects: { SWARMS: { className: 'SwarmObject', useSQLite: true } },
    bindings: { ADDRESS_POLICY: 'public' },
  });
  t.after(() => mf.dispose());
  const swarm = toHex(testSwarmId());
  const base = 'https://announce.test/v1/swarms/' + swarm;
  const headers = { 'content-type': 'application/json', 'cf-connecting-ip': '203.0.113.50' };
  let res = await mf.dispatchFetch(`${base}/record`, { method: 'PUT', body: JSON.stringify(testRecordJson(3)), headers });
  assert.equal(res.status, 201, await res.text());
  res = await mf.dispatchFetch(`${base}/announce`, { method: 'POST', body: JSON.stringify({ addresses: ['8.8.8.8:6881'] }), headers });
  assert.equal(res.status, 200);
  res = await mf.dispatchFetch(`${base}/announce`, { method: 'POST', body: JSON.stringify({ addresses: ['1.1.1.1:6881'] }), headers });
  const view = (await res.json()) as { record: { sequence: number }; peers: string[] };
  assert.equal(view.record.sequence, 3);
  assert.deepEqual(view.peers, ['8.8.8.8:6881']);
  res = await mf.dispatchFetch(`${base}/record`, { method: 'PUT', body: JSON.stringify({ ...testRecordJson(4), sequence: 5 }), headers });
  assert.equal(res.status, 403);
});
