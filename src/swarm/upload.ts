// The serving side of a swarm: answers every REQUEST (a block of a verified piece, by index
// or by leaf hash, or of the Waterfall itself) and HASH_REQUEST with exactly one PIECE,
// HASHES or REJECT. Blocks are read from storage when they are sent (never whole files): a
// piece (or 1 MiB of it) is read once into a bounded cache and its blocks are served from
// there (piece-cache.ts), a few reads at a time, round robin over the peers, and only while
// the peer's socket takes them, so memory stays bounded however many requests peers queue.
// Blocks asked compressed are read and encoded one by one (compress.ts). Optional rate limit.
import { equalBytes } from '../format/bytes.js';
import { toHex } from '../util/hex.js';
import {
  ENCODING_RAW, MAX_BLOCK_LEN, REJECT_CANCELLED, REJECT_CHOKED, REJECT_INVALID, REJECT_NOT_HAVE,
} from '../wire/constants.js';
import type { HashRequestMsg, RequestMsg } from '../wire/messages.js';
import { dictionaryWindow, encodeBlock, wantsCompression, type EncodeAsk } from './compress.js';
import type { Peer, UploadJob } from './peer.js';
import { Bitfield } from './picker-bitfield.js';
import { PieceCache, SPAN_BYTES, type Span, type SpanRef } from './piece-cache.js';
import type { Swarm } from './session.js';

/** Reads in flight for the whole swarm, and per peer. */
const MAX_READS = 16;
const MAX_READS_PER_PEER = 4;
/** Block buffers kept for reuse; more are in use while sockets hold them. */
const MAX_FREE_BUFFERS = 64;

export class Uploader {
  private reading = 0;
  private cursor = 0;
  /** Pieces that went out whole at least once (a seeder may leave when all have). */
  private readonly sent: Bitfield;
  private byLeaf: Map<string, number> | undefined;
  private readonly blockBuffers: Uint8Array[] = [];
  private readonly cache: PieceCache;
  /** Token bucket of the upload limit. */
  private tokens = 0;
  private tokensAt = 0;
  private wakeTimer: NodeJS.Timeout | null = null;
  /** Answering requests that waited for a drain: answer them now, do not queue them again. */
  private replaying = false;

  constructor(private readonly s: Swarm) {
    this.sent = new Bitfield(s.layout.totalPieces);
    this.cache = new PieceCache((file, offset, parts) => s.storage.readv(file, offset, parts));
  }

  onRequest(peer: Peer, m: RequestMsg): void {
    if (this.deferred(peer, () => this.onRequest(peer, m))) return;
    const s = this.s;
    const wire = peer.wire;
    if (m.ref.kind === 'waterfall') {
      // Metadata (BEP 9-like) is served to choked peers too.
      if (!equalBytes(m.ref.waterfallId, s.waterfall.waterfallId)) return void wire.reject(m.reqId, REJECT_NOT_HAVE);
      if (m.offset + m.length > s.servedWaterfall.length) return void wire.reject(m.reqId, REJECT_INVALID);
      const block = s.servedWaterfall.subarray(m.offset, m.offset + m.length);
      if (!wantsCompression(m)) return void wire.piece(m.reqId, block);
      void encodeBlock(block, wire.handshake?.capabilities ?? 0, undefined, m.ref.delta).then((e) => wire.piece(m.reqId, e.data, undefined, e.encoding));
      return;
    }
    let piece: number | undefined;
    if (m.ref.kind === 'index') {
      if (equalBytes(m.ref.waterfallId, s.waterfall.waterfallId) && m.ref.piece < s.layout.totalPieces) piece = m.ref.piece;
    } else {
      piece = this.pieceOfLeaf(m.ref.leaf, m.ref.length); // kinds 1 and 3
    }
    if (piece === undefined) return void wire.reject(m.reqId, REJECT_NOT_HAVE);
    if (wire.amChoking) return void wire.reject(m.reqId, REJECT_CHOKED);
    const { file, piece: inFile } = s.layout.locate(piece);
    if (!this.servable(file, inFile) || !s.layout.lengthsKnown(file)) return void wire.reject(m.reqId, REJECT_NOT_HAVE);
    const len = s.layout.pieceLength(file, inFile);
    if (m.offset + m.length > len) return void wire.reject(m.reqId, REJECT_INVALID);
    const offset = s.layout.pieceOffset(file, inFile) + m.offset;
    const pieceStart = s.layout.pieceOffset(file, inFile);
    peer.uploads.push({ reqId: m.reqId, piece, file, offset, length: m.length, pieceStart, pieceLength: len, encode: this.encodeAsk(m) });
    this.pump();
  }

