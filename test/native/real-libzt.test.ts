// Against a real libzt (LIBZT_PATH set; root needed for network namespaces), fully
// offline: network namespaces joined by a bridge; one process serves as the private
// root (its identity in a roots definition made with libzt's own
// zts_util_sign_root_set), the others join an ad hoc network (no controller).
//   1. two nodes exchange 8 MiB each way over the ZeroTier transport through the Wire;
//   2. `bytefall seed` and `bytefall get --transport zt`, as a user runs them, move a
//      site from one namespace to the other, and the copy verifies.
// Skips, with the reason, when LIBZT_PATH is not set or namespaces cannot be made.
// docs/ZEROTIER.md says how to build libzt and run this.
import test, { type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliPath } from '../helpers/cli.js';
import { Proc, Scope, run } from '../integration/helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const NS = ['bfzt-hub', 'bfzt-root', 'bfzt-a', 'bfzt-b'];
const IP = { 'bfzt-root': '10.213.0.1', 'bfzt-a': '10.213.0.2', 'bfzt-b': '10.213.0.3' } as Record<string, string>;
// libzt's first pings to a root go out 5 s apart: coming online takes 5-10 s
const ONLINE_MS = 60_000;

function sh(cmd: string): boolean {
  return spawnSync('sh', ['-c', cmd], { stdio: 'ignore' }).status === 0;
}

function whySkip(): string | undefined {
  if (!process.env.LIBZT_PATH) return 'LIBZT_PATH is not set (build libzt and point LIBZT_PATH at libzt.so; docs/ZEROTIER.md)';
  if (process.getuid?.() !== 0) return 'making network namespaces needs root';
  if (!sh('command -v ip')) return 'no `ip` command (iproute2)';
  return undefined;
}

function teardown(): void {
  for (const ns of NS) {
    // what this test started in its namespaces, then the namespaces
    sh(`pids=$(ip netns pids ${ns} 2>/dev/null); [ -z "$pids" ] || kill -9 $pids`);
    sh(`ip netns del ${ns} 2>/dev/null`);
  }
}

function setup(): void {
  teardown();
  const run = (c: string) => {
    if (!sh(c)) throw new Error(`network setup failed: ${c}`);
  };
  for (const ns of NS) run(`ip netns add ${ns} && ip -n ${ns} link set lo up`);
  run('ip -n bfzt-hub link add br0 type bridge && ip -n bfzt-hub link set br0 up');
  for (const ns of ['bfzt-root', 'bfzt-a', 'bfzt-b']) {
    const v = ns.slice(5);
    run(`ip link add ve-${v} netns ${ns} type veth peer name vh-${v} netns bfzt-hub`);
    run(`ip -n bfzt-hub link set vh-${v} master br0 up`);
    run(`ip -n ${ns} addr add ${IP[ns]}/24 dev ve-${v} && ip -n ${ns} link set ve-${v} up`);
  }
}

