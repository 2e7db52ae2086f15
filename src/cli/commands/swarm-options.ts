// The options `seed` and `get` share, and their parsing into SwarmRunOptions.
import { Option, type Command } from 'commander';
import { BytefallError } from '../../errors.js';
import { parseAddress } from '../../net/address.js';
import { parseNetworkId } from '../../net/zt/ids.js';
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
  announce: string[];
  transport: string;
  ztHome?: string;
  ztNetwork?: string;
  ztRoots?: string;
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
    .option('--announce <url>', 'an announce service to find peers and new versions through (repeatable)', collect, [] as string[])
    .option('--transport <kind>', "'tcp' (TCP + TLS) or 'zt' (ZeroTier, docs/ZEROTIER.md)", 'tcp')
    .option('--zt-home <dir>', 'with --transport zt: the ZeroTier node directory (default: <dir>/.bytefall/zerotier)')
    .option('--zt-network <id>', "with --transport zt: 16 hex digits, 'adhoc' or 'adhoc:<first>-<last>'")
    .option('--zt-roots <file>', 'with --transport zt: a private roots definition')
    .addOption(new Option('--pex-interval <seconds>', 'seconds between PEX messages (default 60)').hideHelp())
    .option('--json', 'JSON lines: one per event and a "stats" line every second')
    .option('-q, --quiet', 'print nothing but errors');
}

/** Checks and converts the shared options. */
export function parseSwarmOptions(o: SwarmCliOptions): Pick<SwarmRunOptions, 'listen' | 'peers' | 'nodeKey' | 'layers' | 'uploadLimit' | 'threads' | 'pexIntervalMs' | 'json' | 'quiet' | 'announce' | 'zt'> {
  parseAddress(o.listen, { allowPortZero: true });
  for (const p of o.peer) parseAddress(p);
  for (const u of o.announce) parseAnnounceUrl(u);
  if (o.transport !== 'tcp' && o.transport !== 'zt') throw new BytefallError('BAD_ARGUMENT', `--transport must be 'tcp' or 'zt', got "${o.transport}"`);
  const ztFlag = o.ztHome !== undefined ? '--zt-home' : o.ztNetwork !== undefined ? '--zt-network' : o.ztRoots !== undefined ? '--zt-roots' : undefined;
  if (o.transport === 'tcp' && ztFlag) throw new BytefallError('BAD_ARGUMENT', `${ztFlag} needs --transport zt`);
  if (o.transport === 'zt') {
    if (o.ztNetwork === undefined) throw new BytefallError('BAD_ARGUMENT', "--transport zt needs --zt-network (16 hex digits, 'adhoc' or 'adhoc:<first>-<last>')");
    parseNetworkId(o.ztNetwork);
  }
  return {
    announce: o.announce,
    zt: o.transport === 'zt' ? { home: o.ztHome, network: o.ztNetwork!, rootsFile: o.ztRoots } : undefined,
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

/** An announce service URL: http or https, nothing else. */
export function parseAnnounceUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new BytefallError('BAD_ARGUMENT', `--announce takes an http(s) URL, got "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BytefallError('BAD_ARGUMENT', `--announce takes an http(s) URL, got "${text}"`);
  return url;
}
