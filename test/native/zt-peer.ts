// The other ZeroTier node of a test, in its own process (libzt allows one node
// per process). Started with fork() and a JSON config; listens, then serves every
// connection in the configured mode and reports over IPC:
//   echo: sends back what it reads;  wire: a Wire responder that serves blocks
//   and fetches `blocks` blocks back from the initiator (data both ways).
// The parent can also ask it to connect to an address ({ type: 'connect' }).
import { createZtTransport } from '../../src/net/zt/create.js';
import { nodeKeyFromSeed } from '../../src/net/node-key.js';
import type { Connection } from '../../src/net/transport.js';
import { formatAddress } from '../../src/net/address.js';
import { toHex } from '../../src/util/hex.js';
import { Wire } from '../../src/wire/wire.js';
import { fetchBlocks, serveBlocks } from './exchange.js';

interface PeerConfig {
  home: string;
  network: string;
  seed: number;
  port: number;
  mode: 'echo' | 'wire';
  blocks?: number;
  rootsFile?: string;
  /** How long to wait to reach a root (real libzt: its first pings are 5 s apart). */
  onlineTimeoutMs?: number;
}

const config = JSON.parse(process.argv[2]) as PeerConfig;
const key = nodeKeyFromSeed(new Uint8Array(32).fill(config.seed));
const SWARM = new Uint8Array(32).fill(0x51);
// after `stop` the IPC channel closes while connections may still report
const send = (m: object) => void (process.connected && process.send?.(m));

function serve(conn: Connection, initiator: boolean): void {
  send({ type: 'accepted', remote: formatAddress(conn.remoteAddress), remoteNodeId: toHex(conn.remoteNodeId), initiator });
  if (config.mode === 'echo') {
    conn.stream.pipe(conn.stream);
    return;
  }
  const wire = new Wire(conn.stream, {
    initiator,
    nodeId: key.publicKey,
    remoteNodeId: conn.remoteNodeId,
    swarmId: SWARM,
    acceptSwarm: () => true,
  });
  serveBlocks(wire);
  wire.once('handshake', () => {
    fetchBlocks(wire, config.blocks ?? 16).then(
      (bytes) => send({ type: 'fetched', bytes }),
      (err: Error) => send({ type: 'error', message: err.message }),
    );
  });
  wire.on('close', (info) => send({ type: 'wire-closed', error: info.error?.code }));
}

try {
  const transport = await createZtTransport({ key, home: config.home, network: config.network, rootsFile: config.rootsFile, onlineTimeoutMs: config.onlineTimeoutMs ?? 10_000 });
  const server = await transport.listen(transport.addressFor(config.port));
  server.on('connection', (conn) => serve(conn, false));
  server.on('refused', (addr, err) => send({ type: 'refused', remote: formatAddress(addr), code: (err as { code?: string }).code }));
  process.on('message', async (m: { type: string; address?: string; expectedNodeId?: string }) => {
    if (m.type === 'stop') {
      await server.close();
      await transport.close();
      process.disconnect?.();
      return;
    }
    if (m.type === 'connect') {
      try {
        const expected = m.expectedNodeId ? new Uint8Array(Buffer.from(m.expectedNodeId, 'hex')) : undefined;
        const conn = await transport.connect(m.address!, { expectedNodeId: expected, timeoutMs: 5000 });
        serve(conn, true);
      } catch (err) {
        send({ type: 'connect-failed', code: (err as { code?: string }).code, message: (err as Error).message });
      }
    }
  });
  send({ type: 'ready', ztNode: transport.node.id, port: server.address.port, address: formatAddress(server.address), nodeId: toHex(key.publicKey) });
} catch (err) {
  send({ type: 'error', code: (err as { code?: string }).code, message: (err as Error).message });
  process.exitCode = 1;
  process.disconnect?.();
}
