// The publisher's key file (docs/KEYS.md): a small JSON document holding the
// ed25519 seed, created readable by its owner only and never overwritten.
import { openSync, writeSync, fsyncSync, closeSync, readFileSync, statSync } from 'node:fs';
import { BytefallError } from '../errors.js';
import { newSeed, publicKeyOf, SEED_LEN } from './ed25519.js';
import { toHex, fromHex } from '../util/hex.js';

export const KEY_FILE_KIND = 'bytefall-secret-key';
export const KEY_FILE_VERSION = 1;
const MAX_KEY_FILE_SIZE = 4096;

export interface KeyPair {
  seed: Uint8Array;
  publicKey: Uint8Array;
}

export function encodeKeyFile(seed: Uint8Array): string {
  const doc = {
    kind: KEY_FILE_KIND,
    version: KEY_FILE_VERSION,
    algorithm: 'ed25519',
    seed: toHex(seed),
    publicKey: toHex(publicKeyOf(seed)),
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

/** Creates a new key file (mode 0600, exclusive create) and returns its key pair. */
export function writeNewKeyFile(path: string, seed: Uint8Array = newSeed()): KeyPair {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new BytefallError('KEY_EXISTS', `${path} already exists; refusing to overwrite a key file`, { file: path, op: 'create' });
    }
    throw BytefallError.fromSystem(err, path, 'create');
  }
  try {
    writeSync(fd, encodeKeyFile(seed));
    fsyncSync(fd);
  } catch (err) {
    throw BytefallError.fromSystem(err, path, 'write');
  } finally {
    closeSync(fd);
  }
  return { seed, publicKey: publicKeyOf(seed) };
}

export function decodeKeyFile(text: string, path = 'key file'): KeyPair {
  const bad = (why: string) => new BytefallError('BAD_KEY_FILE', `${path}: ${why}`, { file: path, op: 'read' });
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw bad('not a ByteFall key file (not JSON)');
  }
  const d = doc as Record<string, unknown>;
  if (typeof d !== 'object' || d === null || d.kind !== KEY_FILE_KIND) throw bad('not a ByteFall key file');
  if (d.version !== KEY_FILE_VERSION) throw bad(`unsupported key file version ${JSON.stringify(d.version)}`);
  if (d.algorithm !== 'ed25519') throw bad(`unsupported algorithm ${JSON.stringify(d.algorithm)}`);
  const seed = typeof d.seed === 'string' ? fromHex(d.seed) : undefined;
  if (!seed || seed.length !== SEED_LEN || seed.every((b) => b === 0)) throw bad('seed must be 64 hex digits, not all zero');
  const publicKey = publicKeyOf(seed);
  if (d.publicKey !== undefined && d.publicKey !== toHex(publicKey)) throw bad('public key does not match the seed');
  return { seed, publicKey };
}

/** Reads a key file, refusing one that others can read (as ssh does). */
export function readKeyFile(path: string): KeyPair {
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    throw BytefallError.fromSystem(err, path, 'open key file');
  }
  if (!st.isFile()) throw new BytefallError('BAD_KEY_FILE', `${path}: not a regular file`, { file: path, op: 'read' });
  if (st.size > MAX_KEY_FILE_SIZE) throw new BytefallError('BAD_KEY_FILE', `${path}: too large to be a key file`, { file: path, op: 'read' });
  if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
    const mode = (st.mode & 0o777).toString(8).padStart(4, '0');
    throw new BytefallError('BAD_KEY_FILE', `${path}: permissions ${mode} are too open; run: chmod 600 ${path}`, { file: path, op: 'read' });
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw BytefallError.fromSystem(err, path, 'read key file');
  }
  return decodeKeyFile(text, path);
}
