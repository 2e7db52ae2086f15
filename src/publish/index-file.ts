// The publish index (<file.waterfall>.index, docs/UPDATES.md "The publish index"):
// for each file of one published version, the lstat values that identify its
// content (size, mtime and ctime in ns, inode, device) and its content root, so
// that the next `publish` hashes only files whose values changed. The only place
// its bytes are encoded and decoded. A cache: anything that does not decode
// exactly is dropped (and everything is hashed), never trusted.
//
// <magic "ByteFall index\0\0" 16><version u32 = 1><record count u32><waterfall id 32>
// <CRC-32 of the records u32><reserved 4>, then per file, in canonical order:
// <path length u16><path: UTF-8 names joined by "/"><size u64><mtime ns i64>
// <ctime ns i64><inode u64><device u64><content root 32>
import { crc32 } from 'node:zlib';
import { BytefallError } from '../errors.js';

const MAGIC = new TextEncoder().encode('ByteFall index\0\0');
export const INDEX_VERSION = 1;
const HEADER_LEN = 64;
const FIXED_LEN = 2 + 40 + 32;
const MAX_PATH_LEN = 0xffff;
const utf8 = new TextEncoder();
const text = new TextDecoder('utf-8', { fatal: true });

export interface IndexRecord {
  /** Path components from the root. */
  path: string[];
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  ino: bigint;
  dev: bigint;
  /** The content root the version published for this file. */
  root: Uint8Array;
}

export interface PublishIndex {
  /** The version (waterfall id, 32 bytes) whose files these are. */
  waterfallId: Uint8Array;
  records: IndexRecord[];
}

export function encodeIndex(index: PublishIndex): Uint8Array {
  if (index.waterfallId.length !== 32) throw new BytefallError('BAD_ARGUMENT', 'publish index: a waterfall id is 32 bytes');
  const paths = index.records.map((r) => utf8.encode(r.path.join('/')));
  const length = HEADER_LEN + paths.reduce((n, p) => n + FIXED_LEN + p.length, 0);
  const out = new Uint8Array(length);
  const v = new DataView(out.buffer);
  out.set(MAGIC, 0);
  v.setUint32(16, INDEX_VERSION, true);
  v.setUint32(20, index.records.length, true);
  out.set(index.waterfallId, 24);
  let at = HEADER_LEN;
  index.records.forEach((r, i) => {
    const p = paths[i];
    if (p.length > MAX_PATH_LEN) throw new BytefallError('BAD_ARGUMENT', `publish index: path ${r.path.join('/')} is longer than ${MAX_PATH_LEN} bytes`);
    if (r.root.length !== 32) throw new BytefallError('BAD_ARGUMENT', 'publish index: a content root is 32 bytes');
    v.setUint16(at, p.length, true);
    out.set(p, at + 2);
    at += 2 + p.length;
    v.setBigUint64(at, r.size, true);
    v.setBigInt64(at + 8, r.mtimeNs, true);
    v.setBigInt64(at + 16, r.ctimeNs, true);
    v.setBigUint64(at + 24, r.ino, true);
    v.setBigUint64(at + 32, r.dev, true);
    out.set(r.root, at + 40);
    at += 72;
  });
  v.setUint32(56, crc32(out.subarray(HEADER_LEN)), true);
  return out;
}

/** Decodes an index; throws BAD_ARGUMENT saying why when it is not exactly one. */
export function decodeIndex(bytes: Uint8Array): PublishIndex {
  const fail = (why: string): never => {
    throw new BytefallError('BAD_ARGUMENT', `publish index: ${why}`);
  };
  if (bytes.length < HEADER_LEN) fail(`${bytes.length} bytes; the header alone is ${HEADER_LEN}`);
  if (!MAGIC.every((b, i) => bytes[i] === b)) fail('wrong magic: not a publish index');
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = v.getUint32(16, true);
  if (version !== INDEX_VERSION) fail(`version ${version}; this build reads ${INDEX_VERSION}`);
  if (v.getUint32(60, true) !== 0) fail('reserved bytes are not zero');
  if (v.getUint32(56, true) !== crc32(bytes.subarray(HEADER_LEN))) fail('CRC-32 mismatch (damaged or partly written)');
  const count = v.getUint32(20, true);
  const records: IndexRecord[] = [];
  let at = HEADER_LEN;
  for (let i = 0; i < count; i++) {
    if (at + 2 > bytes.length) fail(`truncated in record ${i}`);
    const len = v.getUint16(at, true);
    if (at + 2 + len + 72 > bytes.length) fail(`truncated in record ${i}`);
    let path: string;
    try {
      path = text.decode(bytes.subarray(at + 2, at + 2 + len));
    } catch {
      return fail(`record ${i}: the path is not UTF-8`);
    }
    at += 2 + len;
    records.push({
      path: path.split('/'),
      size: v.getBigUint64(at, true),
      mtimeNs: v.getBigInt64(at + 8, true),
      ctimeNs: v.getBigInt64(at + 16, true),
      ino: v.getBigUint64(at + 24, true),
      dev: v.getBigUint64(at + 32, true),
      root: bytes.slice(at + 40, at + 72),
    });
    at += 72;
  }
  if (at !== bytes.length) fail(`${bytes.length - at} bytes after the last record`);
  return { waterfallId: bytes.slice(24, 56), records };
}
