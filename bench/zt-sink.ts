// The receiving end of bench/zt-transport.ts, in its own process (libzt allows one
// node per process): a ZeroTier node that listens twice, on port 7001 for the raw
// ZeroTier stream and on 7002 for the ZeroTier transport (TLS on top), counts what
// each connection carries until it ends, and reports bytes and its CPU time.
import { createZtTransport } from '../src/net/zt/create.js';
import { ZtSocket } from '../src/net/zt/socket.js';
import { nodeKeyFromSeed } from '../src/net/node-key.js';
import type { Duplex } from 'node:stream';
import type { NativeSocket } from '../src/net/zt/addon.js';

const [home, network] = process.argv.slice(2);
const transport = await createZtTransport({ key: nodeKeyFromSeed(new Uint8Array(32).fill(9)), home, network, rootsFile: process.env.ZT_ROOTS || undefined });

function count(stream: Duplex): void {
  const cpu0 = process.cpuUsage();
  let bytes = 0;
  stream.on('data', (c: Buffer) => (bytes += c.length));
  stream.on('end', () => {
    const c = process.cpuUsage(cpu0);
    process.send?.({ type: 'done', bytes, cpu: (c.user + c.system) / 1e6 });
    stream.end();
  });
}

const raw = await transport.node.listenNative(7001);
raw.setHandler((type, arg) => {
  if (type === 'connection') count(new ZtSocket(arg as NativeSocket, 'bench'));
});
const server = await transport.listen(transport.addressFor(7002));
server.on('connection', (conn) => count(conn.stream));
process.on('message', async (m: { type: string }) => {
  if (m.type === 'stop') {
    await transport.close();
    process.disconnect?.();
  }
});
process.send?.({ type: 'ready', node: transport.node.id, address: transport.membership.addressText });
