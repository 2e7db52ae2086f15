import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAddress, formatAddress } from '../../src/net/address.js';
import { ipv4ToBytes, ipv6ToBytes, bytesToIpv6 } from '../../src/net/ip.js';
import { BytefallError } from '../../src/errors.js';

test('addresses parse and format back', () => {
  const cases: [string, object, string?][] = [
    ['127.0.0.1:6881', { kind: 'ip', host: '127.0.0.1', port: 6881 }],
    ['[::1]:443', { kind: 'ip', host: '::1', port: 443 }],
    ['[2001:DB8::1]:1', { kind: 'ip', host: '2001:db8::1', port: 1 }, '[2001:db8::1]:1'],
    ['Example.org:65535', { kind: 'ip', host: 'example.org', port: 65535 }, 'example.org:65535'],
    ['localhost:80', { kind: 'ip', host: 'localhost', port: 80 }],
    ['zt:ABCDEF0123:9993', { kind: 'zt', node: 'abcdef0123', port: 9993 }, 'zt:abcdef0123:9993'],
  ];
  for (const [text, addr, back] of cases) {
    assert.deepEqual(parseAddress(text), addr, text);
    assert.equal(formatAddress(parseAddress(text)), back ?? text);
  }
  assert.equal(parseAddress('0.0.0.0:0', { allowPortZero: true }).port, 0);
});

test('malformed addresses are refused with BAD_ARGUMENT', () => {
  const bad = ['', '127.0.0.1', '127.0.0.1:', '127.0.0.1:0', '127.0.0.1:65536', '127.0.0.1:+80', '127.0.0.1:8o', '::1:80', '[::1]80',
    '[1.2.3.4]:80', '[::g]:80', '1.2.3.999:80', 'exa_mple.org:80', '-a.org:80', 'zt:abc:1', 'zt:0000000000:1', 'zt:abcdef0123', 'zt:abcdef01234:1',
    'a'.repeat(301), 'host name:80'];
  for (const text of bad) {
    assert.throws(() => parseAddress(text), (e: unknown) => e instanceof BytefallError && e.code === 'BAD_ARGUMENT', JSON.stringify(text));
  }
  assert.throws(() => parseAddress('[::1]:80x'), /port "80x" is not a number/);
});

test('IP literals to bytes and back (RFC 5952 text)', () => {
  assert.deepEqual([...ipv4ToBytes('10.1.2.3')!], [10, 1, 2, 3]);
  const cases: [string, string][] = [
    ['::', '::'],
    ['::1', '::1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['::ffff:192.0.2.1', '::ffff:192.0.2.1'],
    ['fe80::1:2', 'fe80::1:2'],
  ];
  for (const [text, canonical] of cases) {
    const b = ipv6ToBytes(text)!;
    assert.equal(b.length, 16, text);
    assert.equal(bytesToIpv6(b), canonical, text);
  }
  assert.equal(ipv6ToBytes('fe80::1%eth0'), undefined);
  assert.equal(ipv6ToBytes('1.2.3.4'), undefined);
  assert.equal(ipv4ToBytes('::1'), undefined);
});
