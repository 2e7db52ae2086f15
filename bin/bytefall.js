#!/usr/bin/env node
// Entry point of the `bytefall` command: the CLI lives in src/cli (compiled to dist/).
import { fileURLToPath, pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

const main = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'src', 'cli', 'main.js');
if (!existsSync(main)) {
  console.error('bytefall: not built yet; run `npm ci` (or `npm run build`) in the checkout first');
  process.exit(2);
}
const { run } = await import(pathToFileURL(main).href);
process.exitCode = await run(process.argv);
