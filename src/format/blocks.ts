// Typed wrappers over the block codec (build/codec.wasm): copy one block into
// the codec's I/O area, call it, turn a refusal into a BytefallError that says
// where, and read the fields back. All block rules live in assembly/codec/.
import { BytefallError, type ErrorCode } from '../errors.js';
import { codecWasm, type Codec } from './codec-wasm.js';
import { statusError, whereText, STATUS, type StatusContext, type Where } from './status.js';
import { ipFromField, ipToField, IP_LEN } from './ip-text.js';
import { NAME_FIELD_LEN, PEER_LEN, FLAG_DIRECTORY, type Entry, type PeerRecord, type PeerKind } from './model.js';
import { BLOCK_LEN } from './layout.js';

const F_ARG = 14;
const F_WHERE = 15;
const utf8 = new TextEncoder();
const text = new TextDecoder(); // the codec has already checked the bytes are well-formed

/** The fields of an entry's info block. */
export type EntryInfo = Pick<Entry, 'isDir' | 'size' | 'created' | 'changed' | 'pieceSize' | 'fileVersion' | 'permissions' | 'chunking' | 'pieceCount'>;

/** Copies src[at, at+len) to the start of the I/O area; `at` becomes the base of byte offsets in messages. */
function copyIn(src: Uint8Array, at: number, len: number): Codec {
  const c = codecWasm();
  c.io.set(src.subarray(at, at + len));
  return c;
}

function copyOut(c: Codec, dst: Uint8Array, at: number, len: number): void {
  dst.set(c.io.subarray(0, len), at);
}

function check(c: Codec, status: number, where: Where, base: number): void {
  if (status === STATUS.OK) return;
  const ctx: StatusContext = {
    u: (i) => c.u64[i],
    i: (i) => c.i64[i],
    byte: () => base + Number(c.u64[F_WHERE]),
    arg: () => c.i64[Number(c.u64[F_ARG])],
  };
  throw statusError(status, where, ctx);
}

const TWO_32 = 2 ** 32;

/**
 * Puts a JS number in a slot; only safe integers survive the trip through an i64.
 * Written as its two 32-bit halves (two's complement), so no BigInt is made.
 */
function put(c: Codec, slot: number, value: number, code: ErrorCode, what: string, where: Where): void {
  if (!Number.isSafeInteger(value)) throw new BytefallError(code, `${whereText(where)}: ${what} ${value} is not a safe integer`);
  const hi = Math.floor(value / TWO_32);
  c.u32[2 * slot] = value - hi * TWO_32;
  c.u32[2 * slot + 1] = hi; // a negative high half wraps to its two's complement
}

/** Slot `slot` as an unsigned 64-bit integer, rounded to a number as Number(bigint) would. */
function getU(c: Codec, slot: number): number {
  return c.u32[2 * slot + 1] * TWO_32 + c.u32[2 * slot];
}

/** Slot `slot` as a signed 64-bit integer, rounded to a number as Number(bigint) would. */
function getI(c: Codec, slot: number): number {
  return (c.u32[2 * slot + 1] | 0) * TWO_32 + c.u32[2 * slot];
}

// Header block 0 ------------------------------------------------------------

export interface HeaderBlock {
  version: [number, number, number];
  hashAlgorithm: number;
}

export function readHeaderBlock(src: Uint8Array, at: number): HeaderBlock {
  const c = copyIn(src, at, BLOCK_LEN);
  check(c, c.fn.decodeHeaderBlock(0), 'header', at);
  return { version: [Number(c.u64[0]), Number(c.u64[1]), Number(c.u64[2])], hashAlgorithm: Number(c.u64[3]) };
}

export function writeHeaderBlock(dst: Uint8Array, at: number, h: HeaderBlock): void {
  const c = codecWasm();
  [...h.version, h.hashAlgorithm].forEach((v, i) => put(c, i, v, 'BAD_HEADER', 'version field', 'header'));
  check(c, c.fn.encodeHeaderBlock(0), 'header', at);
  copyOut(c, dst, at, BLOCK_LEN);
}

// Count block ----------------------------------------------------------------

export interface CountBlock {
  fileCount: number;
  sequence: number;
  publishTime: number;
}

