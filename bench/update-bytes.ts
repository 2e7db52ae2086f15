// Bytes on the wire for an update, on real data nobody here wrote (update-datasets.ts:
// npm packages, two versions each, fetched with `npm pack` into a temp cache).
// ByteFall: `create` the old version, `publish` the new one, plan the update
// (src/update/plan.ts) and count what must be fetched: raw, compressed as the engine
// moves it (update-compress.ts: the compression flag, REQUEST kind 3 with the old
// pieces as dictionaries, the responder's encodeBlock), and with the framing and the
// metadata (VERSION, the Waterfall, HASHES for the changed files' layers), every
// message sized by the real encoders (src/wire/messages.ts). Next to rsync's literal data, casync's new chunks and a fresh
// BitTorrent download of the new version (its size), on the same directories.
// BYTEFALL_BENCH_CDC_MIN=<bytes> BYTEFALL_BENCH_CDC_AVG=<bytes> try other chunking.
import { scan } from '../src/create/scan.js';
import { hashTree } from '../src/create/hash-tree.js';
import { chunkingFor, type FileChunking } from '../src/create/chunking.js';
import { buildWaterfall, decodeLayers, layerRecordLen, pieceCountOf, type Waterfall } from '../src/format/index.js';
import { toPublicForm, rewritePeers } from '../src/format/rewrite.js';
import { withHashPool, type HashPool } from '../src/hash/pool.js';
import { publishNext } from '../src/publish/publish.js';
import { planUpdate, type UpdatePlan, type Version } from '../src/update/plan.js';
import { bytesText } from '../src/update/plan-text.js';
import { machineLine, packageVersion, printTable } from './common.js';
import { DATASETS, CACHE_DIR, unpacked, type Dataset } from './update-datasets.js';
import { casyncNewChunks, peerVersions, rsyncLiteral, type PeerFigure } from './update-peers.js';
import { BLOCK, PIECE_HEADER, compressFetches, requestBytes, type CompressFigure } from './update-compress.js';
import { encodeBlock } from '../src/swarm/compress.js';
import { CAPS_IMPLEMENTED, MAX_HASHES_PER_REQUEST } from '../src/wire/constants.js';
import { deltaBlockLen, deltaSignature } from '../src/wire/delta.js';
import { WATERFALL_DELTA_SLACK } from '../src/update/fetch-version.js';
import { encodeMessage } from '../src/wire/messages.js';

const SEED = new Uint8Array(32).fill(11);
const ID = new Uint8Array(32);

interface Row {
  ds: Dataset;
  plan: UpdatePlan;
  v2: Waterfall;
  fig: CompressFigure;
  meta: { raw: number; best: number };
  rsync: PeerFigure;
  casync: PeerFigure;
  chunking: string;
}

function ruleFromEnv(): ((size: number) => FileChunking) | undefined {
  const min = process.env.BYTEFALL_BENCH_CDC_MIN;
  const avg = process.env.BYTEFALL_BENCH_CDC_AVG;
  if (min === undefined && avg === undefined) return undefined;
  return (size) => (size >= Number(min ?? 4 << 20) ? chunkingFor(size, 'cdc', avg ? Number(avg) : undefined) : chunkingFor(size, 'fixed'));
}

async function createVersion(dir: string, pool: HashPool, rule?: (size: number) => FileChunking): Promise<Version> {
  const { entries } = await scan(dir);
  const hashed = await hashTree(dir, entries, { pool, chunking: 'auto', chunkingOf: rule ? (e) => rule(e.size) : undefined });
  const { waterfall, bytes } = buildWaterfall({ name: 'bench', salt: new Uint8Array(64), sequence: 1, publishTime: 0, seed: SEED, entries: hashed.entries });
  servedOf.set(waterfall, rewritePeers(toPublicForm(bytes), []));
  return { waterfall, layers: hashed.perFileLeaves };
}

/** The served form of each version this bench built. */
const servedOf = new WeakMap<Waterfall, Uint8Array>();

/**
 * Bytes of the metadata a node fetches: VERSION, the served Waterfall (as the follower asks for
 * it: a delta against the VERSION's header and the Waterfall it holds, src/update/fetch-version.ts),
 * HASHES for the layers of changed and added files.
 */
