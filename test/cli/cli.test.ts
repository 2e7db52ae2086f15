// The CLI as a user meets it: real processes, real files, one-line errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, readFileSync, openSync, writeSync, closeSync, truncateSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { bytefall, cliPath, tempDir, isOneLineError } from '../helpers/cli.js';

function sampleTree(root: string): void {
  mkdirSync(join(root, 'site', 'img'), { recursive: true });
  writeFileSync(join(root, 'site', 'index.html'), '<h1>hi</h1>\n');
  writeFileSync(join(root, 'site', 'img', 'a.bin'), randomBytes(700_000));
  writeFileSync(join(root, 'site', 'empty'), '');
}

test('keygen, create, inspect, verify, and verify pin-pointing one flipped byte', () => {
  const { dir, cleanup } = tempDir();
  try {
    sampleTree(dir);
    const key = join(dir, 'k.key');
    const wf = join(dir, 's.waterfall');
    let r = bytefall(['keygen', key]);
    assert.equal(r.status, 0, r.stderr);
    const pub = /public key: ([0-9a-f]{64})/.exec(r.stdout)?.[1];
    assert.ok(pub);

    r = bytefall(['create', join(dir, 'site'), '--key', key, '-o', wf, '--name', 'Test site', '--piece-size', '64K', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const created = JSON.parse(r.stdout.trim().split('\n').pop()!);
    assert.equal(created.event, 'created');
    assert.equal(created.files, 3);
    assert.equal(created.directories, 1);
    assert.ok(existsSync(`${wf}.layers`));

    r = bytefall(['inspect', wf, '--json']);
    assert.equal(r.status, 0, r.stderr);
    const info = JSON.parse(r.stdout);
    assert.equal(info.name, 'Test site');
    assert.equal(info.publicKey, pub);
    assert.equal(info.swarmId, created.swarmId);
    assert.equal(info.sequence, 1);
    assert.deepEqual(
      info.entries.map((e: { path: string }) => e.path),
      ['empty', 'img', 'img/a.bin', 'index.html'],
    );

    r = bytefall(['verify', wf, join(dir, 'site')]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /ok: all 3 files/);

    const target = join(dir, 'site', 'img', 'a.bin');
    const fd = openSync(target, 'r+');
    writeSync(fd, Buffer.from([readFileSync(target)[300_000] ^ 0xff]), 0, 1, 300_000);
    closeSync(fd);
    r = bytefall(['verify', wf, join(dir, 'site'), '--json']);
    assert.equal(r.status, 1);
    const report = JSON.parse(r.stdout.trim().split('\n').pop()!);
    const bad = report.entries.filter((e: { status: string }) => e.status !== 'ok');
    assert.equal(bad.length, 1);
    assert.equal(bad[0].path, 'img/a.bin');
    // 64 KiB pieces: byte 300000 lies in piece 4, bytes 262144-327679
    assert.deepEqual(bad[0].corrupt, [[262144, 327680]]);

    truncateSync(target, 100);
    r = bytefall(['verify', wf, join(dir, 'site')]);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /wrong size img\/a\.bin: 100 bytes, expected 700000/);
  } finally {
    cleanup();
  }
});

test('user mistakes get one line on stderr and exit 2, never a stack trace', () => {
  const { dir, cleanup } = tempDir();
  try {
    sampleTree(dir);
    const key = join(dir, 'k.key');
    const wf = join(dir, 's.waterfall');
    assert.equal(bytefall(['keygen', key]).status, 0);
    assert.equal(bytefall(['create', join(dir, 'site'), '--key', key, '-o', wf]).status, 0);
    writeFileSync(join(dir, 'garbage.waterfall'), randomBytes(5000));
    writeFileSync(join(dir, 'short.waterfall'), readFileSync(wf).subarray(0, 700));
    writeFileSync(join(dir, 'badkey.key'), 'nope', { mode: 0o600 });

    const cases: [string[], RegExp][] = [
      [['keygen', key], /already exists/],
      [['create', join(dir, 'nope'), '--key', key, '-o', join(dir, 'x.waterfall')], /nope/],
      [['create', join(dir, 'site'), '--key', join(dir, 'badkey.key'), '-o', join(dir, 'x.waterfall')], /BAD_KEY_FILE/],
      [['create', join(dir, 'site'), '--key', key, '-o', wf], /already exists/],
      [['create', join(dir, 'site'), '--key', key, '-o', join(dir, 'y.waterfall'), '--piece-size', '3000'], /power of two/],
      [['create', join(dir, 'site'), '--key', key, '-o', join(dir, 'y.waterfall'), '--piece-size', 'big'], /not a size/],
      [['create', join(dir, 'site'), '-o', join(dir, 'y.waterfall')], /--key/],
      [['inspect', join(dir, 'garbage.waterfall')], /BAD_MAGIC/],
      [['inspect', join(dir, 'short.waterfall')], /TRUNCATED|BAD_SIZE/],
      [['inspect', join(dir, 'missing.waterfall')], /missing\.waterfall/],
      [['inspect', dir], /not a regular file/],
      [['verify', wf, join(dir, 'nothing-here')], /nothing-here/],
      [['frobnicate'], /unknown command/],
      [['inspect', wf, '--bogus'], /unknown option/],
    ];
    for (const [args, pattern] of cases) {
      const r = bytefall(args);
      assert.equal(r.status, 2, `${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
      assert.ok(isOneLineError(r.stderr), `${args.join(' ')}: not one line:\n${r.stderr}`);
      assert.match(r.stderr, pattern, args.join(' '));
    }
  } finally {
    cleanup();
  }
});

test('the private-key form is written only on request and read only on request', () => {
  const { dir, cleanup } = tempDir();
  try {
    sampleTree(dir);
    const key = join(dir, 'k.key');
    const wf = join(dir, 'private.waterfall');
    assert.equal(bytefall(['keygen', key]).status, 0);
    const seed = JSON.parse(readFileSync(key, 'utf8')).seed as string;
    const plain = join(dir, 'plain.waterfall');
    assert.equal(bytefall(['create', join(dir, 'site'), '--key', key, '-o', plain]).status, 0);
    assert.equal(readFileSync(plain).includes(Buffer.from(seed, 'hex')), false, 'the seed must not be in a published Waterfall');

    let r = bytefall(['create', join(dir, 'site'), '--key', key, '-o', wf, '--embed-private-key']);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(readFileSync(wf).includes(Buffer.from(seed, 'hex')));
    r = bytefall(['inspect', wf]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /PRIVATE_KEY_PRESENT/);
    r = bytefall(['verify', wf, join(dir, 'site')]);
    assert.equal(r.status, 2);
    r = bytefall(['inspect', wf, '--allow-private-key']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /EMBEDS THE PRIVATE KEY/);
  } finally {
    cleanup();
  }
});

test('a reader that stops early (| head) ends the output quietly: exit 0, no EPIPE stack trace', async () => {
  const { spawn } = await import('node:child_process');
  // A tree with many entries, so `inspect` writes well past what the reader takes.
  const { dir, cleanup } = tempDir();
  try {
    const site = join(dir, 'site');
    mkdirSync(site);
    for (let i = 0; i < 3000; i++) writeFileSync(join(site, `page-${i}.html`), `<p>${i}</p>`);
    const key = join(dir, 'k.key');
    assert.equal(bytefall(['keygen', key]).status, 0);
    assert.equal(bytefall(['create', site, '--key', key, '-o', join(dir, 's.waterfall'), '-q']).status, 0);
    const child = spawn(process.execPath, [cliPath, 'inspect', join(dir, 's.waterfall')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy(); // the reader goes away after its first chunk
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    assert.equal(stderr, '', 'nothing on stderr');
    assert.equal(code, 0);
  } finally {
    cleanup();
  }
});
