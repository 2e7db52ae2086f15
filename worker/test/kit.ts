// Test records inside workerd: the same fixed keys as test/announce/kit.ts, signed
// with WebCrypto (Ed25519 signatures are deterministic, so the bytes are the same as
// on Node) and swarm ids from the Worker's own BLAKE3 module.
import { swarmIdOf } from '../src/blake3.js';
import { nameFieldOf, recordMessage, type UnsignedRecord } from '../../src/announce/record.js';
import {
  OTHER_SEED, TEST_NAME, TEST_PUBLISH_TIME, TEST_SALT, TEST_SEED, TEST_WATERFALL_SIZE, testWaterfallId, type CaseKit, type RecordJsonLike,
} from '../../test/announce/bad-input-cases.js';

export const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

const PKCS8_ED25519_PREFIX = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];

export interface TestKey {
  privateKey: CryptoKey;
  publicKey: Uint8Array;
}

export async function importSeed(seed: Uint8Array): Promise<TestKey> {
  const pkcs8 = new Uint8Array([...PKCS8_ED25519_PREFIX, ...seed]);
  const privateKey = (await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, true, ['sign'])) as CryptoKey;
  const jwk = (await crypto.subtle.exportKey('jwk', privateKey)) as JsonWebKey;
  const publicKey = Uint8Array.from(atob(jwk.x!.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  return { privateKey, publicKey };
}

export async function signedRecord(seed: Uint8Array, sequence: number, urls: string[] = []): Promise<RecordJsonLike> {
  const key = await importSeed(seed);
  const unsigned: UnsignedRecord = {
    swarmId: swarmIdOf(key.publicKey, nameFieldOf(TEST_NAME), TEST_SALT),
    publicKey: key.publicKey,
    name: TEST_NAME,
    salt: TEST_SALT,
    sequence,
    publishTime: TEST_PUBLISH_TIME + sequence,
    waterfallId: testWaterfallId(sequence),
    waterfallSize: TEST_WATERFALL_SIZE,
    urls,
  };
  const signature = new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, key.privateKey, recordMessage(unsigned)));
  return {
    swarmId: hex(unsigned.swarmId),
    publicKey: hex(unsigned.publicKey),
    name: unsigned.name,
    salt: hex(unsigned.salt),
    sequence,
    publishTime: unsigned.publishTime,
    waterfallId: hex(unsigned.waterfallId),
    waterfallSize: unsigned.waterfallSize,
    urls,
    signature: hex(signature),
  };
}

export async function workerKit(): Promise<CaseKit> {
  const r = await signedRecord(TEST_SEED, 1);
  return {
    swarmId: r.swarmId,
    unknownSwarmId: 'ab'.repeat(32),
    record: (seq) => signedRecord(TEST_SEED, seq),
    otherSwarmRecord: (seq) => signedRecord(OTHER_SEED, seq),
  };
}
