// Transfers on 127.0.0.1, each node its own process, data in the page cache:
//  1. 1 GiB, one seeder to one downloader (ByteFall: TLS 1.3 and verification on):
//     MB/s, CPU seconds per GB of both processes during the transfer, peak RSS.
//  2. 256 MiB, one seeder and four downloaders that know only the seeder:
//     time until all complete, and how many times the size the seeder uploaded.
// The same runs with libtorrent (python3-libtorrent, TCP only; uTP, DHT, LSD,
// UPnP, NAT-PMP off). Downloaders keep seeding once complete, as in libtorrent's runs.
// Usage: node dist/bench/transfer.js [--mib 1024] [--swarm-mib 256] [--runs 3]
//   [--only one|swarm] [--no-libtorrent] [--compare <another checkout, built>] [--keep-ca-env]
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { clearCaEnv, machineLine, makeRandomFile, median, printTable } from './common.js';
import { benchArgs } from './options.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'bin', 'bytefall.js');
const ltPeer = join(root, 'bench', 'libtorrent-peer.py');
const PY = '/usr/bin/python3';
const TICK = 100; // clock ticks per second in /proc/<pid>/stat (USER_HZ)

const args = benchArgs('node dist/bench/transfer.js [--mib 1024] [--swarm-mib 256] [--runs 3] [--only one|swarm] [--no-libtorrent] [--compare <another checkout, built>] [--keep-ca-env]', {
  mib: { kind: 'count' },
  'swarm-mib': { kind: 'count' },
  runs: { kind: 'count' },
  only: { kind: 'string', oneOf: ['one', 'swarm'] },
  'no-libtorrent': { kind: 'boolean' },
  compare: { kind: 'string' },
  'keep-ca-env': { kind: 'boolean' },
});


/** CPU seconds (user + system) a live process has used so far, and its peak RSS in MiB. */
function usage(pid: number): { cpu: number; rssMiB: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpu = (Number(f[11]) + Number(f[12])) / TICK;
    const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { cpu, rssMiB: hwm ? Number(hwm[1]) / 1024 : NaN };
  } catch {
    return { cpu: NaN, rssMiB: NaN };
  }
}

interface Proc {
  child: ChildProcess;
  events: Record<string, unknown>[];
  waitFor(pred: (e: Record<string, unknown>) => boolean, ms?: number): Promise<Record<string, unknown>>;
  last: (name: string) => Record<string, unknown> | undefined;
  /** Usage sampled just before exit. */
  final?: { cpu: number; rssMiB: number };
  exited: Promise<number | null>;
}

function start(cmd: string, args: string[]): Proc {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const events: Record<string, unknown>[] = [];
  const waiters: { pred: (e: Record<string, unknown>) => boolean; resolve: (e: Record<string, unknown>) => void }[] = [];
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let e: Record<string, unknown>;
    try {
      e = JSON.parse(line);
    } catch {
      return;
    }
    events.push(e);
    for (const w of [...waiters]) if (w.pred(e)) (waiters.splice(waiters.indexOf(w), 1), w.resolve(e));
  });
  const p: Proc = {
    child,
    events,
    last: (name) => [...events].reverse().find((e) => e.event === name),
    waitFor: (pred, ms = 600_000) =>
      new Promise((resolve, reject) => {
        const hit = events.find(pred);
        if (hit) return resolve(hit);
        const t = setTimeout(() => reject(new Error(`${cmd} ${args[0]}: timed out; stderr: ${stderr.slice(-500)}`)), ms);
        waiters.push({ pred, resolve: (e) => (clearTimeout(t), resolve(e)) });
        child.once('exit', (code) => reject(new Error(`${cmd} ${args.slice(0, 2).join(' ')} exited ${code}: ${stderr.slice(-500)}`)));
      }),
    exited: new Promise((resolve) => child.once('exit', resolve)),
  };
  // sample usage while it runs so that the figure survives the exit
  const timer = setInterval(() => (p.final = usage(child.pid!)), 50);
  child.once('exit', () => clearInterval(timer));
  return p;
}

async function stop(p: Proc): Promise<void> {
  if (p.child.exitCode === null) p.child.kill('SIGTERM');
  await p.exited;
}

interface Tool {
  name: string;
  prepare(data: string, work: string): Promise<string>; // returns the metadata file
  seed(meta: string, data: string, port: number): Proc;
  get(meta: string, dir: string, port: number, seedPort: number): Proc;
  ready: (e: Record<string, unknown>) => boolean;
  done: (e: Record<string, unknown>) => boolean;
  uploaded(p: Proc): number;
}

