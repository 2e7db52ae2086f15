// Announcements: VERSION (the newest Waterfall version the sender knows, for
// `get` and for updates) and PEX (peer exchange, like BEP 11).
import {
  MSG_VERSION, MSG_PEX, MAX_PEX_ENTRIES, PEX_ENTRY_LEN, WATERFALL_HEADER_LEN,
  MIN_SERVED_WATERFALL_LEN, WATERFALL_ENTRY_LEN,
  PEX_KIND_ZEROTIER, PEX_KIND_IPV4, PEX_KIND_IPV6, PEX_FLAG_DROPPED, PEX_FLAG_SEED,
} from '../constants.js';
import { Reader, Writer, checkArg, checkBytes, isUint } from '../bytes.js';
import type { Codec } from './codec.js';
import type { Address } from '../../net/address.js';
import { ipv4ToBytes, ipv6ToBytes, bytesToIpv4, bytesToIpv6 } from '../../net/ip.js';

export interface VersionMsg {
  type: 'version';
  /** The Waterfall's sequence number (>= 1). */
  sequence: number;
  waterfallId: Uint8Array;
  /** Bytes of the served form of that Waterfall (768 + 448 n + 320). */
  waterfallSize: number;
  /** The signed header (public form, 640 bytes), or undefined. */
  header?: Uint8Array;
}

export interface PexEntry {
  /** The peer's node id, or 32 zero bytes when unknown. */
  nodeId: Uint8Array;
  address: Address;
  /** The peer left the sender (BEP 11's "dropped"). */
  dropped: boolean;
  /** The peer has every piece of its version. */
  seed: boolean;
}

export interface PexMsg {
  type: 'pex';
  entries: PexEntry[];
}

const SEQUENCE_AT = 456; // docs/FORMAT.md: header offset of the sequence

function sizeOk(size: number): boolean {
  return size >= MIN_SERVED_WATERFALL_LEN && (size - MIN_SERVED_WATERFALL_LEN) % WATERFALL_ENTRY_LEN === 0;
}

function headerSequence(header: Uint8Array): bigint {
  return new DataView(header.buffer, header.byteOffset + SEQUENCE_AT, 8).getBigUint64(0, true);
}

export const version: Codec<VersionMsg> = {
  id: MSG_VERSION,
  name: 'VERSION',
  size: (m) => 44 + (m.header ? WATERFALL_HEADER_LEN : 0),
  /** `<len=u32><id=16><sequence u64><waterfallId 32><waterfallSize u32>[<header 640>]` */
  encode(w, m) {
    checkArg(Number.isSafeInteger(m.sequence) && m.sequence >= 1, 'VERSION: sequence must be >= 1');
    checkBytes(m.waterfallId, 32, 'VERSION waterfall id');
    checkArg(isUint(m.waterfallSize, 0xffffffff) && sizeOk(m.waterfallSize), 'VERSION: waterfall size is not 1088 + 448 n');
    if (m.header) {
      checkBytes(m.header, WATERFALL_HEADER_LEN, 'VERSION header');
      checkArg(headerSequence(m.header) === BigInt(m.sequence), 'VERSION: the header has another sequence');
    }
    w.u64(m.sequence).bytes(m.waterfallId).u32(m.waterfallSize);
    if (m.header) w.bytes(m.header);
  },
  decode(r) {
    const sequence = r.u64('sequence');
    if (sequence < 1) throw r.bad('sequence 0');
    const waterfallId = r.bytes(32);
    const waterfallSize = r.u32();
    if (!sizeOk(waterfallSize)) throw r.bad(`waterfall size ${waterfallSize} is not 1088 + 448 n`);
    if (r.remaining === 0) return { type: 'version', sequence, waterfallId, waterfallSize };
    if (r.remaining !== WATERFALL_HEADER_LEN) throw r.bad(`a header is ${WATERFALL_HEADER_LEN} bytes, not ${r.remaining}`);
    const header = r.bytes(WATERFALL_HEADER_LEN);
    if (headerSequence(header) !== BigInt(sequence)) throw r.bad('the header has another sequence');
    return { type: 'version', sequence, waterfallId, waterfallSize, header };
  },
};

