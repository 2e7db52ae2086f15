// `seed` and `get` refuse bad input with one line and exit 2, before they create or open
// anything; `--help` lists their options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bytefall, isOneLineError, tempDir } from '../helpers/cli.js';

test('seed/get: bad arguments are one line, exit 2, and leave no directory behind', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const out = join(dir, 'out');
  const cases: [string[], RegExp][] = [
    [['seed', join(dir, 'missing.waterfall'), out], /NOT_FOUND/],
    [['get', 'ab'.repeat(32), out], /give at least one --peer \[BAD_ARGUMENT\]/],
    [['get', join(dir, 'x.waterfall'), out, '--peer', 'nonsense'], /invalid address "nonsense".*\[BAD_ARGUMENT\]/],
    [['get', join(dir, 'x.waterfall'), out, '--listen', '1.2.3.4'], /\[BAD_ARGUMENT\]/],
    [['get', join(dir, 'junk.waterfall'), out], /\[(TRUNCATED|BAD_MAGIC)\]/],
    [['seed', join(dir, 'x.waterfall'), out, '--upload-limit', 'fast'], /--upload-limit.*\[BAD_ARGUMENT\]/],
  ];
  writeFileSync(join(dir, 'junk.waterfall'), 'not a waterfall');
  for (const [args, want] of cases) {
    const r = bytefall(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.ok(isOneLineError(r.stderr), r.stderr);
    assert.match(r.stderr, want);
    assert.equal(existsSync(out), false, `${args.join(' ')} created ${out}`);
  }
});

test('seed/get --help list their options', () => {
  for (const cmd of ['seed', 'get']) {
    const r = bytefall([cmd, '--help']);
    assert.equal(r.status, 0);
    for (const opt of ['--listen', '--peer', '--node-key', '--upload-limit', '--json', '--quiet']) assert.match(r.stdout, new RegExp(opt));
  }
  assert.match(bytefall(['get', '--help']).stdout, /--seed/);
});
