// One peer connection speaking the wire protocol over any Duplex stream that a
// transport has authenticated: the handshake, one public method per outgoing message,
// one event per incoming message, requests in flight, keep-alives and timeouts.
// Policy (who to choke, what to request, when to ban) belongs to the swarm engine.
// Longer than most files because it is the one state machine of a connection; the
// codec, the handshake checks, the request tables and the ban policy live beside it.
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { countReceived, wireCounters } from './counters.js';
import { BytefallError } from '../errors.js';
import { CHUNK_SINK, chunkSourceOf } from '../net/chunk-source.js';
import { toHex } from '../util/hex.js';
import {
  CAPS_IMPLEMENTED, CAP_BROTLI, CAP_DEFLATE, CAP_DELTA, CAP_DICT, CAP_PEX, CLOSE_NORMAL, ENCODING_RAW, HANDSHAKE_TIMEOUT_MS, IDLE_TIMEOUT_MS,
  KEEP_ALIVE_INTERVAL_MS, MAX_FRAME_LEN, MAX_HELLO_FRAME_LEN, MSG_PIECE, PIECE_HEADER_LEN, PROTOCOL_VERSION_MAX,
  PROTOCOL_VERSION_MIN, REQUEST_TIMEOUT_MS, CLOSE_UNKNOWN_SWARM,
} from './constants.js';
import { FrameParser } from './framing.js';
import { answerHello, checkAnswer, makeHello, type HandshakeResult, type LocalHello, type Refusal, type SwarmDecision } from './handshake.js';
import {
  decodeMessage, encodeFrameHeader, encodeMessage, messageName,
  type BitfieldMsg, type HashRequestMsg, type HelloMsg, type Message, type PexEntry, type PieceRef,
  type RequestMsg, type VersionMsg,
} from './messages.js';
import { signatureSpan } from './delta.js';
import { decodeBlock, encodingRefusal } from './messages/piece-encoding.js';
import { closeReasonFor, errorForPeerClose, shouldBan } from './policy.js';
import { IncomingRequests, OutgoingRequests, type InFlight } from './requests.js';
import { Outbox } from './outbox.js';

export interface WireTimeouts {
  handshake: number;
  keepAlive: number;
  idle: number;
  request: number;
  /** How often the keep-alive, idle and request timers are checked. */
  tick: number;
}

export interface WireOptions {
  initiator: boolean;
  /** Our node id (ed25519 public key). */
  nodeId: Uint8Array;
  /** The node key the transport proved the peer holds. */
  remoteNodeId: Uint8Array;
  /** Initiator: the swarm to join. */
  swarmId?: Uint8Array;
  /** Responder: accept a swarm (true) or refuse with a CLOSE_* reason. Default: refuse all. */
  acceptSwarm?: (swarmId: Uint8Array, nodeId: Uint8Array) => SwarmDecision;
  /** Default: every capability this build implements. */
  capabilities?: number;
  /** The port we accept connections on (0: none). */
  listenPort?: number;
  /** Protocol versions to offer (tests). */
  versionMin?: number;
  versionMax?: number;
  timeouts?: Partial<WireTimeouts>;
  /** Names the peer in log lines, e.g. its address. */
  label?: string;
  /** Receives one line when the connection ends with an error. */
  log?: (line: string) => void;
  /**
   * Assemble large frames (4 KiB and more) in one reused buffer: the byte fields of every
   * event are then valid only while the event runs (copy what you keep). Saves a fresh buffer,
   * and the garbage collections it causes, for each block received. Default false.
   */
  reuseFrameBuffers?: boolean;
}

export interface WireCloseInfo {
  /** Why it closed; undefined for a normal close by either side. */
  error?: BytefallError;
  /** The peer sent what no honest implementation sends: ban its node id. */
  ban: boolean;
  /** The peer closed (CLOSE, end of stream or reset) rather than us. */
  byPeer: boolean;
  /** Our requests that will now never be answered. */
  lost: InFlight[];
}

