// The request side of a swarm: asks unchoked peers for the pieces the picker chooses, block
// by block with enough blocks in flight to keep a fast link full, puts each piece together
// from one peer, verifies it on the hashing pool against its checked leaf, and only then
// writes it. A piece that fails its hash bans the peer that sent it and goes back to the
// pool; pieces asked twice in endgame are cancelled at the slower peer.
import { BytefallError } from '../errors.js';
import { equalBytes } from '../format/bytes.js';
import type { HashPool } from '../hash/pool.js';
import type { InFlight } from '../wire/requests.js';
import { MAX_BLOCK_LEN, MAX_REQUESTS_IN_FLIGHT, REJECT_NOT_HAVE } from '../wire/constants.js';
import type { Peer } from './peer.js';
import { blockLenFor, blockRef, deltaFailed, planPiece } from './compress-fetch.js';
import { PieceAssembly } from './piece-assembly.js';
import { pipelineDepth } from './picker-pipeline.js';
import type { Swarm } from './session.js';

/** Block requests one peer may have in flight (the wire allows 256; hash requests use the rest). */
const MAX_BLOCKS_PER_PEER = MAX_REQUESTS_IN_FLIGHT - 16;
/** Never fewer than this in flight to an unchoked peer: 2 MiB, enough to measure a fast link. */
const MIN_BLOCKS_PER_PEER = 16;
/** Bytes in flight to a seed while other peers relay what it sent (see spreading()): one 1 MiB piece. */
const SPREAD_BYTES = 1 << 20;
/** Pieces at least this long are spread so; smaller ones are fetched as from any peer. */
const SPREAD_MIN_PIECE = 256 * 1024;
/** ... and at least one piece per this many ms, whatever the others send. */
const SEED_TRICKLE_MS = 1000;
/**
 * In endgame a peer is asked for a piece another peer is fetching only while it has fewer than
 * this many pieces in flight: idle peers finish the tail, and a long queue is not duplicated
 * whole (every duplicate that arrives before its cancel is a piece uploaded twice).
 */
const ENDGAME_PIECES = 2;
/** A peer that refuses this many pieces it claimed to have is dropped. */
const MAX_NOT_HAVE = 32;

/** True when BLAKE3(piece) is `leaf`; hashed on a pool worker, the buffer shared, not copied. */
export async function verifyOnPool(pool: HashPool, piece: Uint8Array, leaf: Uint8Array): Promise<boolean> {
  const got = await pool.hashBuffer(piece, piece.length);
  return equalBytes(got, leaf);
}

export class Downloader {
  /** Bytes of whole pieces being verified or written. */
  pendingBytes = 0;
  private pausedUntil = 0;
  private readonly inProgress = new Set<Promise<void>>();

  constructor(private readonly s: Swarm) {}

  /** Asks `peer` for more blocks (and pieces) if it can take them. */
  fill(peer: Peer): void {
    const s = this.s;
    const wire = peer.wire;
    if (!s.downloading || wire.closed || wire.peerChoking || !wire.amInterested) return;
    const now = s.now();
    if (now < this.pausedUntil || this.pendingBytes >= s.opts.maxPendingBytes) return;
    const spread = this.spreading(peer);
    let window = pipelineDepth(peer.down.rate(now), MAX_BLOCK_LEN, {
      targetQueueMs: s.opts.targetQueueMs,
      minRequests: MIN_BLOCKS_PER_PEER,
      maxRequests: MAX_BLOCKS_PER_PEER,
      maxBytes: s.opts.maxBytesPerPeer,
    });
    // a short pipeline to a seed that others relay: a rare piece is then rarely asked twice
    if (spread) window = Math.min(window, Math.ceil(SPREAD_BYTES / Math.min(s.typicalPieceBytes, MAX_BLOCK_LEN)));
    for (;;) {
      let held = false;
      for (const a of peer.assemblies.values()) {
        while (a.hasUnrequested() && peer.blocksInFlight < window && wire.requestsInFlight < MAX_REQUESTS_IN_FLIGHT) {
          this.requestBlock(peer, a);
        }
        if (peer.blocksInFlight >= window || wire.requestsInFlight >= MAX_REQUESTS_IN_FLIGHT) return;
        held ||= a.held;
      }
      if (held) return; // a dictionary is being read: pick no more until it is (compress-fetch.ts)
      const more = Math.max(1, Math.ceil((window - peer.blocksInFlight) * MAX_BLOCK_LEN / s.typicalPieceBytes));
      // A seed others relay is never asked for duplicates here, only by the trickle below.
      const maxDuplicates = spread ? 0 : Math.max(0, ENDGAME_PIECES - peer.assemblies.size);
      let picked = s.picker.pick(peer.id, peer.assemblies.size + more, now, { maxAvailability: spread?.seeds, maxDuplicates });
      // Nothing only seeds have: one piece from the seed if the other peers send us nothing, or
      // if the seed sent nothing for a second.
      const trickle = spread && (spread.othersIdle || now - peer.lastBlockAt >= SEED_TRICKLE_MS);
      if (picked.length === 0 && trickle && peer.assemblies.size === 0) picked = s.picker.pick(peer.id, 1, now);
      if (picked.length === 0) return;
      for (const i of picked) this.startPiece(peer, i);
    }
  }

