// Peer IP addresses as text: the 16-byte field to text and back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ipToField, ipFromField } from '../../src/format/ip-text.js';
import { toHex } from './helpers.js';

test('IPv4 and IPv6 round trips, in RFC 5952 form', () => {
  const cases: [1 | 2, string, string][] = [
    [1, '192.0.2.17', 'c0000211' + '00'.repeat(12)],
    [1, '255.255.255.255', 'ffffffff' + '00'.repeat(12)],
    [2, '::1', '00'.repeat(15) + '01'],
    [2, '2001:db8::2:1', '20010db8' + '00'.repeat(8) + '00020001'],
    [2, '2001:db8:0:1:1:1:1:1', '20010db8000000010001000100010001'], // a single zero group stays
    [2, '2001:0:0:1::1', '20010000000000010000000000000001'], // the longer run wins
    [2, '1::1:0:0:1', '00010000000000000001000000000001'], // the first of equal runs wins
    [2, '::', '00'.repeat(16)],
    [2, 'fe80::', 'fe80' + '00'.repeat(14)],
  ];
  for (const [kind, text, field] of cases) {
    assert.equal(toHex(ipToField(kind, text)!), field, text);
    assert.equal(ipFromField(kind, Buffer.from(field, 'hex')), text, text);
  }
});

test('other spellings read to the same field; junk reads to null', () => {
  assert.equal(toHex(ipToField(2, '2001:DB8:0:0:0:0:2:1')!), toHex(ipToField(2, '2001:db8::2:1')!));
  assert.equal(toHex(ipToField(2, '::ffff:192.0.2.1')!), '00'.repeat(10) + 'ffff' + 'c0000201');
  for (const bad of ['', '1.2.3', '1.2.3.256', 'x', '::1::1', '1:2:3:4:5:6:7:8:9', 'fe80::1%eth0']) {
    assert.equal(ipToField(bad.includes(':') ? 2 : 1, bad), null, bad);
  }
  assert.equal(ipToField(1, '::1'), null);
  assert.equal(ipToField(2, '1.2.3.4'), null);
});
