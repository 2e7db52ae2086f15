// Peak memory and speed of hashing one large file for `create` (scan + hashTree on
// the pool), next to one thread without the pool, hash-wasm's BLAKE3 and b3sum
// on the same bytes, 1 MiB pieces. Each row runs in its own process (peak RSS
// is per process); the file is read once first so every row hits the page cache.
// Usage: node dist/bench/create-rss.js [--size-mib 1024] [--sparse] [--runs 3] [--threads N]
// (default threads: the pool's default, min(cores, DEFAULT_MAX_THREADS)).
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync, ftruncateSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { DEFAULT_MAX_THREADS } from '../src/hash/pool.js';
import { machineLine, median, packageVersion, printTable, timeCommand, which } from './common.js';
import { benchArgs } from './options.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const self = fileURLToPath(import.meta.url);
const PIECE = 1 << 20;
const LIMIT_MIB = 200;

interface ChildReport {
  ms: number;
  maxRssMiB: number;
  root: string;
}

/** In the child: hash `file` one way and print a ChildReport. */
async function child(mode: string, dir: string, threads: number): Promise<void> {
  const { merkleRoot } = await import('../src/hash/merkle.js');
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
  const file = join(dir, 'big.bin');
  const start = performance.now();
  let rootHex: string;
  if (mode === 'pool' || mode === 'warm-pool' || mode === 'inline-pool') {
    const { scan } = await import('../src/create/scan.js');
    const { hashTree } = await import('../src/create/hash-tree.js');
    const { HashPool } = await import('../src/hash/pool.js');
    const pool = new HashPool(mode === 'inline-pool' ? { inline: true } : { threads });
    let from = start;
    try {
      if (mode === 'warm-pool') {
        // Every worker started, its modules and WASM loaded: throughput alone.
        await Promise.all(Array.from({ length: 4 * threads }, () => pool.hashBuffer(new Uint8Array(PIECE), PIECE)));
        from = performance.now();
      }
      const { entries } = await scan(dir);
      const r = await hashTree(dir, entries, { pool, pieceSize: PIECE });
      rootHex = hex(r.entries[0].root);
    } finally {
      await pool.destroy();
    }
    const report: ChildReport = { ms: performance.now() - from, maxRssMiB: process.resourceUsage().maxRSS / 1024, root: rootHex };
    console.log(JSON.stringify(report));
    return;
  } else {
    const fd = openSync(file, 'r');
    const size = (await import('node:fs')).fstatSync(fd).size;
    const leaves = new Uint8Array(Math.ceil(size / PIECE) * 32);
    if (mode === 'main-thread') {
      const { hashFileRegion } = await import('../src/hash/piece-hash.js');
      // Same regions as the pool, one after the other in this thread.
      for (let off = 0; off < size; off += 8 * PIECE) {
        leaves.set(hashFileRegion(fd, off, Math.min(8 * PIECE, size - off), PIECE), (off / PIECE) * 32);
      }
    } else {
      const { createBLAKE3 } = await import('hash-wasm');
      const h = await createBLAKE3();
      const buf = Buffer.allocUnsafe(PIECE);
      for (let i = 0, off = 0; off < size; i++, off += PIECE) {
        const n = readSync(fd, buf, 0, Math.min(PIECE, size - off), off);
        h.init();
        h.update(buf.subarray(0, n));
        leaves.set(h.digest('binary'), i * 32);
      }
    }
    closeSync(fd);
    rootHex = hex(merkleRoot(leaves));
  }
  const report: ChildReport = { ms: performance.now() - start, maxRssMiB: process.resourceUsage().maxRSS / 1024, root: rootHex };
  console.log(JSON.stringify(report));
}

function makeFile(path: string, size: number, sparse: boolean): void {
  const fd = openSync(path, 'w');
  if (sparse) ftruncateSync(fd, size);
  else {
    const block = randomBytes(16 << 20);
    for (let off = 0; off < size; off += block.length) writeSync(fd, block, 0, Math.min(block.length, size - off));
  }
  closeSync(fd);
}

function warm(path: string): void {
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(16 << 20);
  while (readSync(fd, buf) > 0);
  closeSync(fd);
}

