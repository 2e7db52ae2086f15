// The Worker agrees with Node byte for byte: the golden record made on Node
// (test/announce/fixtures/record-v1.json) has the same swarm id, message and
// signature here, with the Worker's BLAKE3 module and WebCrypto.
import { expect, it } from 'vitest';
import vector from '../../test/announce/fixtures/record-v1.json';
import { swarmIdOf } from '../src/blake3.js';
import { nameFieldOf, parseRecordJson, recordMessage } from '../../src/announce/record.js';
import { verifyEd25519 } from '../../src/announce/webcrypto-verify.js';
import { hex, importSeed, signedRecord } from './kit.js';

const fromHex = (s: string) => Uint8Array.from(s.match(/../g)!, (b) => parseInt(b, 16));

it('derives the swarm id of docs/FORMAT.md with the bundled BLAKE3', () => {
  const r = parseRecordJson(vector.record);
  expect(hex(swarmIdOf(r.publicKey, nameFieldOf(r.name), r.salt))).toBe(vector.swarmId);
});

it('encodes the same record message', () => {
  expect(hex(recordMessage(parseRecordJson(vector.record)))).toBe(vector.message);
});

it('verifies the Node signature with WebCrypto, and refuses a changed byte', async () => {
  const r = parseRecordJson(vector.record);
  const message = fromHex(vector.message);
  expect(await verifyEd25519(r.signature, message, r.publicKey)).toBe(true);
  message[500] ^= 1;
  expect(await verifyEd25519(r.signature, message, r.publicKey)).toBe(false);
  expect(await verifyEd25519(r.signature.subarray(1), message, r.publicKey)).toBe(false);
});

it('signs the same bytes as Node (Ed25519 is deterministic)', async () => {
  const key = await importSeed(fromHex(vector.seed));
  expect(hex(key.publicKey)).toBe(vector.publicKey);
  const made = await signedRecord(fromHex(vector.seed), 7, vector.record.urls);
  expect(made).toEqual(vector.record);
});
