// The signed version record (docs/ANNOUNCE.md, "The version record"): a pointer
// to one version of a Waterfall, signed by its publisher. Its canonical bytes,
// the only thing signed, and its JSON form, read strictly on both ends.
import { ApiError } from './api-error.js';
import { Fields } from './json-fields.js';
import { MAX_URLS, MAX_URL_BYTES } from './limits.js';
import { MIN_SERVED_WATERFALL_LEN, WATERFALL_ENTRY_LEN } from '../wire/constants.js';
import { toHex } from '../util/hex.js';

/** ASCII, zero-padded to 64 bytes: the first block of every record message. */
export const RECORD_DOMAIN = 'ByteFall 2026-11-23 version record';
export const RECORD_FIXED_LEN = 512;
export const NAME_FIELD_LEN = 256;
export const SALT_LEN = 64;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

export interface UnsignedRecord {
  swarmId: Uint8Array; // 32
  publicKey: Uint8Array; // 32: the publisher's ed25519 key
  /** The Waterfall's name (its name field is the UTF-8 bytes, NUL-padded to 256). */
  name: string;
  salt: Uint8Array; // 64
  sequence: number;
  /** ms since the epoch, as in the Waterfall's header. */
  publishTime: number;
  waterfallId: Uint8Array; // 32
  /** Bytes of the served form of that version: 1088 + 448 n. */
  waterfallSize: number;
  /** Optional places (http or https) to fetch the served Waterfall from. */
  urls: string[];
}

export interface VersionRecord extends UnsignedRecord {
  signature: Uint8Array; // 64
}

/** The JSON form (docs/ANNOUNCE.md): bytes as lowercase hex. */
export interface RecordJson {
  swarmId: string;
  publicKey: string;
  name: string;
  salt: string;
  sequence: number;
  publishTime: number;
  waterfallId: string;
  waterfallSize: number;
  urls: string[];
  signature: string;
}

const RECORD_KEYS = ['swarmId', 'publicKey', 'name', 'salt', 'sequence', 'publishTime', 'waterfallId', 'waterfallSize', 'urls', 'signature'] as const;
const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function bad(why: string): ApiError {
  return new ApiError('BAD_RECORD', `version record: ${why}`);
}

