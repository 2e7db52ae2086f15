// Following versions (docs/UPDATES.md): the node holds one current version and its swarm; a
// newer version offered by a peer's VERSION, by a file (`update`, `seed --follow`) or left
// half done by an earlier run is judged (accept.ts), its piece hashes fetched and checked,
// prepared on disk from what the node holds (prepare.ts), fetched by the swarm of the new
// version (which takes over every connection of the old one: one swarm across versions), and
// switched to once complete (switch.ts). One update runs at a time; an offer that arrives
// meanwhile waits, and only the newest waiting one is taken.
import { EventEmitter } from 'node:events';
import { unlink } from 'node:fs/promises';
import { BytefallError } from '../errors.js';
import { decodeLayers, encodeLayers, layerRecordLen, pieceCountOf } from '../format/layers.js';
import type { Waterfall } from '../format/model.js';
import type { HashPool } from '../hash/pool.js';
import type { StateDir } from '../node/state-dir.js';
import type { FsStorage } from '../storage/fs-storage.js';
import type { Peer } from '../swarm/peer.js';
import { PieceHashes } from '../swarm/piece-hashes.js';
import type { NewerVersion, Swarm } from '../swarm/session.js';
import { toHex } from '../util/hex.js';
import { VersionGate, decodeProof } from './accept.js';
import { fetchLayersOver, fetchWaterfallOver } from './fetch-version.js';
import { prepareUpdate, readRange } from './prepare.js';
import { dictionaryHints } from './dictionary.js';
import type { FetchHint } from '../swarm/compress-fetch.js';
import { switchVersion } from './switch.js';
import { bytesText } from './plan-text.js';

/** Placeholder layers of the right sizes (no file is a source when none is intact). */
function zeroLayers(w: Waterfall): Uint8Array[] {
  return w.entries.filter((e) => !e.isDir).map((e) => new Uint8Array(pieceCountOf(e) * layerRecordLen(e)));
}

/** One version as the node runs it. */
export interface Running {
  waterfall: Waterfall;
  served: Uint8Array;
  layers: Uint8Array[];
  storage: FsStorage;
  swarm: Swarm;
}

export interface FollowerOptions {
  dir: string;
  state: StateDir;
  pool: HashPool;
  /** Follow newer versions announced by peers (default true). */
  follow: boolean;
  /** Once a new version is in place, only serve it (seed): a file changed on disk is not fetched again. */
  serveOnly?: boolean;
  /** Builds (does not start) the swarm of a version over its storage; the runner attaches its displays. */
  makeSwarm(v: { waterfall: Waterfall; served: Uint8Array; layers: Uint8Array[]; storage: FsStorage; checkFiles?: readonly number[]; fetchHints?: (piece: number) => FetchHint | undefined }): Swarm;
  /** One line for people (and, with `event`, one JSON object for scripts). */
  event(json: Record<string, unknown>, text?: string): void;
}

export interface FollowerEvents {
  /** The node now runs `version` (its swarm took over the connections). */
  updating: [{ from: number; to: number; fetch: number; reused: number }];
  switched: [Running];
  /** Every piece of the current version is held, and no update is under way. */
  complete: [];
}

type Offer = { waterfall: Waterfall; served: Uint8Array; layers: Uint8Array[] };

export class Follower extends EventEmitter<FollowerEvents> {
  current: Running;
  readonly gate: VersionGate;
  private busy = false;
  private waiting: Offer | undefined;
  private stopped = false;
  /** Version ids being fetched, and those fetched and judged (each is fetched once). */
  private readonly fetching = new Set<string>();
  private readonly known = new Set<string>();

  constructor(private readonly o: FollowerOptions, current: Running) {
    super();
    this.current = current;
    this.gate = new VersionGate({ waterfall: current.waterfall, bytes: current.served }, { frozen: o.state.proofs().length > 0 });
    this.watch(current.swarm);
  }

  get updating(): boolean {
    return this.busy;
  }

  stop(): void {
    this.stopped = true;
  }

