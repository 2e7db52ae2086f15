import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PieceAssembly, copyInto } from '../../src/swarm/piece-assembly.js';
import { MAX_BLOCK_LEN } from '../../src/wire/constants.js';

function pattern(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed * 7 + (i >>> 8)) & 0xff;
  return out;
}

test('copyInto: every alignment of source and destination, shared or not, copies exactly', () => {
  for (const shared of [true, false]) {
    for (let srcShift = 0; srcShift < 9; srcShift++) {
      for (let dstShift = 0; dstShift < 9; dstShift++) {
        const len = 1000 + srcShift * 3;
        const frame = pattern(len + 16, srcShift + 1);
        const data = frame.subarray(srcShift, srcShift + len);
        const raw = shared ? new SharedArrayBuffer(4096) : new ArrayBuffer(4096);
        const dst = new Uint8Array(raw, dstShift, 4000);
        dst.fill(0xee);
        copyInto(dst, data, 100 + dstShift);
        assert.deepEqual(dst.subarray(100 + dstShift, 100 + dstShift + len), data, `shared ${shared} src +${srcShift} dst +${dstShift}`);
        assert.ok(dst.subarray(0, 100 + dstShift).every((b) => b === 0xee), 'bytes before untouched');
        assert.ok(dst.subarray(100 + dstShift + len).every((b) => b === 0xee), 'bytes after untouched');
      }
    }
  }
});

test('copyInto: a block larger than the scratch is still copied whole', () => {
  const data = pattern(MAX_BLOCK_LEN + 5, 3).subarray(1);
  const dst = new Uint8Array(new SharedArrayBuffer(MAX_BLOCK_LEN + 64));
  copyInto(dst, data, 8);
  assert.deepEqual(dst.subarray(8, 8 + data.length), data);
});

test('PieceAssembly: blocks from misaligned frames land in a shared piece buffer byte for byte', () => {
  const piece = pattern(3 * 4096 + 100, 9);
  const buffer = new Uint8Array(new SharedArrayBuffer(piece.length));
  const a = new PieceAssembly(0, 0, 0, buffer, 4096);
  assert.equal(a.blocks, 4);
  const order = [2, 0, 3, 1];
  order.forEach((b, k) => {
    const { offset, length } = a.block(b);
    const frame = new Uint8Array(length + 7);
    frame.set(piece.subarray(offset, offset + length), k + 1); // payload at odd offsets, as frames put it
    assert.equal(a.receive(b, frame.subarray(k + 1, k + 1 + length)), k === order.length - 1);
  });
  assert.ok(a.complete);
  assert.deepEqual(new Uint8Array(buffer), piece);
  assert.equal(a.receive(1, new Uint8Array(4096)), false, 'a duplicate block is not copied again');
  assert.deepEqual(new Uint8Array(buffer), piece);
});
