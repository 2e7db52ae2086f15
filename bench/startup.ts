// Start-up: what a `bytefall` process costs before it does any real work, next to a bare
// `node -e 0` (the floor every Node program pays) and, with --compare, another checkout.
// Commands: --help; inspect of a small Waterfall; create of a one-file directory (loads the
// key, starts the hashing pool, signs). Each run is its own process; rows take turns run by
// run; medians of wall and CPU (user + system) seconds.
// Usage: node dist/bench/startup.js [--runs 15] [--compare <a built checkout>] [--keep-ca-env]
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { clearCaEnv, machineLine, median, printTable, timeCommand } from './common.js';
import { benchArgs } from './options.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');


interface Row {
  name: string;
  cmd: string;
  args: string[];
}

export async function runStartupBench(runs: number, compare?: string): Promise<void> {
  const cleared = clearCaEnv();
  const work = join(tmpdir(), 'bytefall-bench', 'startup');
  const data = join(work, 'data');
  mkdirSync(data, { recursive: true });
  writeFileSync(join(data, 'a.txt'), 'hello\n');
  const ours = join(root, 'bin', 'bytefall.js');
  const key = join(work, 'bench.key');
  if (!existsSync(key)) await timeCommand(process.execPath, [ours, 'keygen', key]);
  const wf = join(work, 'small.waterfall');
  const made = await timeCommand(process.execPath, [ours, 'create', data, '--key', key, '-o', wf, '--force', '--quiet']);
  if (made.status !== 0) throw new Error(`create failed: ${made.stderr.trim()}`);

  const builds: [string, string][] = [['ByteFall', ours]];
  if (compare) builds.push([`ByteFall at ${compare}`, join(compare, 'bin', 'bytefall.js')]);
  const rows: Row[] = [{ name: 'node -e 0 (bare Node)', cmd: process.execPath, args: ['-e', '0'] }];
  for (const [label, cli] of builds) {
    rows.push({ name: `${label}: --help`, cmd: process.execPath, args: [cli, '--help'] });
    rows.push({ name: `${label}: inspect (1 file)`, cmd: process.execPath, args: [cli, 'inspect', wf] });
    rows.push({
      name: `${label}: create (1 file)`,
      cmd: process.execPath,
      args: [cli, 'create', data, '--key', key, '-o', join(work, 'out.waterfall'), '--force', '--quiet'],
    });
  }
  const wall = rows.map(() => [] as number[]);
  const cpu = rows.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) {
    for (const [k, row] of rows.entries()) {
      const r = await timeCommand(row.cmd, row.args);
      if (r.status !== 0) throw new Error(`${row.name} failed: ${r.stderr.trim()}`);
      wall[k].push(r.wallSeconds);
      cpu[k].push(r.cpuSeconds);
    }
  }
  const floor = median(wall[0]);
  console.log(machineLine());
  if (cleared) console.log(cleared);
  printTable(
    `start-up, median of ${runs} (each run its own process)`,
    ['command', 'wall ms', 'CPU ms', 'wall over bare Node ms'],
    rows.map((row, k) => [
      row.name,
      (median(wall[k]) * 1000).toFixed(0),
      (median(cpu[k]) * 1000).toFixed(0),
      k === 0 ? '' : ((median(wall[k]) - floor) * 1000).toFixed(0),
    ]),
  );
  if (compare) {
    const per = rows.length - 1;
    const half = per / 2;
    const ratios = Array.from({ length: half }, (_, j) => (median(wall[1 + j]) / median(wall[1 + half + j])).toFixed(2));
    console.log(`wall now / ${compare}: ${rows.slice(1, 1 + half).map((r, j) => `${r.name.split(': ')[1]} ${ratios[j]}x`).join(', ')}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = benchArgs('node dist/bench/startup.js [--runs 15] [--compare <a built checkout>] [--keep-ca-env]', {
    runs: { kind: 'count' },
    compare: { kind: 'string' },
    'keep-ca-env': { kind: 'boolean' },
  });
  await runStartupBench(args.count('runs', 15), args.checkout('compare'));
}