  /**
   * A newer version from a file, or left by an earlier run: judged, then updated to. `layers`:
   * the layer file's bytes, or its layers already decoded and checked against this Waterfall.
   */
  offerLocal(served: Uint8Array, layers: Uint8Array | readonly Uint8Array[] | undefined, source: string): boolean {
    const v = this.gate.judge(served);
    if (v.kind === 'same') return false;
    if (v.kind !== 'newer') {
      this.refusedOrProof(v, source);
      return false;
    }
    if (!layers) {
      this.o.event({ event: 'version-refused', sequence: v.waterfall.sequence, from: source, error: 'NOT_FOUND' }, `version ${v.waterfall.sequence} from ${source}: its piece layer (.layers) is missing`);
      return false;
    }
    let decoded: Uint8Array[];
    try {
      decoded = Array.isArray(layers) ? [...layers] : decodeLayers(layers as Uint8Array, v.waterfall);
    } catch (err) {
      this.o.event({ event: 'version-refused', sequence: v.waterfall.sequence, from: source, error: (err as BytefallError).code }, `version ${v.waterfall.sequence} from ${source}: ${(err as Error).message}`);
      return false;
    }
    this.known.add(toHex(v.waterfall.waterfallId)); // a peer announcing it too need not send it
    this.enqueue({ waterfall: v.waterfall, served: v.bytes, layers: decoded });
    return true;
  }

  private watch(swarm: Swarm): void {
    swarm.on('newer', (n) => void this.offerFromPeer(n).catch((err) => this.o.event({ event: 'warning', message: (err as Error).message }, (err as Error).message)));
    swarm.on('complete', () => {
      if (!this.busy && swarm === this.current.swarm) this.emit('complete');
    });
  }

  /** A peer announced a newer version: fetch it over that connection, judge it, fetch its hashes. */
  private async offerFromPeer(n: NewerVersion): Promise<void> {
    if (this.stopped || (!this.o.follow && n.sequence > this.current.waterfall.sequence)) return;
    const id = toHex(n.waterfallId);
    if (this.fetching.has(id) || this.known.has(id) || this.fetching.size >= 4) return;
    this.fetching.add(id);
    try {
      await this.fetchOffer(n);
    } finally {
      this.fetching.delete(id);
    }
  }

  /** Fetches the announced Waterfall from the announcer, else from any peer that announced the same version. */
  private async fetchOffer(n: NewerVersion): Promise<void> {
    const id = toHex(n.waterfallId);
    let peer = n.peer;
    let bytes: Uint8Array | undefined;
    // Our version's Waterfall (after the new header, when the VERSION carried it) is the base of a delta.
    const base = n.header ? Buffer.concat([n.header, this.current.served]) : this.current.served;
    for (const p of [n.peer, ...this.announcers(id, n.peer)]) {
      if (p.wire.closed || this.stopped) continue;
      try {
        bytes = await fetchWaterfallOver(p.wire, n.waterfallId, n.waterfallSize, { base });
        peer = p;
        break;
      } catch (err) {
        this.o.event({ event: 'warning', message: `${p.label}: fetching version ${n.sequence}: ${(err as Error).message}` });
      }
    }
    if (!bytes) return;
    const label = peer.label;
    const v = this.gate.judge(bytes);
    if (v.kind === 'same') return void this.known.add(id);
    if (v.kind !== 'newer' || v.waterfall.sequence !== n.sequence || toHex(v.waterfall.waterfallId) !== toHex(n.waterfallId)) {
      if (v.kind === 'equivocation') {
        this.known.add(id);
        return this.refusedOrProof(v, label);
      }
      const why = v.kind === 'refused' ? v.error.message : `it is not the version ${n.sequence} its VERSION named`;
      this.o.event({ event: 'version-refused', sequence: n.sequence, from: label, error: v.kind === 'refused' ? v.error.code : 'WIRE_BAD_DATA' }, `refused version ${n.sequence} from ${label}: ${why}`);
      // A peer that announces a version of our swarm it cannot back with a valid Waterfall lies.
      peer.wire.fail(new BytefallError('WIRE_BAD_DATA', `announced version ${n.sequence} but served an invalid Waterfall: ${why}`), true);
      return;
    }
    if (this.waiting && this.waiting.waterfall.sequence >= v.waterfall.sequence) return;
    this.known.add(id);
    this.o.event({ event: 'version-found', sequence: v.waterfall.sequence, waterfallId: toHex(v.waterfall.waterfallId), from: label }, `${label} has version ${v.waterfall.sequence}: fetching its piece hashes`);
    const layers = await this.fetchLayers(v.waterfall, peer);
    if (!layers) {
      this.known.delete(id); // the next announcement tries again
      return;
    }
    this.enqueue({ waterfall: v.waterfall, served: v.bytes, layers });
  }