export function readCountBlock(src: Uint8Array, at: number): CountBlock {
  const c = copyIn(src, at, BLOCK_LEN);
  check(c, c.fn.decodeCountBlock(0), 'header', at);
  return { fileCount: Number(c.u64[0]), sequence: Number(c.u64[1]), publishTime: Number(c.i64[2]) };
}

export function writeCountBlock(dst: Uint8Array, at: number, b: CountBlock): void {
  const c = codecWasm();
  put(c, 0, b.fileCount, 'BAD_HEADER', 'file count', 'header');
  put(c, 1, b.sequence, 'BAD_HEADER', 'sequence', 'header');
  put(c, 2, b.publishTime, 'BAD_HEADER', 'publish time', 'header');
  check(c, c.fn.encodeCountBlock(0), 'header', at);
  copyOut(c, dst, at, BLOCK_LEN);
}

// Key block --------------------------------------------------------------------

/** True when the key block at src[at] is the private form (a seed, then the public key). */
export function isPrivateKeyForm(src: Uint8Array, at: number): boolean {
  const c = copyIn(src, at, BLOCK_LEN);
  const status = c.fn.keyForm(0);
  if (status === STATUS.PRIVATE_KEY) return true;
  check(c, status, 'key block', at);
  return false;
}

// Names ------------------------------------------------------------------------

export interface DecodedName {
  name: string;
  /** The name's UTF-8 bytes without the NUL padding (what canonical order compares). */
  bytes: Uint8Array;
}

export function readName(src: Uint8Array, at: number, entry: boolean, where: Where): DecodedName {
  const c = copyIn(src, at, NAME_FIELD_LEN);
  check(c, c.fn.checkName(0, entry ? 1 : 0), where, at);
  const bytes = c.io.slice(0, Number(c.u64[0]));
  return { name: text.decode(bytes), bytes };
}

const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * Writes a name field like writeName, without making a copy of its bytes: the name is
 * encoded straight into the codec's I/O area. A name that does not fit there or holds
 * a surrogate (maybe a lone one) takes writeName's path, with its checks and messages.
 */
export function writeNameField(dst: Uint8Array, at: number, name: string, entry: boolean, where: Where): void {
  const c = codecWasm();
  const { read, written } = utf8.encodeInto(name, c.io);
  if (read < name.length || SURROGATE.test(name)) {
    writeName(dst, at, name, entry, where);
    return;
  }
  check(c, c.fn.encodeName(0, written, entry ? 1 : 0), where, at);
  copyOut(c, dst, at, NAME_FIELD_LEN);
}

/** Writes a name field; returns the name's UTF-8 bytes. */
export function writeName(dst: Uint8Array, at: number, name: string, entry: boolean, where: Where): Uint8Array {
  const bytes = utf8.encode(name);
  if (text.decode(bytes) !== name) {
    throw new BytefallError('BAD_NAME', `${whereText(where)}: name is not a well-formed string (lone surrogate?)`);
  }
  const c = codecWasm();
  c.io.set(bytes.subarray(0, NAME_FIELD_LEN));
  check(c, c.fn.encodeName(0, bytes.length, entry ? 1 : 0), where, at);
  copyOut(c, dst, at, NAME_FIELD_LEN);
  return bytes;
}

// Entry info block -------------------------------------------------------------

/**
 * Reads an info block of a file whose format minor version is `minor` (0: the
 * 1.0 rules, where chunking must be 0). `pieceCount` is present only for a CDC file.
 */
export function readInfo(src: Uint8Array, at: number, where: Where, minor = 0): EntryInfo {
  const c = copyIn(src, at, BLOCK_LEN);
  check(c, c.fn.decodeInfo(0, minor), where, at);
  const info: EntryInfo = {
    isDir: (getU(c, 6) & FLAG_DIRECTORY) !== 0,
    size: getU(c, 0),
    created: getI(c, 1),
    changed: getI(c, 2),
    pieceSize: getU(c, 3),
    fileVersion: getU(c, 4),
    permissions: getU(c, 5),
    chunking: getU(c, 7),
  };
  if (info.chunking !== 0) info.pieceCount = getU(c, 8);
  return info;
}