async function metadata(plan: UpdatePlan, v2: Waterfall, served: Uint8Array, oldServed: Uint8Array): Promise<{ raw: number; best: number }> {
  const version = encodeMessage({ type: 'version', sequence: v2.sequence, waterfallId: v2.waterfallId, waterfallSize: served.length, header: served.subarray(0, 640) }).length;
  const base = Buffer.concat([served.subarray(0, 640), oldServed]);
  let framing = 0;
  let compressed = 0;
  for (let at = 0; at < served.length; at += BLOCK) {
    const block = served.subarray(at, at + BLOCK);
    const window = base.subarray(Math.max(0, at - WATERFALL_DELTA_SLACK), Math.min(base.length, at + block.length + WATERFALL_DELTA_SLACK));
    const blockLen = deltaBlockLen(window.length, 64);
    const delta = { blockLen, signature: deltaSignature(window, blockLen) };
    framing += requestBytes({ kind: 'waterfall', waterfallId: ID, compress: true, delta }) + PIECE_HEADER;
    compressed += (await encodeBlock(block, CAPS_IMPLEMENTED, undefined, delta)).data.length;
  }
  let hashes = 0;
  const byPath = new Map(v2.entries.filter((e) => !e.isDir).map((e) => [e.path.join('/'), e]));
  for (const c of [...plan.changed, ...plan.added]) {
    const e = byPath.get(c.path.join('/'))!;
    const n = pieceCountOf(e);
    if (n === 0) continue;
    const count = Math.min(MAX_HASHES_PER_REQUEST, 2 ** Math.ceil(Math.log2(n)));
    const unit = layerRecordLen(e);
    const proof = Math.ceil(Math.log2(Math.ceil(n / count)));
    for (let first = 0; first < n; first += count) {
      const k = Math.min(count, n - first);
      hashes += encodeMessage({ type: 'hash-request', reqId: 0, waterfallId: ID, file: 0, first, count }).length;
      hashes += encodeMessage({ type: 'hashes', reqId: 0, hashes: new Uint8Array(k * unit), proof: new Uint8Array(32 * proof), ...(unit === 36 ? { recordLen: 36 } : {}) }).length;
    }
  }
  return { raw: version + served.length + framing + hashes, best: version + compressed + framing + hashes };
}

async function measure(ds: Dataset, pool: HashPool): Promise<Row> {
  const oldDir = unpacked(ds, ds.from);
  const newDir = unpacked(ds, ds.to);
  const rule = ruleFromEnv();
  const v1 = await createVersion(oldDir, pool, rule);
  const published = await publishNext(newDir, v1, { pool, seed: SEED, rehash: true, publishTime: 1 });
  const v2: Version = { waterfall: published.waterfall, layers: decodeLayers(published.layers, published.waterfall) };
  const plan = planUpdate(v1, v2);
  const served = rewritePeers(toPublicForm(published.bytes), []);
  const cdcFiles = v2.waterfall.entries.filter((e) => e.chunking === 1);
  const chunking = cdcFiles.length === 0 ? 'fixed' : `${cdcFiles.length} CDC file(s), avg ${[...new Set(cdcFiles.map((e) => bytesText(e.pieceSize)))].join('/')}`;
  return {
    ds,
    plan,
    v2: v2.waterfall,
    fig: await compressFetches(plan, v1, v2, oldDir, newDir),
    meta: await metadata(plan, v2.waterfall, served, servedOf.get(v1.waterfall)!),
    rsync: rsyncLiteral(oldDir, newDir),
    casync: casyncNewChunks(oldDir, newDir, ds.form === 'tar' ? 'package.tar' : undefined),
    chunking,
  };
}

const ratio = (a: number, b: number | undefined): string => {
  if (b === undefined || b === 0 || Number.isNaN(b)) return 'n/a';
  const r = a / b;
  return `${r.toFixed(r < 0.1 ? 3 : 2)}x`;
};
const peer = (f: PeerFigure): string => (f.bytes === undefined ? 'skipped' : bytesText(f.bytes));