async function main(): Promise<void> {
  const args = benchArgs('node dist/bench/create-rss.js [--size-mib 1024] [--sparse] [--runs 3] [--threads N]', {
    'size-mib': { kind: 'count' },
    sparse: { kind: 'boolean' },
    runs: { kind: 'count' },
    threads: { kind: 'count' },
  });
  const sizeMiB = args.count('size-mib', 1024);
  const runs = args.count('runs', 3);
  const threads = args.count('threads', Math.min(availableParallelism(), DEFAULT_MAX_THREADS));
  const sparse = args.flag('sparse');
  const dir = mkdtempSync(join(tmpdir(), 'bytefall-bench-'));
  const file = join(dir, 'big.bin');
  try {
    makeFile(file, sizeMiB << 20, sparse);
    warm(file);
    const rows: { name: string; cmd: string; args: string[]; node: boolean }[] = [
      { name: 'ByteFall create hashing, pool', cmd: process.execPath, args: [self, '--child', 'pool', dir, String(threads)], node: true },
      { name: 'ByteFall create hashing, pool of 1', cmd: process.execPath, args: [self, '--child', 'pool', dir, '1'], node: true },
      { name: `ByteFall pool of ${threads}, workers already started`, cmd: process.execPath, args: [self, '--child', 'warm-pool', dir, String(threads)], node: true },
      { name: 'ByteFall pool of 1, worker already started', cmd: process.execPath, args: [self, '--child', 'warm-pool', dir, '1'], node: true },
      { name: "create's pool: cores-1 workers + this thread", cmd: process.execPath, args: [self, '--child', 'inline-pool', dir, '0'], node: true },
      { name: 'ByteFall hashFileRegion, main thread', cmd: process.execPath, args: [self, '--child', 'main-thread', dir, '1'], node: true },
      { name: 'hash-wasm BLAKE3, main thread', cmd: process.execPath, args: [self, '--child', 'hash-wasm', dir, '1'], node: true },
    ];
    if (which('b3sum')) {
      rows.push({ name: 'b3sum --no-mmap, 1 thread', cmd: 'b3sum', args: ['--no-mmap', '--num-threads', '1', file], node: false });
      rows.push({ name: `b3sum --no-mmap, ${threads} threads`, cmd: 'b3sum', args: ['--no-mmap', '--num-threads', String(threads), file], node: false });
    }
    const table: (string | number)[][] = [];
    const roots = new Set<string>();
    let reference = 0;
    let poolRss = 0;
    // Rows take turns, run by run, so that a change in the machine's load hits them all alike.
    const secsOf = rows.map(() => [] as number[]);
    const rssOf = rows.map(() => [] as number[]);
    for (let i = 0; i < runs; i++) {
      for (const [k, row] of rows.entries()) {
        const r = await timeCommand(row.cmd, row.args, { cwd: root });
        if (r.status !== 0) throw new Error(`${row.name} failed: ${r.stderr}`);
        if (row.node) {
          const rep = JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildReport;
          roots.add(rep.root);
          secsOf[k].push(rep.ms / 1000);
          rssOf[k].push(rep.maxRssMiB);
        } else {
          secsOf[k].push(r.wallSeconds);
          rssOf[k].push(r.maxRssMiB);
        }
      }
    }
    const medians = secsOf.map(median);
    for (const [k, row] of rows.entries()) {
      const secs = secsOf[k];
      const rss = rssOf[k];
      const s = median(secs);
      const mibs = sizeMiB / s;
      if (reference === 0) reference = mibs;
      const peak = Math.max(...rss);
      if (row.name === 'ByteFall create hashing, pool') poolRss = peak;
      table.push([row.name, s.toFixed(3), mibs.toFixed(0), (mibs / reference).toFixed(2), peak.toFixed(1)]);
    }
    console.log(machineLine());
    const b3 = which('b3sum') ? spawnSync('b3sum', ['--version']).stdout.toString().trim() : 'b3sum: not installed';
    console.log(`versions: piscina ${packageVersion(join(root, 'node_modules/piscina/package.json'))}, hash-wasm ${packageVersion(join(root, 'node_modules/hash-wasm/package.json'))}, ${b3}`);
    printTable(
      `${sizeMiB} MiB ${sparse ? 'sparse' : 'random'} file, 1 MiB pieces, ${threads} threads, median of ${runs} (b3sum: one whole-file hash, wall time incl. process start)`,
      ['row', 'seconds', 'MiB/s', 'ratio', 'peak RSS MiB'],
      table,
    );
    console.log(`\npool of ${threads} vs pool of 1: ${(medians[1] / medians[0]).toFixed(2)}x with the workers' start-up, ${(medians[3] / medians[2]).toFixed(2)}x once started (target >= 1.8x on 2 cores)`);
    console.log(`load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    if (roots.size !== 1) throw new Error(`the ByteFall and hash-wasm rows disagree on the root: ${[...roots].join(' ')}`);
    console.log(`\nall leaf-hashing rows agree on the root ${[...roots][0]}`);
    console.log(`peak RSS of create hashing: ${poolRss.toFixed(1)} MiB (limit ${LIMIT_MIB} MB): ${poolRss * 1.048576 < LIMIT_MIB ? 'ok' : 'OVER'}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await child(process.argv[3], process.argv[4], Number(process.argv[5]));
else await main();