export interface WireEvents {
  handshake: [HandshakeResult];
  choke: [];
  unchoke: [];
  interested: [];
  'not-interested': [];
  'have-all': [Uint8Array];
  'have-none': [Uint8Array];
  bitfield: [BitfieldMsg];
  have: [number];
  request: [RequestMsg];
  'hash-request': [HashRequestMsg];
  /** The peer withdrew a request; it still expects PIECE/HASHES or REJECT for it. */
  cancel: [number];
  /** The block (decoded), and the bytes its data took on the wire (less when compressed). */
  piece: [InFlight, Uint8Array, number];
  hashes: [InFlight, Uint8Array, Uint8Array];
  reject: [InFlight, number];
  'request-timeout': [InFlight];
  version: [VersionMsg];
  pex: [PexEntry[]];
  'keep-alive': [];
  /** A message id this build does not know; it was skipped. */
  unknown: [number, Uint8Array];
  drain: [];
  close: [WireCloseInfo];
}

const DEFAULT_TIMEOUTS: WireTimeouts = {
  handshake: HANDSHAKE_TIMEOUT_MS,
  keepAlive: KEEP_ALIVE_INTERVAL_MS,
  idle: IDLE_TIMEOUT_MS,
  request: REQUEST_TIMEOUT_MS,
  tick: 5_000,
};

export class Wire extends EventEmitter<WireEvents> {
  readonly initiator: boolean;
  /** Set once the handshake succeeded. */
  handshake: HandshakeResult | null = null;
  closed = false;
  amChoking = true;
  amInterested = false;
  peerChoking = true;
  peerInterested = false;
  /** The version the peer's HAVE messages refer to (its last HAVE_ALL/HAVE_NONE/BITFIELD). */
  peerHaveVersion: Uint8Array | null = null;

  private readonly stream: Duplex;
  private readonly opts: WireOptions;
  private readonly local: LocalHello;
  private readonly timeouts: WireTimeouts;
  private readonly parser = new FrameParser(MAX_HELLO_FRAME_LEN);
  private readonly outgoing = new OutgoingRequests();
  private readonly incoming = new IncomingRequests();
  private lastSent = Date.now();
  private lastReceived = Date.now();
  private handshakeTimer: NodeJS.Timeout | null = null;
  private tickTimer: NodeJS.Timeout | null = null;
  private readonly outbox: Outbox;
  /** The dictionary window of each kind-3 request in flight (dropped with the request). */
  private readonly dictionaries = new WeakMap<InFlight, Uint8Array>();

  constructor(stream: Duplex, opts: WireOptions) {
    super();
    this.stream = stream;
    this.outbox = new Outbox(stream, () => this.emit('drain'));
    this.opts = opts;
    this.initiator = opts.initiator;
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
    this.local = {
      versionMin: opts.versionMin ?? PROTOCOL_VERSION_MIN,
      versionMax: opts.versionMax ?? PROTOCOL_VERSION_MAX,
      capabilities: opts.capabilities ?? CAPS_IMPLEMENTED,
      listenPort: opts.listenPort ?? 0,
      nodeId: opts.nodeId,
    };
    if (opts.initiator && !opts.swarmId) throw new BytefallError('BAD_ARGUMENT', 'an initiating Wire needs a swarmId');
    if (opts.reuseFrameBuffers) this.parser.reuseAbove = 4096;
    const source = chunkSourceOf(stream);
    if (!source) stream.on('data', (chunk: Uint8Array) => this.onData(chunk));
    else if (opts.reuseFrameBuffers) source[CHUNK_SINK]((chunk) => this.onData(chunk, true));
    else source[CHUNK_SINK]((chunk) => this.onData(new Uint8Array(chunk)));
    stream.on('end', () => this.finish(new BytefallError('WIRE_CLOSED', 'peer hung up without CLOSE'), true));
    stream.on('error', (err) => this.finish(new BytefallError('WIRE_CLOSED', `connection failed: ${err.message}`, { cause: err }), true));
    stream.on('close', () => {
      this.finish(new BytefallError('WIRE_CLOSED', 'connection closed'), true);
      this.outbox.drop();
    });
    this.handshakeTimer = setTimeout(() => this.fail(new BytefallError('WIRE_TIMEOUT', `no handshake within ${this.timeouts.handshake} ms`)), this.timeouts.handshake);
    this.handshakeTimer.unref?.();
    if (opts.initiator) this.write(encodeMessage(makeHello(this.local, opts.swarmId!)));
  }

  /** Requests we sent that are not answered yet. */
  get requestsInFlight(): number {
    return this.outgoing.size;
  }

  /** Requests the peer sent that we have not answered yet. */
  get peerRequestsInFlight(): number {
    return this.incoming.size;
  }

  /** True when the outgoing queue is full: wait for 'drain' before sending more pieces. */
  get needsDrain(): boolean {
    return this.outbox.needsDrain;
  }

