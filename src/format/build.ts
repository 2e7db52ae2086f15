// buildWaterfall: from what `create`/`publish` know (entries with merkle roots,
// a name, a salt, a seed) to signed Waterfall bytes. Sorts entries canonically,
// derives parent and entry hashes, signs, encodes, and reads the result back.
import { BytefallError } from '../errors.js';
import { publicKeyOf, SEED_LEN } from '../keys/ed25519.js';
import { readPeer, writeInfo, writeName, writeNameField } from './blocks.js';
import { entryHash, nameSaltHash, swarmIdOf, waterfallIdOf } from './digests.js';
import { publicHeader } from './public-form.js';
import { encodeWaterfall } from './encode.js';
import { decodeWaterfall } from './decode.js';
import { signWaterfall } from './sign.js';
import { comparePathStrings } from './order.js';
import { isZero } from './bytes.js';
import {
  FORMAT_MAJOR, FORMAT_MINOR, FORMAT_MINOR_FIXED, FORMAT_PATCH, HASH_BLAKE3, HEADER_LEN, NAME_FIELD_LEN, CHUNKING_FIXED,
  type BuildInput, type Entry, type EntryInput, type Waterfall,
} from './model.js';
import {
  ENTRY_HASH, ENTRY_INFO, ENTRY_NAME, ENTRY_PARENT, HEADER_SIGNATURE_AT, KEY_BLOCK_AT, SALT_LEN, HASH64_LEN, ROOT_LEN,
  entryAt, fileLength, footerAt, peerAt,
} from './layout.js';

export interface Built {
  bytes: Uint8Array;
  waterfall: Waterfall;
}

export interface BuildOptions {
  /**
   * true (the default): the Waterfall returned is what decodeWaterfall reads from the
   * signed bytes, every check run again. false: the Waterfall the bytes were encoded
   * from, with the signatures and ids read or derived from those bytes (the same
   * object: test/format/build.test.ts checks it); `create` saves a second pass over
   * every entry, its time and its memory, on a tree of many small files.
   */
  readBack?: boolean;
}

/**
 * Builds and signs a Waterfall. Every parent directory of a path must itself
 * be among the entries (MISSING_PARENT otherwise: nothing is added silently).
 * The file is format 1.1 when some file uses content-defined pieces, else 1.0.
 */
export function buildWaterfall(input: BuildInput, options: BuildOptions = {}): Built {
  const { seed, salt } = input;
  if (!(seed instanceof Uint8Array) || seed.length !== SEED_LEN) throw badArgument(`the seed must be ${SEED_LEN} bytes`);
  if (!(salt instanceof Uint8Array) || salt.length !== SALT_LEN) throw badArgument(`the salt must be ${SALT_LEN} bytes`);
  if (input.embedPrivateKey && isZero(seed)) {
    throw new BytefallError('BAD_KEY', 'an all-zero seed cannot be embedded: it reads as the public form');
  }
  const nameField = new Uint8Array(NAME_FIELD_LEN);
  writeName(nameField, 0, input.name, false, 'Waterfall name');

  if (options.readBack === false) {
    const { bytes, draft } = encodeSigned(input, nameField);
    return { bytes, waterfall: signedDraft(bytes, draft, nameField, input) };
  }
  const { bytes } = encodeSigned(input, nameField);
  return { bytes, waterfall: decodeWaterfall(bytes, { allowPrivateKey: input.embedPrivateKey }) };
}

/** The draft completed as decodeWaterfall would return it from `bytes`. */
function signedDraft(bytes: Uint8Array, draft: Waterfall, nameField: Uint8Array, input: BuildInput): Waterfall {
  const n = draft.entries.length;
  const footer = footerAt(n);
  const filesSignature = bytes.slice(footer, footer + HASH64_LEN);
  const peers = draft.peers.map((_, i) => readPeer(bytes, peerAt(n, i), `peer record ${i}`));
  return {
    ...draft,
    salt: draft.salt.slice(),
    ...(input.embedPrivateKey ? { privateSeed: input.seed.slice() } : {}),
    headerSignature: bytes.slice(HEADER_SIGNATURE_AT, HEADER_LEN),
    filesSignature,
    peers,
    swarmId: swarmIdOf(draft.publicKey, nameField, draft.salt),
    waterfallId: waterfallIdOf(publicHeader(bytes), bytes.subarray(HEADER_LEN, footer), filesSignature),
  };
}

/**
 * The signed bytes. A function of its own so that the draft (an object per entry)
 * is garbage before decodeWaterfall reads the bytes back: peak memory stays lower.
 */
