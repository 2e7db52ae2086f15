// One swarm: a Waterfall version, its storage, the picker, the choker and the connected
// peers, and the one-second tick that drives dialing, PEX, choking and interest. Messages
// from peers are routed to download.ts (our requests), upload.ts (theirs), hash-fetch.ts
// (piece hashes) and pex.ts; this file keeps what they share and the peer lifecycle.
import { EventEmitter } from 'node:events';
import { BytefallError } from '../errors.js';
import type { Waterfall } from '../format/model.js';
import type { HashPool } from '../hash/pool.js';
import { formatAddress, type Address } from '../net/address.js';
import type { Node, NodeSwarm } from '../node/node.js';
import type { Layout } from '../storage/layout.js';
import type { Storage } from '../storage/storage.js';
import { toHex } from '../util/hex.js';
import {
  CLOSE_DUPLICATE, CLOSE_NORMAL, CLOSE_TOO_MANY_PEERS, CLOSE_UNKNOWN_SWARM, MAX_PEERS_PER_SWARM, REJECT_NOT_HAVE,
} from '../wire/constants.js';
import type { SwarmDecision } from '../wire/handshake.js';
import type { Wire } from '../wire/wire.js';
import { Choker, type ChokerOptions } from './choker.js';
import type { FetchHint } from './compress-fetch.js';
import { Connector, peerRecordAddress } from './connector.js';
import { Downloader } from './download.js';
import { FileChanges } from './file-changes.js';
import { HashFetcher } from './hash-fetch.js';
import { Peer, type PeerInfo } from './peer.js';
import { attachPeer, sendHaves, type OtherHaves } from './peer-events.js';
import { PexExchange } from './pex.js';
import { PiecePicker, PRIORITY_DEFAULT, PRIORITY_SKIP } from './picker.js';
import type { Bitfield } from './picker-bitfield.js';
import { PieceBuffers } from './piece-buffers.js';
import { PieceHashes, type HashRun } from './piece-hashes.js';
import { checkExisting, type DataPaths } from './seed-check.js';
import { StatsCounter, snapshotOf, type SwarmStats } from './stats.js';
import { Uploader } from './upload.js';

export interface SwarmTuning {
  /** Peers at once (default 64, the protocol's limit). */
  maxPeers: number;
  /** Bytes requested and not yet received, for the whole swarm (default 64 MiB). */
  maxBytesInFlight: number;
  /** Bytes of pieces being verified or written; above it no new piece is asked (default 64 MiB). */
  maxPendingBytes: number;
  /**
   * Bytes in flight to one peer (default 16 MiB): 160 MB/s at 100 ms. Deeper queues commit
   * pieces to one peer long before they arrive (a new downloader asks its one seed for more
   * before it meets the others); 8 MiB measured a little slower on the 1 GiB local transfer.
   */
  maxBytesPerPeer: number;
  /** Milliseconds' worth of a peer's rate to keep requested (default 500 ms). */
  targetQueueMs: number;
  /** Upload limit in bytes per second, 0 for none. */
  uploadLimit: number;
  pexIntervalMs: number;
  /** Take part in peer exchange (default true); false sends no PEX and ignores what comes. */
  pex: boolean;
  /** How long downloading pauses after a write fails (a full disk). */
  diskRetryMs: number;
  tickMs: number;
}

export interface SwarmOptions extends Partial<SwarmTuning> {
  node: Node;
  waterfall: Waterfall;
  /** The Waterfall's served form (public, empty peer list): what REQUEST kind 2 gets. */
  servedWaterfall: Uint8Array;
  storage: Storage;
  pool: HashPool;
  /** Checked piece hashes of each file, when a piece layer is at hand. */
  layers?: readonly Uint8Array[];
  /** Where the files are: enables the check of existing data and the watch for changes. */
  paths?: DataPaths;
  /** Fetch what we lack (default true). False serves only what we hold (`seed`). */
  download?: boolean;
  /** With `paths`: the files to check on disk at start (default: every file not complete). */
  checkFiles?: readonly number[];
  /** Addresses to dial ("host:port"). */
  peers?: readonly string[];
  choker?: ChokerOptions;
  now?: () => number;
  /**
   * How a piece (global index in this version) should travel, for the update executor:
   * compression welcome, and an old piece we hold as dictionary (src/swarm/compress-fetch.ts).
   * Undefined (the default) for a piece: plain REQUEST kind 0.
   */
  fetchHints?: (piece: number) => FetchHint | undefined;
}

