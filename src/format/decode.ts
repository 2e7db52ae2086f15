// decodeWaterfall: reads and checks a whole Waterfall file in the order of
// docs/FORMAT.md, "What a reader checks", and returns it only when every check
// passed. The first failure throws a BytefallError that says what and where.
import { BytefallError } from '../errors.js';
import { publicKeyOf } from '../keys/ed25519.js';
import * as blocks from './blocks.js';
import { nameSaltHash, entryHash, swarmIdOf, waterfallIdOf } from './digests.js';
import { verifyHeaderSignature, verifyFilesSignature } from './sign.js';
import { publicHeader } from './public-form.js';
import { EntryTree } from './tree.js';
import { equalBytes } from './bytes.js';
import { HEADER_LEN, NAME_FIELD_LEN, type Entry, type PeerRecord, type Waterfall } from './model.js';
import * as L from './layout.js';

export interface DecodeOptions {
  /** Accept the private-key form of the key block (only `inspect --allow-private-key`). */
  allowPrivateKey?: boolean;
}

const ZERO_ROOT = new Uint8Array(L.ROOT_LEN);

export function decodeWaterfall(bytes: Uint8Array, opts: DecodeOptions = {}): Waterfall {
  // 1. Size of the header, then its fixed fields and reserved bytes.
  if (bytes.length < HEADER_LEN) {
    throw new BytefallError('TRUNCATED', `file is ${bytes.length} bytes; the header alone is ${HEADER_LEN}`);
  }
  const { version, hashAlgorithm } = blocks.readHeaderBlock(bytes, L.HEADER_BLOCK_AT);
  const { fileCount, sequence, publishTime } = blocks.readCountBlock(bytes, L.COUNT_BLOCK_AT);

  // 2. Name, name/salt hash.
  const { name } = blocks.readName(bytes, L.NAME_AT, false, 'Waterfall name');
  const nameField = bytes.subarray(L.NAME_AT, L.NAME_AT + NAME_FIELD_LEN);
  const salt = bytes.slice(L.SALT_AT, L.SALT_AT + L.SALT_LEN);
  const storedNameSaltHash = bytes.slice(L.NAME_SALT_HASH_AT, L.NAME_SALT_HASH_AT + L.HASH64_LEN);
  if (!equalBytes(nameSaltHash(nameField, salt), storedNameSaltHash)) {
    throw new BytefallError('BAD_NAME_SALT_HASH', `header: the name/salt hash does not match name "${name}" and its salt`);
  }

  // 3. Size against the counts.
  const peerCount = checkSize(bytes, fileCount);

  // 4. Key block, header signature.
  const publicKey = bytes.slice(L.PUBLIC_KEY_AT, L.PUBLIC_KEY_AT + 32);
  let privateSeed: Uint8Array | undefined;
  if (blocks.isPrivateKeyForm(bytes, L.KEY_BLOCK_AT)) {
    if (!opts.allowPrivateKey) {
      throw new BytefallError('PRIVATE_KEY_PRESENT', 'key block: this Waterfall carries its private key; refusing to read it (allowPrivateKey)');
    }
    privateSeed = bytes.slice(L.KEY_BLOCK_AT, L.PUBLIC_KEY_AT);
    if (!equalBytes(publicKeyOf(privateSeed), publicKey)) {
      throw new BytefallError('BAD_KEY', 'key block: the private key does not derive the public key that follows it');
    }
  }
  if (!verifyHeaderSignature(bytes, publicKey)) {
    throw new BytefallError('INVALID_SIGNATURE', 'header: the header signature does not verify');
  }

  // 5. Entries.
  const entries = decodeEntries(bytes, fileCount, version[1]);

  // 6. Files signature, peer count block, peer records.
  const footer = L.footerAt(fileCount);
  if (!verifyFilesSignature(bytes, fileCount, publicKey)) {
    throw new BytefallError('INVALID_SIGNATURE', 'footer: the files signature does not verify');
  }
  blocks.checkPeerCountBlock(bytes, L.peerCountAt(fileCount));
  const peers: PeerRecord[] = [];
  for (let i = 0; i < L.peerSlots(peerCount); i++) {
    const at = L.peerAt(fileCount, i);
    if (i < peerCount) peers.push(blocks.readPeer(bytes, at, `peer record ${i}`));
    else blocks.checkEmptyPeer(bytes, at, `peer slot ${i} (peer count ${peerCount})`);
  }

  const pub = publicHeader(bytes);
  const filesSignature = bytes.slice(footer, footer + L.HASH64_LEN);
  return {
    version,
    hashAlgorithm,
    name,
    salt,
    nameSaltHash: storedNameSaltHash,
    sequence,
    publishTime,
    publicKey,
    ...(privateSeed ? { privateSeed } : {}),
    headerSignature: bytes.slice(L.HEADER_SIGNATURE_AT, HEADER_LEN),
    filesSignature,
    entries,
    peers,
    swarmId: swarmIdOf(publicKey, nameField, salt),
    waterfallId: waterfallIdOf(pub, bytes.subarray(HEADER_LEN, footer), filesSignature),
  };
}

/** The file must be exactly 768 + 448n + 64·max(5, p) bytes: shorter is TRUNCATED, longer BAD_SIZE. Returns p. */
function checkSize(bytes: Uint8Array, fileCount: number): number {
  const length = bytes.length;
  const countsAt = L.peerCountAt(fileCount) + L.BLOCK_LEN;
  if (length < countsAt) {
    throw new BytefallError('TRUNCATED', `file is ${length} bytes; ${fileCount} entries need at least ${countsAt}`);
  }
  const peerCount = blocks.peerCountOf(bytes, L.peerCountAt(fileCount));
  const expected = L.fileLength(fileCount, peerCount);
  if (length !== expected) {
    throw new BytefallError(
      length < expected ? 'TRUNCATED' : 'BAD_SIZE',
      `file is ${length} bytes; ${fileCount} entries and ${peerCount} peers make ${expected}`,
    );
  }
  return peerCount;
}

/** `minor`: the file's format minor version; 1.1 allows content-defined pieces. */
function decodeEntries(bytes: Uint8Array, fileCount: number, minor: number): Entry[] {
  const tree = new EntryTree();
  const entries: Entry[] = [];
  for (let i = 0; i < fileCount; i++) {
    const at = L.entryAt(i);
    const parentHash = bytes.slice(at + L.ENTRY_PARENT, at + L.ENTRY_PARENT + L.HASH64_LEN);
    const hash = bytes.slice(at + L.ENTRY_HASH, at + L.ENTRY_HASH + L.HASH64_LEN);
    const { name, bytes: nameBytes } = blocks.readName(bytes, at + L.ENTRY_NAME, true, `entry ${i}`);
    const where = () => `entry ${i} (${tree.describe(name, parentHash)})`; // built only for a message
    const info = blocks.readInfo(bytes, at + L.ENTRY_INFO, where, minor);
    const path = tree.add(where, name, nameBytes, info.isDir, hash, parentHash);
    if (info.isDir) {
      const nameField = bytes.subarray(at + L.ENTRY_NAME, at + L.ENTRY_INFO);
      const infoBlock = bytes.subarray(at + L.ENTRY_INFO, at + L.ENTRY_HASH);
      if (!equalBytes(entryHash(nameField, infoBlock, parentHash, ZERO_ROOT), hash)) {
        throw new BytefallError('BAD_ENTRY_HASH', `${where()}: directory entry hash does not match the entry`);
      }
    }
    entries.push({ name, path, ...info, hash, parentHash });
  }
  return entries;
}
