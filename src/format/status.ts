// The codec's integer status codes (assembly/codec/status.ts) mapped to the
// stable error codes of src/errors.ts, with the message that says what is wrong.
// Keep STATUS in step with the AssemblyScript table.
import { BytefallError, type ErrorCode } from '../errors.js';
import { FORMAT_MAJOR, FORMAT_MINOR, MIN_PIECE_SIZE, MAX_PIECE_SIZE, MAX_CDC_PIECE_SIZE } from './model.js';

export const STATUS = {
  OK: 0,
  OUT_OF_BOUNDS: 1,
  BAD_MAGIC: 10,
  VERSION_MAJOR: 11,
  VERSION_MINOR: 12,
  UNSUPPORTED_HASH: 13,
  RESERVED_NONZERO: 14,
  HEADER_FIELD_RANGE: 15,
  NAME_NO_NUL: 20,
  NAME_PADDING: 21,
  NAME_EMPTY: 22,
  NAME_DOT: 23,
  NAME_SLASH: 24,
  NAME_CONTROL: 25,
  NAME_UTF8: 26,
  NAME_TOO_LONG: 27,
  SEQUENCE_ZERO: 30,
  SEQUENCE_RANGE: 31,
  PUBLISH_TIME_RANGE: 32,
  PRIVATE_KEY: 40,
  ENTRY_FLAGS: 50,
  DIR_SIZE: 51,
  DIR_PIECE_SIZE: 52,
  DIR_CHUNKING: 53,
  UNSUPPORTED_CHUNKING: 54,
  PIECE_SIZE: 55,
  SIZE_RANGE: 56,
  FILE_VERSION: 57,
  PERMISSIONS: 58,
  ENTRY_TIME_RANGE: 59,
  ENTRY_FIELD_RANGE: 60,
  CDC_PIECE_SIZE: 61,
  CDC_PIECE_COUNT: 62,
  PEER_KIND: 70,
  PEER_PORT: 71,
  PEER_ZT_RANGE: 72,
  PEER_NO_ZT: 73,
  PEER_NO_IP: 74,
  PEER_IP_FORM: 75,
  PEER_SLOT_USED: 76,
  PEER_FIELD_RANGE: 77,
} as const;

/** What a message can quote: the slots the failing call filled, and the file offset of a byte it pointed at. */
export interface StatusContext {
  /** Slot `i` as an unsigned 64-bit integer. */
  u(i: number): bigint;
  /** Slot `i` as a signed 64-bit integer. */
  i(i: number): bigint;
  /** File offset of the byte named by the F_WHERE slot. */
  byte(): number;
  /** Value of the slot named by the F_ARG slot. */
  arg(): bigint;
}

type Row = [ErrorCode, (c: StatusContext) => string];

const S = STATUS;
const MAX_SAFE = 'the largest integer ByteFall handles (2^53 - 1)';

