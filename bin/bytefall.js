#!/usr/bin/env node
// Entry point of the `bytefall` command: the CLI lives in src/cli, compiled to dist/ and
// bundled into one CommonJS script, dist/bundle/cli.cjs (scripts/bundle.mjs). That script is
// compiled with a V8 code cache kept beside it, one per command and Node version
// (dist/bundle/cache/): a process then neither parses the CLI nor compiles the functions the
// command ran last time (docs/BENCHMARKS.md, "startup"). The cache is written as the command
// ends with exit code 0 or after 3 s: when it is missing or V8 refused it, or when a command that
// ran for half a second or more compiled a quarter more than the cache held (a first `get --help`
// must not leave `get` a cache without the download in it); a checkout that is not writable runs
// without one, unless BYTEFALL_CODE_CACHE names a directory to keep them in. Without the bundle,
// the compiled modules in dist/src run instead.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import module from 'node:module';
import v8 from 'node:v8';
import vm from 'node:vm';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const bundle = join(dist, 'bundle', 'cli.cjs');
const modules = join(dist, 'src', 'cli', 'main.js');

/** A kept cache is replaced only by a run this long (ms) that compiled this much more (size ratio). */
const MIN_RUN_TO_GROW_MS = 500;
const GROWTH_TO_REPLACE = 1.25;

/** The bundle's exports, compiled with the command's code cache (and a function that saves it). */
function loadBundle(command) {
  const cacheDir = process.env.BYTEFALL_CODE_CACHE || join(dist, 'bundle', 'cache');
  const cacheFile = join(cacheDir, `${/^[a-z][a-z-]{0,19}$/.test(command ?? '') ? command : 'other'}-${process.version}-${process.arch}.v8`);
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // none yet
  }
  const script = new vm.Script(module.wrap(readFileSync(bundle, 'utf8')), { filename: bundle, cachedData });
  const exports = {};
  const mod = { exports, filename: bundle, id: bundle };
  script.runInThisContext().call(exports, exports, module.createRequire(bundle), mod, bundle, dirname(bundle));
  const started = performance.now();
  let saved = false;
  const save = () => {
    if (saved) return;
    saved = true;
    const kept = cachedData !== undefined && !script.cachedDataRejected;
    if (kept && performance.now() - started < MIN_RUN_TO_GROW_MS) return; // a short run compiled little
    try {
      const data = script.createCachedData();
      if (kept && data.length < cachedData.length * GROWTH_TO_REPLACE) return;
      mkdirSync(cacheDir, { recursive: true });
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(tmp, data);
      renameSync(tmp, cacheFile);
    } catch {
      // a read-only checkout costs only speed
    }
  };
  setTimeout(save, 3000).unref(); // a long-running command (seed) saves what it compiled by then
  return { run: mod.exports.run, save };
}

// V8 optimizes a function once it has run about 64 KiB of bytecode (its interrupt budget) a few
// times. A swarm node's functions run per block or per message, so in a download of seconds ~90
// of them reach that and TurboFan compiles them in the background: 12% of a 1+4 swarm's CPU
// (~0.14 CPU-s a process), while the optimized code then ran 1.5% of it. The commands that run a
// swarm node raise the budget 60x: a node that runs for seconds stays on V8's baseline code, one
// that runs for minutes still optimizes what stays hot (docs/BENCHMARKS.md, "V8's tiering").
// Set before the bundle is compiled, so that its code cache is made and checked under the same
// flags. A budget given to node itself wins. Only on the V8 releases known to have the flag
// (Node 20 to 24: V8 11 to 13): V8 prints "unrecognized flag" on stdout for one it lacks.
const SWARM_COMMANDS = new Set(['get', 'seed', 'update']);
const v8Major = Number(process.versions.v8.split('.')[0]);
if (SWARM_COMMANDS.has(process.argv[2]) && v8Major >= 11 && v8Major <= 13 && !process.execArgv.some((a) => a.startsWith('--interrupt-budget'))) {
  v8.setFlagsFromString('--interrupt-budget=4000000');
}

let cli;
if (existsSync(bundle)) {
  cli = loadBundle(process.argv[2]);
} else if (existsSync(modules)) {
  cli = { run: (await import(pathToFileURL(modules).href)).run, save: () => undefined };
} else {
  console.error('bytefall: not built yet; run `npm ci` (or `npm run build`) in the checkout first');
  process.exit(2);
}
process.exitCode = await cli.run(process.argv);
if (process.exitCode === 0) cli.save();