function bytefallAt(cli: string, name: string): Tool {
  return {
    name,
    async prepare(data, work) {
      const key = join(work, 'bench.key');
      if (!existsSync(key)) spawnSync(process.execPath, [cli, 'keygen', key]);
      const meta = join(work, `${Date.now()}.waterfall`);
      const r = spawnSync(process.execPath, [cli, 'create', dirname(data), '--key', key, '-o', meta, '--piece-size', '1M', '--quiet']);
      if (r.status !== 0) throw new Error(`create failed: ${r.stderr}`);
      return meta;
    },
    seed: (meta, data, port) => start(process.execPath, [cli, 'seed', meta, dirname(data), '--listen', `127.0.0.1:${port}`, '--json']),
    get: (meta, dir, port, seedPort) =>
      start(process.execPath, [cli, 'get', meta, dir, '--listen', `127.0.0.1:${port}`, '--peer', `127.0.0.1:${seedPort}`, '--seed', '--json']),
    ready: (e) => e.event === 'complete',
    done: (e) => e.event === 'complete',
    uploaded: (p) => Number((p.last('stats') ?? p.last('distributed') ?? {}).uploaded ?? NaN),
  };
}
const bytefall = bytefallAt(cli, 'ByteFall (TLS 1.3, verify on)');

const libtorrent: Tool = {
  name: `libtorrent ${spawnSync(PY, ['-c', 'import libtorrent; print(libtorrent.__version__)'], { encoding: 'utf8' }).stdout?.trim() || '?'} (TCP)`,
  async prepare(data, work) {
    const meta = join(work, `${Date.now()}.torrent`);
    const r = spawnSync(PY, [ltPeer, 'make', data, String(1 << 20), meta]);
    if (r.status !== 0) throw new Error(`make torrent failed: ${r.stderr}`);
    return meta;
  },
  seed: (meta, data, port) => start(PY, [ltPeer, 'seed', meta, dirname(data), String(port)]),
  get: (meta, dir, port, seedPort) => start(PY, [ltPeer, 'get', meta, dir, String(port), String(seedPort), '--seed-after']),
  ready: (e) => e.event === 'complete',
  done: (e) => e.event === 'complete',
  uploaded: (p) => Number(p.last('stats')?.uploaded ?? NaN),
};

/** The run's metadata file (and ByteFall's piece layers beside it): one per run, not kept. */
function removeMeta(meta: string): void {
  for (const p of [meta, `${meta}.layers`]) rmSync(p, { force: true });
}

let nextPort = 17000 + Math.floor(Math.random() * 2000);

async function oneToOne(tool: Tool, data: string, work: string, size: number) {
  const meta = await tool.prepare(data, work);
  const seedPort = nextPort++;
  const seeder = tool.seed(meta, data, seedPort);
  await seeder.waitFor(tool.ready);
  const dir = join(work, `dl-${Date.now()}`);
  const seedCpu0 = usage(seeder.child.pid!).cpu;
  const t0 = performance.now();
  const getter = tool.get(meta, dir, nextPort++, seedPort);
  await getter.waitFor(tool.done);
  const secs = (performance.now() - t0) / 1000;
  const getUse = getter.final ?? usage(getter.child.pid!);
  const seedUse = usage(seeder.child.pid!);
  await Promise.all([stop(getter), stop(seeder)]);
  rmSync(dir, { recursive: true, force: true });
  removeMeta(meta);
  return { secs, cpuPerGB: (getUse.cpu + seedUse.cpu - seedCpu0) / (size / 1e9), rssSeed: seedUse.rssMiB, rssGet: getUse.rssMiB };
}

async function swarm(tool: Tool, data: string, work: string, size: number, n = 4) {
  const meta = await tool.prepare(data, work);
  const seedPort = nextPort++;
  const seeder = tool.seed(meta, data, seedPort);
  await seeder.waitFor(tool.ready);
  const seedCpu0 = usage(seeder.child.pid!).cpu;
  const t0 = performance.now();
  const dirs = Array.from({ length: n }, (_, i) => join(work, `sw-${Date.now()}-${i}`));
  const getters = dirs.map((d) => tool.get(meta, d, nextPort++, seedPort));
  await Promise.all(getters.map((g) => g.waitFor(tool.done)));
  const secs = (performance.now() - t0) / 1000;
  // CPU of all five processes until all complete (the downloaders' from their start)
  const cpu = getters.reduce((sum, g) => sum + usage(g.child.pid!).cpu, usage(seeder.child.pid!).cpu - seedCpu0);
  await new Promise((r) => setTimeout(r, 1100)); // one more stats line from the seeder
  await stop(seeder);
  await Promise.all(getters.map(stop));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  removeMeta(meta);
  return { secs, cpu, uploadedX: tool.uploaded(seeder) / size };
}

