// The resume state's bytes, field by field as docs/STORAGE.md specifies them, both ways; and
// the decoders refusing every kind of damage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import * as fmt from '../../src/storage/resume-format.js';
import { Bitfield } from '../../src/swarm/picker-bitfield.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const withCrc = (body: Uint8Array, seed?: number) => {
  const out = new Uint8Array(body.length + 4);
  out.set(body);
  new DataView(out.buffer).setUint32(body.length, crc32(body, seed), true);
  return out;
};

const FP = new Uint8Array(32).fill(0xab);

test('snapshot: exact bytes, and back', () => {
  const bits = Bitfield.fromBytes(Uint8Array.of(0b1010_0000), 3);
  const snap = { generation: 5n, files: [{ fingerprint: FP, pieces: 3, finishedNs: 0n }], bits };
  const body = hex(`
    4246524553554d45 01000000 01000000 0500000000000000 0300000000000000
    ${'00'.repeat(32)}
    ${'ab'.repeat(32)} 0300000000000000 0000000000000000
    a0`);
  const expected = withCrc(body);
  assert.equal(expected.length, fmt.snapshotLength(1, 3));
  assert.deepEqual(fmt.encodeSnapshot(snap), expected);
  const back = fmt.decodeSnapshot(expected)!;
  assert.equal(back.generation, 5n);
  assert.deepEqual(back.files, snap.files);
  assert.deepEqual(back.bits.toBytes(), Uint8Array.of(0b1010_0000));
});

test('snapshot: damage of every kind is refused', () => {
  const good = fmt.encodeSnapshot({ generation: 1n, files: [{ fingerprint: FP, pieces: 3, finishedNs: 0n }], bits: new Bitfield(3) });
  const resealed = (edit: (b: Uint8Array, v: DataView) => void) => {
    const b = good.slice();
    edit(b, new DataView(b.buffer));
    return withCrc(b.subarray(0, b.length - 4));
  };
  assert.ok(fmt.decodeSnapshot(good));
  const bad: Record<string, Uint8Array> = {
    'short': good.subarray(0, 60),
    'longer': new Uint8Array([...good, 0]),
    'magic': resealed((b) => (b[0] = 0x41)),
    'version': resealed((_, v) => v.setUint32(8, 2, true)),
    'generation 0': resealed((_, v) => v.setBigUint64(16, 0n, true)),
    'reserved': resealed((b) => (b[40] = 1)),
    'total disagrees with rows': resealed((_, v) => v.setBigUint64(24, 4n, true)),
    'spare bits': resealed((b) => (b[64 + 48] = 0b0001_0000)),
    'finished with a missing piece': resealed((_, v) => v.setBigUint64(64 + 40, 99n, true)),
    'checksum': good.map((x, i) => (i === good.length - 1 ? x ^ 1 : x)),
  };
  for (const [why, b] of Object.entries(bad)) assert.equal(fmt.decodeSnapshot(b), null, why);
});

test('journal: header and record bytes; each record CRC continues the header CRC', () => {
  const header = fmt.encodeJournalHeader(7n);
  const headerBody = hex(`42464a4f55524e4c 01000000 00000000 0700000000000000 00000000`);
  assert.deepEqual(header, withCrc(headerBody));
  const h = fmt.decodeJournalHeader(header)!;
  assert.equal(h.generation, 7n);
  assert.equal(h.crc, crc32(headerBody));
  const records = fmt.encodeRecords(
    [
      { type: fmt.RECORD_PIECE, file: 2, value: 9n },
      { type: fmt.RECORD_FINISHED, file: 0, value: 0x0102030405060708n },
    ],
    h.crc,
  );
  const r1 = hex(`01 000000 02000000 0900000000000000 00000000`);
  const r2 = hex(`02 000000 00000000 0807060504030201 00000000`);
  assert.deepEqual(records, new Uint8Array([...withCrc(r1, h.crc), ...withCrc(r2, h.crc)]));
  assert.equal(crc32(r1, h.crc), crc32(new Uint8Array([...headerBody, ...r1])), 'the same as one CRC over header and record');
  assert.deepEqual(fmt.decodeRecords(records, h.crc, [1, 1, 10]), [
    { type: 1, file: 2, value: 9n },
    { type: 2, file: 0, value: 0x0102030405060708n },
  ]);
});

test('journal: replay stops at the first record that is not exactly right', () => {
  const crc = fmt.decodeJournalHeader(fmt.encodeJournalHeader(1n))!.crc;
  const rec = (type: number, file: number, value: bigint) => fmt.encodeRecords([{ type: type as 1, file, value }], crc);
  const ok = rec(1, 0, 0n);
  const cases: Record<string, Uint8Array> = {
    'piece beyond the file': rec(1, 0, 5n),
    'file beyond the table': rec(1, 3, 0n),
    'finished at time 0': rec(2, 0, 0n),
    'unknown type': rec(9, 0, 0n),
    'another journal': fmt.encodeRecords([{ type: 1, file: 0, value: 0n }], crc ^ 1),
    'reserved byte': (() => {
      const r = rec(1, 0, 1n);
      r[1] = 1;
      return withCrc(r.subarray(0, 20), crc);
    })(),
    'torn': ok.subarray(0, 23),
  };
  for (const [why, bad] of Object.entries(cases)) {
    const got = fmt.decodeRecords(new Uint8Array([...ok, ...bad, ...ok]), crc, [5, 5]);
    assert.equal(got.length, 1, why);
  }
  assert.equal(fmt.decodeJournalHeader(fmt.encodeJournalHeader(1n).subarray(0, 31)), null);
  const h = fmt.encodeJournalHeader(1n);
  h[12] = 1;
  assert.equal(fmt.decodeJournalHeader(withCrc(h.subarray(0, 28))), null, 'reserved');
});

test('file fingerprint: SHA-256 over the documented encoding', () => {
  const spec = { path: ['dir', 'é'], size: 5000, pieceSize: 1024, id: Uint8Array.of(1, 2) };
  const enc = new Uint8Array([
    ...Buffer.from('ByteFall storage file 1\0'),
    ...hex('02000000'),
    ...hex('03000000'), ...Buffer.from('dir'),
    ...hex('02000000'), ...Buffer.from('é'),
    ...hex('8813000000000000'),
    ...hex('00040000'),
    ...hex('02000000 0102'),
  ]);
  assert.deepEqual(fmt.fileFingerprint(spec), new Uint8Array(createHash('sha256').update(enc).digest()));
  assert.notDeepEqual(fmt.fileFingerprint(spec), fmt.fileFingerprint({ ...spec, id: Uint8Array.of(1, 3) }));
});
