// `bytefall update --dry-run` as a user runs it, after `create` and `publish`;
// and the clear refusal without --dry-run while fetching waits for the engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCipheriv } from 'node:crypto';

/** `n` pseudo-random bytes from `seed` (AES-128-CTR over zeros): the same on every run, so the content-defined boundaries are too. */
function seededBytes(n: number, seed: number): Buffer {
  const key = Buffer.alloc(16, seed);
  return createCipheriv('aes-128-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(n));
}
import { bytefall, tempDir, isOneLineError } from '../helpers/cli.js';
import { writeTree } from '../create/tmp-tree.js';

test('update --dry-run prints the plan from the current version to the next', () => {
  const { dir, cleanup } = tempDir();
  try {
    const site = join(dir, 'site');
    const copy = join(dir, 'copy');
    const big = seededBytes(5 << 20, 1);
    writeTree(site, { 'index.html': '<h1>v1</h1>\n', 'big.bin': big, 'old.txt': 'old\n' });
    writeTree(copy, { 'index.html': '<h1>v1</h1>\n', 'big.bin': big, 'old.txt': 'old\n' });
    const key = join(dir, 'k.key');
    const v1 = join(dir, 'v1.waterfall');
    const v2 = join(dir, 'v2.waterfall');
    assert.equal(bytefall(['keygen', key]).status, 0);
    assert.equal(bytefall(['create', site, '--key', key, '-o', v1, '--chunking', 'auto']).status, 0);
    // Version 2: 100 bytes inserted in the middle of big.bin (content-defined pieces), old.txt renamed.
    writeFileSync(join(site, 'big.bin'), Buffer.concat([big.subarray(0, 3 << 20), seededBytes(100, 2), big.subarray(3 << 20)]));
    renameSync(join(site, 'old.txt'), join(site, 'renamed.txt'));
    let r = bytefall(['publish', site, '--key', key, '--from', v1, '-o', v2]);
    assert.equal(r.status, 0, r.stderr);

    r = bytefall(['update', v2, copy, '--from', v1, '--dry-run']);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines[0], `dry run: nothing is changed in ${copy}`);
    assert.equal(lines[1], 'moved    old.txt -> renamed.txt (4 B)');
    assert.match(lines[2], /^changed  big\.bin: 5\.0 MiB in \d+ pieces, [45]\.\d MiB already here, (\d+ B|\d+(\.\d)? KiB) to fetch$/); // a small CDC piece can be under 10 KiB
    assert.match(lines.at(-1)!, /^version 1 -> 2: 5\.0 MiB, 5\.0 MiB already here \(9\d\.\d %\), (\d+ B|\d+(\.\d)? KiB) to fetch in [1-4] pieces? \(\+ \d+(\.\d)? (B|KiB) of piece layer\)$/);

    r = bytefall(['update', v2, copy, '--from', v1, '--dry-run', '--json']);
    const plan = JSON.parse(r.stdout);
    assert.ok(plan.bytes.fetch < 200_000, `${plan.bytes.fetch}`);
    assert.equal(plan.fetches.length, plan.fetches.filter((f: { hash: string }) => /^[0-9a-f]{64}$/.test(f.hash)).length);

    r = bytefall(['update', v2, copy, '--from', v1]);
    assert.equal(r.status, 2);
    assert.ok(isOneLineError(r.stderr), r.stderr);
    assert.match(r.stderr, /holds no version of this Waterfall's swarm .*use get/); // a directory never seeded or fetched
  } finally {
    cleanup();
  }
});
