// The bytes of the resume state (docs/STORAGE.md is the specification): a snapshot of which
// pieces are verified, and an append-only journal of what was verified since. Encoded and
// decoded only here. A decoder returns null (or stops) at the first thing that is not exactly
// right: the state is a cache, so anything doubtful is dropped and re-verified, never trusted.
import { crc32 } from 'node:zlib';
import { createHash } from 'node:crypto';
import { Bitfield } from '../swarm/picker-bitfield.js';
import type { FileSpec } from './layout.js';

export const SNAPSHOT_MAGIC = 'BFRESUME';
export const JOURNAL_MAGIC = 'BFJOURNL';
export const RESUME_VERSION = 1;
export const SNAPSHOT_HEADER_LEN = 64;
export const FILE_ROW_LEN = 48;
export const JOURNAL_HEADER_LEN = 32;
export const RECORD_LEN = 24;
export const RECORD_PIECE = 1;
export const RECORD_FINISHED = 2;

export interface SnapshotFile {
  fingerprint: Uint8Array; // 32 bytes
  pieces: number;
  /** mtime (ns) of the final copy when the file was finished; 0n: not finished. */
  finishedNs: bigint;
}

export interface Snapshot {
  generation: bigint;
  files: SnapshotFile[];
  /** Every table file's pieces, in table order. */
  bits: Bitfield;
}

export interface JournalRecord {
  type: typeof RECORD_PIECE | typeof RECORD_FINISHED;
  /** Index into the snapshot's file table. */
  file: number;
  /** RECORD_PIECE: the piece index within the file; RECORD_FINISHED: the final copy's mtime in ns. */
  value: bigint;
}

/** SHA-256 of the file's path, size, piece size and id: what ties a table row to a file. */
export function fileFingerprint(f: FileSpec): Uint8Array {
  const h = createHash('sha256');
  const u32 = (n: number) => h.update(le(4, BigInt(n)));
  h.update('ByteFall storage file 1\0');
  u32(f.path.length);
  for (const c of f.path) {
    const b = Buffer.from(c, 'utf8');
    u32(b.length);
    h.update(b);
  }
  h.update(le(8, BigInt(f.size)));
  u32(f.pieceSize);
  u32(f.id?.length ?? 0);
  if (f.id) h.update(f.id);
  return new Uint8Array(h.digest());
}

export function snapshotLength(files: number, pieces: number): number {
  return SNAPSHOT_HEADER_LEN + FILE_ROW_LEN * files + Math.ceil(pieces / 8) + 4;
}

