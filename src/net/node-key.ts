// The node key: this node's ed25519 identity on the wire, separate from any
// publisher key. Stored like the publisher key (docs/KEYS.md): JSON, mode 0600,
// created exclusively, never overwritten, refused when others can read it.
import { openSync, writeSync, fsyncSync, closeSync, readFileSync, statSync } from 'node:fs';
import { BytefallError } from '../errors.js';
import { newSeed, publicKeyOf, SEED_LEN } from '../keys/ed25519.js';
import { toHex, fromHex } from '../util/hex.js';

export const NODE_KEY_KIND = 'bytefall-node-key';
export const NODE_KEY_VERSION = 1;
const MAX_FILE_SIZE = 4096;

export interface NodeKey {
  seed: Uint8Array;
  /** The node id. */
  publicKey: Uint8Array;
}

export function nodeKeyFromSeed(seed: Uint8Array): NodeKey {
  if (!(seed instanceof Uint8Array) || seed.length !== SEED_LEN || seed.every((b) => b === 0)) {
    throw new BytefallError('BAD_ARGUMENT', 'a node key seed is 32 bytes, not all zero');
  }
  return { seed: seed.slice(), publicKey: publicKeyOf(seed) };
}

export function encodeNodeKeyFile(key: NodeKey): string {
  const doc = { kind: NODE_KEY_KIND, version: NODE_KEY_VERSION, algorithm: 'ed25519', seed: toHex(key.seed), publicKey: toHex(key.publicKey) };
  return JSON.stringify(doc, null, 2) + '\n';
}

export function decodeNodeKeyFile(text: string, path = 'node key file'): NodeKey {
  const bad = (why: string) => new BytefallError('BAD_KEY_FILE', `${path}: ${why}`, { file: path, op: 'read' });
  let d: Record<string, unknown>;
  try {
    d = JSON.parse(text);
  } catch {
    throw bad('not a ByteFall node key file (not JSON)');
  }
  if (typeof d !== 'object' || d === null) throw bad('not a ByteFall node key file');
  if (d.kind === 'bytefall-secret-key') throw bad('this is a publisher key; a node needs its own node key');
  if (d.kind !== NODE_KEY_KIND) throw bad('not a ByteFall node key file');
  if (d.version !== NODE_KEY_VERSION) throw bad(`unsupported node key file version ${JSON.stringify(d.version)}`);
  if (d.algorithm !== 'ed25519') throw bad(`unsupported algorithm ${JSON.stringify(d.algorithm)}`);
  const seed = typeof d.seed === 'string' ? fromHex(d.seed) : undefined;
  if (!seed || seed.length !== SEED_LEN || seed.every((b) => b === 0)) throw bad('seed must be 64 hex digits, not all zero');
  const key = nodeKeyFromSeed(seed);
  if (d.publicKey !== undefined && d.publicKey !== toHex(key.publicKey)) throw bad('public key does not match the seed');
  return key;
}

/** Creates a new node key file (exclusive create, mode 0600, synced); KEY_EXISTS if there is one. */
export function writeNewNodeKeyFile(path: string, seed: Uint8Array = newSeed()): NodeKey {
  const key = nodeKeyFromSeed(seed);
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new BytefallError('KEY_EXISTS', `${path} already exists; refusing to overwrite a node key file`, { file: path, op: 'create' });
    }
    throw BytefallError.fromSystem(err, path, 'create');
  }
  try {
    writeSync(fd, encodeNodeKeyFile(key));
    fsyncSync(fd);
  } catch (err) {
    throw BytefallError.fromSystem(err, path, 'write');
  } finally {
    closeSync(fd);
  }
  return key;
}

/** Reads a node key file, refusing one that group or others can read (as ssh does). */
export function readNodeKeyFile(path: string): NodeKey {
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    throw BytefallError.fromSystem(err, path, 'open node key file');
  }
  const bad = (why: string) => new BytefallError('BAD_KEY_FILE', `${path}: ${why}`, { file: path, op: 'read' });
  if (!st.isFile()) throw bad('not a regular file');
  if (st.size > MAX_FILE_SIZE) throw bad('too large to be a key file');
  if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
    throw bad(`permissions ${(st.mode & 0o777).toString(8).padStart(4, '0')} are too open; run: chmod 600 ${path}`);
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw BytefallError.fromSystem(err, path, 'read node key file');
  }
  return decodeNodeKeyFile(text, path);
}

/** The node key at `path`, created on first use. */
export function loadOrCreateNodeKey(path: string): { key: NodeKey; created: boolean } {
  try {
    return { key: writeNewNodeKeyFile(path), created: true };
  } catch (err) {
    if (!(err instanceof BytefallError) || err.code !== 'KEY_EXISTS') throw err;
  }
  return { key: readNodeKeyFile(path), created: false };
}