  // ---- outgoing messages -------------------------------------------------------------

  /** `<len=1><id=2>` */
  choke(): void {
    this.amChoking = true;
    this.send({ type: 'choke' });
  }

  /** `<len=1><id=3>` */
  unchoke(): void {
    this.amChoking = false;
    this.send({ type: 'unchoke' });
  }

  /** `<len=1><id=4>` */
  interested(): void {
    this.amInterested = true;
    this.send({ type: 'interested' });
  }

  /** `<len=1><id=5>` */
  notInterested(): void {
    this.amInterested = false;
    this.send({ type: 'not-interested' });
  }

  /** `<len=33><id=6><waterfallId 32>` */
  haveAll(waterfallId: Uint8Array): void {
    this.send({ type: 'have-all', waterfallId });
  }

  /** `<len=33><id=7><waterfallId 32>` */
  haveNone(waterfallId: Uint8Array): void {
    this.send({ type: 'have-none', waterfallId });
  }

  /** `<len><id=8><waterfallId 32><first u32><bits>` */
  bitfield(waterfallId: Uint8Array, bits: Uint8Array, first = 0): void {
    this.send({ type: 'bitfield', waterfallId, first, bits });
  }

  /** `<len=5><id=9><piece u32>` */
  have(piece: number): void {
    this.send({ type: 'have', piece });
  }

  /**
   * `<len><id=10><reqId u32><ref><offset u32><length u32>`; returns the request in flight.
   * A ref that welcomes compression, or kind 3 (`dictionary`: the window it names, which
   * decodes the answer), needs the matching capability on this connection.
   */
  request(ref: PieceRef, offset: number, length: number, dictionary?: Uint8Array): InFlight {
    this.checkOpen('REQUEST');
    const caps = this.handshake?.capabilities ?? 0;
    if (ref.kind === 'dict' && (!(caps & CAP_DICT) || !dictionary)) throw new BytefallError('BAD_ARGUMENT', 'REQUEST kind 3 needs capability DICT and its dictionary');
    if (ref.kind !== 'dict' && ref.compress && !(caps & (CAP_DEFLATE | CAP_BROTLI))) {
      throw new BytefallError('BAD_ARGUMENT', 'REQUEST: compression was not negotiated');
    }
    if (ref.kind !== 'dict' && ref.delta && (!(caps & CAP_DELTA) || !dictionary || dictionary.length < signatureSpan(ref.delta.signature, ref.delta.blockLen))) {
      throw new BytefallError('BAD_ARGUMENT', 'REQUEST with a delta signature needs capability DELTA and the base it was made of');
    }
    const r = this.outgoing.add((reqId) => ({ type: 'request', reqId, ref, offset, length }));
    if (dictionary) this.dictionaries.set(r, dictionary);
    this.sendChecked(r);
    return r;
  }

  /** `<len=47><id=14><reqId u32><waterfallId 32><file u32><first u32><count u16>` */
  hashRequest(waterfallId: Uint8Array, file: number, first: number, count: number): InFlight {
    this.checkOpen('HASH_REQUEST');
    const r = this.outgoing.add((reqId) => ({ type: 'hash-request', reqId, waterfallId, file, first, count }));
    this.sendChecked(r);
    return r;
  }

  /** `<len=5><id=12><reqId u32>`. The request stays in flight until the peer answers it. */
  cancel(reqId: number): boolean {
    const r = this.outgoing.get(reqId);
    if (!r || r.cancelled) return false;
    r.cancelled = true;
    return this.send({ type: 'cancel', reqId });
  }