export function encodeSnapshot(s: Snapshot): Uint8Array {
  const total = s.files.reduce((n, f) => n + f.pieces, 0);
  const out = new Uint8Array(snapshotLength(s.files.length, total));
  const v = new DataView(out.buffer);
  out.set(ascii(SNAPSHOT_MAGIC), 0);
  v.setUint32(8, RESUME_VERSION, true);
  v.setUint32(12, s.files.length, true);
  v.setBigUint64(16, s.generation, true);
  v.setBigUint64(24, BigInt(total), true);
  let at = SNAPSHOT_HEADER_LEN;
  for (const f of s.files) {
    out.set(f.fingerprint, at);
    v.setBigUint64(at + 32, BigInt(f.pieces), true);
    v.setBigUint64(at + 40, f.finishedNs, true);
    at += FILE_ROW_LEN;
  }
  out.set(s.bits.toBytes(), at);
  v.setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

export function decodeSnapshot(b: Uint8Array): Snapshot | null {
  if (b.length < SNAPSHOT_HEADER_LEN + 4 || !startsWith(b, SNAPSHOT_MAGIC)) return null;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (v.getUint32(b.length - 4, true) !== crc32(b.subarray(0, b.length - 4))) return null;
  if (v.getUint32(8, true) !== RESUME_VERSION || !isZero(b.subarray(32, 64))) return null;
  const count = v.getUint32(12, true);
  const generation = v.getBigUint64(16, true);
  const total = v.getBigUint64(24, true);
  if (generation === 0n || total > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  if (b.length !== snapshotLength(count, Number(total))) return null;
  const files: SnapshotFile[] = [];
  let sum = 0;
  for (let i = 0, at = SNAPSHOT_HEADER_LEN; i < count; i++, at += FILE_ROW_LEN) {
    const pieces = v.getBigUint64(at + 32, true);
    if (pieces > total) return null;
    sum += Number(pieces);
    files.push({ fingerprint: b.slice(at, at + 32), pieces: Number(pieces), finishedNs: v.getBigUint64(at + 40, true) });
  }
  if (sum !== Number(total)) return null;
  const start = SNAPSHOT_HEADER_LEN + FILE_ROW_LEN * count;
  let bits: Bitfield;
  try {
    bits = Bitfield.fromBytes(b.subarray(start, b.length - 4), sum);
  } catch {
    return null; // spare bits set
  }
  // A finished file has every piece verified.
  for (let i = 0, first = 0; i < count; first += files[i].pieces, i++) {
    if (files[i].finishedNs === 0n) continue;
    for (let p = 0; p < files[i].pieces; p++) if (!bits.has(first + p)) return null;
  }
  return { generation, files, bits };
}

export function encodeJournalHeader(generation: bigint): Uint8Array {
  const out = new Uint8Array(JOURNAL_HEADER_LEN);
  const v = new DataView(out.buffer);
  out.set(ascii(JOURNAL_MAGIC), 0);
  v.setUint32(8, RESUME_VERSION, true);
  v.setBigUint64(16, generation, true);
  v.setUint32(28, crc32(out.subarray(0, 28)), true);
  return out;
}

/** The journal's generation and header CRC (the seed of every record's CRC), or null. */
export function decodeJournalHeader(b: Uint8Array): { generation: bigint; crc: number } | null {
  if (b.length < JOURNAL_HEADER_LEN || !startsWith(b, JOURNAL_MAGIC)) return null;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const crc = v.getUint32(28, true);
  if (crc !== crc32(b.subarray(0, 28)) || v.getUint32(8, true) !== RESUME_VERSION) return null;
  if (v.getUint32(12, true) !== 0 || v.getUint32(24, true) !== 0) return null;
  const generation = v.getBigUint64(16, true);
  return generation === 0n ? null : { generation, crc };
}

export function encodeRecords(records: readonly JournalRecord[], headerCrc: number): Uint8Array {
  const out = new Uint8Array(RECORD_LEN * records.length);
  const v = new DataView(out.buffer);
  records.forEach((r, i) => {
    const at = i * RECORD_LEN;
    out[at] = r.type;
    v.setUint32(at + 4, r.file, true);
    v.setBigUint64(at + 8, r.value, true);
    v.setUint32(at + 20, crc32(out.subarray(at, at + 20), headerCrc), true);
  });
  return out;
}

/**
 * The records after the header, up to the first one that is incomplete, fails its CRC, or
 * names a file or piece outside the snapshot's table (`pieces[file]` = its piece count).
 */
export function decodeRecords(body: Uint8Array, headerCrc: number, pieces: readonly number[]): JournalRecord[] {
  const v = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const out: JournalRecord[] = [];
  for (let at = 0; at + RECORD_LEN <= body.length; at += RECORD_LEN) {
    if (v.getUint32(at + 20, true) !== crc32(body.subarray(at, at + 20), headerCrc)) break;
    const type = body[at];
    const file = v.getUint32(at + 4, true);
    const value = v.getBigUint64(at + 8, true);
    if (body[at + 1] | body[at + 2] | body[at + 3] || v.getUint32(at + 16, true) !== 0) break;
    if (file >= pieces.length) break;
    if (type === RECORD_PIECE && value < BigInt(pieces[file])) out.push({ type, file, value });
    else if (type === RECORD_FINISHED && value !== 0n) out.push({ type, file, value });
    else break;
  }
  return out;
}

function le(bytes: 4 | 8, n: bigint): Uint8Array {
  const out = new Uint8Array(bytes);
  if (bytes === 4) new DataView(out.buffer).setUint32(0, Number(n), true);
  else new DataView(out.buffer).setBigUint64(0, n, true);
  return out;
}

function ascii(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

function startsWith(b: Uint8Array, magic: string): boolean {
  for (let i = 0; i < magic.length; i++) if (b[i] !== magic.charCodeAt(i)) return false;
  return true;
}

function isZero(b: Uint8Array): boolean {
  return b.every((x) => x === 0);
}
