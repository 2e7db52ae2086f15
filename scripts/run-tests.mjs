// Runs every compiled test file with Node's own test runner. Node 20 takes a
// directory, later releases take globs; listing the files works on both.
// Usage: npm test [-- <substring filter>]
import { readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const filter = process.argv[2] ?? '';
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.js') && p.includes(filter)) files.push(p);
  }
})(join(root, 'dist', 'test'));
if (files.length === 0) {
  console.error(`run-tests: no test files matched "${filter}"`);
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--test', ...files], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