function encodeSigned(input: BuildInput, nameField: Uint8Array): { bytes: Uint8Array; draft: Waterfall } {
  const { seed, salt } = input;
  const minor = input.entries.some((e) => !e.isDir && (e.chunking ?? CHUNKING_FIXED) !== CHUNKING_FIXED) ? FORMAT_MINOR : FORMAT_MINOR_FIXED;
  const out = new Uint8Array(fileLength(input.entries.length, (input.peers ?? []).length));
  const entries = buildEntries(input.entries, out, minor);
  const draft: Waterfall = {
    version: [FORMAT_MAJOR, minor, FORMAT_PATCH],
    hashAlgorithm: HASH_BLAKE3,
    name: input.name,
    salt,
    nameSaltHash: nameSaltHash(nameField, salt),
    sequence: input.sequence,
    publishTime: input.publishTime,
    publicKey: publicKeyOf(seed),
    headerSignature: new Uint8Array(HASH64_LEN), // signWaterfall fills both in
    filesSignature: new Uint8Array(HASH64_LEN),
    entries,
    peers: input.peers ?? [],
    swarmId: new Uint8Array(0), // derived by decodeWaterfall
    waterfallId: new Uint8Array(0),
  };
  const bytes = encodeWaterfall(draft, out);
  signWaterfall(bytes, draft.entries.length, seed);
  if (input.embedPrivateKey) bytes.set(seed, KEY_BLOCK_AT);
  return { bytes, draft };
}

/**
 * Entries in canonical order with their parent and entry hashes, each written in place
 * in `out` (a file of format minor `minor`): its entry hash is computed over those bytes.
 */
function buildEntries(inputs: readonly EntryInput[], out: Uint8Array, minor: number): Entry[] {
  for (const { path } of inputs) {
    if (!Array.isArray(path) || path.length === 0 || path.some((c) => typeof c !== 'string')) {
      throw badArgument(`an entry path must be a non-empty list of names (got ${JSON.stringify(path)})`);
    }
  }
  // Canonical order compares UTF-8 bytes; comparePathStrings does so without encoding
  // every name (a scanned tree comes already sorted: one comparison per entry).
  const keyed = inputs.map((input) => ({ input }));
  keyed.sort((a, b) => comparePathStrings(a.input.path, b.input.path));

  // The directories on the way to the current entry, by depth: in canonical order a
  // directory comes right before everything under it, so an entry's parent, if it was
  // given, is the last directory seen one level up.
  const dirs: { path: readonly string[]; hash: Uint8Array }[] = [];
  const rootParent = new Uint8Array(HASH64_LEN);
  const entries: Entry[] = [];
  keyed.forEach(({ input }, i) => {
    const path = input.path;
    const where = () => `entry ${path.join('/')}`;
    if (i > 0 && comparePathStrings(keyed[i - 1].input.path, path) === 0) {
      throw new BytefallError('DUPLICATE_NAME', `${where()}: given twice`);
    }
    const depth = path.length - 1;
    const parent = depth === 0 ? undefined : dirs[depth - 1];
    if (depth > 0 && (parent === undefined || !isParent(parent.path, path))) {
      throw new BytefallError('MISSING_PARENT', `${where()}: its directory ${path.slice(0, -1).join('/')} is not among the entries (pass every directory explicitly)`);
    }
    const entry: Entry = {
      name: path[depth],
      path,
      isDir: input.isDir,
      size: input.size,
      created: input.created,
      changed: input.changed,
      pieceSize: input.pieceSize,
      fileVersion: input.fileVersion,
      permissions: input.permissions,
      chunking: input.isDir ? CHUNKING_FIXED : input.chunking ?? CHUNKING_FIXED,
      hash: EMPTY_HASH,
      parentHash: parent === undefined ? rootParent : parent.hash,
    };
    if (entry.chunking !== CHUNKING_FIXED) entry.pieceCount = input.pieceCount ?? 0;
    entry.hash = writeEntry(out, i, entry, input.isDir ? ZERO_ROOT : input.root, minor, where);
    if (input.isDir) {
      dirs.length = depth;
      dirs.push({ path, hash: entry.hash });
    }
    entries.push(entry);
  });
  return entries;
}

/**
 * Writes entry `i` (name field, info block, parent hash) in place, then its entry hash:
 * H64 over the bytes just written and the content root (digests.ts, as entryHashFor).
 */
function writeEntry(out: Uint8Array, i: number, entry: Entry, root: Uint8Array, minor: number, where: () => string): Uint8Array {
  if (!(root instanceof Uint8Array) || root.length !== ROOT_LEN) {
    throw new BytefallError('BAD_ARGUMENT', `${where()}: a root is ${ROOT_LEN} bytes and a parent hash ${HASH64_LEN}`);
  }
  const at = entryAt(i);
  writeNameField(out, at + ENTRY_NAME, entry.name, true, where);
  writeInfo(out, at + ENTRY_INFO, entry, where, minor);
  out.set(entry.parentHash, at + ENTRY_PARENT);
  const hash = entryHash(out.subarray(at + ENTRY_NAME, at + ENTRY_INFO), out.subarray(at + ENTRY_INFO, at + ENTRY_HASH), entry.parentHash, root);
  out.set(hash, at + ENTRY_HASH);
  return hash;
}

const EMPTY_HASH = new Uint8Array(0);
const ZERO_ROOT = new Uint8Array(ROOT_LEN);

/** Whether `dir` is `path` without its last name. */
function isParent(dir: readonly string[], path: readonly string[]): boolean {
  if (dir.length !== path.length - 1) return false;
  for (let i = 0; i < dir.length; i++) if (dir[i] !== path[i]) return false;
  return true;
}

function badArgument(message: string): BytefallError {
  return new BytefallError('BAD_ARGUMENT', message);
}
