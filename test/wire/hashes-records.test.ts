// HASHES for a content-defined file (format 1.1): 36-byte records <length u32><hash 32>
// instead of 32-byte hashes, with exact bytes both ways, and the frames that must be refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeMessage, decodeMessage, type Message } from '../../src/wire/messages.js';
import { BytefallError } from '../../src/errors.js';
import { hex, unhex, plain } from './helpers.js';

const R1 = '00400000' + 'dd'.repeat(32); // a 16384-byte piece
const R2 = '01000000' + 'ee'.repeat(32); // a 1-byte last piece
const P = 'ff'.repeat(32);

test('HASHES with records: exact bytes both ways', () => {
  const msg: Message = { type: 'hashes', reqId: 3, hashes: unhex(R1 + R2), proof: unhex(P), recordLen: 36 };
  // len = 1 + 7 + 72 + 32 = 112 = 0x70; total 12 + 36 x 2 + 32 x 1 = 116 bytes
  const frame = '70000000' + '0f' + '03000000' + '0200' + '01' + R1 + R2 + P;
  assert.equal(hex(encodeMessage(msg)), frame);
  assert.equal(unhex(frame).length, 12 + 36 * 2 + 32);
  assert.deepEqual(plain(decodeMessage(unhex(frame).subarray(4))), plain(msg));
});

test('HASHES: one record and no proof; hashes stay 32 bytes without recordLen', () => {
  const rec: Message = { type: 'hashes', reqId: 1, hashes: unhex(R1), proof: new Uint8Array(0), recordLen: 36 };
  assert.equal(hex(encodeMessage(rec)), '2c000000' + '0f' + '01000000' + '0100' + '00' + R1);
  const plainHashes = decodeMessage(unhex('0f' + '01000000' + '0100' + '00' + 'dd'.repeat(32)));
  assert.equal((plainHashes as { recordLen?: number }).recordLen, undefined);
  assert.equal((plainHashes as { hashes: Uint8Array }).hashes.length, 32);
});

test('HASHES: lengths between the two forms, or past the records, are refused', () => {
  const head = '0f' + '01000000' + '0200' + '00';
  const refuse = (body: string, code: string) =>
    assert.throws(() => decodeMessage(unhex(body)), (e: unknown) => e instanceof BytefallError && e.code === code, `${body.length / 2} bytes: ${code}`);
  refuse(head + 'aa'.repeat(63), 'WIRE_TRUNCATED'); // under two hashes
  refuse(head + 'aa'.repeat(66), 'WIRE_BAD_MESSAGE'); // two hashes and 2 trailing bytes
  refuse(head + 'aa'.repeat(73), 'WIRE_BAD_MESSAGE'); // two records and 1 trailing byte
});

test('HASHES: the encoder refuses a record length other than 32 or 36, and a partial record', () => {
  const bad = (m: Message) => assert.throws(() => encodeMessage(m), (e: unknown) => e instanceof BytefallError && e.code === 'BAD_ARGUMENT');
  bad({ type: 'hashes', reqId: 1, hashes: new Uint8Array(40), proof: new Uint8Array(0), recordLen: 40 });
  bad({ type: 'hashes', reqId: 1, hashes: new Uint8Array(35), proof: new Uint8Array(0), recordLen: 36 });
  bad({ type: 'hashes', reqId: 1, hashes: new Uint8Array(36 * 513), proof: new Uint8Array(0), recordLen: 36 });
});
