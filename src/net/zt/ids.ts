// ZeroTier identifiers and addresses, computed here so they can be tested without
// libzt: 64-bit network ids (16 hex digits, or `adhoc[:start-end]` for a
// controller-less ad hoc network) and the IPv6 address a node has on a network,
// RFC4193 (`fd<network>9993<node>`) or 6PLANE (`fc<network folded><node>::1`).
import { BytefallError } from '../../errors.js';

export type ZtAddressing = 'rfc4193' | '6plane';

const NODE_RE = /^[0-9a-f]{10}$/;

function bad(what: string): BytefallError {
  return new BytefallError('BAD_ARGUMENT', what);
}

/** The ad hoc network id for a port range: ff<start 4><end 4>000000. */
export function adhocNetworkId(start = 0, end = 65535): string {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > 65535 || start > end) {
    throw bad(`an ad hoc port range is 0-65535 with start <= end, not ${start}-${end}`);
  }
  return `ff${start.toString(16).padStart(4, '0')}${end.toString(16).padStart(4, '0')}000000`;
}

export function isAdhoc(networkId: string): boolean {
  return networkId.startsWith('ff');
}

/** `8056c2e21c000001`, `adhoc` (every port) or `adhoc:6881-6889`, as 16 lowercase hex digits. */
export function parseNetworkId(text: string): string {
  if (typeof text !== 'string') throw bad('a ZeroTier network id is a string');
  const adhoc = /^adhoc(?::(\d{1,5})-(\d{1,5}))?$/.exec(text);
  if (adhoc) return adhocNetworkId(adhoc[1] === undefined ? 0 : Number(adhoc[1]), adhoc[2] === undefined ? 65535 : Number(adhoc[2]));
  if (!/^[0-9a-fA-F]{16}$/.test(text)) {
    throw bad(`invalid ZeroTier network id ${JSON.stringify(text)}: 16 hex digits, "adhoc" or "adhoc:<first port>-<last port>"`);
  }
  const id = text.toLowerCase();
  if (/^0+$/.test(id)) throw bad('the ZeroTier network id is zero');
  if (isAdhoc(id) && !/000000$/.test(id)) throw bad(`ad hoc network id ${id} must end in 000000`);
  return id;
}

/** The ports an ad hoc network lets TCP connections open to; undefined for other networks. */
export function adhocPorts(networkId: string): [number, number] | undefined {
  if (!isAdhoc(networkId)) return undefined;
  return [parseInt(networkId.slice(2, 6), 16), parseInt(networkId.slice(6, 10), 16)];
}

export function checkNodeId(node: string): string {
  if (!NODE_RE.test(node) || /^0+$/.test(node) || node.startsWith('ff')) {
    throw bad(`invalid ZeroTier node id ${JSON.stringify(node)}: 10 lowercase hex digits, not zero, not starting with ff`);
  }
  return node;
}

/** The address `node` has on `networkId` under `scheme` (ZeroTier's InetAddress::makeIpv6rfc4193 / makeIpv66plane). */
export function nodeAddress(networkId: string, node: string, scheme: ZtAddressing): Uint8Array {
  const nwid = BigInt(`0x${networkId}`);
  const nodeBytes = Buffer.from(checkNodeId(node), 'hex');
  const a = new Uint8Array(16);
  if (scheme === 'rfc4193') {
    a[0] = 0xfd;
    for (let i = 0; i < 8; i++) a[1 + i] = Number((nwid >> BigInt(56 - 8 * i)) & 0xffn);
    a[9] = 0x99;
    a[10] = 0x93;
    a.set(nodeBytes, 11);
  } else {
    const folded = (nwid ^ (nwid >> 32n)) & 0xffffffffn;
    a[0] = 0xfc;
    for (let i = 0; i < 4; i++) a[1 + i] = Number((folded >> BigInt(24 - 8 * i)) & 0xffn);
    a.set(nodeBytes, 5);
    a[15] = 0x01;
  }
  return a;
}

/** Which scheme an address of ours follows, or undefined when it is neither. */
export function addressingOf(address: Uint8Array, networkId: string, node: string): ZtAddressing | undefined {
  const same = (b: Uint8Array) => Buffer.compare(b, address) === 0;
  if (same(nodeAddress(networkId, node, 'rfc4193'))) return 'rfc4193';
  if (same(nodeAddress(networkId, node, '6plane'))) return '6plane';
  return undefined;
}

/** The node id inside a peer's RFC4193 or 6PLANE address on `networkId`, or undefined. */
export function nodeOfAddress(address: Uint8Array, networkId: string): string | undefined {
  if (address.length !== 16) return undefined;
  for (const scheme of ['rfc4193', '6plane'] as const) {
    const at = scheme === 'rfc4193' ? 11 : 5;
    const node = Buffer.from(address.subarray(at, at + 5)).toString('hex');
    if (!NODE_RE.test(node) || /^0+$/.test(node) || node.startsWith('ff')) continue;
    if (Buffer.compare(nodeAddress(networkId, node, scheme), address) === 0) return node;
  }
  return undefined;
}