/** UTF-8 of a well-formed string (no lone surrogates), or undefined. */
function strictUtf8(text: string): Uint8Array | undefined {
  const bytes = utf8.encode(text);
  try {
    return utf8Strict.decode(bytes) === text ? bytes : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The 256-byte name field: the name's UTF-8 bytes, then NULs. The name's own rules
 * (docs/FORMAT.md, "Names") were checked when the Waterfall was made; here only what
 * the encoding needs: 1-255 bytes, well formed, no NUL.
 */
export function nameFieldOf(name: string): Uint8Array {
  const bytes = typeof name === 'string' ? strictUtf8(name) : undefined;
  if (!bytes || bytes.length === 0 || bytes.length >= NAME_FIELD_LEN || bytes.includes(0)) {
    throw bad('"name" must be 1-255 bytes of well-formed UTF-8 without NUL');
  }
  const field = new Uint8Array(NAME_FIELD_LEN);
  field.set(bytes);
  return field;
}

function urlBytes(url: unknown): Uint8Array {
  const bytes = typeof url === 'string' ? strictUtf8(url) : undefined;
  if (!bytes || bytes.length === 0 || bytes.length > MAX_URL_BYTES || /[\s\u0000-\u001f\u007f]/.test(url as string)) {
    throw bad(`a URL must be 1-${MAX_URL_BYTES} bytes without spaces or control characters`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url as string);
  } catch {
    throw bad(`${JSON.stringify(url)} is not a URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw bad(`${JSON.stringify(url)} is not an http or https URL`);
  return bytes;
}

export function isServedSize(size: number): boolean {
  return Number.isSafeInteger(size) && size >= MIN_SERVED_WATERFALL_LEN && (size - MIN_SERVED_WATERFALL_LEN) % WATERFALL_ENTRY_LEN === 0;
}

function checkRecord(r: UnsignedRecord): void {
  const len = (b: Uint8Array, n: number, what: string) => {
    if (!(b instanceof Uint8Array) || b.length !== n) throw bad(`${what} must be ${n} bytes`);
  };
  len(r.swarmId, 32, 'swarm id');
  len(r.publicKey, 32, 'public key');
  len(r.salt, SALT_LEN, 'salt');
  len(r.waterfallId, 32, 'waterfall id');
  if (!Number.isSafeInteger(r.sequence) || r.sequence < 1) throw bad('"sequence" must be an integer from 1 to 2^53 - 1');
  if (!Number.isSafeInteger(r.publishTime)) throw bad('"publishTime" must be an integer of magnitude at most 2^53 - 1');
  if (!isServedSize(r.waterfallSize)) throw bad('"waterfallSize" must be 1088 + 448 n (the served form of a Waterfall)');
  if (!Array.isArray(r.urls) || r.urls.length > MAX_URLS) throw bad(`at most ${MAX_URLS} URLs`);
}

/**
 * The bytes the publisher signs:
 * `<domain 64><swarmId 32><publicKey 32><name 256><salt 64><sequence u64><publishTime i64>
 *  <waterfallSize u64><waterfallId 32><urlCount u32><reserved u32 = 0>` then per URL `<len u16><UTF-8>`.
 * Integers little-endian, as everywhere in ByteFall.
 */
export function recordMessage(r: UnsignedRecord): Uint8Array {
  checkRecord(r);
  const urls = r.urls.map(urlBytes);
  const out = new Uint8Array(RECORD_FIXED_LEN + urls.reduce((n, u) => n + 2 + u.length, 0));
  const view = new DataView(out.buffer);
  out.set(utf8.encode(RECORD_DOMAIN), 0);
  out.set(r.swarmId, 64);
  out.set(r.publicKey, 96);
  out.set(nameFieldOf(r.name), 128);
  out.set(r.salt, 384);
  view.setBigUint64(448, BigInt(r.sequence), true);
  view.setBigInt64(456, BigInt(r.publishTime), true);
  view.setBigUint64(464, BigInt(r.waterfallSize), true);
  out.set(r.waterfallId, 472);
  view.setUint32(504, urls.length, true);
  let at = RECORD_FIXED_LEN;
  for (const u of urls) {
    view.setUint16(at, u.length, true);
    out.set(u, at + 2);
    at += 2 + u.length;
  }
  return out;
}

export function recordToJson(r: VersionRecord): RecordJson {
  return {
    swarmId: toHex(r.swarmId),
    publicKey: toHex(r.publicKey),
    name: r.name,
    salt: toHex(r.salt),
    sequence: r.sequence,
    publishTime: r.publishTime,
    waterfallId: toHex(r.waterfallId),
    waterfallSize: r.waterfallSize,
    urls: [...r.urls],
    signature: toHex(r.signature),
  };
}

/** Reads a record's JSON form strictly (unknown fields, wrong types, bad sizes: BAD_RECORD). Does not verify it. */
export function parseRecordJson(value: unknown): VersionRecord {
  const f = Fields.of(value, 'BAD_RECORD', 'version record', RECORD_KEYS);
  const record: VersionRecord = {
    swarmId: f.hex('swarmId', 32),
    publicKey: f.hex('publicKey', 32),
    name: f.string('name', 1024),
    salt: f.hex('salt', SALT_LEN),
    sequence: f.int('sequence', 1, MAX_SAFE),
    publishTime: f.int('publishTime', -MAX_SAFE, MAX_SAFE),
    waterfallId: f.hex('waterfallId', 32),
    waterfallSize: f.int('waterfallSize', MIN_SERVED_WATERFALL_LEN, MAX_SAFE),
    urls: f.has('urls') ? f.array('urls', MAX_URLS, (u) => (urlBytes(u), u as string)) : [],
    signature: f.hex('signature', 64),
  };
  nameFieldOf(record.name);
  if (!isServedSize(record.waterfallSize)) throw bad('"waterfallSize" must be 1088 + 448 n (the served form of a Waterfall)');
  return record;
}
