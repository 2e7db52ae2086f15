// What `seed` and `get` share: set up a node (key, TCP + TLS or ZeroTier transport, listener),
// find the Waterfall (a file, the state folder, or fetched by swarm id from --peer or from peers
// the announce services name) and its piece layer, open the storage, run the swarm (and the
// versions it follows, versions.ts and src/update/follow.ts) with its
// announce services and a progress display, and stop cleanly on Ctrl-C (SIGINT) or SIGTERM:
// no new peers, pieces under way written, resume state saved, wires closed, transport closed.
import { mkdirSync, existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BytefallError } from '../errors.js';
import { decodeLayers, encodeLayers } from '../format/layers.js';
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
import { Swarm, type SwarmOptions } from '../swarm/session.js';
import { Follower } from '../update/follow.js';
import { chooseCurrent, finishInterruptedSwitch, watchFollowFile } from './versions.js';
import { toHex } from '../util/hex.js';
import { receivedByType, wireCounters } from '../wire/counters.js';
import { Output, formatBytes } from './output.js';
import { readWaterfallFile } from './read-waterfall.js';
import { SwarmDisplay } from './swarm-progress.js';
import { localPath } from '../storage/local-names.js';

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
  /** Follow newer versions peers announce (default true; --no-follow). */
  follow?: boolean;
  /** Watch this Waterfall file and update to each newer version written there (--follow-file). */
  followFile?: string;
  /** --transport zt and its options; undefined: TCP + TLS. */
  zt?: { home?: string; network: string; rootsFile?: string };
  label: string;
}

/** Exit codes: 0 done (or `seed` stopped, or `get --seed` stopped once complete), 130 `get` stopped before it completed. */
export const EXIT_INTERRUPTED = 130;

/**
 * Pieces from the network are verified on the main thread while they arrive slower than this
 * (bytes per second; pool.ts `hashHereBelow`). BLAKE3 runs at ~2.2 GB/s on one thread of the
 * machine measured, so below it hashing takes under a tenth of the thread, less than starting
 * and feeding a worker costs; a 1+4 swarm on two cores took 0.94x the time and 0.93x the CPU
 * (docs/BENCHMARKS.md, session 7). A fast download goes over it within its first 250 ms.
 */
