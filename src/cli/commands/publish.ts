// `bytefall publish <dir> --key <keyfile> --from <current.waterfall> -o <next.waterfall>`:
// the next version of a Waterfall, signed; only files that changed are hashed.
// Writes the Waterfall, its piece layer (.layers) and its publish index (.index); with
// --announce URL (repeatable) pushes the new version's signed record to each service, one line
// per service; a service that is down or refuses never fails the publish.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { Announcer, type PushOutcome } from '../../announce/announcer.js';
import { recordFor } from '../../announce/record-sign.js';
import { BytefallError } from '../../errors.js';
import { readKeyFile } from '../../keys/keyfile.js';
import { checkPieceSize } from '../../create/piece-size.js';
import { parseChunking } from '../../create/chunking.js';
import { withHashPool } from '../../hash/pool.js';
import { publishNext } from '../../publish/publish.js';
import { indexPathOf, layersPathOf, loadPrevious } from '../../publish/previous.js';
import { toHex } from '../../util/hex.js';
import { atomicWriteFile } from '../../util/atomic-write.js';
import { Output, formatBytes } from '../output.js';
import { Progress } from '../progress.js';
import { readWaterfallFile } from '../read-waterfall.js';
import { collect, parseCount, parseSize } from '../parse.js';
import { parseAnnounceUrl, parsePeerRecord } from './swarm-options.js';
import { peerText } from './inspect.js';

interface PublishCliOptions {
  key: string;
  from: string;
  output: string;
  rehash?: boolean;
  chunking?: string;
  pieceSize?: string;
  sequence?: string;
  threads?: string;
  force?: boolean;
  announce: string[];
  peerRecord: string[];
  json?: boolean;
  quiet?: boolean;
}

export function registerPublish(program: Command): void {
  program
    .command('publish')
    .description('sign the next version of a Waterfall (same swarm); only changed files are hashed')
    .argument('<dir>', 'the directory to publish')
    .requiredOption('-k, --key <keyfile>', "publisher key file: the previous version's key")
    .requiredOption('--from <file>', 'the current version (its .layers and .index are used when present)')
    .requiredOption('-o, --output <file>', 'the next version (and <file>.layers, <file>.index)')
    .option('--rehash', 'hash every file, trusting nothing from the index')
    .option('--chunking <mode>', 'fixed, cdc or auto for every file (default: each file keeps its pieces; auto for new files)')
    .option('--piece-size <size>', 'with --chunking: piece size (the average for cdc)')
    .option('--sequence <n>', 'version sequence number (default: the current one + 1)')
    .option('--threads <n>', 'hashing threads (default: all cores, at most 8)')
    .option('-f, --force', 'overwrite existing output files')
    .option('--announce <url>', "push the new version's signed record to this announce service (repeatable)", (v: string, l: string[]) => [...l, v], [] as string[])
    .option('--peer-record <address>', "a peer for the footer: host:port, [ipv6]:port or zt:<node id>:<port>, optionally #<node key hex> (repeatable; default: the previous version's)", collect, [] as string[])
    .option('--json', 'JSON lines: progress events and a final summary')
    .option('-q, --quiet', 'print nothing but errors')
    .action(async (dir: string, opts: PublishCliOptions) => {
      const out = new Output(opts);
      const started = Date.now();
      if (opts.pieceSize !== undefined && opts.chunking === undefined) {
        throw new BytefallError('BAD_ARGUMENT', '--piece-size needs --chunking (files otherwise keep their piece size)');
      }
      const chunking = opts.chunking === undefined ? undefined : parseChunking(opts.chunking);
      const pieceSize = opts.pieceSize === undefined ? undefined : checkPieceSize(parseSize(opts.pieceSize, '--piece-size'));
      const sequence = opts.sequence === undefined ? undefined : parseCount(opts.sequence, '--sequence', 1, Number.MAX_SAFE_INTEGER);
      const threads = opts.threads === undefined ? undefined : parseCount(opts.threads, '--threads', 1, 256);
      for (const u of opts.announce) parseAnnounceUrl(u);
      const peers = opts.peerRecord.length > 0 ? opts.peerRecord.map(parsePeerRecord) : undefined;
      const key = readKeyFile(opts.key);
      const paths = [opts.output, layersPathOf(opts.output), indexPathOf(opts.output)];
      for (const p of paths) {
        if (!opts.force && existsSync(p)) throw new BytefallError('BAD_ARGUMENT', `${p} already exists (use --force to overwrite)`, { file: p });
      }
      const { previous, warnings } = loadPrevious(opts.from, readWaterfallFile(opts.from).waterfall);
      if (!opts.rehash) for (const w of warnings) out.warn(w);

      const progress = new Progress(out, 'hashing');
      const published = await withHashPool({ threads }, (pool) =>
        publishNext(dir, previous, { pool, seed: key.seed, rehash: !!opts.rehash, chunking, pieceSize, sequence, peers, onProgress: (p) => progress.update(p) }),
      ).finally(() => progress.stop());

      atomicWriteFile(opts.output, published.bytes, { overwrite: !!opts.force });
      atomicWriteFile(paths[1], published.layers, { overwrite: !!opts.force });
      atomicWriteFile(paths[2], published.index, { overwrite: !!opts.force });

      const s = published.stats;
      const w = published.waterfall;
      const secs = (Date.now() - started) / 1000;
      out.event({ event: 'published', waterfall: opts.output, sequence: w.sequence, swarmId: toHex(w.swarmId), waterfallId: toHex(w.waterfallId), ...s, peerRecords: w.peers.length, seconds: secs });
      out.line(`wrote ${opts.output} (version ${w.sequence}, format ${w.version.join('.')}), ${paths[1]} and ${paths[2]}`);
      out.line(`  ${s.files} files: ${s.reused} unchanged, ${s.changed} changed, ${s.added} added, ${s.removed} removed${s.same ? `, ${s.same} touched but the same` : ''}`);
      out.line(`  ${formatBytes(s.bytesHashed)} hashed in ${secs.toFixed(2)} s`);
      out.line(`  swarm id: ${toHex(w.swarmId)} (unchanged)`);
      if (w.peers.length > 0) out.line(`  peer records${peers ? '' : ' (kept from the previous version)'}: ${w.peers.map(peerText).join(', ')}`);
      if (opts.announce.length > 0) {
        const announcer = new Announcer({ urls: opts.announce, swarmId: w.swarmId, publicKey: w.publicKey, peerCount: () => 0 });
        for (const o of await announcer.pushRecord(recordFor(w, key.seed))) reportPush(out, o, w.sequence);
      }
    });
}

/** One line (or JSON event) per service; never an error exit: the files are written, the swarm gossips the version. */
function reportPush(out: Output, o: PushOutcome, sequence: number): void {
  if (o.result?.stored) {
    out.event({ event: 'announced', url: o.url, stored: true, sequence });
    out.line(`  announced version ${sequence} to ${o.url}`);
  } else if (o.result) {
    out.event({ event: 'announced', url: o.url, stored: false, current: o.result.current });
    out.line(`  ${o.url} already has version ${o.result.current}; not stored`);
  } else {
    const code = (o.error as { code?: string } | undefined)?.code;
    out.event({ event: 'announce-failed', url: o.url, code, message: o.error?.message });
    out.line(`  could not announce to ${o.url}: ${o.error?.message} (the Waterfall is written; push again later or let peers spread it)`);
  }
}