async function main(): Promise<void> {
  console.log(machineLine());
  console.log(`ByteFall ${packageVersion(new URL('../../package.json', import.meta.url).pathname)}; ${peerVersions().join('; ') || 'no peers installed'}`);
  console.log(`data: npm pack into ${CACHE_DIR} (kept between runs)`);
  const rows: Row[] = [];
  await withHashPool({ threads: 2 }, async (pool) => {
    for (const ds of DATASETS) {
      try {
        rows.push(await measure(ds, pool));
      } catch (err) {
        console.log(`${ds.name}: skipped (${(err as Error).message})`);
      }
    }
  });

  printTable(
    'Bytes to move from the old version to the new (data; ByteFall wire = data + framing + metadata, compressed)',
    ['dataset', 'versions', 'new size', 'BF raw', 'BF defl/brotli', 'BF kind 3', 'BF compressed', 'BF wire', 'rsync literal', 'rsync total', 'casync chunks', 'BitTorrent'],
    rows.map((r) => [
      r.ds.name, `${r.ds.from} -> ${r.ds.to}`, bytesText(r.plan.bytes.total), bytesText(r.fig.raw), bytesText(r.fig.plain), bytesText(r.fig.kind3), bytesText(r.fig.best),
      bytesText(r.fig.best + r.fig.bestFraming + r.meta.best), peer(r.rsync), r.rsync.total ? bytesText(r.rsync.total) : 'skipped', peer(r.casync), bytesText(r.plan.bytes.total),
    ]),
  );
  printTable(
    'Ratios (below 1.00x: ByteFall moves less); target: ByteFall <= rsync literal on every dataset',
    ['dataset', 'raw/rsync', 'defl-brotli/rsync', 'compressed/rsync', 'wire/rsync', 'wire/rsync total', 'compressed/casync', 'compressed/BitTorrent', 'target (compressed)', 'target (wire)'],
    rows.map((r) => {
      const wire = r.fig.best + r.fig.bestFraming + r.meta.best;
      const rs = r.rsync.bytes;
      return [
        r.ds.name, ratio(r.fig.raw, rs), ratio(r.fig.plain, rs), ratio(r.fig.best, rs), ratio(wire, rs), ratio(wire, r.rsync.total),
        ratio(r.fig.best, r.casync.bytes), ratio(r.fig.best, r.plan.bytes.total), rs === undefined ? 'n/a' : r.fig.best <= rs ? 'met' : 'MISSED', rs === undefined ? 'n/a' : wire <= rs ? 'met' : 'MISSED',
      ];
    }),
  );
  printTable(
    'ByteFall details',
    ['dataset', 'chunking', 'files chg/add/mv/rm', 'pieces fetched', 'reused here', 'metadata', 'framing', 'blocks: raw/defl/brotli/delta'],
    rows.map((r) => {
      const p = r.plan;
      return [
        r.ds.name, r.chunking, `${p.changed.length}/${p.added.length}/${p.moved.length}/${p.removed.length}`, p.fetches.length,
        `${((100 * p.bytes.reused) / Math.max(1, p.bytes.total)).toFixed(1)} %`, bytesText(r.meta.best), bytesText(r.fig.bestFraming),
        `${r.fig.won.raw}/${r.fig.won.deflate}/${r.fig.won.brotli}/${r.fig.won.delta}`,
      ];
    }),
  );
  for (const r of rows) for (const f of [r.rsync, r.casync]) if (f.note) console.log(`note: ${r.ds.name}: ${f.note}`);
  console.log('notes: BF raw = distinct piece bytes to fetch; defl/brotli = REQUEST with the compression flag (encodings 1-2 where smaller);');
  console.log('       compressed = as the engine fetches an update: a delta against the old piece (src/update/dictionary.ts chooses it), else the flag;');
  console.log('       kind 3 = the same pieces with REQUEST kind 3, for a responder that still holds the old pieces;');
  console.log('       wire = compressed + REQUEST (with its delta signature)/PIECE framing + VERSION, the served Waterfall (a delta of the old one) and HASHES of changed layers, all sized by the real encoders;');
  console.log('       rsync literal data excludes its checksums and file list (rsync total = all bytes it sent and received);');
  console.log('       casync counts its new zstd chunk files, not its index;');
  console.log('       BitTorrent = a fresh download of the new version (its data, without the .torrent).');
  console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (target: under 300 MB)`);
}

await main();
