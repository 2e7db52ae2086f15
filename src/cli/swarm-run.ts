// What `seed` and `get` share: set up a node (key, TCP + TLS or ZeroTier transport, listener),
// find the Waterfall (a file, the state folder, or fetched by swarm id from --peer or from peers
// the announce services name) and its piece layer, open the storage, run the swarm with its
// announce services and a progress display, and stop cleanly on Ctrl-C (SIGINT) or SIGTERM:
// no new peers, pieces under way written, resume state saved, wires closed, transport closed.
import { mkdirSync, existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BytefallError } from '../errors.js';
import { decodeLayers } from '../format/layers.js';
import type { Waterfall } from '../format/model.js';
import { rewritePeers } from '../format/rewrite.js';
import { HashPool } from '../hash/pool.js';
import type { Announcer } from '../announce/announcer.js';
import type { VersionRecord } from '../announce/record.js';
import { formatAddress, parseAddress, type Address } from '../net/address.js';
import type { Transport } from '../net/transport.js';
import { loadOrCreateNodeKey } from '../net/node-key.js';
import { TcpTlsTransport } from '../net/tcp-tls.js';
import { lookupAnnouncer, lookupPeers, startSwarmAnnouncer, stopSwarmAnnouncer, type NodeAnnounceOptions } from '../node/announce.js';
import { Node } from '../node/node.js';
import { StateDir } from '../node/state-dir.js';
import { FsStorage } from '../storage/fs-storage.js';
import { fileSpecsOf } from '../swarm/file-specs.js';
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
  /** Announce services (--announce, repeatable). */
  announce: string[];
  /** --transport zt and its options; undefined: TCP + TLS. */
  zt?: { home?: string; network: string; rootsFile?: string };
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
  if (!local && o.peers.length === 0 && o.announce.length === 0 && !state.readWaterfall((o.source as { swarmId: Uint8Array }).swarmId)) {
    throw new BytefallError('BAD_ARGUMENT', 'to get a Waterfall by its swarm id without an --announce service, give at least one --peer');
  }
  const listen = parseAddress(o.listen, { allowPortZero: true });
  mkdirOrThrow(dir);
  state.ensure();
  const { key, created } = loadOrCreateNodeKey(o.nodeKey ?? state.nodeKeyPath);
  const transport = await createTransport(o, key, state, display);
  const node = new Node({ transport, log: (line) => display.log(line) });
  let pool: HashPool | undefined;
  let storage: FsStorage | undefined;
  let swarm: Swarm | undefined;
  let announcer: Announcer | undefined;
  let announce: NodeAnnounceOptions | undefined;
  try {
    const bound = await node.listen(o.zt ? (transport as ZtLike).addressFor(listen.port) : listen);
    display.event(
      { event: 'listening', address: formatAddress(bound), nodeId: node.nodeIdHex, nodeKeyCreated: created, transport: o.zt ? 'zt' : 'tcp' },
      `listening on ${formatAddress(bound)} as node ${node.nodeIdHex.slice(0, 16)}`,
    );
    const swarmId = 'swarmId' in o.source ? o.source.swarmId : local!.waterfall.swarmId;
    if (o.announce.length > 0) {
      announce = { urls: o.announce, swarmId, state, listen: bound, canDial: (a: Address) => node.canDial(a), log: (l) => display.log(l) };
    }
    const found = local ?? (await findWaterfall(o, node, state, display, stopper.signal, announce).catch((err) => {
      if (stopper.signal.aborted) return undefined;
      throw err;
    }));
    if (!found || stopper.signal.aborted) return EXIT_INTERRUPTED;
    const { waterfall, served } = found;
    state.saveWaterfall(served);
    const layers = findLayers(o, waterfall, state, display);
    for (const e of waterfall.entries) if (e.isDir) mkdirOrThrow(join(dir, ...e.path));

    const files = fileSpecsOf(waterfall, layers);
    storage = await FsStorage.open(dir, files);
    pool = new HashPool({ threads: o.threads });
    const fs = storage;
    swarm = new Swarm({
      node, waterfall, servedWaterfall: served, storage, pool, layers,
      paths: { finalPath: (i) => fs.finalPath(i), partPath: (i) => fs.partPath(i) },
      download: o.download, peers: o.peers, uploadLimit: o.uploadLimit, pexIntervalMs: o.pexIntervalMs,
    });
    if (announce) {
      const announced: string[] = 'announced' in found ? (found.announced as string[] | undefined) ?? [] : [];
      for (const p of announced) swarm.connector.add(p, undefined, 'announce');
      announcer = startSwarmAnnouncer(announce, swarm, (r, url) => versionAvailable(display, r, url));
    }
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
    if (announcer && announce) stopSwarmAnnouncer(announcer, announce);
    await node.close(); // no new peers
    await swarm?.stop().catch((err) => display.log(`stopping: ${(err as Error).message}`)); // pieces under way written, wires closed
    await storage?.close().catch((err) => display.log(`saving the resume state: ${(err as Error).message}`));
    await pool?.destroy();
    await (transport as Partial<ZtLike>).close?.().catch((err: Error) => display.log(`closing the transport: ${err.message}`));
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
  return { waterfall, served: waterfall.peers.length > 0 ? rewritePeers(bytes, []) : bytes };
}

