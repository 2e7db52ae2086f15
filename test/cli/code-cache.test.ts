// bin/bytefall.js runs the bundled CLI with a V8 code cache per command (dist/bundle/cache/):
// a cache V8 refuses (here: garbage) is replaced, never trusted; a command that fails or does
// not exist leaves no cache behind; the command's output is the same either way. The commands
// that run a swarm node raise V8's interrupt budget before the bundle is compiled, so their cache
// is made and checked under the same flags and is not written again on every run. A kept cache
// is replaced by a run of half a second or more that compiled a quarter more than it holds.
// Each test keeps its caches in a directory of its own (BYTEFALL_CODE_CACHE), away from the
// commands other test files run at the same time.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bytefall as run, repoRoot, tempDir } from '../helpers/cli.js';
import { Scope } from '../integration/helpers.js';

const { dir: cacheDir, cleanup } = tempDir('bytefall-code-cache-');
after(cleanup);
const env = { BYTEFALL_CODE_CACHE: cacheDir };
const bytefall = (args: string[]) => run(args, { env });
const cacheOf = (name: string) => join(cacheDir, `${name}-${process.version}-${process.arch}.v8`);
const version = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version as string;

test('a code cache V8 refuses is replaced, and the command runs as without one', { skip: !existsSync(join(repoRoot, 'dist', 'bundle', 'cli.cjs')) && 'no bundle' }, () => {
  mkdirSync(cacheDir, { recursive: true });
  const garbage = Buffer.alloc(4096, 0x5a);
  writeFileSync(cacheOf('other'), garbage); // `--version` is not a command name: its cache is "other"
  const r = bytefall(['--version']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), version);
  const now = readFileSync(cacheOf('other'));
  assert.ok(!now.equals(garbage), 'the refused cache was written anew');
  assert.ok(now.length > 10_000, `a real cache (${now.length} bytes)`);
  const again = bytefall(['--version']);
  assert.equal(again.status, 0);
  assert.equal(again.stdout.trim(), version);
  assert.ok(readFileSync(cacheOf('other')).equals(now), 'an accepted cache is kept as it is');
});

test('an unknown command leaves no cache of its own', () => {
  const r = bytefall(['no-such-command']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown command/);
  assert.ok(!existsSync(cacheOf('no-such-command')));
});

test('a swarm command\'s cache, made under its V8 flags, is accepted and kept the next time', { skip: !existsSync(join(repoRoot, 'dist', 'bundle', 'cli.cjs')) && 'no bundle' }, () => {
  const first = bytefall(['get', '--help']);
  assert.equal(first.status, 0, first.stderr);
  const made = statSync(cacheOf('get')); // written as a new file (rename): a new inode each time
  const again = bytefall(['get', '--help']);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(again.stdout, first.stdout);
  assert.equal(statSync(cacheOf('get')).ino, made.ino, 'the cache was not written again: V8 accepted it');
});

test('a cache from a short run (seed --help) is replaced by the one of a seed that ran 3 s', { skip: !existsSync(join(repoRoot, 'dist', 'bundle', 'cli.cjs')) && 'no bundle' }, async (t) => {
  const scope = new Scope(t);
  const site = scope.site({ 'a.bin': 200_000 });
  assert.equal(bytefall(['seed', '--help']).status, 0);
  const small = statSync(cacheOf('seed'));
  const seed = scope.bytefall('seed', ['seed', site.waterfall, site.dir, '--listen', '127.0.0.1:0'], env);
  await seed.address();
  const end = Date.now() + 15_000; // saved 3 s after start
  while (statSync(cacheOf('seed')).ino === small.ino && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  const grown = statSync(cacheOf('seed'));
  assert.notEqual(grown.ino, small.ino, 'the seed wrote its cache');
  assert.ok(grown.size >= small.size * 1.25, `${grown.size} bytes against ${small.size}`);
});