/** Writes an info block valid in a file of format minor `minor` (0: the 1.0 rules). */
export function writeInfo(dst: Uint8Array, at: number, info: EntryInfo, where: Where, minor = 0): void {
  const c = codecWasm();
  put(c, 0, info.size, 'BAD_ENTRY', 'size', where);
  put(c, 1, info.created, 'BAD_ENTRY', 'creation time', where);
  put(c, 2, info.changed, 'BAD_ENTRY', 'change time', where);
  put(c, 3, info.pieceSize, 'BAD_ENTRY', 'piece size', where);
  put(c, 4, info.fileVersion, 'BAD_ENTRY', 'file version', where);
  put(c, 5, info.permissions, 'BAD_ENTRY', 'permissions', where);
  put(c, 6, info.isDir ? FLAG_DIRECTORY : 0, 'BAD_ENTRY', 'flags', where);
  put(c, 7, info.chunking, 'BAD_ENTRY', 'chunking', where);
  put(c, 8, info.pieceCount ?? 0, 'BAD_ENTRY', 'piece count', where);
  check(c, c.fn.encodeInfo(0, minor), where, at);
  copyOut(c, dst, at, BLOCK_LEN);
}

// Footer: peer count block and peer records --------------------------------------

/** The peer count, unchecked: the size check (step 3) needs it before the block is checked (step 6). */
export function peerCountOf(src: Uint8Array, at: number): number {
  return copyIn(src, at, BLOCK_LEN).fn.peerCountOf(0) >>> 0; // a u32 comes back from WASM as an i32
}

export function checkPeerCountBlock(src: Uint8Array, at: number): number {
  const c = copyIn(src, at, BLOCK_LEN);
  check(c, c.fn.decodePeerCountBlock(0), 'peer count block', at);
  return Number(c.u64[0]);
}

export function writePeerCountBlock(dst: Uint8Array, at: number, count: number): void {
  const c = codecWasm();
  put(c, 0, count, 'BAD_PEER', 'peer count', 'peer count block');
  check(c, c.fn.encodePeerCountBlock(0), 'peer count block', at);
  copyOut(c, dst, at, BLOCK_LEN);
}

export function readPeer(src: Uint8Array, at: number, where: Where): PeerRecord {
  const c = copyIn(src, at, PEER_LEN);
  check(c, c.fn.decodePeer(0), where, at);
  const kind = Number(c.u64[2]) as PeerKind;
  return {
    publicKey: c.io.slice(0, 32),
    ztAddress: c.u64[0],
    confidence: Number(c.i64[1]),
    kind,
    port: Number(c.u64[3]),
    ip: kind === 0 ? '' : ipFromField(kind, c.io.subarray(48, 48 + IP_LEN)),
  };
}

export function writePeer(dst: Uint8Array, at: number, peer: PeerRecord, where: Where): void {
  const c = codecWasm();
  if (!(peer.publicKey instanceof Uint8Array) || peer.publicKey.length !== 32) {
    throw new BytefallError('BAD_PEER', `${whereText(where)}: public key must be 32 bytes`);
  }
  if (typeof peer.ztAddress !== 'bigint' || BigInt.asUintN(64, peer.ztAddress) !== peer.ztAddress) {
    throw new BytefallError('BAD_PEER', `${whereText(where)}: ZeroTier address must be a bigint in [0, 2^64)`);
  }
  let ip: Uint8Array | null = new Uint8Array(IP_LEN);
  if (peer.kind === 1 || peer.kind === 2) ip = ipToField(peer.kind, peer.ip);
  else if (peer.ip !== '') ip = null;
  if (ip === null) throw new BytefallError('BAD_PEER', `${whereText(where)}: "${peer.ip}" is not an address of kind ${peer.kind}`);
  c.io.set(peer.publicKey, 0);
  c.io.set(ip, 48);
  c.u64[0] = peer.ztAddress;
  put(c, 1, peer.confidence, 'BAD_PEER', 'confidence', where);
  put(c, 2, peer.kind, 'BAD_PEER', 'kind', where);
  put(c, 3, peer.port, 'BAD_PEER', 'port', where);
  check(c, c.fn.encodePeer(0), where, at);
  copyOut(c, dst, at, PEER_LEN);
}

export function checkEmptyPeer(src: Uint8Array, at: number, where: Where): void {
  const c = copyIn(src, at, PEER_LEN);
  check(c, c.fn.checkEmptyPeer(0), where, at);
}
