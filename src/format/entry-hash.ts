// The entry hash: H64 over an entry's name field, info block, parent hash and
// content root (the merkle root of a file's pieces, zeros for a directory).
// entryHashFor encodes the entry through the codec so the bytes are canonical.
import { BytefallError } from '../errors.js';
import { writeNameField, writeInfo, type EntryInfo } from './blocks.js';
import { entryHash } from './digests.js';
import { NAME_FIELD_LEN, FORMAT_MINOR } from './model.js';
import { BLOCK_LEN, ROOT_LEN, HASH64_LEN } from './layout.js';

export interface HashableEntry extends EntryInfo {
  name: string;
  path: string[];
  parentHash: Uint8Array;
}

/**
 * The entry hash `entry` must carry when its content root is `root` (32 bytes; zeros
 * for a directory; for a CDC file the root over its CDC leaves). The info block is
 * encoded under the newest rules; whether the file's version allows it is decode's check.
 */
export function entryHashFor(entry: HashableEntry, root: Uint8Array): Uint8Array {
  const where = () => `entry ${entry.path.join('/')}`;
  if (!(root instanceof Uint8Array) || root.length !== ROOT_LEN || entry.parentHash.length !== HASH64_LEN) {
    throw new BytefallError('BAD_ARGUMENT', `${where()}: a root is ${ROOT_LEN} bytes and a parent hash ${HASH64_LEN}`);
  }
  // Both fields are written over whole, so one scratch buffer serves every call.
  writeNameField(fields, 0, entry.name, true, where);
  writeInfo(fields, NAME_FIELD_LEN, entry, where, FORMAT_MINOR);
  return entryHash(nameField, infoField, entry.parentHash, root);
}

const fields = new Uint8Array(NAME_FIELD_LEN + BLOCK_LEN);
const nameField = fields.subarray(0, NAME_FIELD_LEN);
const infoField = fields.subarray(NAME_FIELD_LEN);