const HASH_HERE_BELOW = 200e6;

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
  let follower: Follower | undefined;
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
    await finishInterruptedSwitch(dir, state, display);
    // The version this directory holds wins over an older file; a newer file is an update.
    const { waterfall, served, offered } = chooseCurrent(found, state, display);
    state.saveWaterfall(served);
    const layers = findLayers(o, waterfall, state, display, offered !== undefined);
    for (const e of waterfall.entries) if (e.isDir) mkdirOrThrow(localPath(dir, e.path));
    if (layers) {
      try {
        state.saveLayers(encodeLayers(waterfall, layers)); // an update plans against them
      } catch (err) {
        display.log(`cannot save the piece layer: ${(err as Error).message}`);
      }
    }

    const files = fileSpecsOf(waterfall, layers);
    storage = await FsStorage.open(dir, files, { statePath: state.resumePath(waterfall.sequence) });
    // Pieces arriving slower than HASH_HERE_BELOW are verified on this thread, and no worker
    // starts for them. Above it, one worker verifies them (faster than a network brings them);
    // more start when a check of the data on disk (or a backlog of 16 MiB of pieces) keeps it
    // busy for 50 ms.
    pool = new HashPool({ threads: o.threads, startThreads: 1, growAfterMs: 50, growBacklogBytes: 16 << 20, hashHereBelow: HASH_HERE_BELOW });
    const hashPool = pool;
    const makeSwarm = (v: { waterfall: Waterfall; served: Uint8Array; layers?: Uint8Array[]; storage: FsStorage; checkFiles?: readonly number[]; fetchHints?: SwarmOptions['fetchHints'] }, download: boolean) => {
      const fs = v.storage;
      const sw = new Swarm({
        node, waterfall: v.waterfall, servedWaterfall: v.served, storage: fs, pool: hashPool, layers: v.layers, checkFiles: v.checkFiles, fetchHints: v.fetchHints,
        paths: { finalPath: (i) => fs.finalPath(i), partPath: (i) => fs.partPath(i) },
        download, peers: o.peers, uploadLimit: o.uploadLimit, pexIntervalMs: o.pexIntervalMs,
      });
      watchSwarm(sw, display, state);
      return sw;
    };
    swarm = makeSwarm({ waterfall, served, layers, storage }, o.download);
    if (announce) {
      const announced: string[] = 'announced' in found ? (found.announced as string[] | undefined) ?? [] : [];
      for (const p of announced) swarm.connector.add(p, undefined, 'announce');
      announcer = startSwarmAnnouncer(announce, swarm, (r, url) => versionAvailable(display, r, url));
    }
    const total = files.reduce((n, f) => n + f.size, 0);
    display.event(
      { event: 'waterfall', name: waterfall.name, swarmId: toHex(waterfall.swarmId), waterfallId: toHex(waterfall.waterfallId), sequence: waterfall.sequence, files: files.length, bytes: total, pieces: storage.layout.totalPieces },
      `${waterfall.name}: version ${waterfall.sequence}, ${files.length} files, ${formatBytes(total)}, swarm ${toHex(waterfall.swarmId)}`,
    );
    follower = new Follower({
      dir, state, pool, follow: o.follow ?? true, serveOnly: !o.download,
      makeSwarm: (v) => makeSwarm(v, true),
      event: (json, text) => display.event(json, text),
    }, { waterfall, served, layers: layers ?? [], storage, swarm });
    if (!layers) {
      // Fetched by the swarm: the follower needs them to plan an update.
      swarm.once('layers', (bytes) => (follower!.current.layers = decodeLayers(bytes, waterfall)));
    }
    const f = follower;
    follower.on('switched', (cur) => {
      swarm = cur.swarm;
      storage = cur.storage;
      if (announcer && announce) {
        stopSwarmAnnouncer(announcer, announce);
        announcer = startSwarmAnnouncer(announce, cur.swarm, (r, url) => versionAvailable(display, r, url));
      }
    });
    const offers = () => {
      const next = state.readNext(waterfall.swarmId);
      if (next && next.waterfall.sequence > waterfall.sequence && next.layers) {
        f.offerLocal(next.bytes, next.layers, 'an update left unfinished');
      }
      if (offered) f.offerLocal(offered.bytes, offered.layers, offered.source);
    };
    const followFile = o.follow === false ? undefined : o.followFile ?? ('file' in o.source ? o.source.file : undefined);
    const stopWatch = followFile ? watchFollowFile(followFile, f) : undefined;
    try {
      return await drive(o, follower, display, stopper.signal, offers);
    } finally {
      stopWatch?.();
      follower.stop();
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    display.stop();
    if (announcer && announce) stopSwarmAnnouncer(announcer, announce);
    await node.close(); // no new peers
    const cur = follower?.current;
    for (const sw of new Set([swarm, cur?.swarm])) await sw?.stop().catch((err) => display.log(`stopping: ${(err as Error).message}`)); // pieces under way written, wires closed
    for (const st of new Set([storage, cur?.storage])) await st?.close().catch((err) => display.log(`saving the resume state: ${(err as Error).message}`));
    await pool?.destroy();
    await (transport as Partial<ZtLike>).close?.().catch((err: Error) => display.log(`closing the transport: ${err.message}`));
    if (stopSignal) display.event({ event: 'stopped', signal: stopSignal }, `stopped (${stopSignal}); run the same command again to resume`);
  }
}

