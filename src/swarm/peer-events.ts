// Wires one peer's messages to the parts of its swarm (the one dispatch of the engine),
// and tells a new peer what we have. Everything the peer claims is checked against our
// version here: a HAVE or BITFIELD past the last piece is a lie and bans it.
import { BytefallError } from '../errors.js';
import { equalBytes } from '../format/bytes.js';
import type { BitfieldMsg } from '../wire/messages.js';
import { Bitfield } from './picker-bitfield.js';
import type { Peer } from './peer.js';
import type { Swarm } from './session.js';

/** The most bitfield bytes one BITFIELD may carry (docs/PROTOCOL.md). */
const MAX_BITFIELD_BYTES = 1_048_539;

/** HAVE_ALL, HAVE_NONE or BITFIELD(s) for what we hold. */
export function sendHaves(s: Swarm, peer: Peer): void {
  const id = s.waterfall.waterfallId;
  const total = s.layout.totalPieces;
  if (s.verifiedCount === total) return void peer.wire.haveAll(id);
  if (s.verifiedCount === 0) return void peer.wire.haveNone(id);
  const bytes = s.storage.verified().toBytes();
  for (let at = 0; at < bytes.length; at += MAX_BITFIELD_BYTES) {
    peer.wire.bitfield(id, bytes.subarray(at, Math.min(at + MAX_BITFIELD_BYTES, bytes.length)), at * 8);
  }
}

export function attachPeer(s: Swarm, peer: Peer): void {
  const wire = peer.wire;
  const total = s.layout.totalPieces;
  const ours = (waterfallId: Uint8Array) => equalBytes(waterfallId, s.waterfall.waterfallId);

  /** The peer describes another version (or starts over): forget what it had. */
  const reset = (onOurs: boolean, full: boolean) => {
    peer.onOurVersion = onOurs;
    peer.bits = onOurs && full ? Bitfield.full(total) : new Bitfield(total);
    s.picker.addPeer(peer.id, peer.bits);
  };
  const changed = () => {
    s.updateInterest(peer);
    s.hashFetcher.fill(peer);
    s.downloader.fill(peer);
  };
  const bitfield = (m: BitfieldMsg) => {
    if (!ours(m.waterfallId)) return reset(false, false);
    if (!peer.onOurVersion) reset(true, false);
    const chunk = Bitfield.fromChunk(total, m.first, m.bits);
    if (!chunk) return s.punish(peer, new BytefallError('WIRE_BAD_DATA', `BITFIELD names pieces past the last (${total - 1})`));
    chunk.forEach((i) => peer.bits.set(i));
    s.picker.peerBitfield(peer.id, m.first, m.bits);
    changed();
  };

  wire.on('have-all', (w) => {
    reset(ours(w), true);
    changed();
  });
  wire.on('have-none', (w) => reset(ours(w), false));
  wire.on('bitfield', bitfield);
  wire.on('have', (piece) => {
    if (!peer.onOurVersion) return; // about another version
    if (piece >= total) return s.punish(peer, new BytefallError('WIRE_BAD_DATA', `HAVE ${piece}: the last piece is ${total - 1}`));
    if (!peer.bits.set(piece)) return;
    s.picker.peerHave(peer.id, piece);
    if (!wire.amInterested) s.updateInterest(peer);
    if (peer.isSeed) s.hashFetcher.fill(peer);
  });
  wire.on('unchoke', () => s.downloader.fill(peer));
  wire.on('interested', () => s.runChoker());
  wire.on('not-interested', () => s.runChoker());
  wire.on('request', (m) => s.uploader.onRequest(peer, m));
  wire.on('hash-request', (m) => s.uploader.onHashRequest(peer, m));
  wire.on('cancel', (reqId) => s.uploader.onCancel(peer, reqId));
  wire.on('drain', () => s.uploader.drained(peer));
  wire.on('piece', (r, data) => s.downloader.onBlock(peer, r, data));
  wire.on('hashes', (r, hashes, proof) => s.hashFetcher.onHashes(peer, r, hashes, proof));
  wire.on('reject', (r, reason) => {
    if (r.msg.type === 'hash-request') s.hashFetcher.onReject(peer, r);
    else s.downloader.onReject(peer, r, reason);
  });
  wire.on('request-timeout', (r) => {
    const what = r.msg.type === 'hash-request' ? 'HASH_REQUEST' : 'REQUEST';
    wire.fail(new BytefallError('WIRE_TIMEOUT', `a ${what} went unanswered for ${Math.round((s.now() - r.at) / 1000)} s`), false);
  });
  wire.on('version', (m) => {
    if (!ours(m.waterfallId)) s.notifyNewerVersion(m.sequence);
  });
  wire.on('pex', (entries) => s.pex.onPex(peer, entries));
  wire.on('close', (info) => s.removePeer(peer, info.ban, info.error));
  if (wire.closed) s.removePeer(peer); // closed while we set up
}
