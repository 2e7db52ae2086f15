// Nothing lost, nothing false: a child process writes pieces and is killed with SIGKILL at a
// random moment, again and again. After each kill, every piece it reported as written is still
// verified, every verified piece reads back exactly, and every file under its final name is
// complete and exact. Finally a run to the end completes every file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { FsStorage } from '../../src/storage/fs-storage.js';
import { seededRandom } from '../../src/swarm/picker-random.js';
import { CRASH_FILES } from './crash-files.js';
import { fileBytes, pieceBytes, tempDir } from './helpers.js';

const CHILD = fileURLToPath(new URL('./crash-child.js', import.meta.url));
const SEED = Number(process.env.BYTEFALL_TEST_SEED ?? Date.now() % 1_000_000);

function runChild(root: string, seed: number, killAfterMs: number | null): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, root, String(seed)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
      // Kill only once the child is writing, at a random moment after that.
      if (killAfterMs !== null && out.startsWith('start') && !child.killed) {
        setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        killAfterMs = null;
      }
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL' && code !== 0) reject(new Error(`child failed (${code}): ${err}`));
      else resolve(out.split('\n'));
    });
  });
}

async function check(root: string, reported: Set<string>): Promise<number> {
  const s = await FsStorage.open(root, CRASH_FILES);
  let verified = 0;
  for (let f = 0; f < CRASH_FILES.length; f++) {
    for (let p = 0; p < s.layout.pieceCounts[f]; p++) {
      if (reported.has(`${f} ${p}`)) assert.ok(s.isVerified(f, p), `reported piece ${f}/${p} was lost`);
      if (s.isVerified(f, p)) {
        verified++;
        assert.deepEqual(await s.readPiece(f, p), pieceBytes(CRASH_FILES[f], f, p), `piece ${f}/${p} is not what was written`);
      }
    }
    const final = join(root, ...CRASH_FILES[f].path);
    const bytes = await readFile(final).catch(() => null);
    if (bytes) assert.deepEqual(new Uint8Array(bytes), fileBytes(CRASH_FILES[f], f), `${final} is final but not exact`);
    assert.equal(bytes !== null, s.status(f).complete);
  }
  await s.close();
  return verified;
}

test(`kill -9 at random moments loses nothing and marks nothing falsely (seed ${SEED})`, async (t) => {
  const root = await tempDir(t);
  const random = seededRandom(SEED);
  const reported = new Set<string>();
  let last = -1;
  for (let round = 0; round < 8; round++) {
    const lines = await runChild(root, SEED + round, Math.floor(random() * 40));
    for (const l of lines) if (l.startsWith('ok ')) reported.add(l.slice(3));
    const verified = await check(root, reported);
    assert.ok(verified >= last, 'verified pieces never go backwards');
    last = verified;
  }
  const lines = await runChild(root, SEED + 99, null);
  assert.ok(lines.includes('done'));
  const total = CRASH_FILES.reduce((n, f) => n + Math.ceil(f.size / f.pieceSize), 0);
  assert.equal(await check(root, reported), total);
  const names = (await readdir(root, { recursive: true })).map(String).sort();
  assert.deepEqual(names, ['.bytefall', '.bytefall/state', '.bytefall/state.journal', '.bytefall/state.prev', 'd', 'd/three', 'd/two', 'one', 'tiny']);
});
