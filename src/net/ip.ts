// IP address literals to bytes and back (for PEX records): IPv4 as 4 bytes,
// IPv6 as 16 bytes, written in the canonical text form of RFC 5952.
import { isIPv4, isIPv6 } from 'node:net';

export function ipv4ToBytes(ip: string): Uint8Array | undefined {
  if (!isIPv4(ip)) return undefined;
  return new Uint8Array(ip.split('.').map(Number));
}

export function bytesToIpv4(b: Uint8Array): string {
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

/** 16 bytes, or undefined for anything that is not a plain IPv6 literal (zone ids included). */
export function ipv6ToBytes(ip: string): Uint8Array | undefined {
  if (!isIPv6(ip) || ip.includes('%')) return undefined;
  const out = new Uint8Array(16);
  let text = ip;
  const words: number[] = [];
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  let v4: Uint8Array | undefined;
  if (tail) {
    v4 = ipv4ToBytes(tail[1]);
    if (!v4) return undefined;
    text = text.slice(0, -tail[1].length) + '0:0'; // placeholder words, replaced below
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const head = parse(halves[0]);
  const rest = halves.length === 2 ? parse(halves[1]) : [];
  const fill = 8 - head.length - rest.length;
  if (fill < 0 || (halves.length === 1 && fill !== 0)) return undefined;
  words.push(...head, ...new Array(halves.length === 2 ? fill : 0).fill(0), ...rest);
  words.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  if (v4) out.set(v4, 12);
  return out;
}

export function bytesToIpv6(b: Uint8Array): string {
  const words = Array.from({ length: 8 }, (_, i) => (b[2 * i] << 8) | b[2 * i + 1]);
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) {
    return `::ffff:${bytesToIpv4(b.subarray(12))}`; // IPv4-mapped, as RFC 5952 section 5 writes it
  }
  let bestAt = -1;
  let bestLen = 1; // a single zero word is not shortened
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) [bestAt, bestLen] = [i, j - i];
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestAt < 0) return hex.join(':');
  return `${hex.slice(0, bestAt).join(':')}::${hex.slice(bestAt + bestLen).join(':')}`;
}
