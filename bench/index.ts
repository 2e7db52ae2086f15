// `npm run bench [-- section ...]`: runs the benchmark sections one after the
// other, each in its own process so that one's memory and JIT state do not
// colour the next. Each section prints its own table with ratios to named peers.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineLine } from './common.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Section name -> [script in dist/bench, arguments, what it compares]. */
export const SECTIONS: Record<string, [string, string[], string]> = {
  hash: ['blake3.js', [], 'BLAKE3 on 1 MiB pieces vs node:crypto sha256/blake2b512 and hash-wasm'],
  pool: ['create-rss.js', [], 'hashing a 1 GiB file on the pool: throughput, peak RSS, vs one thread, hash-wasm, b3sum'],
  create: ['create.js', [], '`create` vs mktorrent -t 2, transmission-create, create-torrent'],
  startup: ['startup.js', [], 'what a bytefall process costs to start, vs a bare `node -e 0`'],
  transport: ['transport-tls.js', [], 'TLS 1.3 transport vs plain TCP on 127.0.0.1'],
  transfer: ['transfer.js', [], '1 GiB seed -> get and a 1+4 swarm vs libtorrent'],
  update: ['update-bytes.js', [], 'bytes moved by an update vs rsync, casync, BitTorrent'],
  'update-live': ['update-live.js', [], 'an update end to end (real processes): protocol bytes received vs rsync literal data'],
  announce: ['announce-sim.js', [], 'announce request budget simulation, 10 to 100,000 nodes'],
  zt: ['zt-transport.js', [], 'libzt transport (stub in CI) vs TCP'],
};

const asked = process.argv.slice(2);
const unknown = asked.filter((s) => !(s in SECTIONS));
if (unknown.length) {
  console.error(`bench: unknown section ${unknown.join(', ')}; sections: ${Object.keys(SECTIONS).join(', ')}`);
  process.exit(2);
}
console.log(machineLine());
let failed = 0;
for (const name of asked.length ? asked : Object.keys(SECTIONS)) {
  const [script, args, what] = SECTIONS[name];
  const path = join(here, script);
  console.log(`\n### ${name}: ${what}`);
  if (!existsSync(path)) {
    console.log(`(not built yet: ${script} is missing)`);
    continue;
  }
  const r = spawnSync(process.execPath, [path, ...args], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.log(`(section ${name} failed with exit ${r.status})`);
  }
}
process.exit(failed ? 1 : 0);
