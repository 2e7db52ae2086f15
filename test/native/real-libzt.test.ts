// Against a real libzt (LIBZT_PATH set; root needed for network namespaces): three
// processes in three network namespaces joined by a bridge, fully offline: one
// serves as the private root (its identity in a roots definition made with libzt's
// own zts_util_sign_root_set), two join an ad hoc network (no controller) and
// exchange 8 MiB each way over the ZeroTier transport through the Wire. Skips,
// with the reason, when LIBZT_PATH is not set or namespaces cannot be made.
// docs/ZEROTIER.md says how to build libzt and run this.
import test, { type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const NS = ['bfzt-hub', 'bfzt-root', 'bfzt-a', 'bfzt-b'];
const IP = { 'bfzt-root': '10.213.0.1', 'bfzt-a': '10.213.0.2', 'bfzt-b': '10.213.0.3' } as Record<string, string>;

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
  for (const ns of NS) sh(`ip netns del ${ns} 2>/dev/null`);
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

const skip = whySkip();

test('real libzt, offline: a private root and two nodes in namespaces, ad hoc network, 8 MiB each way', { skip, timeout: 300_000 }, async (t) => {
  const scratch = mkdtempSync(join(tmpdir(), 'bf-zt-real-'));
  t.after(() => {
    teardown();
    rmSync(scratch, { recursive: true, force: true });
  });
  setup();
  const { loadLibzt } = await import('../../src/net/zt/addon.js');
  const zt = loadLibzt();
  // the root's identity and the roots definition naming it at 10.213.0.1/9993
  const secret = zt.newIdentity();
  const publicId = secret.split(':').slice(0, 3).join(':');
  const rootHome = join(scratch, 'root');
  mkdirSync(rootHome);
  writeFileSync(join(rootHome, 'identity.secret'), secret, { mode: 0o600 });
  writeFileSync(join(rootHome, 'identity.public'), publicId);
  const rootsFile = join(scratch, 'roots.bin');
  writeFileSync(rootsFile, zt.signRoots([{ identity: publicId, endpoints: [`${IP['bfzt-root']}/9993`] }]));

  const root = inNamespace(t, 'bfzt-root', 'zt-root.js', [rootHome, rootsFile]);
  const rootReady = await root.next('ready');
  const peerConfig = (name: string, seed: number) => JSON.stringify({ home: join(scratch, name), network: 'adhoc', seed, port: 6881, mode: 'wire', blocks: 64, rootsFile });
  const a = inNamespace(t, 'bfzt-a', 'zt-peer.js', [peerConfig('a', 1)]);
  const b = inNamespace(t, 'bfzt-b', 'zt-peer.js', [peerConfig('b', 2)]);
  const [readyA] = await Promise.all([a.next('ready'), b.next('ready')]);
  t.diagnostic(`root ${String(rootReady.node)} at ${IP['bfzt-root']}/9993; a is ${String(readyA.address)}`);
  b.child.send({ type: 'connect', address: readyA.address });
  const [fa, fb] = await Promise.all([a.next('fetched', 180_000), b.next('fetched', 180_000)]);
  assert.equal(fa.bytes, 8 << 20);
  assert.equal(fb.bytes, 8 << 20);
  for (const p of [a, b, root]) p.child.send({ type: 'stop' });
});
