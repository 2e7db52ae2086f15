// Names on disk (docs/STORAGE.md, "Names on disk"): the Windows mapping as a readable table,
// its inverse on random names (fast-check), the names it refuses, and a real `get` and
// `verify` with the mapping forced on this POSIX machine: files land under their mapped names
// and verify finds them, with no extras; create over such a copy maps the names back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { checkLocalNames, entryName, localName } from '../../src/storage/local-names.js';
import { BytefallError } from '../../src/errors.js';
import { Scope } from '../integration/helpers.js';

const U = (code: number) => String.fromCharCode(code);

const TABLE: [string, string][] = [
  ['index.html', 'index.html'],
  ['a:b', `a${U(0xf03a)}b`],
  ['what?.txt', `what${U(0xf03f)}.txt`],
  ['<tag>', `${U(0xf03c)}tag${U(0xf03e)}`],
  ['back\\slash', `back${U(0xf05c)}slash`],
  ['say "hi"|*', `say ${U(0xf022)}hi${U(0xf022)}${U(0xf07c)}${U(0xf02a)}`],
  ['CON', `CO${U(0xf04e)}`],
  ['nul.tar.gz', `nu${U(0xf06c)}.tar.gz`],
  ['COM1', `COM${U(0xf031)}`],
  ['console', 'console'],
  ['trailing.', `trailing${U(0xf02e)}`],
  ['trailing ', `trailing${U(0xf020)}`],
  ['élan ünïcode', 'élan ünïcode'],
];

test('Windows names: each forbidden character, reserved name and trailing dot or space maps to one private-use character', () => {
  for (const [name, local] of TABLE) {
    assert.equal(localName(name, 'windows'), local, name);
    assert.equal(entryName(local, 'windows'), name, local);
    assert.equal(localName(name, 'posix'), name);
  }
});

test('Windows names: the mapping is inverted exactly on any name it accepts (fast-check)', () => {
  const ch = fc.oneof(fc.constantFrom('.', ' ', ':', '?', '*', '<', '>', '|', '"', '\\', 'a', 'C', 'O', 'N', 'é'), fc.string({ minLength: 1, maxLength: 1 }));
  fc.assert(
    fc.property(fc.array(ch, { minLength: 1, maxLength: 12 }).map((a) => a.join('')), (name) => {
      fc.pre(!/[\uf000-\uf07f]/.test(name) && !/[\ud800-\udfff]/.test(name));
      const local = localName(name, 'windows');
      assert.equal(entryName(local, 'windows'), name);
      assert.doesNotMatch(local, /[<>:"/\\|?*\u0000-\u001f]|[. ]$/);
    }),
    { numRuns: 2000 },
  );
});

test('Windows names: private-use names and case-insensitive twins are refused with NAME_UNMAPPABLE', () => {
  const refused = (fn: () => unknown, match: RegExp) => assert.throws(fn, (e: unknown) => e instanceof BytefallError && e.code === 'NAME_UNMAPPABLE' && match.test(e.message));
  refused(() => localName(`a${U(0xf03a)}b`, 'windows'), /U\+F000-U\+F07F/);
  refused(() => checkLocalNames([['docs', 'Read.me'], ['docs', 'READ.ME']], 'windows'), /docs\/READ.ME and docs\/Read.me are one name/);
  checkLocalNames([['docs', 'Read.me'], ['other', 'READ.ME']], 'windows'); // different directories
  checkLocalNames([['a', 'x'], ['A', 'y']], 'posix');
});

test('get and verify with the Windows mapping forced: the files land under mapped names and verify them', { timeout: 120_000 }, async (t) => {
  const s = new Scope(t);
  const site = s.site({ 'a:b.txt': 10_000, 'CON': 5000, 'docs/what?': 7000 }, '16K');
  const seed = s.bytefall('seed', ['seed', site.waterfall, site.dir, '--listen', '127.0.0.1:0']);
  const copy = s.path('copy');
  const env = { BYTEFALL_NAME_MAPPING: 'windows' };
  const get = s.bytefall('get', ['get', site.waterfall, copy, '--peer', await seed.address()], env);
  assert.equal(await get.exit(60_000), 0, get.stderr);
  assert.deepEqual(readdirSync(copy).filter((n) => n !== '.bytefall').sort(), [`CO${U(0xf04e)}`, `a${U(0xf03a)}b.txt`, 'docs']);
  assert.deepEqual(readdirSync(s.path('copy', 'docs')), [`what${U(0xf03f)}`]);
  const verify = (e?: NodeJS.ProcessEnv) => spawnSync(process.execPath, ['bin/bytefall.js', 'verify', site.waterfall, copy], { encoding: 'utf8', env: { ...process.env, ...e } });
  const ok = verify(env);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  const posix = verify({ BYTEFALL_NAME_MAPPING: 'posix' });
  assert.equal(posix.status, 1, 'without the mapping the files are missing (and the mapped ones extra)');
  assert.match(posix.stdout, /missing/);
  // `create` over the downloaded copy with the mapping maps the names back: the same entries.
  const key = s.path('k2.key');
  const again = s.path('again.waterfall');
  const cli = (args: string[], e?: NodeJS.ProcessEnv) => spawnSync(process.execPath, ['bin/bytefall.js', ...args], { encoding: 'utf8', env: { ...process.env, ...e } });
  assert.equal(cli(['keygen', key]).status, 0);
  const made = cli(['create', copy, '--key', key, '-o', again, '--piece-size', '16K', '--chunking', 'fixed', '-q'], env);
  assert.equal(made.status, 0, made.stderr);
  const names = (file: string) => (JSON.parse(cli(['inspect', file, '--json']).stdout) as { entries: { path: string }[] }).entries.map((f) => f.path).sort();
  assert.deepEqual(names(again), names(site.waterfall));
  assert.deepEqual(names(again), ['CON', 'a:b.txt', 'docs', 'docs/what?']);
});
