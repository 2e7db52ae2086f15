// The requester's side of compressed pieces: for each piece, what to ask for. A piece the
// update executor hints at (Swarm option `fetchHints`) with a dictionary (an old piece we hold,
// read and checked against its hash first) is asked for with a delta signature of that old piece
// (the delta flag, any peer with capability DELTA), else with REQUEST kind 3 when the peer has
// capability DICT and is a seed; otherwise with "compression welcome" when the peer compresses,
// else plainly (kind 0), which is also what every piece of a fresh download gets. A piece whose
// delta gave wrong bytes (a checksum collision, or a lying peer) is asked again with neither.
import { equalBytes } from '../format/bytes.js';
import { blake3 } from '../hash/blake3.js';
import {
  CAP_BROTLI, CAP_DEFLATE, CAP_DELTA, CAP_DICT, DICT_BLOCK_LEN, DICT_WINDOW_LEN, MAX_BLOCK_LEN,
} from '../wire/constants.js';
import { deltaBlockLen, deltaSignature } from '../wire/delta.js';
import type { PieceRef } from '../wire/messages.js';
import type { Peer } from './peer.js';
import type { PieceAssembly } from './piece-assembly.js';
import type { Swarm } from './session.js';

/** An old piece the requester holds, whose bytes the new piece's replace. */
export interface DictionaryHint {
  /** BLAKE3 of the old piece, and its length (it is checked against them once read). */
  leaf: Uint8Array;
  length: number;
  /** Its bytes, from local storage. */
  read(): Promise<Uint8Array>;
}

/** How a piece should travel (what the update executor knows about it). */
export interface FetchHint {
  /** The piece probably compresses (an update): ask for compressed blocks. */
  compress?: boolean;
  dictionary?: DictionaryHint;
}

/** Where, relative to a block, the dictionary window starts: 8 KiB before the mapped position. */
const DICT_BEHIND = 8 * 1024;

/** Bytes of the old piece around a block's mapped position that its delta signature covers, each side. */
const DELTA_SLACK = 64 * 1024;
/** Smallest delta block for pieces (a base of up to 1 KiB). */
const DELTA_MIN_BLOCK = 32;

interface Mode {
  compress: boolean;
  /** Ask with a delta signature (the peer has DELTA) rather than kind 3. */
  delta: boolean;
  dict?: { hint: DictionaryHint; bytes?: Uint8Array };
}

/** Pieces whose delta answer failed the hash check: asked for without one from then on. */
const noDelta = new WeakMap<Swarm, Set<number>>();

/** The piece failed its hash after a delta: the next try goes without (no ban: see download.ts). */
export function deltaFailed(s: Swarm, piece: number): void {
  let set = noDelta.get(s);
  if (!set) noDelta.set(s, (set = new Set()));
  set.add(piece);
}

const modes = new WeakMap<PieceAssembly, Mode>();
const loads = new WeakMap<DictionaryHint, Promise<Uint8Array | undefined>>();

/** The block length to fetch `piece` from `peer` in: 16 KiB with a kind-3 dictionary (deflate's window is 32 KiB), else 128 KiB. */
export function blockLenFor(s: Swarm, peer: Peer, piece: number): number {
  const hint = s.fetchHints?.(piece);
  return hint?.dictionary && !deltaPeer(s, peer, piece) && !noDelta.get(s)?.has(piece) && dictionaryPeer(peer) ? DICT_BLOCK_LEN : MAX_BLOCK_LEN;
}

/** A delta needs only that the peer speaks DELTA: the base is ours. */
function deltaPeer(s: Swarm, peer: Peer, piece: number): boolean {
  return (capabilities(peer) & CAP_DELTA) !== 0 && !noDelta.get(s)?.has(piece);
}

/**
 * Kind 3 names pieces by content, which a responder finds once it knows every leaf of its
 * version: ask it of seeds (a partial peer may hold the piece by index and still refuse it).
 */
function dictionaryPeer(peer: Peer): boolean {
  return (capabilities(peer) & CAP_DICT) !== 0 && peer.isSeed;
}

/**
 * Decides how `a` travels from `peer`. With a dictionary to read, the assembly's requests are
 * held back (a.held) until it is read and checked; `resume` then asks for its blocks.
 */
