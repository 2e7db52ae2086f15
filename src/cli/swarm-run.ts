// What `seed` and `get` share: set up a node (key, TLS transport, listener), find the
// Waterfall (a file, the state folder, or fetched by swarm id) and its piece layer, open the
// storage, run the swarm with a progress display, and stop cleanly on Ctrl-C (SIGINT) or
// SIGTERM: no new peers, pieces under way written, resume state saved, wires closed.
import { mkdirSync, existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BytefallError } from '../errors.js';
import { decodeLayers } from '../format/layers.js';
import { CHUNKING_FIXED, type Waterfall } from '../format/model.js';
import { rewritePeers } from '../format/rewrite.js';
import { HashPool } from '../hash/pool.js';
import { formatAddress, parseAddress } from '../net/address.js';
import { loadOrCreateNodeKey } from '../net/node-key.js';
import { TcpTlsTransport } from '../net/tcp-tls.js';
import { Node } from '../node/node.js';
import { StateDir } from '../node/state-dir.js';
import { FsStorage } from '../storage/fs-storage.js';
import { fetchWaterfall } from '../swarm/metadata.js';
import { Swarm } from '../swarm/session.js';
import { toHex } from '../util/hex.js';
import { Output, formatBytes } from './output.js';
import { readWaterfallFile } from './read-waterfall.js';
import { SwarmDisplay } from './swarm-progress.js';

export interface SwarmRunOptions {
  /** A .waterfall file, or a swarm id (the Waterfall is then fetched from --peer). */
  source: { file: string } | { swarmId: Uint8Array };
  dir: string;
  listen: string;
  peers: string[];
  nodeKey?: string;
  layers?: string;
  /** Fetch what is missing (get); false serves only (seed). */
  download: boolean;
  /** Keep running once complete (seed, get --seed). */
  keepSeeding: boolean;
  uploadLimit?: number;
  threads?: number;
  pexIntervalMs?: number;
  json?: boolean;
  quiet?: boolean;
  label: string;
}

/** Exit codes: 0 done (or `seed` stopped, or `get --seed` stopped once complete), 130 `get` stopped before it completed. */
export const EXIT_INTERRUPTED = 130;