/** What the runner shows of a swarm (every version's swarm gets the same listeners). */
function watchSwarm(swarm: Swarm, display: SwarmDisplay, state: StateDir): void {
  let checkedShown = 0;
  swarm.on('checking', ({ done, total }) => {
    const now = Date.now();
    if (done < total && now - checkedShown < 1000) return;
    checkedShown = now;
    display.event({ event: 'checking', bytesDone: done, bytesTotal: total }, done === total && total > 0 ? `checked ${formatBytes(total)} on disk` : undefined);
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
}

/** Runs the swarm (and the versions it follows) until it completes (get) or a signal stops it; returns the exit code. */
async function drive(o: SwarmRunOptions, f: Follower, display: SwarmDisplay, signal: AbortSignal, afterStart: () => void): Promise<number> {
  const first = f.current.swarm;
  const started = Date.now();
  // Where the version now fetched began: its time and the bytes received by then (the text line is per version).
  let version = { at: started, wire: wireCounters.received };
  f.on('updating', () => (version = { at: Date.now(), wire: wireCounters.received }));
  let completeNow: (() => void) | undefined;
  f.on('complete', () => completeNow?.());
  const stopped = new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
  await Promise.race([first.start(), stopped]);
  const interrupted = () => (!o.download || (o.keepSeeding && f.current.swarm.complete) ? 0 : EXIT_INTERRUPTED);
  if (signal.aborted) return interrupted();
  afterStart();
  if (!o.download && !first.complete && !f.updating) {
    const s = first.snapshot();
    display.event({ event: 'serving', bytesVerified: s.bytesVerified, bytesTotal: s.bytesTotal }, `serving ${formatBytes(s.bytesVerified)} of ${formatBytes(s.bytesTotal)} (the rest is missing or does not match)`);
  }
  const ticker = setInterval(() => display.status(f.current.swarm.snapshot()), 1000);
  try {
    for (;;) {
      const complete = new Promise<void>((resolve) => {
        completeNow = resolve;
        if (f.current.swarm.complete && !f.updating) resolve();
      });
      await Promise.race([complete, stopped]);
      if (signal.aborted) return interrupted();
      const swarm = f.current.swarm;
      await swarm.storage.flush();
      const s = swarm.snapshot();
      const secs = (Date.now() - started) / 1000;
      const versionWireBytesReceived = wireCounters.received - version.wire;
      const versionSeconds = (Date.now() - version.at) / 1000;
      display.status(s);
      const text = o.download || swarm !== first
        ? `complete: version ${swarm.waterfall.sequence}, ${formatBytes(s.bytesTotal)} verified (${formatBytes(s.downloaded)} of pieces, ${formatBytes(versionWireBytesReceived)} received on the wire, ${versionSeconds.toFixed(1)} s)`
        : `serving all ${formatBytes(s.bytesTotal)}`;
      display.event({ event: 'complete', sequence: swarm.waterfall.sequence, ...s, seconds: secs, wireBytesReceived: wireCounters.received, wireBytesSent: wireCounters.sent, wireBytesReceivedByType: { ...receivedByType }, versionWireBytesReceived, versionSeconds }, text);
      if (!o.keepSeeding) return 0;
      // Seeding: wait for the next version to complete (or a signal).
      const nextVersion = new Promise<void>((resolve) => f.once('switched', () => resolve()));
      await Promise.race([nextVersion, stopped]);
      if (signal.aborted) return interrupted();
    }
  } finally {
    clearInterval(ticker);
  }
}

/** A Waterfall file given on the command line, checked before anything else happens. */
function readLocal(file: string): { waterfall: Waterfall; served: Uint8Array; file: string } {
  const { waterfall, bytes } = readWaterfallFile(file);
  return { waterfall, served: waterfall.peers.length > 0 ? rewritePeers(bytes, []) : bytes, file };
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

/** A verified record of a newer version from an announce service: the node follows it once a peer that holds it says so (VERSION). */
function versionAvailable(display: SwarmDisplay, r: VersionRecord, url: string): void {
  display.event(
    { event: 'version-available', sequence: r.sequence, waterfallId: toHex(r.waterfallId), publishTime: r.publishTime, from: url },
    `version ${r.sequence} of this Waterfall is available (announced by ${url}); it is fetched from the peers that hold it`,
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

function findLayers(o: SwarmRunOptions, w: Waterfall, state: StateDir, display: SwarmDisplay, fileIsNewer: boolean): Uint8Array[] | undefined {
  const path = fileIsNewer ? undefined : o.layers ?? ('file' in o.source ? `${o.source.file}.layers` : undefined);
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