export function planPiece(s: Swarm, peer: Peer, a: PieceAssembly, resume: () => void): void {
  const hint = s.fetchHints?.(a.piece);
  if (!hint) return;
  const caps = capabilities(peer);
  const delta = hint.dictionary !== undefined && deltaPeer(s, peer, a.piece);
  const retried = noDelta.get(s)?.has(a.piece) === true; // after a failed delta: plainly, no dictionary either
  const mode: Mode = { compress: (hint.compress === true || hint.dictionary !== undefined) && (caps & (CAP_DEFLATE | CAP_BROTLI)) !== 0, delta };
  modes.set(a, mode);
  if (!hint.dictionary || retried || !(delta || dictionaryPeer(peer)) || !s.hashes.leaf(a.file, a.pieceInFile)) return;
  const d = hint.dictionary;
  mode.dict = { hint: d };
  a.held = true;
  let load = loads.get(d);
  if (!load) loads.set(d, (load = readChecked(d)));
  void load.then((bytes) => {
    if (bytes) mode.dict!.bytes = bytes;
    else mode.dict = undefined; // unreadable or changed: compression without it
    a.held = false;
    if (!a.dropped) resume();
  });
}

/**
 * The REQUEST ref for block [offset, offset + length) of `a`, and the bytes that decode its
 * answer: the dictionary window of a kind-3 request, or the base of a delta signature.
 */
export function blockRef(s: Swarm, a: PieceAssembly, offset: number, length: number): { ref: PieceRef; dictionary?: Uint8Array } {
  const mode = modes.get(a);
  const dict = mode?.dict?.bytes;
  if (dict && mode.delta) {
    const base = deltaBase(dict, offset, length, a.length);
    const blockLen = pieceDeltaBlockLen(base.length);
    if (base.length >= blockLen) {
      a.delta = true;
      const ref: PieceRef = { kind: 'index', waterfallId: s.waterfall.waterfallId, piece: a.piece, compress: mode.compress, delta: { blockLen, signature: deltaSignature(base, blockLen) } };
      return { ref, dictionary: base };
    }
  }
  if (dict && !mode.delta) {
    const leaf = s.hashes.leaf(a.file, a.pieceInFile)!;
    const dictOffset = windowStart(offset, a.length, dict.length);
    const window = dict.subarray(dictOffset, Math.min(dict.length, dictOffset + DICT_WINDOW_LEN));
    return { ref: { kind: 'dict', leaf, length: a.length, dictLeaf: mode!.dict!.hint.leaf, dictLength: dict.length, dictOffset }, dictionary: window };
  }
  return { ref: { kind: 'index', waterfallId: s.waterfall.waterfallId, piece: a.piece, ...(mode?.compress ? { compress: true } : {}) } };
}

/**
 * The delta block for a base of `baseLen` bytes of an old piece: about its square root, as
 * rsync chooses (a signature of 8 sqrt(n) bytes; literal runs of a block or two around each
 * edit), at least DELTA_MIN_BLOCK, and at most DELTA_MAX_BLOCKS blocks.
 */
export function pieceDeltaBlockLen(baseLen: number): number {
  let b = DELTA_MIN_BLOCK;
  while (b * b < baseLen) b *= 2;
  return deltaBlockLen(baseLen, b);
}

/**
 * The part of the old piece `dict` a delta for block [offset, offset + length) of a new piece
 * of `pieceLength` is made against: the mapped position, DELTA_SLACK before and after.
 */
export function deltaBase(dict: Uint8Array, offset: number, length: number, pieceLength: number): Uint8Array {
  const pos = Math.floor((offset * dict.length) / pieceLength);
  return dict.subarray(Math.max(0, pos - DELTA_SLACK), Math.min(dict.length, pos + length + DELTA_SLACK));
}

/**
 * Where the window for the block at `offset` of a piece of `pieceLength` starts in the old
 * piece: the same relative position, 8 KiB before it, kept inside the old piece.
 */
export function windowStart(offset: number, pieceLength: number, dictLength: number): number {
  const pos = Math.floor((offset * dictLength) / pieceLength);
  return Math.max(0, Math.min(pos - DICT_BEHIND, dictLength - DICT_WINDOW_LEN));
}

async function readChecked(d: DictionaryHint): Promise<Uint8Array | undefined> {
  try {
    const bytes = await d.read();
    return bytes.length === d.length && equalBytes(blake3(bytes), d.leaf) ? bytes : undefined;
  } catch {
    return undefined;
  }
}

function capabilities(peer: Peer): number {
  return peer.wire.handshake?.capabilities ?? 0;
}
