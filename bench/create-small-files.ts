// Many small files (a website): hashTree with batches of up to 256 files per task,
// next to the same pool given one file per task, and one thread with no pool.
// Shows what batching saves in per-task overhead. Same tree, same run.
// Usage: node dist/bench/create-small-files.js [--files 20000] [--runs 3]
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { hashTree } from '../src/create/hash-tree.js';
import { scan, type ScanEntry } from '../src/create/scan.js';
import { defaultPieceSize } from '../src/create/piece-size.js';
import { hashFileRegion } from '../src/hash/piece-hash.js';
import { HashPool } from '../src/hash/pool.js';
import { runWindowed } from '../src/hash/pool-window.js';
import { machineLine, median, packageVersion, printTable } from './common.js';
import { benchArgs } from './options.js';

const args = benchArgs('node dist/bench/create-small-files.js [--files 20000] [--runs 3]', { files: { kind: 'count' }, runs: { kind: 'count' } });

function makeTree(dir: string, count: number): number {
  const pool = randomBytes(64 << 10);
  let total = 0;
  let seed = 12345;
  for (let i = 0; i < count; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const size = 1024 + (seed % (15 * 1024));
    const sub = join(dir, `d${i % 100}`);
    if (i < 100) mkdirSync(sub);
    writeFileSync(join(sub, `f${i}.html`), pool.subarray(i % 1024, (i % 1024) + size));
    total += size;
  }
  return total;
}

async function time(fn: () => Promise<void>, runs: number): Promise<number> {
  const secs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    secs.push((performance.now() - t) / 1000);
  }
  return median(secs);
}

const count = args.count('files', 20000);
const runs = args.count('runs', 3);
const dir = mkdtempSync(join(tmpdir(), 'bytefall-bench-small-'));
const pool = new HashPool();
try {
  const bytes = makeTree(dir, count);
  const { entries } = await scan(dir);
  const files = entries.filter((e) => !e.isDir);
  const abs = (e: ScanEntry) => join(dir, ...e.path);
  await hashTree(dir, entries, { pool }); // warm the page cache and the workers

  const rows: [string, () => Promise<void>][] = [
    ['ByteFall hashTree, batched', async () => void (await hashTree(dir, entries, { pool }))],
    [
      'same pool, one file per task',
      () =>
        runWindowed(files, pool.maxInFlight, async (e) => {
          await pool.hashFiles({ files: [{ path: abs(e), size: e.size, pieceSize: defaultPieceSize(e.size), fileSize: e.size }] });
        }),
    ],
    [
      'one thread, no pool',
      async () => {
        for (const e of files) {
          const fd = openSync(abs(e), 'r');
          hashFileRegion(fd, 0, e.size, defaultPieceSize(e.size));
          closeSync(fd);
        }
      },
    ],
  ];
  const table: (string | number)[][] = [];
  let reference = 0;
  for (const [name, fn] of rows) {
    const s = await time(fn, runs);
    const perSec = count / s;
    if (reference === 0) reference = perSec;
    table.push([name, s.toFixed(3), perSec.toFixed(0), (bytes / 2 ** 20 / s).toFixed(0), (perSec / reference).toFixed(2)]);
  }
  console.log(machineLine());
  console.log(`versions: piscina ${packageVersion(join(process.cwd(), 'node_modules/piscina/package.json'))}; ${pool.threads} workers`);
  printTable(
    `${count} files of 1-16 KiB (${(bytes / 2 ** 20).toFixed(0)} MiB), page cache warm, median of ${runs}`,
    ['row', 'seconds', 'files/s', 'MiB/s', 'ratio'],
    table,
  );
} finally {
  await pool.destroy();
  rmSync(dir, { recursive: true, force: true });
}
