// The resume state survives crashes: cut the journal or the snapshot at every byte, flip
// every byte, stop a compaction between any two of its steps -> what loads is always a state
// that was really written (the previous one or the new one), never a corrupt mix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { Layout } from '../../src/storage/layout.js';
import { ResumeState } from '../../src/storage/resume-state.js';
import { tempDir } from './helpers.js';

const LAYOUT = new Layout([
  { path: ['x'], size: 8 * 1024, pieceSize: 1024 }, // pieces 0-7
  { path: ['y'], size: 3000, pieceSize: 1024 }, // pieces 8-10
]);

type Files = Record<'state' | 'state.prev' | 'state.journal', Uint8Array | undefined>;

async function capture(dir: string): Promise<Files> {
  const get = (n: string) => readFile(join(dir, n)).then((b) => new Uint8Array(b), () => undefined);
  return { state: await get('state'), 'state.prev': await get('state.prev'), 'state.journal': await get('state.journal') };
}

/** Loads a state from exactly these files in a fresh directory; returns the verified global indexes. */
async function loadFrom(dir: string, files: Partial<Files> & { extra?: Record<string, Uint8Array> }): Promise<string> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (const [name, bytes] of Object.entries({ ...files, ...files.extra })) {
    if (bytes instanceof Uint8Array && name !== 'extra') await writeFile(join(dir, name), bytes);
  }
  const rs = await ResumeState.load(join(dir, 'state'), LAYOUT);
  return show(rs);
}

function show(rs: ResumeState): string {
  const out: number[] = [];
  rs.pieces.bits.forEach((i) => out.push(i));
  return out.join(',');
}

const at = (file: number, piece: number) => ({ file, piece });

test('the journal cut at every byte gives the snapshot plus every whole record before the cut', async (t) => {
  const dir = await tempDir(t);
  const rs = await ResumeState.load(join(dir, 'state'), LAYOUT);
  await rs.recordPieces([at(0, 0), at(0, 1)]);
  await rs.compact();
  const steps = [[at(0, 5)], [at(1, 2)], [at(0, 7), at(1, 0)], [at(0, 2)]];
  for (const s of steps) await rs.recordPieces(s);
  const files = await capture(dir);
  const journal = files['state.journal']!;
  assert.equal(journal.length, 32 + 5 * 24);
  const expected = ['0,1', '0,1,5', '0,1,5,10', '0,1,5,7,10', '0,1,5,7,8,10', '0,1,2,5,7,8,10'];
  const probe = join(dir, 'probe');
  for (let cut = 0; cut <= journal.length; cut++) {
    const records = Math.max(0, Math.floor((cut - 32) / 24));
    const got = await loadFrom(probe, { ...files, 'state.journal': journal.subarray(0, cut) });
    assert.equal(got, expected[records], `journal cut at ${cut}`);
  }
  await rs.close();
});

test('the snapshot cut or flipped at every byte falls back to the previous snapshot', async (t) => {
  const dir = await tempDir(t);
  const rs = await ResumeState.load(join(dir, 'state'), LAYOUT);
  await rs.recordPieces([at(0, 0), at(0, 1)]);
  await rs.compact(); // snapshot A = {0,1}
  await rs.recordPieces([at(0, 3)]);
  await rs.compact(); // snapshot B = {0,1,3}; A becomes state.prev
  await rs.recordPieces([at(1, 1)]);
  const files = await capture(dir);
  const state = files.state!;
  const probe = join(dir, 'probe');
  assert.equal(await loadFrom(probe, files), '0,1,3,9', 'intact: B plus its journal');
  for (let cut = 0; cut < state.length; cut++) {
    assert.equal(await loadFrom(probe, { ...files, state: state.subarray(0, cut) }), '0,1', `state cut at ${cut}`);
  }
  for (let i = 0; i < state.length; i++) {
    const flipped = state.slice();
    flipped[i] ^= 0x01;
    assert.equal(await loadFrom(probe, { ...files, state: flipped }), '0,1', `state flipped at ${i}`);
  }
  assert.equal(await loadFrom(probe, { 'state.journal': files['state.journal'] }), '', 'no snapshot at all: nothing is trusted');
  await rs.close();
});

test('a compaction stopped between any two steps loads the old or the new state', async (t) => {
  const dir = await tempDir(t);
  const rs = await ResumeState.load(join(dir, 'state'), LAYOUT);
  await rs.recordPieces([at(0, 4)]);
  await rs.compact();
  await rs.recordPieces([at(0, 6), at(1, 2)]);
  const before = await capture(dir); // state gen N = {4}, journal gen N = {6, 10}
  await rs.compact();
  const after = await capture(dir); // state gen N+1 = {4,6,10}, prev gen N, journal gen N+1 empty
  const probe = join(dir, 'probe');
  const want = '4,6,10';
  const garbage = new Uint8Array(50).fill(0xee);
  // 1. the temporary snapshot is half written
  assert.equal(await loadFrom(probe, { ...before, extra: { 'state.tmp': garbage } }), want);
  // 2. state renamed to state.prev, the new one not yet in place
  assert.equal(await loadFrom(probe, { 'state.prev': before.state, 'state.journal': before['state.journal'] }), want);
  // 3. new snapshot in place, old journal still there (its generation no longer matches)
  assert.equal(await loadFrom(probe, { ...after, 'state.journal': before['state.journal'] }), want);
  // 4. the new journal is half written
  assert.equal(await loadFrom(probe, { ...after, 'state.journal': after['state.journal']!.subarray(0, 20) }), want);
  assert.equal(await loadFrom(probe, after), want);
  await rs.close();
});

test('journal records are bound to their journal: a record from another generation is not replayed', async (t) => {
  const dir = await tempDir(t);
  const rs = await ResumeState.load(join(dir, 'state'), LAYOUT);
  await rs.compact();
  await rs.recordPieces([at(0, 1)]);
  const old = await capture(dir);
  await rs.compact();
  const fresh = await capture(dir);
  // The old journal's record spliced after the new journal's header.
  const spliced = new Uint8Array([...fresh['state.journal']!, ...old['state.journal']!.subarray(32)]);
  assert.equal(await loadFrom(join(dir, 'probe'), { ...fresh, 'state.journal': spliced }), '1', 'only the snapshot');
  // A flipped record stops the replay there.
  await rs.recordPieces([at(0, 2)]);
  await rs.recordPieces([at(0, 3)]);
  const now = await capture(dir);
  const j = now['state.journal']!.slice();
  j[32 + 24 + 9] ^= 0x80; // the second record
  assert.equal(await loadFrom(join(dir, 'probe'), { ...now, 'state.journal': j }), '1,2');
  await rs.close();
});

test('finished records and unknown versions', async (t) => {
  const dir = await tempDir(t);
  const rs = await ResumeState.load(join(dir, 'state'), LAYOUT);
  await rs.recordFinished(1, 1234n);
  const files = await capture(dir);
  const back = await ResumeState.load(join(dir, 'state'), LAYOUT);
  assert.equal(show(back), '8,9,10');
  assert.equal(back.finishedNs[1], 1234n);
  assert.equal(back.recovered.from, 'state');
  assert.equal(back.recovered.records, 1);
  const v2 = files.state!.slice();
  v2[8] = 2; // version 2, with a correct checksum: refused all the same
  new DataView(v2.buffer).setUint32(v2.length - 4, crc32(v2.subarray(0, v2.length - 4)), true);
  assert.equal(await loadFrom(join(dir, 'probe'), { state: v2 }), '');
  await rs.close();
});
