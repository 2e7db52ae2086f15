// Moving bytes: REQUEST names a block of a piece (by version and index, or by
// content, optionally welcoming compression or naming an old piece as dictionary) or of
// the Waterfall file itself; PIECE, REJECT answer it; CANCEL withdraws it.
import {
  MSG_REQUEST, MSG_PIECE, MSG_CANCEL, MSG_REJECT, MAX_BLOCK_LEN, MAX_PIECE_LEN,
  REF_INDEX, REF_HASH, REF_WATERFALL, REF_DICT, REF_FLAG_COMPRESS, REF_FLAG_DELTA, ENCODING_DELTA,
} from '../constants.js';
import { DELTA_MAX_BLOCKS, DELTA_MAX_BLOCK_LEN, DELTA_MIN_BLOCK_LEN, DELTA_SIG_ENTRY_LEN } from '../delta.js';
import { Reader, Writer, checkArg, checkBytes, isUint } from '../bytes.js';
import type { Codec } from './codec.js';

/** Which bytes a REQUEST is about. */
export type PieceRef =
  /**
   * Piece `piece` (counted across all files, in entry order) of the version `waterfallId`.
   * `compress`: the requester welcomes PIECE encodings 1-2 (bit 7 of the kind byte).
   * `delta`: the signature of bytes the requester holds, for PIECE encoding 4 (bit 6).
   */
  | { kind: 'index'; waterfallId: Uint8Array; piece: number; compress?: boolean; delta?: DeltaAsk }
  /** Any piece, in any version, whose leaf hash is `leaf` and whose length is `length`. */
  | { kind: 'hash'; leaf: Uint8Array; length: number; compress?: boolean; delta?: DeltaAsk }
  /** The served form of the Waterfall file `waterfallId` (docs/PROTOCOL.md); `compress` and `delta` as for kind 0. */
  | { kind: 'waterfall'; waterfallId: Uint8Array; compress?: boolean; delta?: DeltaAsk }
  /**
   * The piece named as by kind 1, compressed with raw deflate whose dictionary is bytes
   * [dictOffset, dictOffset + 32 KiB) (clipped) of the piece (dictLeaf, dictLength), one the
   * requester holds (PIECE encoding 3).
   */
  | { kind: 'dict'; leaf: Uint8Array; length: number; dictLeaf: Uint8Array; dictLength: number; dictOffset: number };

/** A signature (delta.ts) of `signature.length / 8` blocks of `blockLen` bytes the requester holds. */
export interface DeltaAsk {
  blockLen: number;
  signature: Uint8Array;
}

export interface RequestMsg {
  type: 'request';
  reqId: number;
  ref: PieceRef;
  offset: number;
  length: number;
}

export interface PieceMsg {
  type: 'piece';
  reqId: number;
  /** ENCODING_*: 0 raw, 1 raw deflate, 2 brotli, 3 raw deflate with a dictionary, 4 a deflated delta. */
  encoding: number;
  data: Uint8Array;
}

export interface CancelMsg {
  type: 'cancel';
  reqId: number;
}

export interface RejectMsg {
  type: 'reject';
  reqId: number;
  /** REJECT_*; values this build does not know are kept as they are. */
  reason: number;
}

function refSize(ref: PieceRef): number {
  const delta = ref.kind !== 'dict' && ref.delta ? 4 + ref.delta.signature.length : 0;
  return (ref.kind === 'index' ? 1 + 36 : ref.kind === 'hash' ? 1 + 36 : ref.kind === 'dict' ? 1 + 76 : 1 + 32) + delta;
}

/** The largest end (offset + length) a request may name for this ref. */
function refLimit(ref: PieceRef): number {
  return ref.kind === 'hash' || ref.kind === 'dict' ? ref.length : ref.kind === 'index' ? MAX_PIECE_LEN : 0xffffffff;
}

/**
 * `<kind=0 u8><waterfallId 32><piece u32>` |
 * `<kind=1 u8><leaf hash 32><piece length u32>` |
 * `<kind=2 u8><waterfallId 32>` |
 * `<kind=3 u8><leaf hash 32><piece length u32><dict leaf hash 32><dict length u32><dict offset u32>`;
 * kinds 0, 1 and 2 with bit 7 (0x80) set welcome a compressed answer; with bit 6 (0x40) set,
 * `<block length u16><count u16><signature: count x 8 bytes>` follows (a delta is welcome).
 */
