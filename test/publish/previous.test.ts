// loadPrevious: a missing, damaged or foreign layer or index is never an error,
// only a warning and more hashing (the index is a cache).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeWaterfall } from '../../src/format/index.js';
import { encodeIndex } from '../../src/publish/index-file.js';
import { loadPrevious } from '../../src/publish/previous.js';
import { FIXTURES_DIR, readFixture } from '../format/fixtures.js';
import { removeDir, tempDir } from '../create/tmp-tree.js';

test('layer and index found, missing, damaged or written for another version', () => {
  const dir = tempDir();
  try {
    const path = join(dir, 'v.waterfall');
    copyFileSync(join(FIXTURES_DIR, 'cdc.waterfall'), path);
    const w = decodeWaterfall(readFixture('cdc').bytes);
    let r = loadPrevious(path, w);
    assert.equal(r.previous.layers, undefined);
    assert.match(r.warnings.join('\n'), /no piece layer .*every file will be hashed/);

    copyFileSync(join(FIXTURES_DIR, 'cdc.waterfall.layers'), `${path}.layers`);
    r = loadPrevious(path, w);
    assert.equal(r.previous.layers?.length, 2);
    assert.match(r.warnings.join('\n'), /no publish index/);

    writeFileSync(`${path}.index`, encodeIndex({ waterfallId: w.waterfallId, records: [] }));
    r = loadPrevious(path, w);
    assert.deepEqual(r.warnings, []);
    assert.deepEqual(r.previous.index?.records, []);

    writeFileSync(`${path}.index`, encodeIndex({ waterfallId: new Uint8Array(32), records: [] }));
    r = loadPrevious(path, w);
    assert.match(r.warnings.join('\n'), /written for another version/);
    assert.equal(r.previous.layers, undefined);

    writeFileSync(`${path}.index`, 'garbage');
    r = loadPrevious(path, w);
    assert.match(r.warnings.join('\n'), /ignoring .*\.index \(publish index: .*\)/);
    assert.equal(r.previous.index, undefined);

    writeFileSync(`${path}.layers`, 'garbage');
    r = loadPrevious(path, w);
    assert.match(r.warnings.join('\n'), /ignoring .*\.layers/);
  } finally {
    removeDir(dir);
  }
});