  /**
   * When `peer` is a seed and peers that are not seeds are connected too (they download the
   * same data): the number of seeds, so that the seed is asked only for what only seeds have,
   * a few pieces at a time, and the rest comes from the other peers (a seed asked about once
   * per piece spreads the data, and its upload stays near 1x the size); and whether those
   * peers have nothing of ours in flight. Undefined when the seed is all there is.
   */
  private spreading(peer: Peer): { seeds: number; othersIdle: boolean } | undefined {
    // Small pieces: a short pipeline would cost more round trips than the duplicates it saves.
    if (!peer.isSeed || this.s.typicalPieceBytes < SPREAD_MIN_PIECE) return undefined;
    let seeds = 0;
    let others = false;
    let othersIdle = true;
    for (const p of this.s.peers.values()) {
      if (p.isSeed) seeds++;
      else if (!p.wire.closed) {
        others = true;
        if (p.blocksInFlight > 0) othersIdle = false;
      }
    }
    return others ? { seeds, othersIdle } : undefined;
  }

  fillAll(): void {
    for (const p of this.s.peers.values()) this.fill(p);
  }

  /** A PIECE answered one of our block requests. */
  onBlock(peer: Peer, r: InFlight, data: Uint8Array): void {
    const req = peer.blockRequests.get(r.reqId);
    if (!req) return;
    peer.blockRequests.delete(r.reqId);
    peer.blocksInFlight--;
    const now = this.s.now();
    peer.downloaded += data.length;
    peer.lastBlockAt = now;
    peer.down.add(data.length, now);
    this.s.stats.received(data.length, now);
    const a = req.assembly;
    if (a.dropped) return this.fill(peer); // cancelled meanwhile: the bytes are not needed
    if (a.receive(req.block, data)) {
      peer.assemblies.delete(a.piece);
      this.track(this.finishPiece(peer, a));
    }
    this.fill(peer);
  }

  /** A REJECT answered one of our block requests: the piece goes back to the picker. */
  onReject(peer: Peer, r: InFlight, reason: number): void {
    const req = peer.blockRequests.get(r.reqId);
    if (!req) return;
    peer.blockRequests.delete(r.reqId);
    peer.blocksInFlight--;
    const a = req.assembly;
    if (!a.dropped) {
      this.drop(peer, a);
      this.s.picker.cancel(peer.id, a.piece);
      if (reason === REJECT_NOT_HAVE && peer.bits.has(a.piece)) {
        peer.bits.set(a.piece, false); // it does not have it after all: stop asking it
        this.s.picker.addPeer(peer.id, peer.bits);
        if (++peer.notHaveRejects > MAX_NOT_HAVE) {
          peer.wire.fail(new BytefallError('WIRE_REFUSED', `refused ${peer.notHaveRejects} pieces it claimed to have`), false);
          return;
        }
      }
    }
    this.fill(peer);
  }

  /** The peer is gone: its pieces go back to the picker (the caller removes it there). */
  removePeer(peer: Peer): void {
    for (const a of peer.assemblies.values()) this.drop(peer, a, false);
    peer.assemblies.clear();
    peer.blockRequests.clear();
    peer.blocksInFlight = 0;
  }

  /** The peer moves to another swarm (a newer version): its pieces are dropped, their blocks cancelled. */
  releasePeer(peer: Peer): void {
    for (const a of [...peer.assemblies.values()]) this.drop(peer, a);
    peer.blockRequests.clear();
    peer.blocksInFlight = 0;
  }

  /** Forgets every piece being fetched (the picker is rebuilt); blocks still due are cancelled. */
  dropAll(): void {
    for (const p of this.s.peers.values()) for (const a of [...p.assemblies.values()]) this.drop(p, a);
  }

