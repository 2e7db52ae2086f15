#!/usr/bin/env node
// Entry point of the `bytefall` command: the CLI lives in src/cli, compiled to dist/ and
// bundled into dist/bundle/ (fewer files to load at start-up; scripts/bundle.mjs).
import { fileURLToPath, pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import module from 'node:module';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const main = [join(dist, 'bundle', 'cli.js'), join(dist, 'src', 'cli', 'main.js')].find((p) => existsSync(p));
if (main === undefined) {
  console.error('bytefall: not built yet; run `npm ci` (or `npm run build`) in the checkout first');
  process.exit(2);
}
// Node 22.1 and later keep compiled code between runs; Node 20 has no such cache.
try {
  module.enableCompileCache?.();
} catch {
  // a read-only cache directory costs only speed
}
const { run } = await import(pathToFileURL(main).href);
process.exitCode = await run(process.argv);
