// `create` on a 1 GiB file and on a tree of 20,000 files of 1-64 KiB, next to
// mktorrent -t 2, transmission-create and create-torrent on the same data, each
// in its own process, same piece size (1 MiB). Medians of several runs.
import { mkdirSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { loadavg, tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { median, printTable, timeCommand, which, machineLine, makeRandomFile, type ProcResult } from './common.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'bin', 'bytefall.js');
const PIECE = 1 << 20;

export interface CreateBenchOptions {
  dataDir?: string;
  runs?: number;
  bigFileBytes?: number;
  smallFiles?: number;
}


function makeSmallTree(dir: string, count: number): number {
  const marker = join(dir, '.complete');
  let total = 0;
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const sizes: number[] = [];
  for (let i = 0; i < count; i++) sizes.push(1024 + Math.floor(rnd() * 63 * 1024));
  total = sizes.reduce((a, b) => a + b, 0);
  if (existsSync(marker)) return total;
  rmSync(dir, { recursive: true, force: true });
  const pool = randomBytes(64 * 1024 + 4096);
  for (let i = 0; i < count; i++) {
    const sub = join(dir, `d${String(Math.floor(i / 200)).padStart(3, '0')}`);
    if (i % 200 === 0) mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `f${i}.bin`), pool.subarray(i % 4096, (i % 4096) + sizes[i]));
  }
  writeFileSync(marker, '');
  return total;
}

interface Tool {
  name: string;
  available: boolean;
  run: (input: string, out: string) => Promise<ProcResult>;
}

function tools(keyFile: string): Tool[] {
  return [
    {
      name: 'bytefall create',
      available: true,
      run: (input, out) =>
        timeCommand(process.execPath, [cli, 'create', input, '--key', keyFile, '-o', out, '--piece-size', String(PIECE), '--force', '--quiet']),
    },
    {
      name: 'mktorrent -t 2',
      available: which('mktorrent'),
      run: (input, out) => timeCommand('mktorrent', ['-t', '2', '-l', '20', '-a', 'http://127.0.0.1/announce', '-o', out, input]),
    },
    {
      name: 'transmission-create',
      available: which('transmission-create'),
      run: (input, out) => timeCommand('transmission-create', ['-s', String(PIECE / 1024), '-o', out, input]),
    },
    {
      name: 'create-torrent (npm)',
      available: existsSync(join(root, 'node_modules', 'create-torrent')),
      run: (input, out) => timeCommand(process.execPath, [join(root, 'dist', 'bench', 'create-torrent-runner.js'), input, String(PIECE), out]),
    },
  ];
}

export async function runCreateBench(opts: CreateBenchOptions = {}): Promise<void> {
  const dataDir = opts.dataDir ?? join(tmpdir(), 'bytefall-bench');
  const runs = opts.runs ?? 3;
  const bigSize = opts.bigFileBytes ?? 1 << 30;
  const smallCount = opts.smallFiles ?? 20000;
  mkdirSync(dataDir, { recursive: true });
  const big = join(dataDir, 'big', 'big.bin');
  makeRandomFile(big, bigSize);
  const small = join(dataDir, 'small-tree');
  const smallTotal = makeSmallTree(small, smallCount);
  const keyFile = join(dataDir, 'bench.key');
  if (!existsSync(keyFile)) await timeCommand(process.execPath, [cli, 'keygen', keyFile]);
  const outDir = join(dataDir, 'out');
  mkdirSync(outDir, { recursive: true });

  console.log(machineLine());
  const datasets = [
    { label: `one file of ${(bigSize / 2 ** 30).toFixed(2)} GiB`, input: dirname(big), bytes: bigSize },
    { label: `${smallCount} files of 1-64 KiB (${(smallTotal / 2 ** 20).toFixed(0)} MiB)`, input: small, bytes: smallTotal },
  ];
  for (const ds of datasets) {
    const available = tools(keyFile).filter((t) => t.available);
    const walls = available.map(() => [] as number[]);
    const cpu = available.map(() => [] as number[]);
    const rss = available.map(() => [] as number[]);
    // Tools take turns, run by run, so that a change in the machine's load hits them all alike.
    for (let i = 0; i < runs; i++) {
      for (const [k, tool] of available.entries()) {
        const out = join(outDir, `out-${i}.meta`);
        rmSync(out, { force: true });
        const r = await tool.run(ds.input, out);
        if (r.status !== 0) throw new Error(`${tool.name} failed: ${r.stderr.trim()}`);
        walls[k].push(r.wallSeconds);
        cpu[k].push(r.cpuSeconds);
        rss[k].push(r.maxRssMiB);
      }
    }
    const ours = median(walls[0]);
    const rows: (string | number)[][] = [];
    for (const tool of tools(keyFile)) {
      const k = available.indexOf(available.find((t) => t.name === tool.name)!);
      if (k < 0) {
        rows.push([tool.name, 'not installed', '', '', '', '']);
        continue;
      }
      const wall = median(walls[k]);
      rows.push([
        tool.name,
        wall.toFixed(2),
        (ds.bytes / wall / 1e6).toFixed(0),
        median(cpu[k]).toFixed(2),
        Math.max(...rss[k]).toFixed(0),
        k === 0 ? '1.00x' : `${(wall / ours).toFixed(2)}x`,
      ]);
    }
    printTable(
      `create: ${ds.label}, piece size 1 MiB, median of ${runs} (peak RSS: the largest run)`,
      ['tool', 'wall s', 'MB/s', 'CPU s', 'peak RSS MiB', 'ByteFall speedup'],
      rows,
    );
    console.log(`runs (wall s): ${available.map((t, k) => `${t.name} ${walls[k].map((w) => w.toFixed(2)).join(' ')}`).join('; ')}`);
    console.log(`load average: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runCreateBench({ runs: Number(process.env.RUNS ?? 3) });
}
