// `create --peer-record` / `publish --peer-record`: the exact footer bytes of all three
// address kinds (docs/FORMAT.md, "Footer"), what `inspect` and `inspect --json` show of them,
// `publish` keeping or replacing them, and one-line errors for addresses a record cannot hold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bytefall, tempDir, isOneLineError } from '../helpers/cli.js';

const KEY = 'ab'.repeat(32);
const zeros = (bytes: number) => '00'.repeat(bytes);
const RECORDS = [`zt:8056C2E21C:9993#${KEY}`, '192.0.2.17:51413', '[2001:DB8::2:1]:443'];
const EXPECTED = [
  // node key, ZeroTier u64 LE, confidence 0, kind 0, reserved, port 9993 LE, no IP
  KEY + '1ce2c25680000000' + zeros(4) + '00' + '00' + '0927' + zeros(16),
  zeros(32) + zeros(8) + zeros(4) + '01' + '00' + 'd5c8' + 'c0000211' + zeros(12),
  zeros(32) + zeros(8) + zeros(4) + '02' + '00' + 'bb01' + '20010db8' + zeros(8) + '00020001',
];

/** The footer of a Waterfall file: its peer count and the hex of every 64-byte slot. */
function footer(file: string): { count: number; slots: string[] } {
  const b = readFileSync(file);
  const n = b.readUInt32LE(448); // entry count
  const at = 640 + 448 * n + 64;
  const count = b.readUInt32LE(at);
  const slots: string[] = [];
  for (let o = at + 64; o < b.length; o += 64) slots.push(b.subarray(o, o + 64).toString('hex'));
  return { count, slots };
}

function site(dir: string): { key: string; src: string } {
  const src = join(dir, 'site');
  mkdirSync(src, { recursive: true });
  writeFileSync(join(src, 'a.txt'), 'hello\n');
  const key = join(dir, 'k.key');
  assert.equal(bytefall(['keygen', key]).status, 0);
  return { key, src };
}

test('create --peer-record writes kinds 0, 1 and 2 byte for byte; inspect shows them', () => {
  const { dir, cleanup } = tempDir();
  try {
    const { key, src } = site(dir);
    const wf = join(dir, 's.waterfall');
    let r = bytefall(['create', src, '--key', key, '-o', wf, ...RECORDS.flatMap((p) => ['--peer-record', p]), '--json']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout.trim().split('\n').pop()!).peerRecords, 3);

    const f = footer(wf);
    assert.equal(f.count, 3);
    assert.deepEqual(f.slots, [...EXPECTED, zeros(64), zeros(64)], 'three records, then the unused two of the first five slots, all zero');

    r = bytefall(['inspect', wf, '--json']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).peers, [
      { address: 'zt:8056c2e21c:9993', kind: 0, publicKey: KEY, confidence: 0 },
      { address: '192.0.2.17:51413', kind: 1, publicKey: zeros(32), confidence: 0 },
      { address: '[2001:db8::2:1]:443', kind: 2, publicKey: zeros(32), confidence: 0 },
    ]);
    r = bytefall(['inspect', wf]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^peers: +zt:8056c2e21c:9993, 192\.0\.2\.17:51413, \[2001:db8::2:1\]:443$/m);

    // Six records: no zero slots; the count says six.
    const six = join(dir, 'six.waterfall');
    const many = ['10.0.0.1:1', '10.0.0.2:2', '10.0.0.3:3', '10.0.0.4:4', '10.0.0.5:5', 'zt:0000000001:6'];
    r = bytefall(['create', src, '--key', key, '-o', six, ...many.flatMap((p) => ['--peer-record', p])]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(footer(six).count, 6);
    assert.equal(footer(six).slots.length, 6);
    assert.deepEqual(JSON.parse(bytefall(['inspect', six, '--json']).stdout).peers.map((p: { address: string }) => p.address), many);
  } finally {
    cleanup();
  }
});

test('publish keeps the previous peer records unless --peer-record gives new ones', () => {
  const { dir, cleanup } = tempDir();
  try {
    const { key, src } = site(dir);
    const v1 = join(dir, 'v1.waterfall');
    let r = bytefall(['create', src, '--key', key, '-o', v1, ...RECORDS.flatMap((p) => ['--peer-record', p])]);
    assert.equal(r.status, 0, r.stderr);
    const v2 = join(dir, 'v2.waterfall');
    r = bytefall(['publish', src, '--key', key, '--from', v1, '-o', v2]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /peer records \(kept from the previous version\): zt:8056c2e21c:9993/);
    assert.deepEqual(footer(v2), footer(v1), 'the same records, byte for byte');

    const v3 = join(dir, 'v3.waterfall');
    r = bytefall(['publish', src, '--key', key, '--from', v2, '-o', v3, '--peer-record', 'zt:1a2b3c4d5e:7000', '--json']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout.trim().split('\n').pop()!).peerRecords, 1);
    const info = JSON.parse(bytefall(['inspect', v3, '--json']).stdout);
    assert.equal(info.sequence, 3);
    assert.deepEqual(info.peers, [{ address: 'zt:1a2b3c4d5e:7000', kind: 0, publicKey: zeros(32), confidence: 0 }]);
  } finally {
    cleanup();
  }
});

test('--peer-record refuses what a record cannot hold, in one line', () => {
  const { dir, cleanup } = tempDir();
  try {
    const { key, src } = site(dir);
    const cases: [string, RegExp][] = [
      ['example.com:80', /not a host name/],
      ['zt:12345:80', /10 hex digits/],
      ['zt:0000000000:80', /node id is zero/],
      ['192.0.2.1:0', /out of range/],
      ['192.0.2.1', /no port/],
      ['2001:db8::1:80', /brackets/],
      ['192.0.2.1:80#abcd', /64 hex digits/],
      [`192.0.2.1:80#${'g'.repeat(64)}`, /64 hex digits/],
    ];
    for (const [record, why] of cases) {
      const r = bytefall(['create', src, '--key', key, '-o', join(dir, 'x.waterfall'), '--peer-record', record]);
      assert.equal(r.status, 2, `${record}: ${r.stderr}`);
      assert.ok(isOneLineError(r.stderr), r.stderr);
      assert.match(r.stderr, /BAD_ARGUMENT|invalid/);
      assert.match(r.stderr, why, record);
    }
  } finally {
    cleanup();
  }
});
