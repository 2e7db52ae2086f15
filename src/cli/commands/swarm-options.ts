// The options `seed` and `get` share, and their parsing into SwarmRunOptions.
import { Option, type Command } from 'commander';
import { BytefallError } from '../../errors.js';
import { isIPv4 } from 'node:net';
import type { PeerRecord } from '../../format/model.js';
import { parseAddress } from '../../net/address.js';
import { fromHex } from '../../util/hex.js';
import { parseNetworkId } from '../../net/zt/ids.js';
import { collect, parseCount, parseSize } from '../parse.js';
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
  follow?: boolean;
}

export function swarmOptions(cmd: Command, defaultListen: string): Command {
  return cmd
    .option('--listen <host:port>', `where to accept peers (port 0: any free port)`, defaultListen)
    .option('--peer <host:port>', 'a peer to connect to (repeatable)', collect, [] as string[])
    .option('--node-key <file>', "this node's key (default: <dir>/.bytefall/node.key, created on first use)")
    .option('--layers <file>', 'piece layer file (default: <waterfall>.layers, else <dir>/.bytefall/layers)')
    .option('--upload-limit <rate>', 'upload at most this many bytes per second (e.g. 10M)')
    .option('--threads <n>', 'most hashing threads (default: all cores, at most 8; one starts, more when a backlog lasts)')
    .option('--announce <url>', 'an announce service to find peers and new versions through (repeatable)', collect, [] as string[])
    .option('--transport <kind>', "'tcp' (TCP + TLS) or 'zt' (ZeroTier, docs/ZEROTIER.md)", 'tcp')
    .option('--zt-home <dir>', 'with --transport zt: the ZeroTier node directory (default: <dir>/.bytefall/zerotier)')
    .option('--zt-network <id>', "with --transport zt: 16 hex digits, 'adhoc' or 'adhoc:<first>-<last>'")
    .option('--zt-roots <file>', 'with --transport zt: a private roots definition')
    .option('--no-follow', 'stay on this version: ignore newer versions that peers announce or that are written to the Waterfall file')
    .addOption(new Option('--pex-interval <seconds>', 'seconds between PEX messages (default 60)').hideHelp())
    .option('--json', 'JSON lines: one per event and a "stats" line every second')
    .option('-q, --quiet', 'print nothing but errors');
}

/** Checks and converts the shared options. */
export function parseSwarmOptions(o: SwarmCliOptions): Pick<SwarmRunOptions, 'listen' | 'peers' | 'nodeKey' | 'layers' | 'uploadLimit' | 'threads' | 'pexIntervalMs' | 'json' | 'quiet' | 'announce' | 'zt' | 'follow'> {
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
    follow: o.follow !== false,
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

/**
 * A Waterfall footer peer record (docs/FORMAT.md) from `--peer-record`: `host:port` or
 * `[v6]:port` with an IP literal (kinds 1, 2), or `zt:<node id>:<port>` (kind 0), optionally
 * followed by `#<64 hex digits>`, the peer's node key. Confidence 0.
 */
export function parsePeerRecord(text: string): PeerRecord {
  const hash = text.indexOf('#');
  const addressText = hash < 0 ? text : text.slice(0, hash);
  let publicKey: Uint8Array = new Uint8Array(32);
  if (hash >= 0) {
    const keyText = text.slice(hash + 1);
    if (!/^[0-9a-fA-F]{64}$/.test(keyText)) {
      throw new BytefallError('BAD_ARGUMENT', `--peer-record ${JSON.stringify(text)}: the node key after '#' must be 64 hex digits`);
    }
    publicKey = fromHex(keyText.toLowerCase())!;
  }
  const a = parseAddress(addressText);
  if (a.kind === 'zt') return { publicKey, ztAddress: BigInt(`0x${a.node}`), confidence: 0, kind: 0, port: a.port, ip: '' };
  if (a.host.includes('%')) throw new BytefallError('BAD_ARGUMENT', `--peer-record ${JSON.stringify(text)}: an IPv6 zone id has no meaning in a Waterfall`);
  if (!isIPv4(a.host) && !addressText.startsWith('[')) {
    throw new BytefallError('BAD_ARGUMENT', `--peer-record ${JSON.stringify(text)}: a peer record holds an IP address or a ZeroTier node id, not a host name`);
  }
  return { publicKey, ztAddress: 0n, confidence: 0, kind: isIPv4(a.host) ? 1 : 2, port: a.port, ip: a.host };
}
