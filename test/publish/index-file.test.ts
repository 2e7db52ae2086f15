// The publish index (docs/UPDATES.md): exact bytes both ways, and every way a
// damaged or foreign file is refused (the caller then hashes everything).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import { decodeIndex, encodeIndex, type PublishIndex } from '../../src/publish/index-file.js';

const INDEX: PublishIndex = {
  waterfallId: new Uint8Array(32).fill(0xaa),
  records: [
    { path: ['a.txt'], size: 5n, mtimeNs: 1795392000123456789n, ctimeNs: 1795392000987654321n, ino: 42n, dev: 2049n, root: new Uint8Array(32).fill(1) },
    { path: ['dir', 'é.bin'], size: 2n ** 40n, mtimeNs: -1n, ctimeNs: 0n, ino: 2n ** 63n, dev: 0n, root: new Uint8Array(32).fill(2) },
  ],
};

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const le64 = (v: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt.asUintN(64, v));
  return b.toString('hex');
};

test('exact bytes both ways', () => {
  const bytes = encodeIndex(INDEX);
  const body =
    '0500' + hex(Buffer.from('a.txt')) + le64(5n) + le64(1795392000123456789n) + le64(1795392000987654321n) + le64(42n) + le64(2049n) + '01'.repeat(32) +
    '0a00' + hex(Buffer.from('dir/é.bin')) + le64(2n ** 40n) + le64(-1n) + le64(0n) + le64(2n ** 63n) + le64(0n) + '02'.repeat(32);
  const crc = Buffer.alloc(4);
  crc.writeUInt32LE(crc32(Buffer.from(body, 'hex')));
  const header = hex(Buffer.from('ByteFall index\0\0')) + '01000000' + '02000000' + 'aa'.repeat(32) + crc.toString('hex') + '00000000';
  assert.equal(hex(bytes), header + body);
  assert.deepEqual(decodeIndex(bytes), INDEX);
  assert.deepEqual(decodeIndex(encodeIndex({ waterfallId: INDEX.waterfallId, records: [] })).records, []);
});

test('damaged, truncated, foreign or newer files are refused', () => {
  const bytes = encodeIndex(INDEX);
  const edit = (fn: (b: Uint8Array, v: DataView) => void) => {
    const c = bytes.slice();
    fn(c, new DataView(c.buffer));
    return c;
  };
  const refused = (b: Uint8Array, why: RegExp) => assert.throws(() => decodeIndex(b), { code: 'BAD_ARGUMENT', message: why });
  refused(bytes.subarray(0, 63), /the header alone is 64/);
  refused(edit((b) => (b[0] = 0x62)), /wrong magic/);
  refused(edit((b, v) => v.setUint32(16, 2, true)), /version 2; this build reads 1/);
  refused(edit((b) => (b[61] = 1)), /reserved/);
  refused(edit((b) => (b[100] ^= 1)), /CRC-32 mismatch/);
  refused(bytes.subarray(0, bytes.length - 1), /CRC-32 mismatch/);
  // A count that disagrees with the records (the CRC covers only the records).
  refused(edit((b, v) => v.setUint32(20, 3, true)), /truncated in record 2/);
  refused(edit((b, v) => v.setUint32(20, 1, true)), /bytes after the last record/);
});