  /** Hashes are served to choked peers too: they are small and let a peer check what it gets. */
  onHashRequest(peer: Peer, m: HashRequestMsg): void {
    if (this.deferred(peer, () => this.onHashRequest(peer, m))) return;
    const s = this.s;
    const wire = peer.wire;
    if (!equalBytes(m.waterfallId, s.waterfall.waterfallId)) return void wire.reject(m.reqId, REJECT_NOT_HAVE);
    const file = s.fileOfEntry(m.file);
    if (file === undefined || m.first >= s.hashes.pieceCount(file)) return void wire.reject(m.reqId, REJECT_INVALID);
    const answer = s.hashes.answer(file, m.first, m.count);
    if (!answer) return void wire.reject(m.reqId, REJECT_NOT_HAVE);
    wire.hashes(m.reqId, answer.hashes, answer.proof, answer.recordLen);
  }

  onCancel(peer: Peer, reqId: number): void {
    if (this.deferred(peer, () => this.onCancel(peer, reqId))) return;
    const at = peer.uploads.findIndex((j) => j.reqId === reqId);
    if (at < 0) return; // being read: it will be answered with the PIECE
    peer.uploads.splice(at, 1);
    peer.wire.reject(reqId, REJECT_CANCELLED);
  }

  /** We choked the peer: its queued requests are refused (a read under way still answers). */
  choked(peer: Peer): void {
    for (const j of peer.uploads.splice(0)) peer.wire.reject(j.reqId, REJECT_CHOKED);
  }

  /**
   * While a peer's socket is full, even the answers sent straight from memory (hashes, the
   * Waterfall, refusals) wait: the requests stay in flight, and a peer that does not read yet
   * keeps asking reaches the protocol's limit of 256 and is closed. So a peer that never reads
   * cannot make us buffer more than that, whatever it sends.
   */
  private deferred(peer: Peer, answer: () => void): boolean {
    if (this.replaying || (!peer.wire.needsDrain && peer.waiting.length === 0)) return false;
    peer.waiting.push(answer);
    return true;
  }

  /** The peer's socket drained: answer what waited, in order, then start reads. */
  drained(peer: Peer): void {
    while (peer.waiting.length > 0 && !peer.wire.needsDrain && !peer.wire.closed) {
      const answer = peer.waiting.shift()!;
      this.replaying = true;
      try {
        answer();
      } finally {
        this.replaying = false;
      }
    }
    this.pump();
  }

  /** Starts reads while there is room: round robin over peers whose sockets are not full. */
  pump(): void {
    const s = this.s;
    if (s.stopped) return;
    const peers = [...s.peers.values()];
    let idle = 0;
    while (this.reading < MAX_READS && peers.length > 0 && idle < peers.length) {
      const peer = peers[this.cursor++ % peers.length];
      if (peer.uploads.length === 0 || peer.reading >= MAX_READS_PER_PEER || peer.wire.needsDrain || peer.wire.closed) {
        idle++;
        continue;
      }
      if (!this.take(peer.uploads[0].length)) return;
      idle = 0;
      const job = peer.uploads.shift()!;
      const ref = job.encode ? undefined : spanOf(job); // compressed blocks are read one by one
      const cached = ref && this.cache.peek(ref.key);
      if (cached) this.serve(peer, job, cached);
      else if (ref) void this.load(peer, job, ref);
      else void this.read(peer, job);
    }
  }

  /** Verified (or written, being made durable), and its file not suspected of changing. */
  private servable(file: number, inFile: number): boolean {
    return this.s.holds(file, inFile) && !this.s.isSuspect(file);
  }

