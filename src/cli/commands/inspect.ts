// `bytefall inspect <file.waterfall>`: what a Waterfall says, for people and scripts.
import type { Command } from 'commander';
import { CHUNKING_CDC, type Entry, type PeerRecord, type Waterfall } from '../../format/model.js';
import { toHex } from '../../util/hex.js';
import { readFileSync } from 'node:fs';
import { decodeProof, isProof } from '../../update/accept.js';
import { Output, formatBytes } from '../output.js';
import { readWaterfallFile } from '../read-waterfall.js';

interface InspectOptions {
  json?: boolean;
  all?: boolean;
  allowPrivateKey?: boolean;
}

const DEFAULT_TREE_LINES = 500;

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .description('show a Waterfall (name, swarm id, key, version, files) or an equivocation proof')
    .argument('<waterfall>', 'the .waterfall file, or a .proof file from <dir>/.bytefall/equivocation/')
    .option('--json', 'print one JSON document')
    .option('--all', `list every entry (default: the first ${DEFAULT_TREE_LINES})`)
    .option('--allow-private-key', 'read a working copy that embeds the private key')
    .action((file: string, opts: InspectOptions) => {
      const out = new Output(opts);
      const proof = readProofIfAny(file);
      if (proof) {
        const ids = [proof.a, proof.b].map((w) => toHex(w.waterfallId));
        if (opts.json) {
          process.stdout.write(JSON.stringify({ equivocation: true, sequence: proof.sequence, swarmId: toHex(proof.a.swarmId), publicKey: toHex(proof.a.publicKey), waterfallIds: ids }) + '\n');
          return;
        }
        out.line(`equivocation proof: two different Waterfalls, both validly signed by ${toHex(proof.a.publicKey)}, with sequence ${proof.sequence}`);
        out.line(`swarm id:     ${toHex(proof.a.swarmId)}`);
        for (const [i, w] of [proof.a, proof.b].entries()) {
          out.line(`waterfall ${i + 1}:  ${ids[i]}  (${w.entries.filter((e) => !e.isDir).length} files, published ${w.publishTime ? new Date(w.publishTime).toISOString() : 'unknown'})`);
        }
        out.line('the publisher\'s key signed twice (or was stolen): nodes that hold this proof follow no version automatically');
        return;
      }
      const { waterfall: w } = readWaterfallFile(file, { allowPrivateKey: opts.allowPrivateKey });
      if (opts.json) {
        process.stdout.write(JSON.stringify(inspectJson(w)) + '\n');
        return;
      }
      const files = w.entries.filter((e) => !e.isDir);
      const total = files.reduce((s, e) => s + e.size, 0);
      out.line(`name:         ${w.name}`);
      out.line(`swarm id:     ${toHex(w.swarmId)}`);
      out.line(`waterfall id: ${toHex(w.waterfallId)}`);
      out.line(`public key:   ${toHex(w.publicKey)}${w.privateSeed ? '  (this copy EMBEDS THE PRIVATE KEY: do not share it)' : ''}`);
      out.line(`sequence:     ${w.sequence}`);
      out.line(`published:    ${w.publishTime ? new Date(w.publishTime).toISOString() : 'unknown'}`);
      out.line(`format:       ${w.version.join('.')}, BLAKE3`);
      out.line(`content:      ${files.length} files, ${w.entries.length - files.length} directories, ${formatBytes(total)} (${total} bytes)`);
      out.line(`peers:        ${w.peers.length === 0 ? 'none listed' : w.peers.map(peerText).join(', ')}`);
      out.line('');
      const limit = opts.all ? Infinity : DEFAULT_TREE_LINES;
      w.entries.slice(0, limit).forEach((e) => out.line(treeLine(e)));
      if (w.entries.length > limit) out.line(`... ${w.entries.length - limit} more entries (use --all)`);
    });
}

/** The proof in `file` when it starts with the proof magic (checked: BAD_PROOF otherwise); undefined for anything else. */
function readProofIfAny(file: string): ReturnType<typeof decodeProof> | undefined {
  let head: Uint8Array;
  try {
    head = new Uint8Array(readFileSync(file));
  } catch {
    return undefined; // readWaterfallFile reports it
  }
  return isProof(head) ? decodeProof(head) : undefined;
}

function treeLine(e: Entry): string {
  const indent = '  '.repeat(e.path.length - 1);
  if (e.isDir) return `${indent}${e.name}/`;
  return `${indent}${e.name}  ${formatBytes(e.size)}  v${e.fileVersion}`;
}

export function peerText(p: PeerRecord): string {
  if (p.kind === 0) return `zt:${p.ztAddress.toString(16).padStart(10, '0')}:${p.port}`;
  return p.kind === 2 ? `[${p.ip}]:${p.port}` : `${p.ip}:${p.port}`;
}

export function inspectJson(w: Waterfall): Record<string, unknown> {
  return {
    name: w.name,
    swarmId: toHex(w.swarmId),
    waterfallId: toHex(w.waterfallId),
    publicKey: toHex(w.publicKey),
    privateKeyEmbedded: !!w.privateSeed,
    sequence: w.sequence,
    publishTime: w.publishTime,
    format: w.version.join('.'),
    salt: toHex(w.salt),
    entries: w.entries.map((e) => ({
      path: e.path.join('/'),
      type: e.isDir ? 'directory' : 'file',
      size: e.size,
      created: e.created,
      changed: e.changed,
      pieceSize: e.pieceSize,
      ...(e.isDir ? {} : { chunking: e.chunking === CHUNKING_CDC ? 'cdc' : 'fixed' }),
      fileVersion: e.fileVersion,
      permissions: '0' + e.permissions.toString(8),
      hash: toHex(e.hash),
    })),
    // kind: 0 ZeroTier only (address zt:<node id>:<port>), 1 IPv4, 2 IPv6 (docs/FORMAT.md, "Footer")
    peers: w.peers.map((p) => ({ address: peerText(p), kind: p.kind, publicKey: toHex(p.publicKey), confidence: p.confidence })),
  };
}
