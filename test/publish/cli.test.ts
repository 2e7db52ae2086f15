// `bytefall publish` as a user runs it: create, publish, change a file, publish
// again from the new version; one-line errors for the wrong key and for outputs
// that exist.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { bytefall, tempDir, isOneLineError } from '../helpers/cli.js';
import { writeTree } from '../create/tmp-tree.js';

const last = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!);

test('create, publish, publish again: same swarm, sequence + 1, only the changed file hashed', () => {
  const { dir, cleanup } = tempDir();
  try {
    const site = join(dir, 'site');
    writeTree(site, { 'a.txt': 'a\n', 'b.bin': randomBytes(300_000), 'sub/': '', 'sub/c.txt': 'c\n' });
    const key = join(dir, 'k.key');
    const v1 = join(dir, 'v1.waterfall');
    const v2 = join(dir, 'v2.waterfall');
    const v3 = join(dir, 'v3.waterfall');
    assert.equal(bytefall(['keygen', key]).status, 0);
    let r = bytefall(['create', site, '--key', key, '-o', v1, '--json']);
    assert.equal(r.status, 0, r.stderr);
    const swarm = last(r.stdout).swarmId;

    r = bytefall(['publish', site, '--key', key, '--from', v1, '-o', v2, '--json']);
    assert.equal(r.status, 0, r.stderr);
    let s = last(r.stdout);
    assert.equal(s.event, 'published');
    assert.equal(s.sequence, 2);
    assert.equal(s.swarmId, swarm);
    assert.equal(s.bytesHashed, 300_000 + 2 + 2); // create writes no index: one full pass
    assert.equal(s.quickCheck, 'none');
    assert.match(r.stdout, /"event":"warning","message":"no publish index/);
    for (const p of [v2, `${v2}.layers`, `${v2}.index`]) assert.ok(existsSync(p), p);

    writeFileSync(join(site, 'sub', 'c.txt'), 'changed\n');
    r = bytefall(['publish', site, '--key', key, '--from', v2, '-o', v3, '--json']);
    assert.equal(r.status, 0, r.stderr);
    s = last(r.stdout);
    assert.deepEqual([s.sequence, s.bytesHashed, s.changed, s.reused, s.quickCheck], [3, 8, 1, 2, 'index']);
    r = bytefall(['inspect', v3, '--json']);
    const info = JSON.parse(r.stdout);
    assert.equal(info.swarmId, swarm);
    assert.equal(info.entries.find((e: { path: string }) => e.path === 'sub/c.txt').fileVersion, 2);
    assert.equal(bytefall(['verify', v3, site]).status, 0);

    r = bytefall(['publish', site, '--key', key, '--from', v2, '-o', v3]);
    assert.equal(r.status, 2);
    assert.ok(isOneLineError(r.stderr));
    assert.match(r.stderr, /already exists \(use --force/);

    const other = join(dir, 'other.key');
    bytefall(['keygen', other]);
    r = bytefall(['publish', site, '--key', other, '--from', v3, '-o', join(dir, 'v4.waterfall')]);
    assert.equal(r.status, 2);
    assert.ok(isOneLineError(r.stderr), r.stderr);
    assert.match(r.stderr, /key does not match the previous version.*\[BAD_KEY\]/);
    assert.ok(!existsSync(join(dir, 'v4.waterfall')));
  } finally {
    cleanup();
  }
});