  /** Reads the span holding the job's block (once, for every block of it), then serves the block. */
  private async load(peer: Peer, job: UploadJob, ref: SpanRef): Promise<void> {
    this.reading++;
    peer.reading++;
    try {
      this.serve(peer, job, await this.cache.load(ref));
    } catch (err) {
      this.failed(peer, job, err);
    } finally {
      this.reading--;
      peer.reading--;
      this.pump();
    }
  }

  /** Sends the job's block out of a span in memory, or refuses it if the piece is no longer verified. */
  private serve(peer: Peer, job: UploadJob, span: Span): void {
    if (!this.servable(job.file, this.s.layout.locate(job.piece).piece)) {
      this.cache.clear(); // what was read may be stale
      return void peer.wire.reject(job.reqId, REJECT_NOT_HAVE);
    }
    const block = this.cache.lend(span, job.offset - span.ref.start, job.length);
    if (peer.wire.piece(job.reqId, block.data, block.done, ENCODING_RAW, block.headroom)) this.counted(peer, job, block.data.length);
    else block.done();
  }

  private counted(peer: Peer, job: UploadJob, bytes: number): void {
    const now = this.s.now();
    peer.uploaded += bytes;
    peer.up.add(bytes, now);
    this.s.stats.sent(bytes, now);
    this.countSent(peer, job.piece);
  }

  private failed(peer: Peer, job: UploadJob, err: unknown): void {
    peer.wire.reject(job.reqId, REJECT_NOT_HAVE);
    const gone = !this.servable(job.file, this.s.layout.locate(job.piece).piece); // changed while we read: not worth a line
    if (!this.s.stopped && !gone) this.s.warn(`cannot serve ${this.s.describePiece(job.piece)} to ${peer.label}: ${(err as Error).message}`);
  }

  private async read(peer: Peer, job: UploadJob): Promise<void> {
    const s = this.s;
    this.reading++;
    peer.reading++;
    const buf = this.blockBuffers.pop() ?? new Uint8Array(MAX_BLOCK_LEN);
    let lent = false;
    try {
      if (!this.servable(job.file, s.layout.locate(job.piece).piece)) {
        peer.wire.reject(job.reqId, REJECT_NOT_HAVE); // the file changed on disk since it was asked
        return;
      }
      const data = await s.storage.read(job.file, job.offset, job.length, buf);
      // Compressed data is a fresh buffer; raw data stays the lent block buffer.
      let encoded = job.encode ? await this.encode(peer, job.encode, data) : undefined;
      if (encoded?.encoding === ENCODING_RAW) encoded = undefined;
      if (!this.servable(job.file, s.layout.locate(job.piece).piece)) {
        peer.wire.reject(job.reqId, REJECT_NOT_HAVE); // invalidated while we read
      } else if (encoded ? peer.wire.piece(job.reqId, encoded.data, undefined, encoded.encoding) : (lent = peer.wire.piece(job.reqId, data, () => this.giveBack(buf)))) {
        this.counted(peer, job, encoded?.data.length ?? data.length);
      }
    } catch (err) {
      this.failed(peer, job, err);
    } finally {
      if (!lent) this.giveBack(buf);
      this.reading--;
      peer.reading--;
      this.pump();
    }
  }

  /** What a request that welcomes compression asks of its answer; the dictionary window of kind 3 when we hold its piece. */
  private encodeAsk(m: RequestMsg): EncodeAsk | undefined {
    if (!wantsCompression(m)) return undefined;
    if (m.ref.kind !== 'dict') return m.ref.delta ? { delta: m.ref.delta } : {};
    const s = this.s;
    const dictPiece = this.pieceOfLeaf(m.ref.dictLeaf, m.ref.dictLength);
    if (dictPiece === undefined) return {}; // not held: compressed without it, if that helps
    const { file, piece } = s.layout.locate(dictPiece);
    const w = dictionaryWindow(m.ref);
    return { dict: { file, piece, offset: s.layout.pieceOffset(file, piece) + w.offset, length: w.length } };
  }