function encodeRef(w: Writer, ref: PieceRef): void {
  const flag = ref.kind === 'dict' ? 0 : (ref.compress ? REF_FLAG_COMPRESS : 0) | (ref.delta ? REF_FLAG_DELTA : 0);
  if (ref.kind === 'index') {
    checkBytes(ref.waterfallId, 32, 'REQUEST waterfall id');
    checkArg(isUint(ref.piece, 0xffffffff), 'REQUEST: piece must be a u32');
    w.u8(REF_INDEX | flag).bytes(ref.waterfallId).u32(ref.piece);
  } else if (ref.kind === 'hash' || ref.kind === 'dict') {
    checkBytes(ref.leaf, 32, 'REQUEST leaf hash');
    checkArg(isUint(ref.length, MAX_PIECE_LEN) && ref.length >= 1, 'REQUEST: piece length out of range');
    w.u8((ref.kind === 'hash' ? REF_HASH : REF_DICT) | flag).bytes(ref.leaf).u32(ref.length);
    if (ref.kind === 'dict') {
      checkBytes(ref.dictLeaf, 32, 'REQUEST dictionary leaf hash');
      checkArg(isUint(ref.dictLength, MAX_PIECE_LEN) && ref.dictLength >= 1, 'REQUEST: dictionary length out of range');
      checkArg(isUint(ref.dictOffset, 0xffffffff) && ref.dictOffset < ref.dictLength, 'REQUEST: dictionary offset past the dictionary piece');
      w.bytes(ref.dictLeaf).u32(ref.dictLength).u32(ref.dictOffset);
    }
  } else {
    checkBytes(ref.waterfallId, 32, 'REQUEST waterfall id');
    w.u8(REF_WATERFALL | flag).bytes(ref.waterfallId);
  }
  if (ref.kind !== 'dict' && ref.delta) {
    const { blockLen, signature } = ref.delta;
    const count = signature.length / DELTA_SIG_ENTRY_LEN;
    checkArg(isUint(blockLen, DELTA_MAX_BLOCK_LEN) && blockLen >= DELTA_MIN_BLOCK_LEN, 'REQUEST: delta block length out of range');
    checkArg(Number.isInteger(count) && count >= 1 && count <= DELTA_MAX_BLOCKS, 'REQUEST: delta signature of 1-4096 entries of 8 bytes');
    w.u16(blockLen).u16(count).bytes(signature);
  }
}

function decodeDelta(r: Reader): DeltaAsk {
  const blockLen = r.u16();
  const count = r.u16();
  if (blockLen < DELTA_MIN_BLOCK_LEN) throw r.bad(`delta block length ${blockLen} is under ${DELTA_MIN_BLOCK_LEN}`);
  if (count < 1 || count > DELTA_MAX_BLOCKS) throw r.bad(`delta signature of ${count} blocks (1-${DELTA_MAX_BLOCKS})`);
  return { blockLen, signature: r.bytes(count * DELTA_SIG_ENTRY_LEN) };
}

function decodeRef(r: Reader): PieceRef {
  const byte = r.u8();
  const kind = byte & ~(REF_FLAG_COMPRESS | REF_FLAG_DELTA);
  const compress = (byte & REF_FLAG_COMPRESS) !== 0;
  const delta = (byte & REF_FLAG_DELTA) !== 0;
  if ((compress || delta) && kind === REF_DICT) throw r.bad('the compression and delta flags are not for kind 3 (it is compressed anyway)');
  const withFlag = <T extends object>(ref: T): T => {
    const out: T & { compress?: boolean; delta?: DeltaAsk } = compress ? { ...ref, compress } : { ...ref };
    if (delta) out.delta = decodeDelta(r);
    return out;
  };
  if (kind === REF_INDEX) return withFlag({ kind: 'index', waterfallId: r.bytes(32), piece: r.u32() });
  if (kind === REF_HASH || kind === REF_DICT) {
    const leaf = r.bytes(32);
    const length = r.u32();
    if (length < 1 || length > MAX_PIECE_LEN) throw r.bad(`piece length ${length} is out of range 1-${MAX_PIECE_LEN}`);
    if (kind === REF_HASH) return withFlag({ kind: 'hash', leaf, length });
    const dictLeaf = r.bytes(32);
    const dictLength = r.u32();
    const dictOffset = r.u32();
    if (dictLength < 1 || dictLength > MAX_PIECE_LEN) throw r.bad(`dictionary length ${dictLength} is out of range 1-${MAX_PIECE_LEN}`);
    if (dictOffset >= dictLength) throw r.bad(`dictionary offset ${dictOffset} is past the dictionary piece of ${dictLength} bytes`);
    return { kind: 'dict', leaf, length, dictLeaf, dictLength, dictOffset };
  }
  if (kind === REF_WATERFALL) return withFlag({ kind: 'waterfall', waterfallId: r.bytes(32) });
  throw r.bad(`unknown piece reference kind ${kind}`);
}

