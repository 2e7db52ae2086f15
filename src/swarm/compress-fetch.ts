// The requester's side of compressed pieces: for each piece, what to ask for. A piece the
// update executor hints at (Swarm option `fetchHints`) is asked for with REQUEST kind 3 when
// the peer has capability DICT, is a seed, and the hint names a dictionary (an old piece we hold,
// read and checked against its hash first), else with "compression welcome" when the peer compresses,
// else plainly (kind 0), which is also what every piece of a fresh download gets.
import { equalBytes } from '../format/bytes.js';
import { blake3 } from '../hash/blake3.js';
import {
  CAP_BROTLI, CAP_DEFLATE, CAP_DICT, DICT_BLOCK_LEN, DICT_WINDOW_LEN, MAX_BLOCK_LEN,
} from '../wire/constants.js';
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

interface Mode {
  compress: boolean;
  dict?: { hint: DictionaryHint; bytes?: Uint8Array };
}

const modes = new WeakMap<PieceAssembly, Mode>();
const loads = new WeakMap<DictionaryHint, Promise<Uint8Array | undefined>>();

/** The block length to fetch `piece` from `peer` in: 16 KiB with a dictionary (deflate's window is 32 KiB), else 128 KiB. */
export function blockLenFor(s: Swarm, peer: Peer, piece: number): number {
  const hint = s.fetchHints?.(piece);
  return hint?.dictionary && dictionaryPeer(peer) ? DICT_BLOCK_LEN : MAX_BLOCK_LEN;
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
  const mode: Mode = { compress: (hint.compress === true || hint.dictionary !== undefined) && (caps & (CAP_DEFLATE | CAP_BROTLI)) !== 0 };
  modes.set(a, mode);
  if (!hint.dictionary || !dictionaryPeer(peer) || !s.hashes.leaf(a.file, a.pieceInFile)) return;
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

/** The REQUEST ref for block [offset, offset + length) of `a`, and the dictionary window of a kind-3 request. */
export function blockRef(s: Swarm, a: PieceAssembly, offset: number): { ref: PieceRef; dictionary?: Uint8Array } {
  const mode = modes.get(a);
  const dict = mode?.dict?.bytes;
  if (dict) {
    const leaf = s.hashes.leaf(a.file, a.pieceInFile)!;
    const dictOffset = windowStart(offset, a.length, dict.length);
    const window = dict.subarray(dictOffset, Math.min(dict.length, dictOffset + DICT_WINDOW_LEN));
    return { ref: { kind: 'dict', leaf, length: a.length, dictLeaf: mode!.dict!.hint.leaf, dictLength: dict.length, dictOffset }, dictionary: window };
  }
  return { ref: { kind: 'index', waterfallId: s.waterfall.waterfallId, piece: a.piece, ...(mode?.compress ? { compress: true } : {}) } };
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
