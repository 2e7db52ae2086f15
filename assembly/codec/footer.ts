// The footer's blocks after the files signature: the peer count block and the
// 64-byte peer records (the unsigned, rewritable peer list).
// See docs/FORMAT.md, "Footer".
import { IO, fits, setSlot, getSlot, inRange, firstNonZero, F_ARG } from './memory';
import * as S from './status';

const KIND_ZEROTIER: u8 = 0;
const KIND_IPV4: u8 = 1;
const KIND_IPV6: u8 = 2;
const ZT_ADDRESS_BITS: u64 = 40;

/** Peer count block slot 0: the count. */
export const P_COUNT: u32 = 0;

/** The raw peer count of the block at io[at], unchecked: the size check needs it before step 6. */
export function peerCountOf(at: u32): u32 {
  if (!fits(at, 64)) return 0;
  return load<u32>(IO + at);
}

/** <peer count u32><reserved 60>. */
export function decodePeerCountBlock(at: u32): i32 {
  if (!fits(at, 64)) return S.OUT_OF_BOUNDS;
  setSlot(P_COUNT, load<u32>(IO + at));
  if (firstNonZero(at + 4, 60) >= 0) return S.RESERVED_NONZERO;
  return S.OK;
}

/** Writes the peer count block from slot 0, then validates it. */
export function encodePeerCountBlock(at: u32): i32 {
  if (!fits(at, 64)) return S.OUT_OF_BOUNDS;
  if (!inRange(P_COUNT, 0, 0xffffffff)) {
    setSlot(F_ARG, P_COUNT);
    return S.PEER_FIELD_RANGE;
  }
  memory.fill(IO + at, 0, 64);
  store<u32>(IO + at, <u32>getSlot(P_COUNT));
  return decodePeerCountBlock(at);
}

// Peer record slots; the public key (bytes 0-31) and IP (48-63) stay in the I/O area.
export const R_ZT: u32 = 0;
export const R_CONFIDENCE: u32 = 1;
export const R_KIND: u32 = 2;
export const R_PORT: u32 = 3;

/**
 * <public key 32><ZeroTier address u64><confidence i32><kind u8><reserved u8><port u16><ip 16>.
 * Kind 0 carries a ZeroTier address and no IP; kind 1 an IPv4 address in the
 * first 4 IP bytes (the rest zero); kind 2 an IPv6 address. The port is never 0.
 */
export function decodePeer(at: u32): i32 {
  if (!fits(at, 64)) return S.OUT_OF_BOUNDS;
  const p = IO + at;
  const zt = load<u64>(p, 32);
  const kind = load<u8>(p, 44);
  const port = load<u16>(p, 46);
  setSlot(R_ZT, zt);
  setSlot(R_CONFIDENCE, load<i32>(p, 40));
  setSlot(R_KIND, kind);
  setSlot(R_PORT, port);
  if (firstNonZero(at + 45, 1) >= 0) return S.RESERVED_NONZERO;
  if (kind > KIND_IPV6) return S.PEER_KIND;
  if (port == 0) return S.PEER_PORT;
  if ((zt >> ZT_ADDRESS_BITS) != 0) return S.PEER_ZT_RANGE;
  if (kind == KIND_ZEROTIER) {
    if (zt == 0) return S.PEER_NO_ZT;
    if (firstNonZero(at + 48, 16) >= 0) return S.PEER_IP_FORM;
  } else if (kind == KIND_IPV4) {
    if (firstNonZero(at + 48, 4) < 0) return S.PEER_NO_IP;
    if (firstNonZero(at + 52, 12) >= 0) return S.PEER_IP_FORM;
  } else if (firstNonZero(at + 48, 16) < 0) {
    return S.PEER_NO_IP;
  }
  return S.OK;
}

/** Writes bytes 32-47 of the record at io[at] from slots 0-3 (key and IP are already there), then validates it. */
export function encodePeer(at: u32): i32 {
  if (!fits(at, 64)) return S.OUT_OF_BOUNDS;
  if (!inRange(R_CONFIDENCE, i32.MIN_VALUE, i32.MAX_VALUE)) return fieldRange(R_CONFIDENCE);
  if (!inRange(R_KIND, 0, 0xff)) return fieldRange(R_KIND);
  if (!inRange(R_PORT, 0, 0xffff)) return fieldRange(R_PORT);
  const p = IO + at;
  store<i64>(p, getSlot(R_ZT), 32);
  store<i32>(p, <i32>getSlot(R_CONFIDENCE), 40);
  store<u8>(p, <u8>getSlot(R_KIND), 44);
  store<u8>(p, 0, 45);
  store<u16>(p, <u16>getSlot(R_PORT), 46);
  return decodePeer(at);
}

/** An unused slot of the first five (peer count < 5) must be all zero. */
export function checkEmptyPeer(at: u32): i32 {
  if (!fits(at, 64)) return S.OUT_OF_BOUNDS;
  if (firstNonZero(at, 64) >= 0) return S.PEER_SLOT_USED;
  return S.OK;
}

function fieldRange(slot: u32): i32 {
  setSlot(F_ARG, slot);
  return S.PEER_FIELD_RANGE;
}