async function main(): Promise<void> {
  const mib = args.count('mib', 1024);
  const swarmMib = args.count('swarm-mib', 256);
  const runs = args.count('runs', 3);
  const compare = args.checkout('compare') ?? '';
  const work = join(tmpdir(), 'bytefall-bench', 'transfer');
  mkdirSync(work, { recursive: true });
  const big = join(work, 'one', 'big.bin');
  const small = join(work, 'swarm', 'data.bin');
  makeRandomFile(big, mib << 20);
  makeRandomFile(small, swarmMib << 20);
  const only = args.string('only') ?? '';
  const haveLt = spawnSync(PY, ['-c', 'import libtorrent']).status === 0;
  const base = compare ? [bytefallAt(join(compare, 'bin', 'bytefall.js'), `ByteFall at ${compare}`)] : [];
  const tools = [bytefall, ...base, ...(haveLt && !args.flag('no-libtorrent') ? [libtorrent] : [])];
  if (!haveLt) console.log('(python3-libtorrent not installed: apt-get install python3-libtorrent)');
  console.log(machineLine());
  const cleared = clearCaEnv();
  if (cleared) console.log(cleared);

  const rows1: (string | number)[][] = [];
  const rate: number[] = [];
  // Runs alternate between the peers, so a busy moment on a shared machine hits them alike, and
  // each round starts with the next peer: a run pays for what the run before it left (dirty
  // pages still being written back, freed page cache), so no peer may always follow the same one.
  const turn = (i: number) => tools.map((_, k) => tools[(i + k) % tools.length]);
  const ones = new Map(tools.map((t) => [t, [] as Awaited<ReturnType<typeof oneToOne>>[]]));
  for (let i = 0; i < runs && only !== 'swarm'; i++) for (const tool of turn(i)) ones.get(tool)!.push(await oneToOne(tool, big, work, mib << 20));
  for (const tool of only === 'swarm' ? [] : tools) {
    const rs = ones.get(tool)!;
    const mbps = median(rs.map((r) => (mib * 1048576) / r.secs / 1e6));
    rate.push(mbps);
    rows1.push([tool.name, mbps.toFixed(0), median(rs.map((r) => r.cpuPerGB)).toFixed(2), median(rs.map((r) => r.rssSeed)).toFixed(0), median(rs.map((r) => r.rssGet)).toFixed(0), `${(mbps / rate[0]).toFixed(2)}x`]);
  }
  if (only !== 'swarm') printTable(`1 seeder -> 1 downloader, ${mib} MiB, 127.0.0.1, median of ${runs}`, ['peer', 'MB/s', 'CPU-s/GB (both)', 'RSS seed MiB', 'RSS get MiB', 'vs ByteFall'], rows1);

  const rows2: (string | number)[][] = [];
  let ours = NaN;
  const swarms = new Map(tools.map((t) => [t, [] as Awaited<ReturnType<typeof swarm>>[]]));
  for (let i = 0; i < runs && only !== 'one'; i++) for (const tool of turn(i)) swarms.get(tool)!.push(await swarm(tool, small, work, swarmMib << 20));
  for (const tool of only === 'one' ? [] : tools) {
    const rs = swarms.get(tool)!;
    const secs = median(rs.map((r) => r.secs));
    if (Number.isNaN(ours)) ours = secs;
    rows2.push([tool.name, secs.toFixed(2), median(rs.map((r) => r.cpu)).toFixed(2), median(rs.map((r) => r.uploadedX)).toFixed(2), `${(secs / ours).toFixed(2)}x`]);
  }
  if (only !== 'one') printTable(`1 seeder + 4 downloaders, ${swarmMib} MiB, median of ${runs}`, ['peer', 'all complete s', 'CPU-s (all 5)', 'seeder uploaded (x size)', 'time vs ByteFall'], rows2);
  // every run, for the record
  for (const tool of tools) {
    const one = (ones.get(tool) ?? []).map((r) => `${((mib * 1048576) / r.secs / 1e6).toFixed(0)} MB/s ${r.cpuPerGB.toFixed(2)} CPU-s/GB`);
    const sw = (swarms.get(tool) ?? []).map((r) => `${r.secs.toFixed(2)} s ${r.cpu.toFixed(2)} CPU-s ${r.uploadedX.toFixed(2)}x`);
    console.log(`${tool.name}:\n  1->1: ${one.join(' | ')}\n  swarm: ${sw.join(' | ')}`);
  }
}

await main();
