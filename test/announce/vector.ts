// The golden version record (fixtures/record-v1.json): fixed key, fields, URLs, the
// exact message bytes and signature. record.test.ts checks that Node still makes
// these bytes; worker/test/vectors.test.ts that the Worker reads and checks them.
import { publicKeyOf } from '../../src/keys/ed25519.js';
import { recordMessage, recordToJson } from '../../src/announce/record.js';
import { toHex } from '../../src/util/hex.js';
import { TEST_SEED } from './bad-input-cases.js';
import { testRecord, testSwarmId } from './kit.js';

export const VECTOR_URLS = ['https://example.org/releases/announce-test.waterfall', 'http://[2001:db8::7]:8080/w?v=7'];

export function recordVector(): Record<string, unknown> {
  const record = testRecord(7, TEST_SEED, VECTOR_URLS);
  return {
    description: 'ByteFall version record 1 (docs/ANNOUNCE.md): the record of sequence 7 of the test Waterfall, signed with the test seed',
    seed: toHex(TEST_SEED),
    publicKey: toHex(publicKeyOf(TEST_SEED)),
    swarmId: toHex(testSwarmId()),
    message: toHex(recordMessage(record)),
    record: recordToJson(record),
  };
}
