// What the ZeroTier transport costs next to TCP, in one run: N MiB (default 256)
// over plain TCP, over the TCP+TLS transport (both ends in this process, as in
// bench/transport-tls.ts), then over libzt as a raw ZeroTier stream and as the
// ZeroTier transport (TLS on top), to a receiving node in a second process
// (bench/zt-sink.ts). CPU-seconds per GB count both ends. libzt is LIBZT_PATH when
// set (real libzt: ZeroTier's crypto and lwIP included), else the stub libzt of the
// tests (kernel TCP on 127.0.0.1: the cost of the addon and its I/O thread only).
// With ZT_ROOTS=<roots file> both nodes use those private roots (docs/ZEROTIER.md:
// real libzt offline, e.g. in a network namespace next to a root of its own).
// Usage: node dist/bench/zt-transport.js [MiB]
import net from 'node:net';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { TcpTlsTransport } from '../src/net/tcp-tls.js';
import { nodeKeyFromSeed } from '../src/net/node-key.js';
import type { Connection } from '../src/net/transport.js';
import { createZtTransport } from '../src/net/zt/create.js';
import { nodeAddress } from '../src/net/zt/ids.js';
import { ZtSocket } from '../src/net/zt/socket.js';
import { prepareNative, stubLibrary } from '../test/native/build.js';
import { machineLine, printTable } from './common.js';
import { benchArgs, countArg } from './options.js';

const MIB = 1 << 20;
const total = countArg(benchArgs('node dist/bench/zt-transport.js [MiB, default 256]', {}, 1), 0, 'the size in MiB', 256) * MIB;
const here = dirname(fileURLToPath(import.meta.url));

interface Row {
  name: string;
  seconds: number;
  cpu: number;
}

/** Writes `total` bytes (1 MiB chunks, honouring backpressure), then ends. */
async function send(out: Duplex): Promise<void> {
  const chunk = Buffer.alloc(MIB, 0x5a);
  for (let sent = 0; sent < total; sent += MIB) {
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
}

async function local(name: string, pair: () => Promise<{ a: Duplex; b: Duplex; close: () => Promise<void> }>): Promise<Row> {
  const { a, b, close } = await pair();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let received = 0;
  const done = new Promise<void>((resolve) => b.on('data', (c: Buffer) => (received += c.length) >= total && resolve()));
  await Promise.all([send(a), done]);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(cpu0);
  await close();
  return { name, seconds, cpu: (c.user + c.system) / 1e6 };
}

async function tcpPair() {
  const server = net.createServer({ noDelay: true }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const accepted = once(server, 'connection');
  const a = net.connect({ port: (server.address() as net.AddressInfo).port, host: '127.0.0.1', noDelay: true });
  const [b] = (await accepted) as [net.Socket];
  return { a, b, close: async () => { a.destroy(); b.destroy(); server.close(); } };
}

async function tlsPair() {
  const ta = await TcpTlsTransport.create(nodeKeyFromSeed(new Uint8Array(32).fill(1)));
  const tb = await TcpTlsTransport.create(nodeKeyFromSeed(new Uint8Array(32).fill(2)));
  const server = await tb.listen('127.0.0.1:0');
  const accepted = once(server, 'connection');
  const conn = await ta.connect(server.address);
  const [inbound] = (await accepted) as [Connection];
  return { a: conn.stream, b: inbound.stream, close: async () => { conn.destroy(); inbound.destroy(); await server.close(); } };
}

const skip = process.env.LIBZT_PATH ? undefined : await prepareNative();
if (skip) {
  console.log(`zt-transport bench skipped: ${skip}`);
  process.exit(0);
}
const scratch = mkdtempSync(join(tmpdir(), 'bf-zt-bench-'));
const real = Boolean(process.env.LIBZT_PATH);
process.env.LIBZT_PATH ??= stubLibrary;
process.env.ZTS_STUB_DIR = join(scratch, 'registry');
const network = 'adhoc';

const rows: Row[] = [await local('plain TCP', tcpPair), await local('TCP + TLS 1.3 (tcp-tls transport)', tlsPair)];

const sink = fork(join(here, 'zt-sink.js'), [join(scratch, 'home-b'), network], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const messages: { type: string; node?: string; bytes?: number; cpu?: number }[] = [];
const next = (type: string) =>
  new Promise<(typeof messages)[number]>((resolve) => {
    const i = messages.findIndex((m) => m.type === type);
    if (i >= 0) return resolve(messages.splice(i, 1)[0]);
    const on = (m: (typeof messages)[number]) => m.type === type && (sink.off('message', on), resolve(m));
    sink.on('message', on);
  });
sink.on('message', (m: (typeof messages)[number]) => messages.push(m));
const ready = await next('ready');
messages.length = 0;
const zt = await createZtTransport({ key: nodeKeyFromSeed(new Uint8Array(32).fill(1)), home: join(scratch, 'home-a'), network, rootsFile: process.env.ZT_ROOTS || undefined });

async function remote(name: string, open: () => Promise<Duplex>): Promise<Row> {
  const out = await open();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const done = next('done');
  await send(out);
  const report = await done;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(cpu0);
  out.destroy();
  if (report.bytes !== total) throw new Error(`${name}: the sink got ${report.bytes} of ${total} bytes`);
  return { name, seconds, cpu: (c.user + c.system) / 1e6 + report.cpu! };
}

const ip6 = nodeAddress(zt.membership.networkId, ready.node!, zt.membership.addressing);
rows.push(await remote('ZeroTier stream (libzt, no TLS)', async () => new ZtSocket(await zt.node.connectNative(ip6, 7001, 10_000), 'sink')));
rows.push(await remote('ZeroTier transport (libzt + TLS 1.3)', async () => (await zt.connect(`zt:${ready.node}:7002`)).stream));
sink.send({ type: 'stop' });
await zt.close();
rmSync(scratch, { recursive: true, force: true });

const gb = total / 1e9;
const base = rows[0];
console.log(`ByteFall ZeroTier transport bench: ${total / MIB} MiB one way; libzt = ${real ? process.env.LIBZT_PATH : 'the stub of the tests (kernel TCP on 127.0.0.1: addon cost only, no ZeroTier crypto)'}`);
console.log(machineLine());
printTable('', ['path', 'GB/s', 'CPU-s/GB (both ends)', 'throughput vs TCP', 'CPU vs TCP'], rows.map((r) => [
  r.name,
  (gb / r.seconds).toFixed(2),
  (r.cpu / gb).toFixed(2),
  `${((gb / r.seconds) / (gb / base.seconds)).toFixed(2)}x`,
  `${(r.cpu / gb / (base.cpu / gb)).toFixed(2)}x`,
]));
