// buildWaterfall: from what `create`/`publish` know (entries with merkle roots,
// a name, a salt, a seed) to signed Waterfall bytes. Sorts entries canonically,
// writes them with their parent and entry hashes (entry-writer.ts), signs, encodes
// the rest, and reads the result back.
import { BytefallError } from '../errors.js';
import { publicKeyOf, SEED_LEN } from '../keys/ed25519.js';
import { readPeer, writeName } from './blocks.js';
import { nameSaltHash, swarmIdOf, waterfallIdOf } from './digests.js';
import { EntryWriter } from './entry-writer.js';
import { publicHeader } from './public-form.js';
import { encodeWaterfall } from './encode.js';
import { decodeWaterfall } from './decode.js';
import { signWaterfall } from './sign.js';
import { comparePathStrings } from './order.js';
import { isZero } from './bytes.js';
import {
  FORMAT_MAJOR, FORMAT_PATCH, HASH_BLAKE3, HEADER_LEN, NAME_FIELD_LEN,
  type BuildInput, type EntryInput, type Waterfall,
} from './model.js';
import { HEADER_SIGNATURE_AT, KEY_BLOCK_AT, SALT_LEN, HASH64_LEN, fileLength, footerAt, peerAt } from './layout.js';

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
  /**
   * The entries, already written (in canonical order) by this writer from exactly the
   * objects in `input.entries` (`create` writes each one as its root becomes known,
   * while other files are still being hashed). Checked: the same count, the same paths.
   */
  written?: EntryWriter;
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

  const { written } = options;
  if (written && (written.count !== input.entries.length || written.entries.some((e, i) => e.path !== input.entries[i].path))) {
    throw badArgument('the entries written are not the entries given');
  }
  const writer = written ?? writeEntries(input.entries);
  if (options.readBack === false) {
    const { bytes, draft } = encodeSigned(input, nameField, writer);
    return { bytes, waterfall: signedDraft(bytes, draft, nameField, input) };
  }
  const { bytes } = encodeSigned(input, nameField, writer);
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
function encodeSigned(input: BuildInput, nameField: Uint8Array, writer: EntryWriter): { bytes: Uint8Array; draft: Waterfall } {
  const { seed, salt } = input;
  const minor = writer.minor;
  const out = new Uint8Array(fileLength(writer.count, (input.peers ?? []).length));
  writer.copyTo(out);
  const entries = writer.entries;
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

/** The entries sorted in canonical order and written (their parent and entry hashes derived). */
function writeEntries(inputs: readonly EntryInput[]): EntryWriter {
  for (const { path } of inputs) {
    if (!Array.isArray(path) || path.length === 0 || path.some((c) => typeof c !== 'string')) {
      throw badArgument(`an entry path must be a non-empty list of names (got ${JSON.stringify(path)})`);
    }
  }
  // Canonical order compares UTF-8 bytes; comparePathStrings does so without encoding
  // every name (a scanned tree comes already sorted: one comparison per entry).
  const sorted = [...inputs].sort((a, b) => comparePathStrings(a.path, b.path));
  const writer = new EntryWriter();
  for (const input of sorted) writer.add(input);
  return writer;
}

function badArgument(message: string): BytefallError {
  return new BytefallError('BAD_ARGUMENT', message);
}
