// Test records on Node: signed with the fixed test keys by record-sign.ts (noble
// ed25519), swarm ids from src/format/digests.ts. The Worker tests build the same
// bytes with WebCrypto (worker/test/kit.ts).
import { publicKeyOf } from '../../src/keys/ed25519.js';
import { swarmIdOf } from '../../src/format/digests.js';
import { nameFieldOf, recordToJson, type RecordJson, type VersionRecord } from '../../src/announce/record.js';
import { signRecord } from '../../src/announce/record-sign.js';
import { toHex } from '../../src/util/hex.js';
import {
  OTHER_SEED, TEST_NAME, TEST_PUBLISH_TIME, TEST_SALT, TEST_SEED, TEST_WATERFALL_SIZE, testWaterfallId, type CaseKit, type RecordJsonLike,
} from './bad-input-cases.js';

export function testSwarmId(seed: Uint8Array = TEST_SEED): Uint8Array {
  return swarmIdOf(publicKeyOf(seed), nameFieldOf(TEST_NAME), TEST_SALT);
}

export function testRecord(sequence: number, seed: Uint8Array = TEST_SEED, urls: string[] = []): VersionRecord {
  return signRecord(
    {
      swarmId: testSwarmId(seed),
      publicKey: publicKeyOf(seed),
      name: TEST_NAME,
      salt: TEST_SALT,
      sequence,
      publishTime: TEST_PUBLISH_TIME + sequence,
      waterfallId: testWaterfallId(sequence),
      waterfallSize: TEST_WATERFALL_SIZE,
      urls,
    },
    seed,
  );
}

export function testRecordJson(sequence: number, seed: Uint8Array = TEST_SEED): RecordJson {
  return recordToJson(testRecord(sequence, seed));
}

export function nodeKit(): CaseKit {
  return {
    swarmId: toHex(testSwarmId()),
    unknownSwarmId: 'ab'.repeat(32),
    record: async (seq) => testRecordJson(seq) as unknown as RecordJsonLike,
    otherSwarmRecord: async (seq) => testRecordJson(seq, OTHER_SEED) as unknown as RecordJsonLike,
  };
}