  /** The new version's piece layer: files whose content did not change take the old layer; the rest comes from peers. */
  private async fetchLayers(w: Waterfall, first: Peer): Promise<Uint8Array[] | undefined> {
    const hashes = new PieceHashes(w);
    const cur = this.current;
    const oldFiles = cur.waterfall.entries.filter((e) => !e.isDir);
    const byPath = new Map(oldFiles.map((e, i) => [e.path.join('/'), i]));
    hashes.files.forEach((e, i) => {
      const j = byPath.get(e.path.join('/'));
      if (j !== undefined && oldFiles[j].size === e.size && oldFiles[j].pieceSize === e.pieceSize && oldFiles[j].chunking === e.chunking) hashes.trySetFile(i, cur.layers[j]);
    });
    const candidates = [first, ...this.announcers(toHex(w.waterfallId), first)];
    for (const p of candidates) {
      if (p.wire.closed || this.stopped) continue;
      try {
        await fetchLayersOver(p.wire, w, hashes);
        return hashes.files.map((_, i) => (hashes.fileRecords(i) ?? hashes.fileLeaves(i)!).slice());
      } catch (err) {
        this.o.event({ event: 'warning', message: `${p.label}: piece hashes of version ${w.sequence}: ${(err as Error).message}` });
        if ((err as BytefallError).code === 'WIRE_BAD_DATA') p.wire.fail(err as BytefallError, true);
      }
    }
    this.o.event({ event: 'warning', message: `no peer gave the piece hashes of version ${w.sequence}; waiting for another announcement` });
    return undefined;
  }

  /** Connected peers (but `not`) whose last VERSION named version `idHex`. */
  private announcers(idHex: string, not: Peer): Peer[] {
    return [...this.current.swarm.peers.values()].filter((p) => p !== not && p.version && toHex(p.version.waterfallId) === idHex);
  }

  private refusedOrProof(v: Exclude<ReturnType<VersionGate['judge']>, { kind: 'newer' } | { kind: 'same' }>, source: string): void {
    if (v.kind === 'equivocation') {
      let path = '';
      try {
        const { a, b } = decodeProof(v.proof);
        path = this.o.state.saveProof(v.sequence, v.proof, toHex(a.waterfallId), toHex(b.waterfallId));
      } catch (err) {
        path = `(not saved: ${(err as Error).message})`;
      }
      this.o.event({ event: 'equivocation', sequence: v.sequence, proof: path, from: source }, `EQUIVOCATION: ${v.error.message}; proof: ${path}`);
      return;
    }
    this.o.event({ event: 'version-refused', from: source, error: v.error.code, message: v.error.message }, `refused a version from ${source}: ${v.error.message}`);
  }

  private enqueue(offer: Offer): void {
    if (!this.waiting || this.waiting.waterfall.sequence < offer.waterfall.sequence) this.waiting = offer;
    if (!this.busy) void this.drain();
  }

  private async drain(): Promise<void> {
    this.busy = true;
    try {
      while (this.waiting && !this.stopped) {
        const next = this.waiting;
        this.waiting = undefined;
        if (next.waterfall.sequence <= this.current.waterfall.sequence) continue;
        try {
          await this.update(next);
        } catch (err) {
          this.o.event({ event: 'update-failed', sequence: next.waterfall.sequence, error: (err as BytefallError).code, message: (err as Error).message }, `update to version ${next.waterfall.sequence} failed: ${(err as Error).message}`);
          return;
        }
      }
    } finally {
      this.busy = false;
    }
    if (this.current.swarm.complete && !this.stopped) this.emit('complete');
  }

