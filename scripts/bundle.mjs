// Bundles the compiled CLI (dist/src/cli/main.js) and the hashing worker
// (dist/src/hash/worker.js) into dist/bundle/ with esbuild: a few files instead of
// ~200 modules, which saves a `bytefall` process up to ~40 ms of module loading
// (docs/BENCHMARKS.md, "startup"). Commands stay lazy: each is its own chunk.
// Packages in node_modules are left as imports. bin/bytefall.js runs the bundle
// when it is there; tests import dist/src directly.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bundle');
rmSync(outdir, { recursive: true, force: true });
try {
  await build({
    entryPoints: { cli: join(root, 'dist', 'src', 'cli', 'main.js'), worker: join(root, 'dist', 'src', 'hash', 'worker.js') },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    chunkNames: 'chunk-[hash]',
    sourcemap: true,
    logLevel: 'warning',
  });
} catch (err) {
  console.error(`bundle: ${err.message}`);
  process.exit(1);
}
