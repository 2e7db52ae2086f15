// `create`'s default chunking (docs/UPDATES.md, "Content-defined pieces: when"): auto, so files
// larger than 256 KiB get content-defined pieces (a format 1.1 Waterfall) and smaller ones
// fixed; --piece-size alone means fixed pieces (format 1.0); --chunking says it explicitly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { decodeWaterfall } from '../../src/format/decode.js';
import { bytefall, tempDir } from '../helpers/cli.js';

test('create defaults to --chunking auto; --piece-size alone means fixed pieces', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  mkdirSync(join(dir, 'site'));
  writeFileSync(join(dir, 'site', 'big.bin'), randomBytes(300_000));
  writeFileSync(join(dir, 'site', 'small.txt'), 'small\n');
  const key = join(dir, 'k.key');
  assert.equal(bytefall(['keygen', key]).status, 0);
  const chunkings = (args: string[]) => {
    const wf = join(dir, `${args.join('_') || 'default'}.waterfall`);
    const r = bytefall(['create', join(dir, 'site'), '--key', key, '-o', wf, ...args]);
    assert.equal(r.status, 0, r.stderr);
    const info = JSON.parse(bytefall(['inspect', wf, '--json']).stdout);
    const files = decodeWaterfall(new Uint8Array(readFileSync(wf))).entries.filter((e) => !e.isDir);
    return `${info.format} ${files.map((e) => `${e.path.join('/')}:${e.chunking === 1 ? 'cdc' : 'fixed'}`).join(' ')}`;
  };
  assert.equal(chunkings([]), '1.1.0 big.bin:cdc small.txt:fixed');
  assert.equal(chunkings(['--piece-size', '64K']), '1.0.0 big.bin:fixed small.txt:fixed');
  assert.equal(chunkings(['--chunking', 'fixed']), '1.0.0 big.bin:fixed small.txt:fixed');
  assert.equal(chunkings(['--chunking', 'cdc']), '1.1.0 big.bin:cdc small.txt:cdc');
});
