// `seed` and `get --transport zt` as a user runs them, each in its own process, over the
// stub libzt (test/native/stub-libzt.c; the processes share its registry directory): a few
// MB move from `zt:<node>:<port>` to `zt:<node>:<port>`. And without libzt, `--transport zt`
// is one line and exit 2. The transfer skips without a compiler (test/native/build.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cliPath } from '../helpers/cli.js';
import { Scope, run } from '../integration/helpers.js';
import { prepareNative, stubLibrary } from './build.js';

const T = 60_000;
const skip = await prepareNative();

test('seed -> get over ZeroTier (stub libzt), separate processes: the copy verifies', { skip, timeout: T }, async (t) => {
  const s = new Scope(t);
  const site = s.site({ 'a.bin': 3 * 1024 * 1024, 'b.txt': 1000 }, '64K');
  const env = { LIBZT_PATH: stubLibrary, ZTS_STUB_DIR: s.path('zt-registry') };
  const zt = (home: string) => ['--transport', 'zt', '--zt-network', 'adhoc', '--zt-home', s.path(home)];
  const seed = s.bytefall('seed', ['seed', site.waterfall, site.dir, '--listen', '0.0.0.0:6881', ...zt('zt-seed')], env);
  const address = await seed.address(20_000);
  assert.match(address, /^zt:[0-9a-f]{10}:6881$/);
  const copy = s.path('copy');
  const get = s.bytefall('get', ['get', site.waterfall, copy, '--peer', address, '--listen', '0.0.0.0:6882', ...zt('zt-get')], env);
  assert.match(await get.address(20_000), /^zt:[0-9a-f]{10}:6882$/);
  assert.equal(await get.exit(T), 0, get.stderr);
  assert.equal((await get.event('complete', 1)).bytesVerified, site.bytes);
  assert.match(run(['verify', site.waterfall, copy]), /^ok: all/m);
  seed.kill('SIGINT');
  assert.equal(await seed.exit(10_000), 0, `a ZeroTier seeder stopped with Ctrl-C exits 0 (its node stopped): ${seed.stderr}`);
});

test('--transport zt without libzt (or without the addon): one line, exit 2', { timeout: T }, async (t) => {
  const s = new Scope(t);
  const site = s.site({ 'a.bin': 1000 });
  const r = spawnSync(process.execPath, [cliPath, 'seed', site.waterfall, site.dir, '--listen', '0.0.0.0:6881', '--transport', 'zt', '--zt-network', 'adhoc', '--zt-home', s.path('zt')], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, LIBZT_PATH: s.path('no-such-libzt.so') },
  });
  assert.equal(r.status, 2, r.stderr);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /^bytefall: .*\[(LIBZT_MISSING|ZT_ADDON_MISSING)\]$/);
});

test('--transport: bad values and zt options without it are refused before anything starts', () => {
  const cases: [string[], RegExp][] = [
    [['--transport', 'udp'], /--transport must be 'tcp' or 'zt'/],
    [['--transport', 'zt'], /needs --zt-network/],
    [['--transport', 'zt', '--zt-network', '12345'], /invalid ZeroTier network id/],
    [['--zt-network', 'adhoc'], /--zt-network needs --transport zt/],
    [['--announce', 'ftp://example.org/'], /--announce takes an http\(s\) URL/],
  ];
  for (const [args, message] of cases) {
    const r = spawnSync(process.execPath, [cliPath, 'get', '0'.repeat(64), '/nonexistent/bytefall-copy', ...args], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
});