function blockOk(ref: PieceRef, offset: number, length: number): boolean {
  return length >= 1 && length <= MAX_BLOCK_LEN && offset + length <= refLimit(ref);
}

export const request: Codec<RequestMsg> = {
  id: MSG_REQUEST,
  name: 'REQUEST',
  size: (m) => 4 + refSize(m.ref) + 8,
  /** `<len=u32><id=10><reqId u32><ref: 33, 37 or 77 bytes, and a delta signature after bit 6><offset u32><length u32, 1-131072>` */
  encode(w, m) {
    checkArg(isUint(m.reqId, 0xffffffff), 'REQUEST: reqId must be a u32');
    checkArg(isUint(m.offset, 0xffffffff) && isUint(m.length, MAX_BLOCK_LEN) && blockOk(m.ref, m.offset, m.length), 'REQUEST: block out of range');
    w.u32(m.reqId);
    encodeRef(w, m.ref);
    w.u32(m.offset).u32(m.length);
  },
  decode(r) {
    const reqId = r.u32();
    const ref = decodeRef(r);
    const offset = r.u32();
    const length = r.u32();
    if (!blockOk(ref, offset, length)) {
      throw r.bad(`block at ${offset} of ${length} bytes is out of range (1-${MAX_BLOCK_LEN} bytes, ending by ${refLimit(ref)})`);
    }
    return { type: 'request', reqId, ref, offset, length };
  },
};

export const piece: Codec<PieceMsg> = {
  id: MSG_PIECE,
  name: 'PIECE',
  size: (m) => 5 + m.data.length,
  /** `<len=u32><id=11><reqId u32><encoding u8, 0-4><data, 1-131072 bytes>` */
  encode(w, m) {
    checkArg(isUint(m.reqId, 0xffffffff), 'PIECE: reqId must be a u32');
    checkArg(isUint(m.encoding, ENCODING_DELTA), 'PIECE: unknown encoding');
    checkArg(m.data.length >= 1 && m.data.length <= MAX_BLOCK_LEN, 'PIECE: data length out of range');
    w.u32(m.reqId).u8(m.encoding).bytes(m.data);
  },
  decode(r) {
    const reqId = r.u32();
    const encoding = r.u8();
    if (encoding > ENCODING_DELTA) throw r.bad(`unknown encoding ${encoding}`);
    const data = r.rest();
    if (data.length < 1 || data.length > MAX_BLOCK_LEN) throw r.bad(`data length ${data.length} is out of range 1-${MAX_BLOCK_LEN}`);
    return { type: 'piece', reqId, encoding, data };
  },
};

export const cancel: Codec<CancelMsg> = {
  id: MSG_CANCEL,
  name: 'CANCEL',
  size: () => 4,
  /** `<len=u32 5><id=12><reqId u32>` */
  encode(w, m) {
    checkArg(isUint(m.reqId, 0xffffffff), 'CANCEL: reqId must be a u32');
    w.u32(m.reqId);
  },
  decode: (r) => ({ type: 'cancel', reqId: r.u32() }),
};

export const reject: Codec<RejectMsg> = {
  id: MSG_REJECT,
  name: 'REJECT',
  size: () => 5,
  /** `<len=u32 6><id=13><reqId u32><reason u8>` */
  encode(w, m) {
    checkArg(isUint(m.reqId, 0xffffffff) && isUint(m.reason, 0xff), 'REJECT: reqId must be a u32 and reason a u8');
    w.u32(m.reqId).u8(m.reason);
  },
  decode: (r) => ({ type: 'reject', reqId: r.u32(), reason: r.u8() }),
};