  /**
   * `<len><id=11><reqId u32><encoding=0 u8><data>`, the answer to the peer's REQUEST.
   * False when that request is no longer in flight (already answered). `onWritten` is called
   * once the stream is done with `data` (so a caller may reuse the buffer); only when true is returned.
   * With `headroom`, the PIECE_HEADER_LEN bytes in front of `data` in its buffer are the caller's
   * to give: the header is written there and the message leaves as one buffer, uncopied (outbox.ts).
   */
  piece(reqId: number, data: Uint8Array, onWritten?: () => void, encoding = ENCODING_RAW, headroom = false): boolean {
    const r = this.incoming.get(reqId);
    if (!r || this.closed) return false;
    const ok = r.msg.type === 'request' && (encoding === ENCODING_RAW
      ? r.msg.length === data.length
      : data.length >= 1 && data.length < r.msg.length && !encodingRefusal(encoding, r.msg, this.handshake?.capabilities ?? 0));
    if (!ok) throw new BytefallError('BAD_ARGUMENT', `PIECE for request ${reqId}: ${data.length} bytes of encoding ${encoding} do not answer it`);
    if (headroom && data.byteOffset < PIECE_HEADER_LEN) throw new BytefallError('BAD_ARGUMENT', `PIECE for request ${reqId}: no room for its header in front of the data`);
    this.incoming.take(reqId);
    const at = headroom ? data.byteOffset - PIECE_HEADER_LEN : 0;
    const header = headroom ? new Uint8Array(data.buffer, at, PIECE_HEADER_LEN) : new Uint8Array(PIECE_HEADER_LEN);
    header.set(encodeFrameHeader(MSG_PIECE, 5 + data.length));
    new DataView(header.buffer, header.byteOffset, PIECE_HEADER_LEN).setUint32(5, reqId, true);
    header[9] = encoding;
    if (headroom) this.write(new Uint8Array(data.buffer, at, PIECE_HEADER_LEN + data.length), onWritten);
    else this.writeParts([header, data], onWritten);
    return true;
  }

  /**
   * `<len><id=15><reqId u32><hashCount u16><proofCount u8><hashes><proof>`; `recordLen` 36
   * for the records `<length u32><hash 32>` of a content-defined file.
   */
  hashes(reqId: number, hashes: Uint8Array, proof: Uint8Array, recordLen = 32): boolean {
    const r = this.incoming.get(reqId);
    if (!r || this.closed) return false;
    if (r.msg.type !== 'hash-request' || hashes.length > recordLen * r.msg.count) {
      throw new BytefallError('BAD_ARGUMENT', `HASHES for request ${reqId}: does not answer it`);
    }
    this.incoming.take(reqId);
    return this.send({ type: 'hashes', reqId, hashes, proof, ...(recordLen === 32 ? {} : { recordLen }) });
  }

  /** `<len=6><id=13><reqId u32><reason u8>` */
  reject(reqId: number, reason: number): boolean {
    if (!this.incoming.take(reqId) || this.closed) return false;
    return this.send({ type: 'reject', reqId, reason });
  }

  /** Rejects every request of the peer still in flight (e.g. after choking it). */
  rejectAll(reason: number): void {
    for (const id of this.incoming.ids()) this.reject(id, reason);
  }

  /** `<len><id=16><sequence u64><waterfallId 32><waterfallSize u32>[<header 640>]` */
  version(v: Omit<VersionMsg, 'type'>): void {
    this.send({ type: 'version', ...v });
  }

  /** `<len><id=17><count u8><entries 52 x count>`; ignored unless PEX was negotiated. */
  pex(entries: PexEntry[]): boolean {
    if (!this.handshake || !(this.handshake.capabilities & CAP_PEX)) return false;
    return this.send({ type: 'pex', entries });
  }

  /** `<len=0>` */
  keepAlive(): void {
    this.send({ type: 'keep-alive' });
  }

  /** Sends CLOSE and ends the connection. */
  close(reason = CLOSE_NORMAL, text = ''): void {
    if (this.closed) return;
    this.write(encodeMessage({ type: 'close', reason, text }));
    this.finish(reason === CLOSE_NORMAL ? undefined : new BytefallError('WIRE_CLOSED', `closed: ${text || 'reason ' + reason}`), false);
  }

  /** Closes because of `error`: sends the matching CLOSE, logs one line, bans per policy. */
  fail(error: BytefallError, ban = shouldBan(error.code)): void {
    if (this.closed) return;
    this.write(encodeMessage({ type: 'close', reason: closeReasonFor(error.code), text: error.message }));
    this.finish(error, false, ban);
  }

  // ---- incoming ----------------------------------------------------------------------

  /** `transient`: the chunk's buffer is reused after this call; small frames are copied out of it. */
  private onData(chunk: Uint8Array, transient = false): void {
    if (this.closed) return;
    this.lastReceived = Date.now();
    wireCounters.received += chunk.length;
    try {
      if (!transient) this.parser.push(chunk, (body) => this.onFrame(body));
      else this.parser.push(chunk, (body) => this.onFrame(body.length < this.parser.reuseAbove ? new Uint8Array(body) : body));
    } catch (err) {
      if (err instanceof BytefallError) this.fail(err);
      else this.fail(new BytefallError('WIRE_CLOSED', `internal error: ${(err as Error)?.message}`, { cause: err }), false);
    }
  }

