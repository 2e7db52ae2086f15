// What encryption costs: N MiB (default 1024) over plain TCP, over the TCP+TLS 1.3
// transport, and over that transport carrying the wire protocol (128 KiB PIECE
// messages), both ends in this process on 127.0.0.1. Prints throughput, CPU-seconds
// per GB (both ends together) and the ratios to plain TCP.
// Usage: node dist/bench/transport-tls.js [MiB]
import net from 'node:net';
import os from 'node:os';
import { once } from 'node:events';
import type { Duplex } from 'node:stream';
import { TcpTlsTransport } from '../src/net/tcp-tls.js';
import { nodeKeyFromSeed } from '../src/net/node-key.js';
import type { Connection } from '../src/net/transport.js';
import { Wire } from '../src/wire/wire.js';
import { ENCODING_RAW, MAX_BLOCK_LEN, PIECE_HEADER_LEN } from '../src/wire/constants.js';
import { CHUNK_SINK, chunkSourceOf } from '../src/net/chunk-source.js';
import { benchArgs, countArg } from './options.js';

const MIB = 1 << 20;
const total = countArg(benchArgs('node dist/bench/transport-tls.js [MiB, default 1024]', {}, 1), 0, 'the size in MiB', 1024) * MIB;
const CHUNK = MIB;

interface Row {
  name: string;
  seconds: number;
  cpu: number;
}

async function measure(name: string, run: () => Promise<void>): Promise<Row> {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await run();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(cpu0);
  return { name, seconds, cpu: (c.user + c.system) / 1e6 };
}

/** Writes `total` bytes into `out` (honouring backpressure) while `inp` counts them. */
async function pump(out: Duplex, inp: Duplex): Promise<void> {
  const chunk = Buffer.alloc(CHUNK, 0x5a);
  let received = 0;
  const done = new Promise<void>((resolve) => {
    const count = (c: Uint8Array) => {
      received += c.length;
      if (received >= total) resolve();
    };
    // A tcp-tls connection reads through one reused buffer (chunk-source.ts) and emits no 'data'.
    const source = chunkSourceOf(inp);
    if (source) source[CHUNK_SINK](count);
    else inp.on('data', count);
  });
  for (let sent = 0; sent < total; sent += CHUNK) {
    if (!out.write(chunk)) await once(out, 'drain');
  }
  await done;
}

async function plainTcp(): Promise<void> {
  const server = net.createServer({ noDelay: true });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  const accepted = once(server, 'connection');
  const client = net.connect({ port, host: '127.0.0.1', noDelay: true });
  await once(client, 'connect');
  const [inbound] = (await accepted) as [net.Socket];
  await pump(client, inbound);
  client.destroy();
  inbound.destroy();
  server.close();
}

async function tlsPair(): Promise<{ conn: Connection; inbound: Connection; close: () => Promise<void> }> {
  const a = await TcpTlsTransport.create(nodeKeyFromSeed(new Uint8Array(32).fill(1)));
  const b = await TcpTlsTransport.create(nodeKeyFromSeed(new Uint8Array(32).fill(2)));
  const server = await b.listen('127.0.0.1:0');
  const accepted = once(server, 'connection');
  const conn = await a.connect(server.address);
  const [inbound] = (await accepted) as [Connection];
  return { conn, inbound, close: async () => { conn.destroy(); inbound.destroy(); await server.close(); } };
}

async function tlsTransport(): Promise<void> {
  const { conn, inbound, close } = await tlsPair();
  await pump(conn.stream, inbound.stream);
  await close();
}

/** 128 KiB PIECEs; `framed`: each block read with room for its header in front (as the uploader does), else header and block apart. */
async function tlsWire(framed: boolean): Promise<void> {
  const { conn, inbound, close } = await tlsPair();
  const swarmId = new Uint8Array(32).fill(7);
  const wa = new Wire(conn.stream, { initiator: true, nodeId: inbound.remoteNodeId, remoteNodeId: conn.remoteNodeId, swarmId });
  const wb = new Wire(inbound.stream, { initiator: false, nodeId: conn.remoteNodeId, remoteNodeId: inbound.remoteNodeId, acceptSwarm: () => true });
  await Promise.all([once(wa, 'handshake'), once(wb, 'handshake')]);
  const block = Buffer.alloc(MAX_BLOCK_LEN, 0x5a);
  // A framed block's room is written for each PIECE, so a block is not reused before its write is done.
  const free: Uint8Array[] = [];
  const framedBlock = () => free.pop() ?? new Uint8Array(PIECE_HEADER_LEN + MAX_BLOCK_LEN).fill(0x5a).subarray(PIECE_HEADER_LEN);
  const waterfallId = new Uint8Array(32);
  const blocks = Math.ceil(total / MAX_BLOCK_LEN);
  let requested = 0;
  let received = 0;
  const queue: number[] = [];
  const serve = () => {
    while (queue.length && !wb.needsDrain) {
      if (!framed) wb.piece(queue.shift()!, block);
      else {
        const b = framedBlock();
        wb.piece(queue.shift()!, b, () => free.push(b), ENCODING_RAW, true);
      }
    }
  };
  wb.on('request', (m) => {
    queue.push(m.reqId);
    serve();
  });
  wb.on('drain', serve);
  const ask = () => {
    while (requested < blocks && wa.requestsInFlight < 32) {
      wa.request({ kind: 'index', waterfallId, piece: requested >> 7 }, (requested & 127) * MAX_BLOCK_LEN, MAX_BLOCK_LEN);
      requested++;
    }
  };
  await new Promise<void>((resolve) => {
    wa.on('piece', () => {
      if (++received === blocks) resolve();
      else ask();
    });
    ask();
  });
  wa.close();
  await close();
}

const rows = [
  await measure('plain TCP', plainTcp),
  await measure('TCP + TLS 1.3 (tcp-tls transport)', tlsTransport),
  await measure('TCP + TLS 1.3 + wire (128 KiB PIECEs, header and block apart)', () => tlsWire(false)),
  await measure('TCP + TLS 1.3 + wire (128 KiB PIECEs framed in the block\'s room)', () => tlsWire(true)),
];
const gb = total / 1e9;
const base = rows[0];
console.log(`ByteFall transport bench: ${total / MIB} MiB each way, both ends in one process, 127.0.0.1`);
console.log(`machine: ${os.cpus()[0]?.model ?? 'unknown'} x${os.cpus().length}; node ${process.version}; OpenSSL ${process.versions.openssl}`);
console.log('');
console.log('| path | GB/s | CPU-s/GB | throughput vs TCP | CPU vs TCP |');
console.log('|---|---:|---:|---:|---:|');
for (const r of rows) {
  const rate = gb / r.seconds;
  const cpuPerGb = r.cpu / gb;
  console.log(`| ${r.name} | ${rate.toFixed(2)} | ${cpuPerGb.toFixed(2)} | ${(rate / (gb / base.seconds)).toFixed(2)}x | ${(cpuPerGb / (base.cpu / gb)).toFixed(2)}x |`);
}