  /** Prepares, fetches and switches to `next`. */
  private async update(next: Offer): Promise<void> {
    const { dir, state, pool } = this.o;
    const old = this.current;
    const layerBytes = encodeLayers(next.waterfall, next.layers);
    state.saveNext(next.served, layerBytes);
    const oldIndex = new Map(old.storage.layout.files.map((f, i) => [f.path.join('/'), i]));
    const intactOf = async (path: string) => {
      const i = oldIndex.get(path);
      return i !== undefined && (await old.storage.finalIntact(i));
    };
    const intact = new Set<string>();
    // Without the old version's piece layer nothing old can be matched piece by piece: every
    // file is then fetched or found whole on disk (checked against the new hashes).
    const oldLayers = old.layers.length === old.storage.layout.files.length ? old.layers : undefined;
    const partial = new Map<string, { part: string; verified(offset: number): boolean }>(); // files of a download under way
    if (oldLayers) {
      for (const [p, i] of oldIndex) {
        if (await intactOf(p)) intact.add(p);
        else if (old.storage.status(i).verified > 0) {
          partial.set(p, { part: old.storage.partPath(i), verified: (offset) => old.storage.isVerified(i, old.storage.layout.pieceAt(i, offset)) });
        }
      }
    }
    old.swarm.pauseDownloads();
    const prepared = await prepareUpdate({
      dir, state, pool, intact, partial, stopped: () => this.stopped,
      old: { waterfall: old.waterfall, layers: oldLayers ?? zeroLayers(old.waterfall) },
      next: { waterfall: next.waterfall, layers: next.layers },
      log: (l) => this.o.event({ event: 'warning', message: l }),
    });
    const { plan, storage } = prepared;

    // What is fetched travels compressed, against the old piece it replaces where there is one.
    const dict = dictionaryHints(plan, old.waterfall, oldLayers ?? [], next.waterfall, next.layers);
    const fetchHints = (piece: number): FetchHint => {
      const d = oldLayers ? dict.get(piece) : undefined;
      if (!d) return { compress: true };
      const path = old.storage.finalPath(d.file);
      return { compress: true, dictionary: { leaf: d.leaf, length: d.length, read: async () => (await readRange(path, d.offset, d.length)) ?? new Uint8Array(0) } }; // a short read fails the dictionary's check
    };
    const swarm = this.o.makeSwarm({ waterfall: next.waterfall, served: next.served, layers: next.layers, storage, checkFiles: prepared.checkFiles, fetchHints });
    const done = new Promise<void>((resolve) => swarm.once('complete', () => resolve()));
    this.watch(swarm);
    await swarm.start();
    // What is left once everything local is in place (and files already on disk were checked).
    const L = storage.layout;
    let total = 0;
    let toFetch = 0;
    for (let f = 0; f < L.files.length; f++) {
      total += L.files[f].size;
      if (storage.status(f).complete) continue;
      for (let p = 0; p < L.pieceCounts[f]; p++) if (!storage.isVerified(f, p)) toFetch += L.pieceLength(f, p);
    }
    this.o.event(
      { event: 'updating', from: old.waterfall.sequence, to: next.waterfall.sequence, reused: total - toFetch, fetch: toFetch, planned: plan.bytes.fetch, placedLocally: prepared.placed, kept: plan.kept.length, moved: plan.moved.length, copied: plan.copied.length, changed: plan.changed.length, added: plan.added.length, removed: plan.removed.length },
      `updating to version ${next.waterfall.sequence}: ${plan.kept.length} files kept, ${plan.moved.length} moved, ${plan.changed.length} changed, ${plan.added.length} added, ${plan.removed.length} removed; ${bytesText(total - toFetch)} reused, ${bytesText(toFetch)} to fetch (as deltas of the old bytes where there are some)`,
    );
    await old.swarm.handOver(swarm);
    this.emit('updating', { from: old.waterfall.sequence, to: next.waterfall.sequence, fetch: toFetch, reused: total - toFetch });
    this.gate.accepted({ waterfall: next.waterfall, bytes: next.served });
    this.current = { waterfall: next.waterfall, served: next.served, layers: next.layers, storage, swarm };
    await Promise.race([done, new Promise<void>((r) => {
      const t = setInterval(() => this.stopped && (clearInterval(t), r()), 200);
      void done.then(() => clearInterval(t));
    })]);
    if (this.stopped) {
      await old.storage.close().catch(() => undefined);
      return;
    }
    await storage.flush();
    const r = await switchVersion({
      dir, state, storage, plan, intact: intactOf, served: next.served, layers: layerBytes,
      log: (l) => this.o.event({ event: 'warning', message: l }),
      releaseOld: async () => {
        // Working copies of old files that never completed are the old version's: drop them.
        for (let i = 0; i < old.storage.layout.files.length; i++) {
          if (!old.storage.status(i).complete) await unlink(old.storage.partPath(i)).catch(() => undefined);
        }
        await old.storage.close().catch(() => undefined);
      },
    });
    this.o.event(
      { event: 'switched', sequence: next.waterfall.sequence, waterfallId: toHex(next.waterfall.waterfallId), removed: r.removed, setAside: r.setAside, leftInPlace: r.leftInPlace },
      `switched to version ${next.waterfall.sequence}`,
    );
    if (this.o.serveOnly) swarm.pauseDownloads();
    this.emit('switched', this.current);
  }
}
