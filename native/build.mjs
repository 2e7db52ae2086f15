// Builds the ZeroTier addon (native/build/Release/bytefall_zt.node) with node-gyp.
// `npm run build:native` puts npm's node-gyp on PATH; run directly, this finds the
// node-gyp bundled with npm. Uses the Node headers installed beside node when they
// are there (no download). With --if-possible, a machine without a C++ toolchain
// gets a note and exit code 0 instead of a failure.
// Usage: node native/build.mjs [--if-possible] [--debug]
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const ifPossible = process.argv.includes('--if-possible');
const debug = process.argv.includes('--debug');

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** What is missing to build, in words; empty when everything is there. */
export function missingTools() {
  const missing = [];
  if (!has('c++') && !has('g++') && !has('clang++')) missing.push('a C++ compiler (g++ or clang++)');
  if (!has('make')) missing.push('make');
  if (!has('python3')) missing.push('python3');
  return missing;
}

function nodeGyp() {
  if (has('node-gyp')) return ['node-gyp'];
  const bundled = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (existsSync(bundled)) return [process.execPath, bundled];
  return undefined;
}

const missing = missingTools();
const gyp = nodeGyp();
if (!gyp) missing.push('node-gyp (comes with npm)');
if (missing.length > 0) {
  const line = `build:native: cannot build the ZeroTier addon: missing ${missing.join(', ')}. On Debian/Ubuntu: apt-get install build-essential python3. TCP works without it.`;
  console.error(line);
  process.exit(ifPossible ? 0 : 1);
}

const args = [];
const prefix = join(dirname(process.execPath), '..');
if (existsSync(join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
if (debug) args.push('--debug');
args.push('--jobs=2');
const makefile = join(here, 'build', 'Makefile');
const configured = existsSync(makefile) && statSync(makefile).mtimeMs >= statSync(join(here, 'binding.gyp')).mtimeMs;
const steps = configured ? ['build'] : ['configure', 'build'];
const [cmd, ...pre] = gyp;
const r = spawnSync(cmd, [...pre, ...steps, ...args], { cwd: here, stdio: 'inherit' });
if (r.status !== 0) {
  console.error(`build:native: node-gyp ${steps.join(' ')} failed (exit ${r.status ?? r.signal}); see the output above`);
  process.exit(r.status ?? 1);
}
