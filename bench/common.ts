// Shared bench helpers: machine facts, medians, tables with ratios, timing of
// child processes (wall time, CPU time of the child, peak RSS).
import { cpus, totalmem } from 'node:os';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, existsSync, statSync, mkdirSync, openSync, writeSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';

export function machineLine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `machine: ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}/${process.arch}`;
}

/**
 * NODE_EXTRA_CA_CERTS makes every Node process parse the certificates it names, and Node's
 * ~140 bundled roots, before any of its code runs: ~40 ms of CPU per process on a machine
 * whose environment sets it for everything (as the one these figures come from does).
 * ByteFall trusts no certificate authority (a peer is the key it proves), and the peers the
 * benches compare with are not Node programs, so the processes a bench starts run without
 * it unless `--keep-ca-env` is given. Returns the line to print when it was cleared.
 */
export function clearCaEnv(argv = process.argv): string | undefined {
  const file = process.env.NODE_EXTRA_CA_CERTS;
  if (!file || argv.includes('--keep-ca-env')) return undefined;
  delete process.env.NODE_EXTRA_CA_CERTS;
  return `(NODE_EXTRA_CA_CERTS=${file} is set here; the processes started run without it, as on a machine that does not set it: --keep-ca-env keeps it)`;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function printTable(title: string, header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  console.log(`\n${title}`);
  for (const [n, r] of cells.entries()) {
    console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
    if (n === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}

export interface ProcResult {
  wallSeconds: number;
  /** user + system CPU seconds of the child and its children (from /usr/bin/time when present). */
  cpuSeconds: number;
  maxRssMiB: number;
  status: number | null;
  stdout: string;
  stderr: string;
}

const hasGnuTime = spawnSync('/usr/bin/time', ['-f', '%e', 'true']).status === 0;

/** Runs a command, measuring wall time and (with GNU time) CPU and peak RSS. */
export function timeCommand(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ProcResult> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const argv = hasGnuTime ? ['-f', 'BFTIME %U %S %M', cmd, ...args] : args;
    const child = spawn(hasGnuTime ? '/usr/bin/time' : cmd, argv, { cwd: opts.cwd, env: opts.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => {
      const wallSeconds = Number(process.hrtime.bigint() - start) / 1e9;
      const m = /BFTIME ([\d.]+) ([\d.]+) (\d+)/.exec(stderr);
      resolve({
        wallSeconds,
        cpuSeconds: m ? Number(m[1]) + Number(m[2]) : NaN,
        maxRssMiB: m ? Number(m[3]) / 1024 : NaN,
        status,
        stdout,
        stderr: stderr.replace(/BFTIME .*\n?/, ''),
      });
    });
  });
}

export function which(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

export function packageVersion(pkgJsonPath: string): string {
  try {
    return JSON.parse(readFileSync(pkgJsonPath, 'utf8')).version;
  } catch {
    return '?';
  }
}

/** A file of `size` random bytes at `path`, kept when it already has that size (bench data is reused). */
export function makeRandomFile(path: string, size: number): void {
  if (existsSync(path) && statSync(path).size === size) return;
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'w');
  const block = randomBytes(16 << 20);
  for (let off = 0; off < size; off += block.length) writeSync(fd, block, 0, Math.min(block.length, size - off));
  closeSync(fd);
}
