// Wires one peer's messages to the parts of its swarm (the one dispatch of the engine),
// and tells a new peer what we have. Everything the peer claims is checked against our
// version here: a HAVE or BITFIELD past the last piece is a lie and bans it.
import { BytefallError } from '../errors.js';
import { equalBytes } from '../format/bytes.js';
import type { BitfieldMsg } from '../wire/messages.js';
import { Bitfield } from './picker-bitfield.js';
import type { Peer } from './peer.js';
import type { WireEvents } from '../wire/wire.js';
import type { Swarm } from './session.js';

/** The most bitfield bytes one BITFIELD may carry (docs/PROTOCOL.md). */
const MAX_BITFIELD_BYTES = 1_048_539;

/** HAVE_ALL, HAVE_NONE or BITFIELD(s) for what we hold. */
export function sendHaves(s: Swarm, peer: Peer): void {
  const id = s.waterfall.waterfallId;
  const total = s.layout.totalPieces;
  if (s.verifiedCount === total) return void peer.wire.haveAll(id);
  const bits = s.announcedBits();
  if (bits.count === total) return void peer.wire.haveAll(id);
  if (bits.count === 0) return void peer.wire.haveNone(id);
  const bytes = bits.toBytes();
  for (let at = 0; at < bytes.length; at += MAX_BITFIELD_BYTES) {
    peer.wire.bitfield(id, bytes.subarray(at, Math.min(at + MAX_BITFIELD_BYTES, bytes.length)), at * 8);
  }
}

/** What a peer said it has of a version other than ours, kept for a swarm of that version (a handover). */
export interface OtherHaves {
  waterfallId: Uint8Array;
  all: boolean;
  chunks: { first: number; bits: Uint8Array }[];
  haves: number[];
  /** Bytes kept in chunks (bounded). */
  bytes: number;
}

/** Most bitfield bytes and HAVEs kept per peer about another version. */
const MAX_OTHER_BYTES = 4 << 20;
const MAX_OTHER_HAVES = 1 << 20;

/**
 * Routes the peer's messages to the swarm; returns a function that detaches them again (the
 * peer is handed to the swarm of a newer version). `prior`: what the peer said before, about
 * this swarm's version, while it was attached to another swarm.
 */
export function attachPeer(s: Swarm, peer: Peer, prior?: OtherHaves): () => void {
  const wire = peer.wire;
  const total = s.layout.totalPieces;
  const ours = (waterfallId: Uint8Array) => equalBytes(waterfallId, s.waterfall.waterfallId);
  const attached: [keyof WireEvents, (...args: never[]) => void][] = [];
  const on = <E extends keyof WireEvents>(event: E, fn: (...args: WireEvents[E]) => void) => {
    (wire.on as (e: E, f: typeof fn) => void)(event, fn);
    attached.push([event, fn as (...args: never[]) => void]);
  };

  /** The peer describes another version (or starts over): forget what it had. */
  const reset = (onOurs: boolean, full: boolean) => {
    peer.onOurVersion = onOurs;
    peer.bits = onOurs && full ? Bitfield.full(total) : new Bitfield(total);
    s.picker.addPeer(peer.id, peer.bits);
  };
  const other = (waterfallId: Uint8Array, all: boolean) => {
    peer.other = { waterfallId: waterfallId.slice(), all, chunks: [], haves: [], bytes: 0 };
  };
  const changed = () => {
    s.updateInterest(peer);
    s.hashFetcher.fill(peer);
    s.downloader.fill(peer);
  };
  const bitfield = (m: BitfieldMsg) => {
    if (!ours(m.waterfallId)) {
      if (!peer.other || !equalBytes(peer.other.waterfallId, m.waterfallId)) other(m.waterfallId, false);
      const o = peer.other!;
      if (o.bytes + m.bits.length <= MAX_OTHER_BYTES) {
        o.chunks.push({ first: m.first, bits: m.bits.slice() });
        o.bytes += m.bits.length;
      }
      return reset(false, false);
    }
    if (!peer.onOurVersion) reset(true, false);
    const chunk = Bitfield.fromChunk(total, m.first, m.bits);
    if (!chunk) return s.punish(peer, new BytefallError('WIRE_BAD_DATA', `BITFIELD names pieces past the last (${total - 1})`));
    chunk.forEach((i) => peer.bits.set(i));
    s.picker.peerBitfield(peer.id, m.first, m.bits);
    changed();
  };
  const haveAll = (w: Uint8Array) => {
    if (!ours(w)) other(w, true);
    reset(ours(w), true);
    changed();
  };
  const haveNone = (w: Uint8Array) => {
    if (!ours(w)) other(w, false);
    reset(ours(w), false);
  };
  const have = (piece: number) => {
    if (!peer.onOurVersion) {
      if (peer.other && !peer.other.all && peer.other.haves.length < MAX_OTHER_HAVES) peer.other.haves.push(piece);
      return; // about another version
    }
    if (piece >= total) return s.punish(peer, new BytefallError('WIRE_BAD_DATA', `HAVE ${piece}: the last piece is ${total - 1}`));
    if (!peer.bits.set(piece)) return;
    s.picker.peerHave(peer.id, piece);
    if (!wire.amInterested) s.updateInterest(peer);
    if (peer.isSeed) s.hashFetcher.fill(peer);
  };

  on('have-all', haveAll);
  on('have-none', haveNone);
  on('bitfield', bitfield);
  on('have', have);
  on('unchoke', () => s.downloader.fill(peer));
  on('interested', () => s.runChoker());
  on('not-interested', () => s.runChoker());
  on('request', (m) => s.uploader.onRequest(peer, m));
  on('hash-request', (m) => s.uploader.onHashRequest(peer, m));
  on('cancel', (reqId) => s.uploader.onCancel(peer, reqId));
  on('drain', () => s.uploader.drained(peer));
  on('piece', (r, data) => s.downloader.onBlock(peer, r, data));
  on('hashes', (r, hashes, proof) => s.hashFetcher.onHashes(peer, r, hashes, proof));
  on('reject', (r, reason) => {
    if (r.msg.type === 'hash-request') s.hashFetcher.onReject(peer, r);
    else s.downloader.onReject(peer, r, reason);
  });
  on('request-timeout', (r) => {
    const what = r.msg.type === 'hash-request' ? 'HASH_REQUEST' : 'REQUEST';
    wire.fail(new BytefallError('WIRE_TIMEOUT', `a ${what} went unanswered for ${Math.round((s.now() - r.at) / 1000)} s`), false);
  });
  on('version', (m) => {
    if (!ours(m.waterfallId)) s.notifyNewerVersion(peer, m);
  });
  on('pex', (entries) => s.pex.onPex(peer, entries));
  on('close', (info) => s.removePeer(peer, info.ban, info.error));
  if (wire.closed) {
    s.removePeer(peer); // closed while we set up
  } else if (prior && ours(prior.waterfallId)) {
    // What it told the swarm of the old version about ours, replayed.
    if (prior.all) haveAll(prior.waterfallId);
    else {
      haveNone(prior.waterfallId);
      for (const c of prior.chunks) if (!peer.removed) bitfield({ type: 'bitfield', waterfallId: prior.waterfallId, first: c.first, bits: c.bits });
      for (const i of prior.haves) if (!peer.removed && peer.onOurVersion) have(i);
    }
  }
  return () => {
    const off = wire.off.bind(wire) as unknown as (e: keyof WireEvents, f: (...args: never[]) => void) => void;
    for (const [event, fn] of attached) off(event, fn);
    attached.length = 0;
  };
}
