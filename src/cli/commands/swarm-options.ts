// The options `seed` and `get` share, and their parsing into SwarmRunOptions.
import { Option, type Command } from 'commander';
import { parseAddress } from '../../net/address.js';
import { parseCount, parseSize } from '../parse.js';
import type { SwarmRunOptions } from '../swarm-run.js';

export interface SwarmCliOptions {
  listen: string;
  peer: string[];
  nodeKey?: string;
  layers?: string;
  uploadLimit?: string;
  threads?: string;
  pexInterval?: string;
  json?: boolean;
  quiet?: boolean;
}

const collect = (value: string, list: string[]) => [...list, value];

export function swarmOptions(cmd: Command, defaultListen: string): Command {
  return cmd
    .option('--listen <host:port>', `where to accept peers (port 0: any free port)`, defaultListen)
    .option('--peer <host:port>', 'a peer to connect to (repeatable)', collect, [] as string[])
    .option('--node-key <file>', "this node's key (default: <dir>/.bytefall/node.key, created on first use)")
    .option('--layers <file>', 'piece layer file (default: <waterfall>.layers, else <dir>/.bytefall/layers)')
    .option('--upload-limit <rate>', 'upload at most this many bytes per second (e.g. 10M)')
    .option('--threads <n>', 'hashing threads (default: all cores, at most 8)')
    .addOption(new Option('--pex-interval <seconds>', 'seconds between PEX messages (default 60)').hideHelp())
    .option('--json', 'JSON lines: one per event and a "stats" line every second')
    .option('-q, --quiet', 'print nothing but errors');
}

/** Checks and converts the shared options. */
export function parseSwarmOptions(o: SwarmCliOptions): Pick<SwarmRunOptions, 'listen' | 'peers' | 'nodeKey' | 'layers' | 'uploadLimit' | 'threads' | 'pexIntervalMs' | 'json' | 'quiet'> {
  parseAddress(o.listen, { allowPortZero: true });
  for (const p of o.peer) parseAddress(p);
  return {
    listen: o.listen,
    peers: o.peer,
    nodeKey: o.nodeKey,
    layers: o.layers,
    uploadLimit: o.uploadLimit === undefined ? undefined : parseSize(o.uploadLimit, '--upload-limit'),
    threads: o.threads === undefined ? undefined : parseCount(o.threads, '--threads', 1, 256),
    pexIntervalMs: o.pexInterval === undefined ? undefined : parseCount(o.pexInterval, '--pex-interval', 1, 3600) * 1000,
    json: o.json,
    quiet: o.quiet,
  };
}