  private onFrame(body: Uint8Array): void {
    if (this.closed) return;
    const m = decodeMessage(body);
    countReceived(m.type, body.length + 4);
    if (this.handshake) this.dispatch(m);
    else this.onHandshakeFrame(m);
  }

  private onHandshakeFrame(m: Message): void {
    if (m.type === 'keep-alive') return;
    if (m.type === 'close') return this.onPeerClose(m.reason, m.text);
    if (m.type !== 'hello') {
      throw new BytefallError('WIRE_UNEXPECTED', `${m.type === 'unknown' ? messageName(m.id) : m.type.toUpperCase()} before the handshake`);
    }
    if (this.initiator) {
      const out = checkAnswer(this.local, this.opts.swarmId!, m, this.opts.remoteNodeId);
      if (!out.ok) return this.refuse(out.refusal);
      this.opened(out.value);
    } else {
      const accept = this.opts.acceptSwarm ?? (() => CLOSE_UNKNOWN_SWARM);
      const out = answerHello(this.local, m, this.opts.remoteNodeId, accept);
      if (!out.ok) return this.refuse(out.refusal);
      this.write(encodeMessage(out.value.reply as HelloMsg));
      this.opened(out.value.result);
    }
  }

  private refuse(r: Refusal): void {
    this.write(encodeMessage({ type: 'close', reason: r.reason, text: r.error.message }));
    this.finish(r.error, false, r.ban);
  }

  private opened(result: HandshakeResult): void {
    this.handshake = result;
    this.parser.maxFrameLen = MAX_FRAME_LEN;
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = null;
    this.tickTimer = setInterval(() => this.tick(), this.timeouts.tick);
    this.tickTimer.unref?.();
    this.emit('handshake', result);
  }

  private dispatch(m: Message): void {
    switch (m.type) {
      case 'hello': throw new BytefallError('WIRE_UNEXPECTED', 'a second HELLO');
      case 'close': return this.onPeerClose(m.reason, m.text);
      case 'keep-alive': return void this.emit('keep-alive');
      case 'choke': this.peerChoking = true; return void this.emit('choke');
      case 'unchoke': this.peerChoking = false; return void this.emit('unchoke');
      case 'interested': this.peerInterested = true; return void this.emit('interested');
      case 'not-interested': this.peerInterested = false; return void this.emit('not-interested');
      case 'have-all': this.peerHaveVersion = m.waterfallId.slice(); return void this.emit('have-all', m.waterfallId);
      case 'have-none': this.peerHaveVersion = m.waterfallId.slice(); return void this.emit('have-none', m.waterfallId);
      case 'bitfield': this.peerHaveVersion = m.waterfallId.slice(); return void this.emit('bitfield', m);
      case 'have':
        if (!this.peerHaveVersion) throw new BytefallError('WIRE_UNEXPECTED', 'HAVE before any HAVE_ALL, HAVE_NONE or BITFIELD');
        return void this.emit('have', m.piece);
      case 'request': this.incoming.add(m); return void this.emit('request', m);
      case 'hash-request': this.incoming.add(m); return void this.emit('hash-request', m);
      case 'cancel': {
        const r = this.incoming.get(m.reqId);
        if (r && !r.cancelled) {
          r.cancelled = true;
          this.emit('cancel', m.reqId);
        }
        return; // an answer may have crossed the CANCEL: skip
      }
      case 'piece': {
        const r = this.answered(m.reqId, 'PIECE', 'request');
        const req = r.msg as RequestMsg;
        const refusal = encodingRefusal(m.encoding, req, this.handshake!.capabilities);
        if (refusal) throw new BytefallError('WIRE_BAD_MESSAGE', `PIECE: ${refusal}`);
        if (m.encoding === ENCODING_RAW ? m.data.length !== req.length : m.data.length >= req.length) {
          throw new BytefallError('WIRE_BAD_MESSAGE', `PIECE: ${m.data.length} bytes${m.encoding ? ` of encoding ${m.encoding}` : ''} for a request of ${req.length}`);
        }
        // Compressed data comes back as exactly the block asked for, or the peer is banned.
        const blockLen = req.ref.kind !== 'dict' ? req.ref.delta?.blockLen ?? 0 : 0;
        return void this.emit('piece', r, decodeBlock(m.encoding, m.data, req.length, this.dictionaries.get(r), blockLen), m.data.length);
      }
      case 'hashes': {
        const r = this.answered(m.reqId, 'HASHES', 'hash-request');
        if (m.hashes.length > (m.recordLen ?? 32) * (r.msg as HashRequestMsg).count) {
          throw new BytefallError('WIRE_BAD_MESSAGE', `HASHES: ${m.hashes.length / (m.recordLen ?? 32)} hashes for a request of ${(r.msg as HashRequestMsg).count}`);
        }
        return void this.emit('hashes', r, m.hashes, m.proof);
      }
      case 'reject': {
        const r = this.outgoing.take(m.reqId);
        if (!r) throw new BytefallError('WIRE_UNKNOWN_REQUEST', `REJECT for request ${m.reqId}, which is not in flight`);
        return void this.emit('reject', r, m.reason);
      }
      case 'version': return void this.emit('version', m);
      case 'pex':
        if (this.handshake!.capabilities & CAP_PEX) this.emit('pex', m.entries);
        return; // not negotiated: skip
      case 'unknown': return void this.emit('unknown', m.id, m.payload);
    }
  }