function inNamespace(t: TestContext, ns: string, script: string, args: string[]): { child: ChildProcess; next: (type: string, ms?: number) => Promise<Record<string, unknown>> } {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, join(here, script), ...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  t.after(() => void (child.exitCode === null && child.kill()));
  const inbox: Record<string, unknown>[] = [];
  child.on('message', (m: Record<string, unknown>) => inbox.push(m));
  const next = async (type: string, ms = 120_000) => {
    const end = Date.now() + ms;
    for (;;) {
      const i = inbox.findIndex((m) => m.type === type || m.type === 'error' || m.type === 'connect-failed');
      if (i >= 0) {
        const m = inbox.splice(i, 1)[0];
        if (m.type !== type) throw new Error(`${ns}: ${m.type}: ${m.code} ${m.message}`);
        return m;
      }
      if (Date.now() > end) throw new Error(`${ns}: no ${type} within ${ms} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return { child, next };
}

/**
 * Makes the namespaces, the root's identity and a roots definition naming it at
 * 10.213.0.1/9993 (with libzt's own functions), and starts the root; everything is
 * removed when the test ends. Returns the roots file.
 */
async function privateRoot(t: TestContext, scratch: string): Promise<{ rootsFile: string; root: ReturnType<typeof inNamespace>; rootNode: string }> {
  t.after(teardown);
  setup();
  const { loadLibzt } = await import('../../src/net/zt/addon.js');
  const zt = loadLibzt();
  const secret = zt.newIdentity();
  const publicId = secret.split(':').slice(0, 3).join(':');
  const rootHome = join(scratch, 'zt-root');
  mkdirSync(rootHome);
  writeFileSync(join(rootHome, 'identity.secret'), secret, { mode: 0o600 });
  writeFileSync(join(rootHome, 'identity.public'), publicId);
  const rootsFile = join(scratch, 'roots.bin');
  writeFileSync(rootsFile, zt.signRoots([{ identity: publicId, endpoints: [`${IP['bfzt-root']}/9993`] }]));
  const root = inNamespace(t, 'bfzt-root', 'zt-root.js', [rootHome, rootsFile]);
  const ready = await root.next('ready', 30_000);
  return { rootsFile, root, rootNode: String(ready.node) };
}

const skip = whySkip();

test('real libzt, offline: a private root and two nodes in namespaces, ad hoc network, 8 MiB each way', { skip, timeout: 300_000 }, async (t) => {
  const scratch = mkdtempSync(join(tmpdir(), 'bf-zt-real-'));
  t.after(() => rmSync(scratch, { recursive: true, force: true }));
  const { rootsFile, root, rootNode } = await privateRoot(t, scratch);
  const peerConfig = (name: string, seed: number) =>
    JSON.stringify({ home: join(scratch, name), network: 'adhoc', seed, port: 6881, mode: 'wire', blocks: 64, rootsFile, onlineTimeoutMs: ONLINE_MS });
  const a = inNamespace(t, 'bfzt-a', 'zt-peer.js', [peerConfig('a', 1)]);
  const b = inNamespace(t, 'bfzt-b', 'zt-peer.js', [peerConfig('b', 2)]);
  const [readyA] = await Promise.all([a.next('ready'), b.next('ready')]);
  t.diagnostic(`root ${rootNode} at ${IP['bfzt-root']}/9993; a is ${String(readyA.address)}`);
  const t0 = Date.now();
  b.child.send({ type: 'connect', address: readyA.address });
  const [fa, fb] = await Promise.all([a.next('fetched', 180_000), b.next('fetched', 180_000)]);
  t.diagnostic(`connect + TLS + 2 x 8 MiB over the Wire: ${Date.now() - t0} ms`);
  assert.equal(fa.bytes, 8 << 20);
  assert.equal(fb.bytes, 8 << 20);
  for (const p of [a, b, root]) p.child.send({ type: 'stop' });
});

test('real libzt, offline: `bytefall seed` -> `bytefall get --transport zt` between namespaces, the copy verifies', { skip, timeout: 300_000 }, async (t) => {
  const s = new Scope(t);
  const site = s.site({ 'a.bin': 8 * 1024 * 1024, 'dir/b.txt': 1000, 'c.bin': 300_000 }, '64K');
  const { rootsFile, rootNode } = await privateRoot(t, s.root);
  const netns = join(here, 'netns-exec.js');
  const bytefall = (name: string, ns: string, args: string[]) => {
    const p = new Proc(name, [ns, cliPath, ...args, '--transport', 'zt', '--zt-network', 'adhoc', '--zt-home', s.path(`zt-${name}`), '--zt-roots', rootsFile, '--json'], netns);
    s.procs.push(p);
    return p;
  };
  const seed = bytefall('seed', 'bfzt-a', ['seed', site.waterfall, site.dir, '--listen', '0.0.0.0:6881']);
  const address = await seed.address(ONLINE_MS + 30_000);
  assert.match(address, /^zt:[0-9a-f]{10}:6881$/);
  t.diagnostic(`root ${rootNode}; seed listening on ${address}`);
  const t0 = Date.now();
  const copy = s.path('copy');
  const get = bytefall('get', 'bfzt-b', ['get', site.waterfall, copy, '--peer', address, '--listen', '0.0.0.0:6882']);
  assert.match(await get.address(ONLINE_MS + 30_000), /^zt:[0-9a-f]{10}:6882$/);
  assert.equal(await get.exit(180_000), 0, get.stderr);
  t.diagnostic(`get (node start, online, join, transfer of ${site.bytes} bytes): ${Date.now() - t0} ms`);
  assert.equal((await get.event('complete', 1)).bytesVerified, site.bytes);
  assert.match(run(['verify', site.waterfall, copy]), /^ok: all/m);
  seed.kill('SIGINT');
  assert.equal(await seed.exit(20_000), 0, `a ZeroTier seeder stopped with Ctrl-C exits 0 (its node stopped): ${seed.stderr}`);
});
