// Which peer addresses the announce service stores. Every address must parse as a
// ByteFall address (src/net/address.ts) and be an IP literal or a ZeroTier id: like
// PEX, never a DNS name. The public policy also refuses what is not reachable on the
// internet (loopback, private, link-local, multicast, documentation ranges...).
import { isIPv4 } from 'node:net';
import { parseAddress, formatAddress, type Address } from '../net/address.js';
import { ipv4ToBytes, ipv6ToBytes, bytesToIpv6 } from '../net/ip.js';
import { ApiError } from './api-error.js';

/** 'any': every IP literal (a LAN, the demo, tests on 127.0.0.1); 'public': internet unicast only. */
export type AddressPolicy = 'any' | 'public';

export function isAddressPolicy(v: unknown): v is AddressPolicy {
  return v === 'any' || v === 'public';
}

/** [first byte(s) as a prefix, prefix length in bits] of IPv4 ranges that are not public unicast. */
const V4_BLOCKED: [number[], number][] = [
  [[0], 8], [[10], 8], [[100, 64], 10], [[127], 8], [[169, 254], 16], [[172, 16], 12],
  [[192, 0, 0], 24], [[192, 0, 2], 24], [[192, 88, 99], 24], [[192, 168], 16], [[198, 18], 15],
  [[198, 51, 100], 24], [[203, 0, 113], 24], [[224], 4], [[240], 4],
];
const V6_BLOCKED: [number[], number][] = [
  [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 128], // ::
  [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 128], // ::1
  [[0x01, 0x00, 0, 0, 0, 0, 0, 0], 64], // discard-only
  [[0x20, 0x01, 0x0d, 0xb8], 32], // documentation
  [[0xfc], 7], // unique local
  [[0xfe, 0x80], 10], // link-local
  [[0xff], 8], // multicast
];

function inPrefix(bytes: Uint8Array, prefix: number[], bits: number): boolean {
  for (let i = 0; i < bits; i += 8) {
    const mask = bits - i >= 8 ? 0xff : (0xff << (8 - (bits - i))) & 0xff;
    if ((bytes[i >> 3] & mask) !== ((prefix[i >> 3] ?? 0) & mask)) return false;
  }
  return true;
}

/** True for a globally routable unicast IP literal. */
export function isPublicIp(host: string): boolean {
  const v4 = ipv4ToBytes(host);
  if (v4) return !V4_BLOCKED.some(([p, bits]) => inPrefix(v4, p, bits));
  const v6 = ipv6ToBytes(host);
  if (!v6) return false;
  const mapped = v6.subarray(0, 10).every((b) => b === 0) && v6[10] === 0xff && v6[11] === 0xff;
  if (mapped) return isPublicIp(`${v6[12]}.${v6[13]}.${v6[14]}.${v6[15]}`);
  return !V6_BLOCKED.some(([p, bits]) => inPrefix(v6, p, bits));
}

function bad(text: unknown, why: string): ApiError {
  const shown = typeof text === 'string' ? JSON.stringify(text.slice(0, 80)) : typeof text;
  return new ApiError('BAD_ADDRESS', `${shown} is not an address this service stores: ${why}`);
}

/** The address in its one canonical text form, or BAD_ADDRESS. */
export function checkPeerAddress(text: unknown, policy: AddressPolicy): string {
  if (typeof text !== 'string') throw bad(text, 'an address is a string like 203.0.113.7:6881, [2001:db8::7]:6881 or zt:<10 hex>:<port>');
  let a: Address;
  try {
    a = parseAddress(text);
  } catch (err) {
    throw bad(text, (err as Error).message);
  }
  if (a.kind === 'ip') {
    if (a.host.includes('%')) throw bad(text, 'an IPv6 zone is local to one machine');
    if (!isIPv4(a.host)) {
      const v6 = ipv6ToBytes(a.host);
      if (!v6) throw bad(text, 'a host name; only IP literals and ZeroTier ids are stored');
      a = { ...a, host: bytesToIpv6(v6) }; // one text form per address (RFC 5952)
    }
    if (policy === 'public' && !isPublicIp(a.host)) throw bad(text, 'not a public internet address');
  }
  return formatAddress(a);
}

/** The client's own IP as the host saw it, with `port`: the form for nodes that do not know their address. */
export function clientAddress(ip: string, port: number, policy: AddressPolicy): string {
  const host = ip.startsWith('::ffff:') && isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
  if (!host) throw bad(String(port), 'the service cannot see the client address');
  return checkPeerAddress(isIPv4(host) ? `${host}:${port}` : `[${host}]:${port}`, policy);
}