/** `<nodeId 32><kind u8><flags u8><port u16><address 16>` */
function encodeEntry(w: Writer, e: PexEntry): void {
  checkBytes(e.nodeId, 32, 'PEX node id');
  const a = e.address;
  checkArg(isUint(a.port, 0xffff) && a.port >= 1, 'PEX: port out of range');
  const addr = new Uint8Array(16);
  let kind: number;
  if (a.kind === 'zt') {
    kind = PEX_KIND_ZEROTIER;
    checkArg(/^[0-9a-f]{10}$/.test(a.node) && !/^0+$/.test(a.node), 'PEX: bad ZeroTier node id');
    new DataView(addr.buffer).setBigUint64(0, BigInt('0x' + a.node), true);
  } else {
    const v4 = ipv4ToBytes(a.host);
    const v6 = v4 ? undefined : ipv6ToBytes(a.host);
    checkArg(v4 !== undefined || v6 !== undefined, 'PEX: only IP literals can be exchanged');
    kind = v4 ? PEX_KIND_IPV4 : PEX_KIND_IPV6;
    addr.set(v4 ?? v6!);
  }
  const flags = (e.dropped ? PEX_FLAG_DROPPED : 0) | (e.seed ? PEX_FLAG_SEED : 0);
  w.bytes(e.nodeId).u8(kind).u8(flags).u16(a.port).bytes(addr);
}

function decodeEntry(r: Reader, i: number): PexEntry {
  const nodeId = r.bytes(32);
  const kind = r.u8();
  const flags = r.u8();
  const port = r.u16();
  const addr = r.bytes(16);
  const where = `entry ${i}`;
  if (flags & ~(PEX_FLAG_DROPPED | PEX_FLAG_SEED)) throw r.bad(`${where}: reserved flag bits 0x${flags.toString(16)}`);
  if (port === 0) throw r.bad(`${where}: port 0`);
  let address: Address;
  if (kind === PEX_KIND_ZEROTIER) {
    const node = new DataView(addr.buffer, addr.byteOffset, 16).getBigUint64(0, true);
    if (node === 0n || node >= 1n << 40n || addr.subarray(8).some((b) => b !== 0)) throw r.bad(`${where}: bad ZeroTier node id`);
    address = { kind: 'zt', node: node.toString(16).padStart(10, '0'), port };
  } else if (kind === PEX_KIND_IPV4) {
    if (addr.subarray(4).some((b) => b !== 0)) throw r.bad(`${where}: nonzero bytes after an IPv4 address`);
    address = { kind: 'ip', host: bytesToIpv4(addr), port };
  } else if (kind === PEX_KIND_IPV6) {
    address = { kind: 'ip', host: bytesToIpv6(addr), port };
  } else {
    throw r.bad(`${where}: unknown address kind ${kind}`);
  }
  return { nodeId, address, dropped: (flags & PEX_FLAG_DROPPED) !== 0, seed: (flags & PEX_FLAG_SEED) !== 0 };
}

export const pex: Codec<PexMsg> = {
  id: MSG_PEX,
  name: 'PEX',
  size: (m) => 1 + PEX_ENTRY_LEN * m.entries.length,
  /** `<len=u32><id=17><count u8, 1-50><entries 52 x count>` */
  encode(w, m) {
    checkArg(m.entries.length >= 1 && m.entries.length <= MAX_PEX_ENTRIES, 'PEX: 1-50 entries');
    w.u8(m.entries.length);
    m.entries.forEach((e) => encodeEntry(w, e));
  },
  decode(r) {
    const n = r.u8();
    if (n < 1 || n > MAX_PEX_ENTRIES) throw r.bad(`entry count ${n} is out of range 1-${MAX_PEX_ENTRIES}`);
    const entries: PexEntry[] = [];
    for (let i = 0; i < n; i++) entries.push(decodeEntry(r, i));
    return { type: 'pex', entries };
  },
};