/** What --transport zt gives beyond a Transport. */
interface ZtLike extends Transport {
  addressFor(port: number): Address;
  close(): Promise<void>;
}

/** TCP + TLS, or with --transport zt this process's ZeroTier node (loaded only then: TCP needs no addon). */
async function createTransport(o: SwarmRunOptions, key: Parameters<typeof TcpTlsTransport.create>[0], state: StateDir, display: SwarmDisplay): Promise<Transport> {
  if (!o.zt) return TcpTlsTransport.create(key);
  const { createZtTransport } = await import('../net/zt/create.js');
  return createZtTransport({ key, home: o.zt.home ?? state.ztHome, network: o.zt.network, rootsFile: o.zt.rootsFile, log: (l) => display.log(l) });
}

/** A verified record of a newer version from an announce service: reported; fetching it comes with updates. */
function versionAvailable(display: SwarmDisplay, r: VersionRecord, url: string): void {
  display.event(
    { event: 'version-available', sequence: r.sequence, waterfallId: toHex(r.waterfallId), publishTime: r.publishTime, from: url },
    `version ${r.sequence} of this Waterfall is available (announced by ${url}); updating is not implemented yet`,
  );
}

/** The Waterfall of a swarm id: kept in the state folder, or fetched from --peer or from the peers the announce services name. */
async function findWaterfall(
  o: SwarmRunOptions, node: Node, state: StateDir, display: SwarmDisplay, signal: AbortSignal, announce?: NodeAnnounceOptions,
): Promise<{ waterfall: Waterfall; served: Uint8Array; announced?: string[] }> {
  const swarmId = (o.source as { swarmId: Uint8Array }).swarmId;
  const kept = state.readWaterfall(swarmId);
  if (kept) return { waterfall: kept.waterfall, served: kept.bytes };
  let peers = o.peers.map((p) => formatAddress(parseAddress(p)));
  let announced: string[] | undefined;
  if (peers.length === 0 && announce) {
    display.event({ event: 'announce-lookup', services: announce.urls }, `asking ${announce.urls.join(', ')} for peers`);
    announced = peers = await lookupPeers(lookupAnnouncer(announce), announce, signal, (r) =>
      display.event({ event: 'announced-version', sequence: r.sequence, waterfallId: toHex(r.waterfallId) }, `the announce service knows version ${r.sequence}`),
    );
    if (signal.aborted) throw new BytefallError('NET_CONNECT_FAILED', 'stopped while asking the announce services for peers');
    display.event({ event: 'announced-peers', peers }, `the announce services named ${peers.length} peer${peers.length === 1 ? '' : 's'}`);
  }
  const fetched = await fetchWaterfall(node, swarmId, peers, { signal, log: (l) => display.log(l) });
  display.event({ event: 'fetched-waterfall', from: fetched.from, bytes: fetched.bytes.length }, `fetched the Waterfall (${formatBytes(fetched.bytes.length)}) from ${fetched.from}`);
  return { waterfall: fetched.waterfall, served: fetched.bytes, announced };
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

function mkdirOrThrow(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw BytefallError.fromSystem(err, dir, 'mkdir');
  }
}
