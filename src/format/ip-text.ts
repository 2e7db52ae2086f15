// IP addresses of peer records as text: the 16-byte field of a record to and
// from dotted IPv4 and RFC 5952 IPv6 ("2001:db8::1"). Returns null on text it
// cannot read; the caller decides which error that is.
import { isIPv4, isIPv6 } from 'node:net';

export const IP_LEN = 16;

/** The 16-byte field for `text`: IPv4 (kind 1) in the first 4 bytes, IPv6 (kind 2) in all 16. */
export function ipToField(kind: 1 | 2, text: string): Uint8Array | null {
  const field = new Uint8Array(IP_LEN);
  if (kind === 1) {
    if (!isIPv4(text)) return null;
    field.set(text.split('.').map(Number));
    return field;
  }
  if (!isIPv6(text) || text.includes('%')) return null; // no zone ids
  const groups = ipv6Groups(text);
  if (groups === null) return null;
  groups.forEach((g, i) => {
    field[2 * i] = g >> 8;
    field[2 * i + 1] = g & 0xff;
  });
  return field;
}

/** Text for the field: dotted IPv4 (kind 1) or the RFC 5952 form of IPv6 (kind 2). */
export function ipFromField(kind: 1 | 2, field: Uint8Array): string {
  if (kind === 1) return Array.from(field.subarray(0, 4)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => (field[2 * i] << 8) | field[2 * i + 1]);
  // The longest run of two or more zero groups (the first of equal runs) becomes "::".
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(':');
  if (best < 0) return hex(groups);
  return `${hex(groups.slice(0, best))}::${hex(groups.slice(best + bestLen))}`;
}

/** Eight 16-bit groups of an IPv6 text that node:net already accepted. */
function ipv6Groups(text: string): number[] | null {
  const halves = text.split('::');
  const parse = (part: string): number[] => {
    if (part === '') return [];
    const out: number[] = [];
    for (const piece of part.split(':')) {
      if (piece.includes('.')) {
        const [a, b, c, d] = piece.split('.').map(Number);
        out.push((a << 8) | b, (c << 8) | d);
      } else {
        out.push(parseInt(piece, 16));
      }
    }
    return out;
  };
  const head = parse(halves[0]);
  if (halves.length === 1) return head.length === 8 ? head : null;
  const tail = parse(halves[1]);
  const zeros = 8 - head.length - tail.length;
  return zeros >= 1 ? [...head, ...new Array<number>(zeros).fill(0), ...tail] : null;
}