export interface SwarmEvents {
  checking: [{ done: number; total: number }];
  peer: [{ action: 'connected' | 'disconnected'; peer: string; nodeId: string; address?: string; error?: string }];
  ban: [{ peer: string; nodeId: string; reason: string }];
  warning: [string];
  verified: [number];
  complete: [];
  distributed: [];
  /** Every piece hash is known: the piece layer, to keep beside the data. */
  layers: [Uint8Array];
  /** A peer announced a version other than ours with a sequence not below ours (the follower dedupes). */
  newer: [NewerVersion];
}

export interface NewerVersion {
  peer: Peer;
  sequence: number;
  waterfallId: Uint8Array;
  waterfallSize: number;
  /** The signed header the VERSION carried (public form, 640 bytes), when it did. */
  header?: Uint8Array;
}

const DEFAULTS: SwarmTuning = {
  maxPeers: MAX_PEERS_PER_SWARM,
  maxBytesInFlight: 64 << 20,
  maxPendingBytes: 64 << 20,
  maxBytesPerPeer: 16 << 20,
  targetQueueMs: 500,
  uploadLimit: 0,
  pexIntervalMs: 60_000,
  pex: true,
  diskRetryMs: 5000,
  tickMs: 1000,
};

export class Swarm extends EventEmitter<SwarmEvents> implements NodeSwarm {
  readonly opts: SwarmTuning & { download: boolean };
  readonly node: Node;
  readonly waterfall: Waterfall;
  readonly servedWaterfall: Uint8Array;
  readonly swarmIdHex: string;
  readonly storage: Storage;
  readonly layout: Layout;
  readonly pool: HashPool;
  readonly hashes: PieceHashes;
  readonly buffers = new PieceBuffers();
  readonly stats = new StatsCounter();
  readonly peers = new Map<string, Peer>();
  readonly connector = new Connector(this);
  readonly downloader = new Downloader(this);
  readonly uploader: Uploader;
  readonly hashFetcher = new HashFetcher(this);
  readonly pex = new PexExchange(this);
  readonly typicalPieceBytes: number;
  readonly fetchHints: SwarmOptions['fetchHints'];
  picker!: PiecePicker;
  complete = false;
  stopped = false;
  verifiedCount = 0;
  /** Pieces we hold verified (what verifiedCount counts). */
  private have!: Bitfield;
  /**
   * Pieces verified and written but not durable yet (the storage's group commit is under way):
   * already announced and served, since their bytes are in the file; not counted as verified,
   * not in the resume state, so after a crash we claim only what survived.
   */
  private readonly written = new Set<number>();
  private readonly choker: Choker;
  private readonly entryToFile: Int32Array;
  private readonly fileChanges: FileChanges | undefined;
  private readonly clock: () => number;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly o: SwarmOptions) {
    super();
    this.opts = { ...DEFAULTS, ...stripUndefined(o), download: o.download ?? true } as SwarmTuning & { download: boolean };
    this.node = o.node;
    this.waterfall = o.waterfall;
    this.servedWaterfall = o.servedWaterfall;
    this.swarmIdHex = toHex(o.waterfall.swarmId);
    this.storage = o.storage;
    this.layout = o.storage.layout;
    this.pool = o.pool;
    this.hashes = new PieceHashes(o.waterfall, o.layers, this.layout);
    this.uploader = new Uploader(this);
    this.choker = new Choker(o.choker);
    this.clock = o.now ?? Date.now;
    this.fetchHints = o.fetchHints;
    this.typicalPieceBytes = Math.max(1, ...this.layout.files.map((f) => (f.size > 0 ? Math.min(f.pieceSize, f.size) : 1)));
    this.entryToFile = new Int32Array(o.waterfall.entries.length).fill(-1);
    this.hashes.entryIndex.forEach((entry, file) => (this.entryToFile[entry] = file));
    if (o.paths) this.fileChanges = new FileChanges(this, o.paths, () => this.buildPicker());
  }

  now(): number {
    return this.clock();
  }

  /** A file changed on disk and not checked again yet: nothing of it is served. */
  isSuspect(file: number): boolean {
    return this.fileChanges?.suspect.has(file) ?? false;
  }

  /** Still fetching pieces. */
  get downloading(): boolean {
    return this.opts.download && !this.complete && !this.stopped;
  }

  /** Checks the data on disk, then joins the swarm: serves, dials, downloads. */
  async start(): Promise<void> {
    if (this.o.paths) {
      const r = await checkExisting({
        storage: this.storage, hashes: this.hashes, pool: this.pool, paths: this.o.paths, salvage: this.opts.download, files: this.o.checkFiles,
        onProgress: (done, total) => this.emit('checking', { done, total }), stopped: () => this.stopped,
      });
      for (const m of r.mismatched) {
        this.warn(`${this.describeFile(m.file)} does not match the Waterfall (${m.good} of ${m.pieces} pieces match)${this.opts.download ? '' : '; not served'}`);
      }
    }
    if (this.stopped) return;
    this.buildPicker();
    if (this.hashes.allKnown() && !this.o.layers) this.emit('layers', this.hashes.encode());
    for (let f = 0; f < this.layout.files.length; f++) this.fileChanges?.consider(f);
    this.node.add(this);
    for (const a of this.o.peers ?? []) this.connector.add(a, undefined, 'user');
    // The Waterfall's peer records whose kind our transport dials: kinds 1 and 2 over TCP, kind 0 over ZeroTier.
    for (const p of this.waterfall.peers) {
      const address = peerRecordAddress(p);
      if (!this.node.canDial(address)) continue;
      this.connector.add(formatAddress(address), p.publicKey.some((b) => b !== 0) ? toHex(p.publicKey) : undefined, 'waterfall');
    }
    this.timer = setInterval(() => this.tick(), this.opts.tickMs);
    this.timer.unref?.();
    this.tick();
    if (this.complete) queueMicrotask(() => this.emit('complete'));
  }

  /** Leaves the swarm: closes every peer and waits for pieces being verified and written. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.node.remove(this);
    this.uploader.stop();
    for (const p of [...this.peers.values()]) p.wire.close(CLOSE_NORMAL, 'leaving the swarm');
    await this.downloader.settle();
    await this.fileChanges?.close();
    this.buffers.trim();
  }

  // ---- peers ---------------------------------------------------------------------------

  admit(nodeIdHex: string): SwarmDecision {
    if (this.stopped || !this.picker) return CLOSE_UNKNOWN_SWARM;
    if (this.peers.has(nodeIdHex)) return CLOSE_DUPLICATE;
    if (this.peers.size >= this.opts.maxPeers) return CLOSE_TOO_MANY_PEERS;
    return true;
  }

  accept(wire: Wire, remote: Address): void {
    const port = wire.handshake!.remoteListenPort;
    const listenAddress = port > 0 && remote.kind === 'ip' ? formatAddress({ kind: 'ip', host: remote.host, port }) : undefined;
    this.addPeer(wire, { remote, listenAddress, outgoing: false });
  }

  /** A peer finished its handshake (either direction). Synchronous: nothing it sent is missed. */
  addPeer(wire: Wire, info: PeerInfo, prior?: OtherHaves): void {
    if (this.stopped) return void wire.close(CLOSE_NORMAL, 'leaving the swarm');
    const id = toHex(wire.handshake!.remoteNodeId);
    const existing = this.peers.get(id);
    if (existing) {
      // Both dialed at once: both ends keep the connection opened by the lower node id.
      const opener = (p: { outgoing: boolean }) => (p.outgoing ? this.node.nodeIdHex : id);
      if (opener(info) >= opener(existing.info)) return void wire.close(CLOSE_DUPLICATE, 'duplicate connection');
      this.removePeer(existing);
      existing.wire.close(CLOSE_DUPLICATE, 'duplicate connection');
    } else if (this.peers.size >= this.opts.maxPeers) {
      return void wire.close(CLOSE_TOO_MANY_PEERS, 'too many peers');
    }
    const peer = new Peer(wire, info, this.layout.totalPieces);
    this.peers.set(id, peer);
    this.picker.addPeer(id);
    peer.detach = attachPeer(this, peer, prior);
    wire.version({ sequence: this.waterfall.sequence, waterfallId: this.waterfall.waterfallId, waterfallSize: this.servedWaterfall.length, header: this.servedWaterfall.subarray(0, 640) });
    sendHaves(this, peer);
    this.pex.added(peer);
    this.emit('peer', { action: 'connected', peer: peer.label, nodeId: id, address: info.listenAddress });
    this.runChoker();
  }

  /** Forgets a peer (it closed, or lost a duplicate race); bans it when its close says so. */
  removePeer(peer: Peer, ban = false, error?: BytefallError): void {
    if (peer.removed) return;
    peer.removed = true;
    if (this.peers.get(peer.id) === peer) this.peers.delete(peer.id);
    this.downloader.removePeer(peer);
    this.hashFetcher.removePeer(peer);
    this.picker.removePeer(peer.id);
    peer.uploads.length = 0;
    peer.waiting.length = 0;
    this.connector.disconnected(peer.info.listenAddress, peer.isSeed);
    if (ban) {
      this.node.bans.ban(peer.id, peer.info.listenAddress);
      this.stats.bans++;
      this.emit('ban', { peer: peer.label, nodeId: peer.id, reason: error?.message ?? 'protocol violation' });
    }
    this.emit('peer', { action: 'disconnected', peer: peer.label, nodeId: peer.id, address: peer.info.listenAddress, error: error?.message });
    if (this.stopped) return;
    this.downloader.fillAll();
    this.hashFetcher.fillAll();
    this.runChoker();
  }

  /** The peer sent what no honest node sends (a bad piece or proof, a lie): close and ban it. */
  punish(peer: Peer, error: BytefallError): void {
    if (!this.stopped) peer.wire.fail(error, true);
  }

  /** Sends interested / not interested as the peer's pieces and ours change. */
  updateInterest(peer: Peer): void {
    if (peer.wire.closed) return;
    const want = this.downloading && this.picker.isInteresting(peer.id);
    if (want && !peer.wire.amInterested) peer.wire.interested();
    else if (!want && peer.wire.amInterested) peer.wire.notInterested();
  }

  /** A peer announced another version: reported (event `newer`) when its sequence is greater than ours. */
  notifyNewerVersion(peer: Peer, m: { sequence: number; waterfallId: Uint8Array; waterfallSize: number; header?: Uint8Array }): void {
    peer.version = { sequence: m.sequence, waterfallId: m.waterfallId.slice() };
    // Greater: an update. Equal (and another id): the key signed twice, which the follower records.
    if (m.sequence < this.waterfall.sequence || this.stopped) return;
    this.emit('newer', { peer, sequence: m.sequence, waterfallId: peer.version.waterfallId, waterfallSize: m.waterfallSize, ...(m.header ? { header: m.header.slice() } : {}) });
  }

  /** Stops fetching (a newer version is being prepared): pieces under way are dropped; serving goes on. */
  pauseDownloads(): void {
    if (!this.opts.download) return;
    this.opts.download = false;
    this.downloader.dropAll();
    this.picker.setPriority(0, this.layout.totalPieces, PRIORITY_SKIP);
    for (const p of this.peers.values()) this.updateInterest(p);
  }

  /**
   * Hands every connected peer to `next`, the swarm of a newer version (started, registered with
   * the node), without closing its connection: what the peer asked of this version is refused,
   * what we asked it is cancelled, and `next` greets it with its VERSION and haves. Then this
   * swarm stops. Addresses it knows go to `next` too.
   */
  async handOver(next: Swarm): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.uploader.stop();
    const moving = [...this.peers.values()];
    for (const p of moving) {
      p.detach();
      this.downloader.releasePeer(p);
      this.hashFetcher.removePeer(p);
      p.uploads.length = 0;
      p.waiting.length = 0;
      p.removed = true;
      this.peers.delete(p.id);
      if (!p.wire.closed) p.wire.rejectAll(REJECT_NOT_HAVE);
    }
    for (const a of this.connector.addresses()) next.connector.add(a, undefined, 'pex');
    for (const p of moving) if (!p.wire.closed) next.addPeer(p.wire, p.info, p.other);
    this.node.remove(this);
    await this.downloader.settle();
    await this.fileChanges?.close();
    this.buffers.trim();
  }

  // ---- pieces --------------------------------------------------------------------------

  /**
   * A verified piece's bytes are in its file, not durable yet: announce it (HAVE) and serve it
   * now, so peers can fetch it from us while the group commit runs (it can take 100s of ms).
   */
  onWritten(piece: number): void {
    if (this.stopped || this.have.has(piece) || this.written.has(piece)) return;
    this.written.add(piece);
    for (const p of this.peers.values()) if (!p.bits.has(piece) && !p.wire.closed) p.wire.have(piece);
  }

  /** Writing (or making durable) a piece announced by onWritten failed: it is served no more. */
  forgetWritten(piece: number): void {
    this.written.delete(piece);
  }

  /** A file's pieces are no longer trusted (it changed on disk): none of them is served as written. */
  forgetWrittenFile(file: number): void {
    const first = this.layout.firstPiece[file];
    for (let i = 0; i < this.layout.pieceCounts[file]; i++) this.written.delete(first + i);
  }

  /** The piece's bytes are in its file (verified, or written and being made durable): it may be served. */
  holds(file: number, pieceInFile: number): boolean {
    return this.storage.isVerified(file, pieceInFile) || this.written.has(this.layout.firstPiece[file] + pieceInFile);
  }

  /** What we announce to a new peer: verified pieces and those written, not durable yet. */
  announcedBits(): Bitfield {
    const bits = this.storage.verified();
    for (const i of this.written) bits.set(i);
    return bits;
  }

  /** A piece was verified and written, durably. */
  onVerified(piece: number): void {
    const announced = this.written.delete(piece);
    this.downloader.cancelElsewhere(piece, this.picker.verified(piece));
    if (!this.have.set(piece)) return; // counted already (the picker was rebuilt meanwhile)
    this.verifiedCount++;
    if (!announced) for (const p of this.peers.values()) if (!p.bits.has(piece) && !p.wire.closed) p.wire.have(piece);
    this.emit('verified', piece);
    const { file } = this.layout.locate(piece);
    if (this.storage.status(file).complete) this.fileChanges?.consider(file);
    if (this.verifiedCount === this.layout.totalPieces && !this.complete) this.setComplete();
  }

  /** A run of piece hashes arrived and checked out: its pieces may be asked for now. */
  onRunKnown(run: HashRun): void {
    const [a, b] = this.hashes.piecesReadyAfter(run.file, run.run);
    const first = this.layout.firstPiece[run.file];
    if (this.opts.download) this.picker.setPriority(first + a, first + b, PRIORITY_DEFAULT);
    for (const p of this.peers.values()) this.updateInterest(p);
    if (this.hashes.allKnown()) this.emit('layers', this.hashes.encode());
    this.downloader.fillAll();
  }

  /** Every block of a piece went out at least once. */
  onDistributed(_piece: number): void {
    if (++this.stats.distributed === this.layout.totalPieces) this.emit('distributed');
  }

  fileOfEntry(entry: number): number | undefined {
    const f = entry < this.entryToFile.length ? this.entryToFile[entry] : -1;
    return f >= 0 ? f : undefined;
  }

  describeFile(file: number): string {
    return this.layout.files[file].path.join('/');
  }

  describePiece(piece: number): string {
    const { file, piece: inFile } = this.layout.locate(piece);
    return `${this.describeFile(file)} piece ${inFile}`;
  }

  warn(message: string): void {
    this.emit('warning', message);
  }

  snapshot(): SwarmStats {
    return snapshotOf(this);
  }

  // ---- internals -----------------------------------------------------------------------

  private buildPicker(): void {
    const have = this.storage.verified();
    const layout = this.layout;
    this.picker = new PiecePicker(layout.totalPieces, {
      have,
      maxBytesInFlight: this.opts.maxBytesInFlight,
      pieceBytes: (i) => {
        const { file, piece } = layout.locate(i);
        return layout.pieceLength(file, piece);
      },
    });
    this.have = have;
    this.verifiedCount = have.count;
    if (!this.opts.download) this.picker.setPriority(0, layout.totalPieces, PRIORITY_SKIP);
    else {
      for (const run of this.hashes.missingRuns()) {
        const [a, b] = this.hashes.piecesWaitingFor(run.file, run.run);
        const first = layout.firstPiece[run.file];
        this.picker.setPriority(first + a, first + b, PRIORITY_SKIP); // wanted once its hashes are known
      }
    }
    for (const p of this.peers.values()) this.picker.addPeer(p.id, p.bits);
    this.complete = this.verifiedCount === layout.totalPieces;
  }

  private setComplete(): void {
    this.complete = true;
    for (const p of this.peers.values()) this.updateInterest(p);
    this.emit('complete');
  }

  private tick(): void {
    if (this.stopped) return;
    this.connector.tick();
    this.pex.tick();
    this.runChoker();
    // Seeds stay connected to seeds (nothing flows, both are not interested): their PEX
    // messages then still name each other, so newcomers find every copy of the data.
    for (const p of this.peers.values()) this.updateInterest(p);
    this.hashFetcher.fillAll();
    this.downloader.fillAll();
    this.uploader.pump();
    this.fileChanges?.sweep();
  }

  runChoker(): void {
    if (this.stopped) return;
    const now = this.now();
    const peers = [...this.peers.values()].map((p) => ({
      id: p.id, interested: p.wire.peerInterested, downloadRate: p.down.rate(now), uploadRate: p.up.rate(now),
    }));
    const d = this.choker.update(peers, now, !this.downloading);
    for (const id of d.newlyUnchoked) this.peers.get(id)?.wire.unchoke();
    for (const id of d.newlyChoked) {
      const p = this.peers.get(id);
      if (!p || p.wire.closed) continue;
      p.wire.choke();
      this.uploader.choked(p);
    }
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
