// Making and checking version records on a node: signed with the publisher's seed
// (the key that signs the Waterfall), checked with the same strict ed25519 as the
// Waterfall itself. A node trusts no record it has not checked here.
import { BytefallError } from '../errors.js';
import { sign, verify } from '../keys/ed25519.js';
import { swarmIdOf } from '../format/digests.js';
import { type Waterfall } from '../format/model.js';
import { equalBytes } from '../format/bytes.js';
import { ApiError } from './api-error.js';
import { nameFieldOf, recordMessage, type UnsignedRecord, type VersionRecord } from './record.js';
import { MIN_SERVED_WATERFALL_LEN, WATERFALL_ENTRY_LEN } from '../wire/constants.js';
import { toHex } from '../util/hex.js';

export function signRecord(unsigned: UnsignedRecord, seed: Uint8Array): VersionRecord {
  return { ...unsigned, urls: [...unsigned.urls], signature: sign(recordMessage(unsigned), seed) };
}

/** The record that points at version `w` (decoded, verified) of a Waterfall. */
export function recordFor(w: Waterfall, seed: Uint8Array, urls: string[] = []): VersionRecord {
  return signRecord(
    {
      swarmId: w.swarmId,
      publicKey: w.publicKey,
      name: w.name,
      salt: w.salt,
      sequence: w.sequence,
      publishTime: w.publishTime,
      waterfallId: w.waterfallId,
      waterfallSize: MIN_SERVED_WATERFALL_LEN + WATERFALL_ENTRY_LEN * w.entries.length,
      urls,
    },
    seed,
  );
}

export interface VerifyExpectations {
  /** The swarm the record must belong to. */
  swarmId: Uint8Array;
  /** When the node already knows the publisher's key (from a Waterfall), the record must carry it. */
  publicKey?: Uint8Array;
}

/**
 * Checks a record as a node must before acting on it: it names the expected swarm, its
 * key, name and salt derive that swarm id (docs/FORMAT.md), and the signature verifies.
 * Throws ANNOUNCE_BAD_RECORD saying which check failed.
 */
export function verifyRecord(record: VersionRecord, expect: VerifyExpectations): void {
  const fail = (why: string) => new BytefallError('ANNOUNCE_BAD_RECORD', `version record ${record.sequence} of swarm ${toHex(expect.swarmId)}: ${why}`);
  let message: Uint8Array;
  let nameField: Uint8Array;
  try {
    message = recordMessage(record);
    nameField = nameFieldOf(record.name);
  } catch (err) {
    throw fail(err instanceof ApiError ? err.message : String(err));
  }
  if (!equalBytes(record.swarmId, expect.swarmId)) throw fail(`it names swarm ${toHex(record.swarmId)}`);
  if (expect.publicKey && !equalBytes(record.publicKey, expect.publicKey)) throw fail('another key signed it');
  if (!equalBytes(swarmIdOf(record.publicKey, nameField, record.salt), record.swarmId)) {
    throw fail('its key, name and salt do not derive the swarm id');
  }
  if (!verify(record.signature, message, record.publicKey)) throw fail('the signature does not verify');
}