  /** The smallest answer for a block (compress.ts); a dictionary piece we no longer hold is left out. */
  private async encode(peer: Peer, ask: EncodeAsk, data: Uint8Array): Promise<{ encoding: number; data: Uint8Array }> {
    const s = this.s;
    let dictionary: Uint8Array | undefined;
    const d = ask.dict;
    if (d && s.storage.isVerified(d.file, d.piece) && !s.isSuspect(d.file)) {
      dictionary = await s.storage.read(d.file, d.offset, d.length);
      if (!s.storage.isVerified(d.file, d.piece) || s.isSuspect(d.file)) dictionary = undefined; // invalidated while we read
    }
    return encodeBlock(data, peer.wire.handshake?.capabilities ?? 0, dictionary, ask.delta);
  }

  /** Block buffers are reused once the socket is done with them: no garbage per block served. */
  private giveBack(buf: Uint8Array): void {
    if (this.blockBuffers.length < MAX_FREE_BUFFERS) this.blockBuffers.push(buf);
  }

  /** A piece counts as uploaded once one peer got all its blocks (each block is asked once per peer). */
  private countSent(peer: Peer, piece: number): void {
    if (this.sent.has(piece)) return;
    const { file, piece: inFile } = this.s.layout.locate(piece);
    const blocks = Math.ceil(this.s.layout.pieceLength(file, inFile) / MAX_BLOCK_LEN);
    const n = (peer.sentBlocks.get(piece) ?? 0) + 1;
    if (n < blocks) {
      if (peer.sentBlocks.size >= 1024) peer.sentBlocks.clear(); // bounded; a lost count only delays "distributed"
      peer.sentBlocks.set(piece, n);
      return;
    }
    peer.sentBlocks.delete(piece);
    this.sent.set(piece);
    this.s.onDistributed(piece);
  }

  /** The piece whose leaf and length these are (REQUEST kind 1), or undefined. */
  private pieceOfLeaf(leaf: Uint8Array, length: number): number | undefined {
    const s = this.s;
    if (!s.hashes.allKnown()) return undefined; // the index is built once every leaf is known
    if (!this.byLeaf) {
      this.byLeaf = new Map();
      for (let file = 0; file < s.layout.files.length; file++) {
        for (let p = 0; p < s.layout.pieceCounts[file]; p++) {
          const l = s.hashes.leaf(file, p);
          if (l) this.byLeaf.set(toHex(l), s.layout.firstPiece[file] + p);
        }
      }
    }
    const piece = this.byLeaf.get(toHex(leaf));
    if (piece === undefined) return undefined;
    const { file, piece: inFile } = s.layout.locate(piece);
    return s.layout.pieceLength(file, inFile) === length ? piece : undefined;
  }

  /** Takes `bytes` from the upload limit's bucket; false (and a wake-up later) when it is empty. */
  private take(bytes: number): boolean {
    const limit = this.s.opts.uploadLimit;
    if (!limit) return true;
    const now = this.s.now();
    this.tokens = Math.min(limit, this.tokens + ((now - this.tokensAt) * limit) / 1000);
    this.tokensAt = now;
    if (this.tokens >= bytes || this.tokens >= limit) {
      this.tokens -= bytes;
      return true;
    }
    if (!this.wakeTimer) {
      this.wakeTimer = setTimeout(() => {
        this.wakeTimer = null;
        this.pump();
      }, Math.ceil(((bytes - this.tokens) * 1000) / limit));
    }
    return false;
  }

  stop(): void {
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
    this.cache.clear();
  }
}

/** The span (the piece, or its aligned 1 MiB part) that holds the job's block; undefined if it straddles two. */
export function spanOf(job: UploadJob): SpanRef | undefined {
  const at = Math.floor((job.offset - job.pieceStart) / SPAN_BYTES) * SPAN_BYTES;
  const start = job.pieceStart + at;
  const length = Math.min(SPAN_BYTES, job.pieceLength - at);
  if (job.offset + job.length > start + length) return undefined;
  return { key: `${job.file}:${start}`, file: job.file, start, length };
}
