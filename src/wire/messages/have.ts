// What a peer has: HAVE_ALL, HAVE_NONE and BITFIELD name the Waterfall version
// (waterfall id) that the sender's following HAVE messages refer to.
import { MSG_HAVE_ALL, MSG_HAVE_NONE, MSG_BITFIELD, MSG_HAVE } from '../constants.js';
import { checkArg, checkBytes, isUint } from '../bytes.js';
import type { Codec } from './codec.js';

export interface HaveAllMsg {
  type: 'have-all';
  waterfallId: Uint8Array;
}

export interface HaveNoneMsg {
  type: 'have-none';
  waterfallId: Uint8Array;
}

export interface BitfieldMsg {
  type: 'bitfield';
  waterfallId: Uint8Array;
  /** Piece index of the first bit; a multiple of 8. */
  first: number;
  /** Bit 7 of byte 0 is piece `first`, bit 6 is `first + 1`, and so on. */
  bits: Uint8Array;
}

export interface HaveMsg {
  type: 'have';
  piece: number;
}

export const haveAll: Codec<HaveAllMsg> = {
  id: MSG_HAVE_ALL,
  name: 'HAVE_ALL',
  size: () => 32,
  /** `<len=u32 33><id=6><waterfallId 32>` */
  encode(w, m) {
    checkBytes(m.waterfallId, 32, 'HAVE_ALL waterfall id');
    w.bytes(m.waterfallId);
  },
  decode: (r) => ({ type: 'have-all', waterfallId: r.bytes(32) }),
};

export const haveNone: Codec<HaveNoneMsg> = {
  id: MSG_HAVE_NONE,
  name: 'HAVE_NONE',
  size: () => 32,
  /** `<len=u32 33><id=7><waterfallId 32>` */
  encode(w, m) {
    checkBytes(m.waterfallId, 32, 'HAVE_NONE waterfall id');
    w.bytes(m.waterfallId);
  },
  decode: (r) => ({ type: 'have-none', waterfallId: r.bytes(32) }),
};

function bitfieldRangeOk(first: number, bytes: number): boolean {
  return first % 8 === 0 && bytes >= 1 && first + bytes * 8 <= 2 ** 32;
}

export const bitfield: Codec<BitfieldMsg> = {
  id: MSG_BITFIELD,
  name: 'BITFIELD',
  size: (m) => 36 + m.bits.length,
  /** `<len=u32><id=8><waterfallId 32><first u32, multiple of 8><bits, at least 1 byte>` */
  encode(w, m) {
    checkBytes(m.waterfallId, 32, 'BITFIELD waterfall id');
    checkArg(isUint(m.first, 0xffffffff) && bitfieldRangeOk(m.first, m.bits.length), 'BITFIELD: first must be a multiple of 8 and bits non-empty within 2^32 pieces');
    w.bytes(m.waterfallId).u32(m.first).bytes(m.bits);
  },
  decode(r) {
    const waterfallId = r.bytes(32);
    const first = r.u32();
    const bits = r.rest();
    if (!bitfieldRangeOk(first, bits.length)) throw r.bad(`first ${first} is not a multiple of 8, or ${bits.length} bytes of bits are empty or pass 2^32 pieces`);
    return { type: 'bitfield', waterfallId, first, bits };
  },
};

export const have: Codec<HaveMsg> = {
  id: MSG_HAVE,
  name: 'HAVE',
  size: () => 4,
  /** `<len=u32 5><id=9><piece u32>` */
  encode(w, m) {
    checkArg(isUint(m.piece, 0xffffffff), 'HAVE: piece must be a u32');
    w.u32(m.piece);
  },
  decode: (r) => ({ type: 'have', piece: r.u32() }),
};
