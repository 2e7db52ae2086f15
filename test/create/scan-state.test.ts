// A directory a node has seeded or downloaded into holds ByteFall's own files: the state
// folder (with the node key) and working copies. `create` must never publish them, and
// `verify` must not list them as extra.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scan } from '../../src/create/scan.js';
import { tempDir } from '../helpers/cli.js';

test('scan skips the .bytefall state folder at the top and *.bytefall-part files anywhere', async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  mkdirSync(join(dir, '.bytefall'));
  writeFileSync(join(dir, '.bytefall', 'node.key'), 'secret');
  mkdirSync(join(dir, 'sub', '.bytefall'), { recursive: true }); // only the top one is ours
  writeFileSync(join(dir, 'sub', 'a.bin.bytefall-part'), 'x');
  writeFileSync(join(dir, 'sub', 'a.bin'), 'y');
  const r = await scan(dir);
  assert.deepEqual(r.entries.map((e) => e.path.join('/')), ['sub', 'sub/.bytefall', 'sub/a.bin']);
});
