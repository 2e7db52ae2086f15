// What a node does with bad input (docs/PROTOCOL.md, "Bad input"): which error
// codes ban the peer, which CLOSE reason is sent for each, and how a received CLOSE reads.
import { BytefallError, type ErrorCode } from '../errors.js';
import {
  CLOSE_NORMAL, CLOSE_PROTOCOL_ERROR, CLOSE_UNSUPPORTED_VERSION, CLOSE_UNKNOWN_SWARM,
  CLOSE_NODE_ID_MISMATCH, CLOSE_SELF, CLOSE_TIMEOUT, CLOSE_BAD_DATA, CLOSE_REASON_NAMES,
} from './constants.js';

/** Input no honest implementation sends: close and ban the node. */
const BAN: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'WIRE_TOO_LARGE', 'WIRE_TRUNCATED', 'WIRE_BAD_MESSAGE', 'WIRE_UNEXPECTED', 'WIRE_BAD_HANDSHAKE',
  'WIRE_NODE_ID_MISMATCH', 'WIRE_UNKNOWN_REQUEST', 'WIRE_TOO_MANY_REQUESTS', 'WIRE_BAD_DATA',
]);

export function shouldBan(code: ErrorCode): boolean {
  return BAN.has(code);
}

/** The CLOSE reason a node sends when it closes because of `code`. */
export function closeReasonFor(code: ErrorCode): number {
  switch (code) {
    case 'WIRE_UNSUPPORTED_VERSION': return CLOSE_UNSUPPORTED_VERSION;
    case 'WIRE_UNKNOWN_SWARM': return CLOSE_UNKNOWN_SWARM;
    case 'WIRE_NODE_ID_MISMATCH': return CLOSE_NODE_ID_MISMATCH;
    case 'WIRE_SELF': return CLOSE_SELF;
    case 'WIRE_TIMEOUT': return CLOSE_TIMEOUT;
    case 'WIRE_BAD_DATA': return CLOSE_BAD_DATA;
    default: return shouldBan(code) ? CLOSE_PROTOCOL_ERROR : CLOSE_NORMAL;
  }
}

export function closeReasonName(reason: number): string {
  return CLOSE_REASON_NAMES[reason] ?? `reason ${reason}`;
}

/** Removes control characters from peer-supplied text before it reaches a log. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
}

/** The error that stands for a CLOSE the peer sent. */
export function errorForPeerClose(reason: number, text: string): BytefallError {
  const code: ErrorCode =
    reason === CLOSE_UNSUPPORTED_VERSION ? 'WIRE_UNSUPPORTED_VERSION'
    : reason === CLOSE_UNKNOWN_SWARM ? 'WIRE_UNKNOWN_SWARM'
    : reason === CLOSE_NORMAL ? 'WIRE_CLOSED'
    : 'WIRE_REFUSED';
  const said = text ? `: ${printable(text)}` : '';
  return new BytefallError(code, `peer closed the connection (${closeReasonName(reason)})${said}`);
}
