// `bytefall create <dir> --key <keyfile> -o <file.waterfall>`: scan, hash on the
// worker pool, sign, and write the Waterfall and its piece layer atomically.
import type { Command } from 'commander';
import { randomBytes } from 'node:crypto';
import { basename, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { BytefallError } from '../../errors.js';
import type { ScanWarning } from '../../create/scan.js';
import type { HashTreeResult } from '../../create/hash-tree.js';
import { checkPieceSize } from '../../create/piece-size.js';
import { parseChunking, type ChunkingMode } from '../../create/chunking.js';
import { HashPool } from '../../hash/pool.js';
import type { Built } from '../../format/build.js';
import { Output, formatBytes } from '../output.js';
import { collect, parseCount, parseSalt, parseSize } from '../parse.js';
import type { PeerRecord } from '../../format/model.js';


/**
 * The modules `create` needs once its workers are starting. Loaded then, not with this
 * module, so that the worker threads start (a Node isolate, their modules, the WASM)
 * on the other cores while this thread loads these, reads the key and begins the walk.
 */
async function loadModules() {
  const [keyfile, scan, hashTree, build, layers, hex, atomic, progress] = await Promise.all([
    import('../../keys/keyfile.js'),
    import('../../create/scan.js'),
    import('../../create/hash-tree.js'),
    import('../../format/build.js'),
    import('../../format/layers.js'),
    import('../../util/hex.js'),
    import('../../util/atomic-write.js'),
    import('../progress.js'),
  ]);
  return {
    readKeyFile: keyfile.readKeyFile,
    scanChunks: scan.scanChunks,
    hashTree: hashTree.hashTree,
    buildWaterfall: build.buildWaterfall,
    encodeLayers: layers.encodeLayers,
    toHex: hex.toHex,
    atomicWriteFile: atomic.atomicWriteFile,
    Progress: progress.Progress,
  };
}
type Modules = Awaited<ReturnType<typeof loadModules>>;

interface CreateOptions {
  key: string;
  output: string;
  name?: string;
  salt?: string;
  pieceSize?: string;
  chunking?: string;
  sequence?: string;
  threads?: string;
  embedPrivateKey?: boolean;
  peerRecord: string[];
  force?: boolean;
  json?: boolean;
  quiet?: boolean;
}

export function registerCreate(program: Command): void {
  program
    .command('create')
    .description('make a signed Waterfall (and its piece layer) from a directory')
    .argument('<dir>', 'the directory to publish')
    .requiredOption('-k, --key <keyfile>', 'publisher key file (from `bytefall keygen`)')
    .requiredOption('-o, --output <file>', 'the Waterfall to write (its piece layer goes to <file>.layers)')
    .option('--name <name>', 'the Waterfall name (default: the directory name)')
    .option('--salt <hex>', 'up to 64 bytes of salt as hex (default: random)')
    .option('--piece-size <size>', 'piece size for every file, a power of two from 1K to 16M (default: by file size)')
    .option('--chunking <mode>', 'fixed, cdc (content-defined pieces, format 1.1) or auto: cdc for files larger than 256 KiB (default: auto; fixed with --piece-size)')
    .option('--sequence <n>', 'version sequence number', '1')
    .option('--threads <n>', 'hashing worker threads (default: one per core but one, at most 7, and this thread hashes too)')
    .option('--embed-private-key', "write the private key into the key block (a publisher's working copy; never share it)")
    .option('--peer-record <address>', "a peer for the Waterfall's footer: host:port, [ipv6]:port or zt:<node id>:<port>, optionally #<node key hex> (repeatable)", collect, [] as string[])
    .option('-f, --force', 'overwrite an existing output file')
    .option('--json', 'JSON lines: progress events and a final summary')
    .option('-q, --quiet', 'print nothing but errors')
    .action(async (dir: string, opts: CreateOptions) => {
      const out = new Output(opts);
      const started = Date.now();
      const pieceSize = opts.pieceSize === undefined ? undefined : checkPieceSize(parseSize(opts.pieceSize, '--piece-size'));
      const chunking = opts.chunking !== undefined ? parseChunking(opts.chunking) : pieceSize !== undefined ? 'fixed' : 'auto';
      const sequence = parseCount(opts.sequence ?? '1', '--sequence', 1, Number.MAX_SAFE_INTEGER);
      const threads = opts.threads === undefined ? undefined : parseCount(opts.threads, '--threads', 1, 256);
      const salt = opts.salt === undefined ? new Uint8Array(randomBytes(64)) : parseSalt(opts.salt);
      const peers = opts.peerRecord.length === 0 ? [] : opts.peerRecord.map((await import('./swarm-options.js')).parsePeerRecord);
      const layersPath = `${opts.output}.layers`;
      const name = opts.name ?? basename(resolve(dir));

      // The workers start (load their modules, compile the WASM) while this thread loads the
      // rest, reads the key and scans; they exit, their memory given back, while it builds and signs.
      const pool = new HashPool(threads === undefined ? { inline: true } : { threads });
      let m: Modules;
      let key: ReturnType<Modules['readKeyFile']>;
      let done: { warnings: ScanWarning[]; hashed: HashTreeResult };
      let destroyed: Promise<void> | undefined;
      try {
        m = await loadModules();
        key = m.readKeyFile(opts.key);
        for (const p of [opts.output, layersPath]) {
          if (!opts.force && existsSync(p)) throw new BytefallError('BAD_ARGUMENT', `${p} already exists (use --force to overwrite)`, { file: p });
        }
        done = await scanAndHash(m, dir, pool, out, pieceSize, chunking);
        destroyed = pool.destroy();
      } finally {
        if (destroyed === undefined) await pool.destroy();
      }
      const { warnings, hashed } = done;
      let built: Built;
      try {
        let layers: Uint8Array;
        ({ built, layers } = buildAndLayers(m, name, salt, sequence, key.seed, !!opts.embedPrivateKey, hashed, peers));
        m.atomicWriteFile(opts.output, built.bytes, { overwrite: !!opts.force });
        m.atomicWriteFile(layersPath, layers, { overwrite: !!opts.force });
      } finally {
        await destroyed;
      }

      const files = built.waterfall.entries.filter((e) => !e.isDir);
      const bytes = files.reduce((s, e) => s + e.size, 0);
      const directories = built.waterfall.entries.length - files.length;
      const secs = (Date.now() - started) / 1000;
      out.event({
        event: 'created',
        waterfall: opts.output,
        layers: layersPath,
        swarmId: m.toHex(built.waterfall.swarmId),
        waterfallId: m.toHex(built.waterfall.waterfallId),
        files: files.length,
        directories,
        bytes,
        skipped: warnings.map((w) => w.path.join('/')),
        peerRecords: built.waterfall.peers.length,
        seconds: secs,
      });
      out.line(`wrote ${opts.output} (${formatBytes(built.bytes.length)}) and ${layersPath}`);
      out.line(`  ${files.length} files, ${directories} directories, ${formatBytes(bytes)} hashed in ${secs.toFixed(2)} s (${formatBytes(bytes / Math.max(secs, 1e-3))}/s)`);
      out.line(`  swarm id: ${m.toHex(built.waterfall.swarmId)}`);
      if (peers.length > 0) {
        const { peerText } = await import('./inspect.js');
        out.line(`  peer records: ${built.waterfall.peers.map(peerText).join(', ')}`);
      }
      if (opts.embedPrivateKey) out.warn(`${opts.output} EMBEDS THE PRIVATE KEY: keep it to yourself; publish a copy made without --embed-private-key`);
    });
}

/** Scans `dir` and hashes its files; the scan's own list is garbage once this returns. */
async function scanAndHash(
  m: Modules,
  dir: string,
  pool: HashPool,
  out: Output,
  pieceSize: number | undefined,
  chunking: ChunkingMode,
): Promise<{ warnings: ScanWarning[]; hashed: HashTreeResult }> {
  // Hashing starts with the first entries the walk finds; the skipped ones are reported once it ends.
  const warnings: ScanWarning[] = [];
  const progress = new m.Progress(out, 'hashing');
  let hashed: HashTreeResult;
  try {
    hashed = await m.hashTree(dir, m.scanChunks(dir, warnings), { pool, pieceSize, chunking, onProgress: (p) => progress.update(p) });
  } finally {
    progress.stop();
  }
  for (const w of warnings) out.warn(w.message);
  return { warnings, hashed };
}

/** Signs the Waterfall and encodes its piece layer (the layer checked against the signed entries). */
function buildAndLayers(
  m: Modules,
  name: string,
  salt: Uint8Array,
  sequence: number,
  seed: Uint8Array,
  embedPrivateKey: boolean,
  hashed: HashTreeResult,
  peers: PeerRecord[],
): { built: Built; layers: Uint8Array } {
  // Every root was computed from these layers (hashTree), and the encoder is checked by
  // the golden files: neither a read-back of the Waterfall nor a second merkle pass is needed.
  const built = m.buildWaterfall({ name, salt, sequence, publishTime: Date.now(), seed, entries: hashed.entries, embedPrivateKey, peers }, { readBack: false });
  // The walk lists entries in canonical order, so the layers are in entry order; were they
  // not (the same path arrays, one by one), the full check would say so.
  const inOrder = built.waterfall.entries.every((e, i) => e.path === hashed.entries[i].path);
  return { built, layers: m.encodeLayers(built.waterfall, hashed.perFileLeaves, { checkRoots: !inOrder }) };
}