export async function runSwarm(o: SwarmRunOptions): Promise<number> {
  const out = new Output(o);
  const display = new SwarmDisplay(out, o.label);
  const stopper = new AbortController();
  let stopSignal: string | undefined;
  const onSignal = (sig: string) => {
    if (stopSignal) process.exit(EXIT_INTERRUPTED); // a second Ctrl-C: stop now
    stopSignal = sig;
    stopper.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  // Everything that can be refused is checked before anything is created or opened.
  const dir = resolve(o.dir);
  const state = new StateDir(dir);
  const local = 'file' in o.source ? readLocal(o.source.file) : undefined;
  if (!local && o.peers.length === 0 && !state.readWaterfall((o.source as { swarmId: Uint8Array }).swarmId)) {
    throw new BytefallError('BAD_ARGUMENT', 'to get a Waterfall by its swarm id, give at least one --peer');
  }
  mkdirOrThrow(dir);
  state.ensure();
  const { key, created } = loadOrCreateNodeKey(o.nodeKey ?? state.nodeKeyPath);
  const node = new Node({ transport: await TcpTlsTransport.create(key), log: (line) => display.log(line) });
  let pool: HashPool | undefined;
  let storage: FsStorage | undefined;
  let swarm: Swarm | undefined;
  try {
    const bound = await node.listen(o.listen);
    display.event(
      { event: 'listening', address: formatAddress(bound), nodeId: node.nodeIdHex, nodeKeyCreated: created },
      `listening on ${formatAddress(bound)} as node ${node.nodeIdHex.slice(0, 16)}`,
    );
    const found = local ?? (await findWaterfall(o, node, state, display, stopper.signal).catch((err) => {
      if (stopper.signal.aborted) return undefined;
      throw err;
    }));
    if (!found || stopper.signal.aborted) return EXIT_INTERRUPTED;
    const { waterfall, served } = found;
    if (!local) checkFixedPieces(waterfall);
    state.saveWaterfall(served);
    const layers = findLayers(o, waterfall, state, display);
    for (const e of waterfall.entries) if (e.isDir) mkdirOrThrow(join(dir, ...e.path));

    const files = waterfall.entries.filter((e) => !e.isDir).map((e) => ({ path: e.path, size: e.size, pieceSize: e.pieceSize, id: e.hash }));
    storage = await FsStorage.open(dir, files);
    pool = new HashPool({ threads: o.threads });
    const fs = storage;
    swarm = new Swarm({
      node, waterfall, servedWaterfall: served, storage, pool, layers,
      paths: { finalPath: (i) => fs.finalPath(i), partPath: (i) => fs.partPath(i) },
      download: o.download, peers: o.peers, uploadLimit: o.uploadLimit, pexIntervalMs: o.pexIntervalMs,
    });
    const total = files.reduce((n, f) => n + f.size, 0);
    display.event(
      { event: 'waterfall', name: waterfall.name, swarmId: toHex(waterfall.swarmId), waterfallId: toHex(waterfall.waterfallId), sequence: waterfall.sequence, files: files.length, bytes: total, pieces: storage.layout.totalPieces },
      `${waterfall.name}: ${files.length} files, ${formatBytes(total)}, swarm ${toHex(waterfall.swarmId)}`,
    );
    return await drive(o, swarm, display, state, stopper.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    display.stop();
    await node.close(); // no new peers
    await swarm?.stop().catch((err) => display.log(`stopping: ${(err as Error).message}`)); // pieces under way written, wires closed
    await storage?.close().catch((err) => display.log(`saving the resume state: ${(err as Error).message}`));
    await pool?.destroy();
    if (stopSignal) display.event({ event: 'stopped', signal: stopSignal }, `stopped (${stopSignal}); run the same command again to resume`);
  }
}

/** Runs the swarm until it completes (get) or a signal stops it; returns the exit code. */
async function drive(o: SwarmRunOptions, swarm: Swarm, display: SwarmDisplay, state: StateDir, signal: AbortSignal): Promise<number> {
  let checkedShown = 0;
  swarm.on('checking', ({ done, total }) => {
    const now = Date.now();
    if (done < total && now - checkedShown < 1000) return;
    checkedShown = now;
    display.event({ event: 'checking', bytesDone: done, bytesTotal: total }, done === total ? `checked ${formatBytes(total)} on disk` : undefined);
  });
  swarm.on('warning', (m) => display.log(m));
  swarm.on('peer', (p) => display.event({ event: 'peer', ...p }));
  swarm.on('ban', (b) => display.event({ event: 'banned', ...b }, `banned ${b.peer}: ${b.reason}`));
  swarm.on('layers', (bytes) => {
    try {
      state.saveLayers(bytes);
    } catch (err) {
      display.log(`cannot save the piece layer: ${(err as Error).message}`);
    }
  });
  swarm.on('distributed', () => display.event({ event: 'distributed', ...swarm.snapshot() }, 'every piece has been uploaded at least once'));
  let verifiedShown = 0;
  swarm.on('verified', () => {
    const now = Date.now();
    if (now - verifiedShown < 1000) return;
    verifiedShown = now;
    display.event({ event: 'verified', pieces: swarm.verifiedCount, of: swarm.layout.totalPieces });
  });
  const started = Date.now();
  const complete = new Promise<void>((resolve) => swarm.on('complete', resolve));
  const stopped = new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
  await Promise.race([swarm.start(), stopped]);
  const interrupted = () => (!o.download || (o.keepSeeding && swarm.complete) ? 0 : EXIT_INTERRUPTED);
  if (signal.aborted) return interrupted();
  if (!o.download && !swarm.complete) {
    const s = swarm.snapshot();
    display.event({ event: 'serving', bytesVerified: s.bytesVerified, bytesTotal: s.bytesTotal }, `serving ${formatBytes(s.bytesVerified)} of ${formatBytes(s.bytesTotal)} (the rest is missing or does not match)`);
  }
  const ticker = setInterval(() => display.status(swarm.snapshot()), 1000);
  try {
    await Promise.race([complete, stopped]);
    if (swarm.complete) {
      await swarm.storage.flush();
      const s = swarm.snapshot();
      const secs = (Date.now() - started) / 1000;
      display.status(s);
      const text = o.download
        ? `complete: ${formatBytes(s.bytesTotal)} verified (downloaded ${formatBytes(s.downloaded)} in ${secs.toFixed(1)} s)`
        : `serving all ${formatBytes(s.bytesTotal)}`;
      display.event({ event: 'complete', ...s, seconds: secs }, text);
      if (!o.keepSeeding) return 0;
    }
    await stopped;
    return interrupted();
  } finally {
    clearInterval(ticker);
  }
}

/** A Waterfall file given on the command line, checked before anything else happens. */
function readLocal(file: string): { waterfall: Waterfall; served: Uint8Array } {
  const { waterfall, bytes } = readWaterfallFile(file);
  checkFixedPieces(waterfall);
  return { waterfall, served: waterfall.peers.length > 0 ? rewritePeers(bytes, []) : bytes };
}

/** The Waterfall of a swarm id: kept in the state folder, or fetched from the peers. */
async function findWaterfall(o: SwarmRunOptions, node: Node, state: StateDir, display: SwarmDisplay, signal: AbortSignal): Promise<{ waterfall: Waterfall; served: Uint8Array }> {
  const swarmId = (o.source as { swarmId: Uint8Array }).swarmId;
  const kept = state.readWaterfall(swarmId);
  if (kept) return { waterfall: kept.waterfall, served: kept.bytes };
  const peers = o.peers.map((p) => formatAddress(parseAddress(p)));
  const fetched = await fetchWaterfall(node, swarmId, peers, { signal, log: (l) => display.log(l) });
  display.event({ event: 'fetched-waterfall', from: fetched.from, bytes: fetched.bytes.length }, `fetched the Waterfall (${formatBytes(fetched.bytes.length)}) from ${fetched.from}`);
  return { waterfall: fetched.waterfall, served: fetched.bytes };
}

function findLayers(o: SwarmRunOptions, w: Waterfall, state: StateDir, display: SwarmDisplay): Uint8Array[] | undefined {
  const path = o.layers ?? ('file' in o.source ? `${o.source.file}.layers` : undefined);
  if (path && (o.layers || existsSync(path))) {
    try {
      return decodeLayers(new Uint8Array(readFileSync(path)), w);
    } catch (err) {
      if (o.layers) throw err instanceof BytefallError ? err : BytefallError.fromSystem(err, path, 'read');
      display.log(`ignoring ${path}: ${(err as Error).message}`);
    }
  }
  return state.readLayers(w);
}

/** The engine moves fixed-size pieces; content-defined ones (format 1.1) come with the updates work. */
function checkFixedPieces(w: Waterfall): void {
  const cdc = w.entries.find((e) => !e.isDir && e.chunking !== CHUNKING_FIXED);
  if (cdc) {
    throw new BytefallError('UNSUPPORTED_CHUNKING', `${cdc.path.join('/')} has content-defined pieces, which seed and get do not move yet; create the Waterfall with --chunking fixed`);
  }
}

function mkdirOrThrow(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw BytefallError.fromSystem(err, dir, 'mkdir');
  }
}
