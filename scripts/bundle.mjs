// Bundles the compiled CLI (dist/src/cli/main.js) and the hashing worker
// (dist/src/hash/worker.js) into dist/bundle/ with esbuild, so a `bytefall` process
// loads one file instead of ~200 modules (docs/BENCHMARKS.md, "startup"):
// - cli.cjs: the whole CLI as one CommonJS script. bin/bytefall.js compiles it with a V8
//   code cache (Node 20 has no compile cache of its own), which an ES module cannot use.
//   commander and @noble/ed25519 are bundled in (so the code cache holds them too); piscina
//   (which finds its own worker script beside it) and cli-progress (loaded only on a terminal)
//   stay `require`s. `import.meta.url` becomes the bundle's URL.
// - worker.js: the hashing worker, an ES module, loaded by piscina.
// Tests import dist/src directly.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bundle');
rmSync(outdir, { recursive: true, force: true });
const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning' };
try {
  await build({
    ...common,
    entryPoints: [join(root, 'dist', 'src', 'cli', 'main.js')],
    outfile: join(outdir, 'cli.cjs'),
    format: 'cjs',
    external: ['piscina', 'cli-progress', 'node-addon-api'],
    define: { 'import.meta.url': '__bytefallBundleUrl' },
    banner: { js: 'const __bytefallBundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  });
  await build({
    ...common,
    entryPoints: [join(root, 'dist', 'src', 'hash', 'worker.js')],
    outfile: join(outdir, 'worker.js'),
    format: 'esm',
    packages: 'external',
  });
} catch (err) {
  console.error(`bundle: ${err.message}`);
  process.exit(1);
}
