// Compiles the AssemblyScript modules under assembly/ into build/*.wasm.
// One module per concept: hash (BLAKE3, merkle, piece verification) and codec
// (the Waterfall block codec). Targets come from asconfig.json; release is what
// the library and the tests load, debug is built with `--debug` for development.
import { spawnSync } from 'node:child_process';
import { mkdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const modules = ['hash', 'codec'];
const targets = process.argv.includes('--debug') ? ['release', 'debug'] : ['release'];
const asc = join(root, 'node_modules', 'assemblyscript', 'bin', 'asc.js');
mkdirSync(join(root, 'build'), { recursive: true });

let failed = false;
for (const mod of modules) {
  const entry = join('assembly', mod, 'index.ts');
  if (!existsSync(join(root, entry))) continue;
  for (const target of targets) {
    const out = join('build', target === 'release' ? `${mod}.wasm` : `${mod}.debug.wasm`);
    const r = spawnSync(process.execPath, [asc, entry, '--config', 'asconfig.json', '--target', target, '--outFile', out], {
      cwd: root,
      stdio: 'inherit',
    });
    if (r.status !== 0) {
      console.error(`build-wasm: ${entry} (${target}) failed`);
      failed = true;
    }
  }
}
if (failed) process.exit(1);
