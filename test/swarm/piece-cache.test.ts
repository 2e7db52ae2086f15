// The uploader's read-once cache: one read per span whatever number of blocks and peers ask
// for it, a bound in bytes, and buffers recycled only once no socket holds a block of them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HEAD_ROOM, PieceCache, SLOT_BYTES, SPAN_BYTES, type Span, type SpanRef } from '../../src/swarm/piece-cache.js';
import { PIECE_HEADER_LEN } from '../../src/wire/constants.js';
import { spanOf } from '../../src/swarm/upload.js';
import type { UploadJob } from '../../src/swarm/peer.js';

/** A file whose byte at offset o is (o / 1024) & 255, and a log of the reads made. */
function reader() {
  const reads: string[] = [];
  let fail = false;
  return {
    reads,
    failNext: () => (fail = true),
    read: async (file: number, offset: number, parts: Uint8Array[]) => {
      const length = parts.reduce((n, p) => n + p.length, 0);
      reads.push(`${file}:${offset}+${length}`);
      if (fail) {
        fail = false;
        throw new Error('disk on fire');
      }
      let o = offset;
      for (const p of parts) for (let i = 0; i < p.length; i++, o++) p[i] = (o >> 10) & 255;
    },
  };
}

const ref = (start: number, length = SPAN_BYTES): SpanRef => ({ key: `0:${start}`, file: 0, start, length });

test('a span is read once for all its blocks, also while the first read is under way', async () => {
  const r = reader();
  const c = new PieceCache(r.read);
  assert.equal(c.peek('0:0'), undefined);
  const [a, b] = await Promise.all([c.load(ref(0)), c.load(ref(0))]);
  assert.equal(a, b);
  assert.ok(c.peek('0:0'));
  const block = c.lend(a, 3 * 131072, 131072);
  assert.equal(block.data.length, 131072);
  assert.equal(block.data[0], ((3 * 131072) >> 10) & 255);
  assert.deepEqual(r.reads, ['0:0+1048576']);
  block.done();
});

test('bounded in bytes: the least recently used span is dropped first', async () => {
  const r = reader();
  const c = new PieceCache(r.read, 4 * SPAN_BYTES);
  for (let i = 0; i < 4; i++) await c.load(ref(i * SPAN_BYTES));
  c.peek('0:0'); // used again: span 1 is now the oldest
  await c.load(ref(4 * SPAN_BYTES));
  assert.equal(c.size, 4 * SPAN_BYTES);
  assert.ok(c.peek('0:0'));
  assert.equal(c.peek(`0:${SPAN_BYTES}`), undefined);
});

test('a block lent to a socket keeps its bytes after its span is dropped, until it is written', async () => {
  const r = reader();
  const c = new PieceCache(r.read, 4 * SPAN_BYTES);
  const first = await c.load(ref(0));
  const block = c.lend(first, 0, 131072);
  const before = block.data.slice();
  for (let i = 1; i <= 8; i++) await c.load(ref(i * SPAN_BYTES)); // evicts span 0 and reuses freed buffers
  assert.deepEqual(block.data, before, 'a lent block was overwritten');
  block.done();
  block.done(); // twice is harmless
  await c.load(ref(20 * SPAN_BYTES)); // may reuse span 0's buffer now
  const again = c.lend(c.peek(`0:${20 * SPAN_BYTES}`)!, 0, 1);
  assert.equal(again.data[0], (20 * SPAN_BYTES >> 10) & 255);
});

/** The bytes the reader() file holds at [start, start + length). */
const expected = (start: number, length: number) => Uint8Array.from({ length }, (_, i) => ((start + i) >> 10) & 255);

test('a block that starts a slot has head room for its PIECE header, lent to one socket at a time', async () => {
  const c = new PieceCache(reader().read);
  assert.ok(HEAD_ROOM >= PIECE_HEADER_LEN);
  const span: Span = await c.load(ref(0));
  const a = c.lend(span, 2 * SLOT_BYTES, SLOT_BYTES);
  assert.equal(a.headroom, true);
  assert.ok(a.data.byteOffset >= HEAD_ROOM);
  assert.deepEqual(a.data, expected(2 * SLOT_BYTES, SLOT_BYTES));
  const b = c.lend(span, 2 * SLOT_BYTES, SLOT_BYTES); // the same block to a second peer
  assert.equal(b.headroom, false, 'two sockets must not write their headers into the same bytes');
  assert.deepEqual(b.data, a.data);
  const mid = c.lend(span, 2 * SLOT_BYTES + 4096, 4096); // inside the slot: its front bytes are data
  assert.equal(mid.headroom, false);
  assert.deepEqual(mid.data, expected(2 * SLOT_BYTES + 4096, 4096));
  a.done();
  const c2 = c.lend(span, 2 * SLOT_BYTES, SLOT_BYTES);
  assert.equal(c2.headroom, true, 'the room is free again once the first socket is done');
  // Writing a header into the room leaves the neighbouring slot's bytes alone.
  new Uint8Array(c2.data.buffer, c2.data.byteOffset - PIECE_HEADER_LEN, PIECE_HEADER_LEN).fill(0xee);
  assert.deepEqual(c.lend(span, SLOT_BYTES, SLOT_BYTES).data, expected(SLOT_BYTES, SLOT_BYTES));
  for (const x of [b, mid, c2]) x.done();
});

test('a block across two slots is a copy of the right bytes, with room of its own; a short span fills its last slot only so far', async () => {
  const c = new PieceCache(reader().read);
  const span = await c.load(ref(0, 300_000));
  const across = c.lend(span, SLOT_BYTES - 100, 5000);
  assert.equal(across.headroom, true);
  assert.deepEqual(across.data, expected(SLOT_BYTES - 100, 5000));
  const last = c.lend(span, 2 * SLOT_BYTES, 300_000 - 2 * SLOT_BYTES);
  assert.deepEqual(last.data, expected(2 * SLOT_BYTES, 300_000 - 2 * SLOT_BYTES));
  across.done();
  last.done();
});

test('a failed read is not cached: the next load reads again', async () => {
  const r = reader();
  const c = new PieceCache(r.read);
  r.failNext();
  await assert.rejects(c.load(ref(0)), /disk on fire/);
  assert.equal(c.size, 0);
  await c.load(ref(0));
  assert.equal(r.reads.length, 2);
});

test('spanOf: a 1 MiB piece is one span; a larger one is cut in 1 MiB parts; a straddling block has none', () => {
  const job = (pieceStart: number, pieceLength: number, inPiece: number, length = 131072): UploadJob => ({
    reqId: 1, piece: 0, file: 2, offset: pieceStart + inPiece, length, pieceStart, pieceLength,
  });
  assert.deepEqual(spanOf(job(5 << 20, 1 << 20, 7 * 131072)), { key: `2:${5 << 20}`, file: 2, start: 5 << 20, length: 1 << 20 });
  assert.deepEqual(spanOf(job(0, 300_000, 262_144, 37_856)), { key: '2:0', file: 2, start: 0, length: 300_000 });
  assert.deepEqual(spanOf(job(4 << 20, 4 << 20, (2 << 20) + 131072)), { key: `2:${6 << 20}`, file: 2, start: 6 << 20, length: 1 << 20 });
  assert.equal(spanOf(job(0, 4 << 20, (1 << 20) - 100, 200)), undefined);
});
