// Peer addresses as people write them: `host:port`, `[v6]:port`, and
// `zt:<10 hex digits>:<port>` for the ZeroTier transport. Anything else is BAD_ARGUMENT.
import { isIPv4, isIPv6 } from 'node:net';
import { BytefallError } from '../errors.js';

export type Address =
  /** `host` is an IPv4 or IPv6 literal (no brackets) or a DNS name. */
  | { kind: 'ip'; host: string; port: number }
  /** `node` is the 40-bit ZeroTier node id as 10 lowercase hex digits. */
  | { kind: 'zt'; node: string; port: number };

export interface ParseAddressOptions {
  /** Accept port 0 (listen on any free port). */
  allowPortZero?: boolean;
}

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const HOSTNAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*\\.?$`, 'i');

function bad(text: string, why: string): BytefallError {
  return new BytefallError('BAD_ARGUMENT', `invalid address ${JSON.stringify(text)}: ${why} (expected host:port, [ipv6]:port or zt:<node id>:<port>)`);
}

function parsePort(text: string, port: string, opts: ParseAddressOptions): number {
  if (!/^[0-9]{1,5}$/.test(port)) throw bad(text, `port ${JSON.stringify(port)} is not a number`);
  const n = Number(port);
  if (n > 65535 || (n === 0 && !opts.allowPortZero)) throw bad(text, `port ${n} is out of range 1-65535`);
  return n;
}

export function isHostname(host: string): boolean {
  return host.length <= 253 && HOSTNAME.test(host) && !/^[0-9.]+$/.test(host);
}

export function parseAddress(text: string, opts: ParseAddressOptions = {}): Address {
  if (typeof text !== 'string' || text.length === 0 || text.length > 300) throw bad(String(text), 'empty or too long');
  if (text.startsWith('zt:')) {
    const m = /^zt:([0-9a-fA-F]{10}):([^:]*)$/.exec(text);
    if (!m) throw bad(text, 'a ZeroTier node id is 10 hex digits');
    const node = m[1].toLowerCase();
    if (/^0+$/.test(node)) throw bad(text, 'the ZeroTier node id is zero');
    return { kind: 'zt', node, port: parsePort(text, m[2], opts) };
  }
  if (text.startsWith('[')) {
    const m = /^\[([^\]]+)\]:([^:]*)$/.exec(text);
    if (!m || !isIPv6(m[1])) throw bad(text, 'the part in brackets is not an IPv6 address');
    return { kind: 'ip', host: m[1].toLowerCase(), port: parsePort(text, m[2], opts) };
  }
  const colon = text.lastIndexOf(':');
  if (colon < 0) throw bad(text, 'no port');
  const host = text.slice(0, colon);
  if (host.includes(':')) throw bad(text, 'write an IPv6 address in brackets');
  if (!isIPv4(host) && !isHostname(host)) throw bad(text, `${JSON.stringify(host)} is neither an IP address nor a host name`);
  return { kind: 'ip', host: host.toLowerCase(), port: parsePort(text, text.slice(colon + 1), opts) };
}

export function formatAddress(a: Address): string {
  if (a.kind === 'zt') return `zt:${a.node}:${a.port}`;
  // Of IPv4, IPv6 and host names only IPv6 has a colon (and isIPv6's pattern costs ~5 ms to compile)
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}

/** Accepts an Address or its text form. */
export function toAddress(a: Address | string, opts?: ParseAddressOptions): Address {
  return typeof a === 'string' ? parseAddress(a, opts) : parseAddress(formatAddress(a), opts);
}