const ROWS: Record<number, Row> = {
  [S.OUT_OF_BOUNDS]: ['BAD_ARGUMENT', () => 'codec call outside its I/O area (a ByteFall bug)'],
  [S.BAD_MAGIC]: ['BAD_MAGIC', () => 'wrong magic: not a Waterfall file'],
  [S.VERSION_MAJOR]: ['UNSUPPORTED_VERSION', (c) => `format ${version(c)}; this build reads ${FORMAT_MAJOR}.${FORMAT_MINOR}`],
  [S.VERSION_MINOR]: ['UNSUPPORTED_VERSION', (c) => `format ${version(c)} is newer than this build reads (${FORMAT_MAJOR}.${FORMAT_MINOR})`],
  [S.UNSUPPORTED_HASH]: ['UNSUPPORTED_HASH', (c) => `hash algorithm ${c.u(3)} (this build knows 1, BLAKE3)`],
  [S.RESERVED_NONZERO]: ['RESERVED_NONZERO', (c) => `reserved byte at offset ${c.byte()} is not zero`],
  [S.HEADER_FIELD_RANGE]: ['BAD_HEADER', (c) => `value ${c.arg()} does not fit its u32 field`],
  [S.NAME_NO_NUL]: ['BAD_NAME', (c) => `name has no NUL terminator (byte at offset ${c.byte()} is not zero)`],
  [S.NAME_PADDING]: ['BAD_NAME', (c) => `name padding after the NUL is not zero (offset ${c.byte()})`],
  [S.NAME_EMPTY]: ['BAD_NAME', () => 'name is empty'],
  [S.NAME_DOT]: ['BAD_NAME', () => 'name may not be "." or ".."'],
  [S.NAME_SLASH]: ['BAD_NAME', (c) => `name contains "/" (offset ${c.byte()})`],
  [S.NAME_CONTROL]: ['BAD_NAME', (c) => `name contains a control character (offset ${c.byte()})`],
  [S.NAME_UTF8]: ['BAD_NAME', (c) => `name is not well-formed UTF-8 (offset ${c.byte()})`],
  [S.NAME_TOO_LONG]: ['BAD_NAME', (c) => `name is ${c.u(0)} bytes of UTF-8; at most 255 fit`],
  [S.SEQUENCE_ZERO]: ['BAD_HEADER', () => 'sequence is 0; versions start at 1'],
  [S.SEQUENCE_RANGE]: ['BAD_HEADER', (c) => `sequence ${c.u(1)} is above ${MAX_SAFE}`],
  [S.PUBLISH_TIME_RANGE]: ['BAD_HEADER', (c) => `publish time ${c.i(2)} is beyond ${MAX_SAFE}`],
  [S.PRIVATE_KEY]: ['PRIVATE_KEY_PRESENT', () => 'the key block holds a private key (pass allowPrivateKey to read it)'],
  [S.ENTRY_FLAGS]: ['BAD_ENTRY', (c) => `flags 0x${c.u(6).toString(16)} set bits other than bit 0 (directory)`],
  [S.DIR_SIZE]: ['BAD_ENTRY', (c) => `directory has size ${c.u(0)}; it must be 0`],
  [S.DIR_PIECE_SIZE]: ['BAD_ENTRY', (c) => `directory has piece size ${c.u(3)}; it must be 0`],
  [S.DIR_CHUNKING]: ['BAD_ENTRY', (c) => `directory has chunking ${c.u(7)}; it must be 0`],
  [S.UNSUPPORTED_CHUNKING]: ['UNSUPPORTED_CHUNKING', (c) => `chunking ${c.u(7)} (format 1.0 knows only 0, fixed-size pieces; 1.1 adds 1, content-defined)`],
  [S.PIECE_SIZE]: ['BAD_ENTRY', (c) => `piece size ${c.u(3)} is not a power of two from ${MIN_PIECE_SIZE} to ${MAX_PIECE_SIZE}`],
  [S.SIZE_RANGE]: ['BAD_ENTRY', (c) => `size ${c.u(0)} is above ${MAX_SAFE}`],
  [S.FILE_VERSION]: ['BAD_ENTRY', () => 'file version is 0; versions start at 1'],
  [S.PERMISSIONS]: ['BAD_ENTRY', (c) => `permissions 0o${c.u(5).toString(8)} set bits outside 0o777`],
  [S.ENTRY_TIME_RANGE]: ['BAD_ENTRY', (c) => `time ${outOfRangeTime(c)} is beyond ${MAX_SAFE}`],
  [S.ENTRY_FIELD_RANGE]: ['BAD_ENTRY', (c) => `value ${c.arg()} does not fit its u32 field`],
  [S.CDC_PIECE_SIZE]: ['BAD_ENTRY', (c) => `content-defined piece size ${c.u(3)} is not a power of two from ${MIN_PIECE_SIZE} to ${MAX_CDC_PIECE_SIZE}`],
  [S.CDC_PIECE_COUNT]: ['BAD_ENTRY', (c) => `${c.u(8)} content-defined pieces cannot cover ${c.u(0)} bytes at piece size ${c.u(3)}`],
  [S.PEER_KIND]: ['BAD_PEER', (c) => `unknown address kind ${c.u(2)}`],
  [S.PEER_PORT]: ['BAD_PEER', () => 'port is 0'],
  [S.PEER_ZT_RANGE]: ['BAD_PEER', (c) => `ZeroTier address 0x${c.u(0).toString(16)} is wider than 40 bits`],
  [S.PEER_NO_ZT]: ['BAD_PEER', () => 'kind 0 (ZeroTier) without a ZeroTier address'],
  [S.PEER_NO_IP]: ['BAD_PEER', (c) => `kind ${c.u(2)} without an IP address`],
  [S.PEER_IP_FORM]: ['BAD_PEER', (c) => (c.u(2) === 0n ? 'kind 0 (ZeroTier) carries IP bytes' : 'IPv4 record has non-zero bytes after the address')],
  [S.PEER_SLOT_USED]: ['BAD_PEER', (c) => `unused peer slot is not all zero (offset ${c.byte()})`],
  [S.PEER_FIELD_RANGE]: ['BAD_PEER', (c) => `value ${c.arg()} does not fit its field`],
};

function version(c: StatusContext): string {
  return `${c.u(0)}.${c.u(1)}.${c.u(2)}`;
}

function outOfRangeTime(c: StatusContext): bigint {
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  const created = c.i(1);
  return created > max || created < -max ? created : c.i(2);
}

/** Which part of which file a message is about ("entry 3 (docs/a.txt)"); a function when it costs work to say. */
export type Where = string | (() => string);

export function whereText(where: Where): string {
  return typeof where === 'function' ? where() : where;
}

/** The error for a non-zero status. */
export function statusError(status: number, at: Where, c: StatusContext): BytefallError {
  const where = whereText(at);
  const row = ROWS[status];
  if (row === undefined) return new BytefallError('BAD_ARGUMENT', `${where}: unknown codec status ${status} (a ByteFall bug)`);
  return new BytefallError(row[0], `${where}: ${row[1](c)}`);
}
