// Address policy and rate limiting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPeerAddress, clientAddress, isPublicIp } from '../../src/announce/address-policy.js';
import { ApiError } from '../../src/announce/api-error.js';
import { TokenBucketLimiter, clientKey } from '../../src/announce/rate-limit.js';

test('address policy: canonical forms', () => {
  assert.equal(checkPeerAddress('8.8.8.8:6881', 'public'), '8.8.8.8:6881');
  assert.equal(checkPeerAddress('[2001:4860:0:0::8888]:6881', 'public'), '[2001:4860::8888]:6881');
  assert.equal(checkPeerAddress('[2001:4860:0:0::8888]:6881', 'any'), '[2001:4860::8888]:6881');
  assert.equal(checkPeerAddress('zt:ABCDEF0123:9993', 'public'), 'zt:abcdef0123:9993');
  assert.equal(checkPeerAddress('127.0.0.1:7000', 'any'), '127.0.0.1:7000');
});

test('address policy: public refuses what the internet cannot reach', () => {
  for (const ip of ['0.1.2.3', '10.0.0.1', '100.64.0.1', '127.0.0.1', '169.254.1.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '192.0.2.1', '198.18.0.1', '203.0.113.5', '224.0.0.1', '255.255.255.255', '::', '::1', 'fc00::1', 'fd12::1', 'fe80::1', 'ff02::1', '2001:db8::1', '::ffff:10.0.0.1']) {
    assert.equal(isPublicIp(ip), false, ip);
  }
  for (const ip of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700::1', '::ffff:8.8.8.8']) assert.equal(isPublicIp(ip), true, ip);
  assert.throws(() => checkPeerAddress('192.168.0.1:6881', 'public'), (e: unknown) => e instanceof ApiError && e.code === 'BAD_ADDRESS');
});

test('address policy: the client-IP form', () => {
  assert.equal(clientAddress('::ffff:8.8.8.8', 6881, 'public'), '8.8.8.8:6881');
  assert.equal(clientAddress('2606:4700::1', 6881, 'public'), '[2606:4700::1]:6881');
  assert.equal(clientAddress('127.0.0.1', 6881, 'any'), '127.0.0.1:6881');
  assert.throws(() => clientAddress('', 6881, 'any'), ApiError);
  assert.throws(() => clientAddress('127.0.0.1', 6881, 'public'), ApiError);
});

test('rate limit: a burst, then the refill rate', () => {
  let now = 0;
  const l = new TokenBucketLimiter({ perMinute: 6, burst: 3, now: () => now });
  assert.deepEqual([l.take('a'), l.take('a'), l.take('a'), l.take('a')], [true, true, true, false]);
  assert.equal(l.take('b'), true, 'clients are limited separately');
  now += 10_000;
  assert.deepEqual([l.take('a'), l.take('a')], [true, false]);
});

test('rate limit: memory is bounded', () => {
  let now = 0;
  const l = new TokenBucketLimiter({ perMinute: 60, now: () => now, maxKeys: 100 });
  for (let i = 0; i < 1000; i++) {
    l.take(`k${i}`);
    now += 10;
  }
  assert.ok(l.size <= 100, String(l.size));
});

test('rate limit: keys are addresses, IPv6 by /64, IPv4-mapped as IPv4', () => {
  assert.equal(clientKey('8.8.8.8'), '8.8.8.8');
  assert.equal(clientKey('2001:db8:1:2:3:4:5:6'), clientKey('2001:db8:1:2:ffff::1'));
  assert.notEqual(clientKey('2001:db8:1:2::1'), clientKey('2001:db8:1:3::1'));
  assert.equal(clientKey('::ffff:8.8.8.8'), '8.8.8.8');
});