  /** Takes the outgoing request a PIECE or HASHES answers. */
  private answered(reqId: number, what: string, type: 'request' | 'hash-request'): InFlight {
    const r = this.outgoing.get(reqId);
    if (!r) throw new BytefallError('WIRE_UNKNOWN_REQUEST', `${what} for request ${reqId}, which is not in flight`);
    if (r.msg.type !== type) throw new BytefallError('WIRE_BAD_MESSAGE', `${what} answers request ${reqId}, which is a ${r.msg.type}`);
    return this.outgoing.take(reqId)!;
  }

  private onPeerClose(reason: number, text: string): void {
    const error = reason === CLOSE_NORMAL ? undefined : errorForPeerClose(reason, text);
    this.finish(error, true);
  }

  // ---- plumbing ----------------------------------------------------------------------

  private tick(): void {
    const now = Date.now();
    if (now - this.lastReceived >= this.timeouts.idle) {
      return this.fail(new BytefallError('WIRE_TIMEOUT', `nothing received for ${now - this.lastReceived} ms`));
    }
    if (now - this.lastSent >= this.timeouts.keepAlive) this.keepAlive();
    for (const r of this.outgoing.values()) {
      if (now - r.at < this.timeouts.request) break; // oldest first
      if (!r.timedOut) {
        r.timedOut = true;
        this.emit('request-timeout', r);
      }
    }
  }

  private checkOpen(what: string): void {
    if (!this.handshake) throw new BytefallError('WIRE_UNEXPECTED', `cannot send ${what} before the handshake`);
  }

  private sendChecked(r: InFlight): void {
    try {
      this.write(encodeMessage(r.msg));
    } catch (err) {
      this.outgoing.take(r.reqId); // the arguments were refused: nothing was sent
      throw err;
    }
  }

  private send(m: Message): boolean {
    if (this.closed) return false;
    this.checkOpen(m.type.toUpperCase());
    this.write(encodeMessage(m));
    return true;
  }

  /** Queues bytes for the stream; messages sent in the same tick leave in one write (outbox.ts). */
  private write(bytes: Uint8Array, onWritten?: () => void): void {
    this.writeParts([bytes], onWritten);
  }

  private writeParts(parts: Uint8Array[], onWritten?: () => void): void {
    for (const p of parts) wireCounters.sent += p.length;
    this.outbox.push(parts, onWritten);
    this.lastSent = Date.now();
  }

  private finish(error: BytefallError | undefined, byPeer: boolean, ban = false): void {
    if (this.closed) return;
    this.closed = true;
    this.parser.stop();
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.incoming.clear();
    const lost = this.outgoing.clear();
    if (error && this.opts.log) {
      const who = `peer ${this.opts.label ?? ''}${this.opts.label ? ' ' : ''}${toHex(this.opts.remoteNodeId).slice(0, 16)}`;
      this.opts.log(`${who}: ${error.code}: ${error.message}${ban ? ' (banned)' : ''}`);
    }
    this.outbox.end(); // what is queued (a CLOSE) leaves first
    const grace = setTimeout(() => this.stream.destroy(), 2_000);
    grace.unref?.();
    this.stream.once('close', () => clearTimeout(grace));
    this.emit('close', { error, ban, byPeer, lost });
  }
}