  /** Other peers asked for a piece that just arrived (endgame): cancel theirs. */
  cancelElsewhere(piece: number, peerIds: readonly string[]): void {
    for (const id of peerIds) {
      const other = this.s.peers.get(id);
      const a = other?.assemblies.get(piece);
      if (!other || !a) continue;
      this.drop(other, a);
      this.fill(other);
    }
  }

  /** Waits for the pieces being verified and written. */
  async settle(): Promise<void> {
    while (this.inProgress.size > 0) await Promise.allSettled([...this.inProgress]);
  }

  private track(p: Promise<void>): void {
    this.inProgress.add(p);
    void p.finally(() => this.inProgress.delete(p));
  }

  private startPiece(peer: Peer, piece: number): void {
    const s = this.s;
    const { file, piece: inFile } = s.layout.locate(piece);
    const buffer = s.buffers.acquire(s.layout.pieceLength(file, inFile));
    const a = new PieceAssembly(piece, file, inFile, buffer, blockLenFor(s, peer, piece));
    peer.assemblies.set(piece, a);
    planPiece(s, peer, a, () => this.fill(peer)); // compressed, with a dictionary, or plain (compress-fetch.ts)
  }

  private requestBlock(peer: Peer, a: PieceAssembly): void {
    const block = a.nextBlock++;
    const { offset, length } = a.block(block);
    const { ref, dictionary } = blockRef(this.s, a, offset, length);
    const r = peer.wire.request(ref, offset, length, dictionary);
    a.reqIds.set(block, r.reqId);
    peer.blockRequests.set(r.reqId, { assembly: a, block });
    peer.blocksInFlight++;
  }

  /** Forgets a piece being fetched from `peer`; its buffer is free again. Blocks still due are cancelled. */
  private drop(peer: Peer, a: PieceAssembly, cancel = true): void {
    if (a.dropped) return;
    a.dropped = true;
    peer.assemblies.delete(a.piece);
    if (cancel && !peer.wire.closed) for (const reqId of a.reqIds.values()) peer.wire.cancel(reqId);
    this.s.buffers.release(a.buffer);
  }

  private async finishPiece(peer: Peer, a: PieceAssembly): Promise<void> {
    const s = this.s;
    this.cancelElsewhere(a.piece, s.picker.received(a.piece, peer.id));
    this.pendingBytes += a.length;
    let held = true;
    // Once the bytes are in the file, the buffer is free: the group commit that makes them
    // durable (an fdatasync, maybe 100s of ms on a busy disk) needs no copy of them.
    const letGo = () => {
      if (!held) return;
      held = false;
      this.pendingBytes -= a.length;
      s.buffers.release(a.buffer);
    };
    try {
      const leaf = s.hashes.leaf(a.file, a.pieceInFile);
      const ok = leaf !== undefined && (await verifyOnPool(s.pool, a.buffer, leaf));
      if (!ok && a.delta) {
        // Rebuilt from our own bytes by the peer's delta: a checksum collision looks the same
        // as a lie, so the piece is asked for again without a delta, and nobody is banned.
        s.picker.failed(a.piece);
        deltaFailed(s, a.piece);
        s.warn(`piece ${a.piece} (${s.describePiece(a.piece)}) rebuilt from a delta does not match its hash: asking for it whole`);
        return;
      }
      if (!ok) {
        s.picker.failed(a.piece);
        s.stats.badPieces++;
        s.punish(peer, new BytefallError('WIRE_BAD_DATA', `piece ${a.piece} (${s.describePiece(a.piece)}) does not match its hash`));
        return;
      }
      try {
        // announced and served once written (onWritten), counted once durable (onVerified)
        await s.storage.writePiece(a.file, a.pieceInFile, a.buffer, () => {
          letGo();
          s.onWritten(a.piece);
          if (!s.stopped) this.fillAll();
        });
      } catch (err) {
        s.forgetWritten(a.piece);
        s.picker.failed(a.piece);
        if (!s.stopped) this.diskError(err);
        return;
      }
      s.onVerified(a.piece);
    } catch (err) {
      s.picker.failed(a.piece);
      if (!s.stopped) s.warn(`piece ${a.piece}: ${(err as Error).message}`);
    } finally {
      letGo();
      if (!s.stopped) this.fillAll();
    }
  }

  /** A write failed (a full disk, ...): one line, pause downloading, try again later. */
  private diskError(err: unknown): void {
    const s = this.s;
    const now = s.now();
    if (now >= this.pausedUntil) s.warn(`cannot write: ${(err as Error).message}; downloading paused for ${s.opts.diskRetryMs / 1000} s`);
    this.pausedUntil = now + s.opts.diskRetryMs;
  }
}
