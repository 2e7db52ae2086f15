import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameParser } from '../../src/wire/framing.js';
import { encodeMessage } from '../../src/wire/messages.js';
import { BytefallError } from '../../src/errors.js';
import { hex, unhex, fill } from './helpers.js';

function collect(parser: FrameParser, chunks: Uint8Array[]): string[] {
  const out: string[] = [];
  for (const c of chunks) parser.push(c, (body) => out.push(hex(body)));
  return out;
}

const STREAM = [
  encodeMessage({ type: 'keep-alive' }),
  encodeMessage({ type: 'have', piece: 3 }),
  encodeMessage({ type: 'piece', reqId: 1, encoding: 0, data: fill(0x5a, 300) }),
  encodeMessage({ type: 'keep-alive' }),
  encodeMessage({ type: 'choke' }),
];
const ALL = Buffer.concat(STREAM);
const EXPECTED = STREAM.map((f) => hex(f.subarray(4)));

test('frames come out whole however the stream is cut', () => {
  for (let cut = 1; cut <= ALL.length; cut++) {
    const chunks: Uint8Array[] = [];
    for (let at = 0; at < ALL.length; at += cut) chunks.push(ALL.subarray(at, at + cut));
    assert.deepEqual(collect(new FrameParser(), chunks), EXPECTED, `chunks of ${cut}`);
  }
  // and cut at every pair of points
  for (let i = 0; i < ALL.length; i += 7) {
    for (let j = i; j < ALL.length; j += 11) {
      assert.deepEqual(collect(new FrameParser(), [ALL.subarray(0, i), ALL.subarray(i, j), ALL.subarray(j)]), EXPECTED);
    }
  }
});

test('a frame inside one chunk is handed out without copying', () => {
  const bodies: Uint8Array[] = [];
  new FrameParser().push(ALL, (b) => bodies.push(b));
  assert.equal(bodies[2].buffer, ALL.buffer);
});

test('a length prefix over the limit is refused at once, before its body arrives', () => {
  const p = new FrameParser(1024);
  assert.throws(() => p.push(unhex('01040000'), () => {}), (e: unknown) => e instanceof BytefallError && e.code === 'WIRE_TOO_LARGE' && /1025 bytes/.test(e.message));
  assert.equal(p.buffered, 0);
  // the limit itself is fine, and the header may arrive one byte at a time
  const q = new FrameParser(1024);
  const out: number[] = [];
  for (const b of unhex('00040000')) q.push(Uint8Array.of(b), (body) => out.push(body.length));
  q.push(new Uint8Array(1024), (body) => out.push(body.length));
  assert.deepEqual(out, [1024]);
  const big = new FrameParser();
  assert.throws(() => big.push(unhex('01001000'), () => {}), (e: unknown) => e instanceof BytefallError && e.code === 'WIRE_TOO_LARGE');
  assert.throws(() => new FrameParser().push(unhex('ffffffff'), () => {}), (e: unknown) => e instanceof BytefallError && e.code === 'WIRE_TOO_LARGE');
});

test('buffering never exceeds one frame', () => {
  const p = new FrameParser(1 << 16);
  const frame = encodeMessage({ type: 'piece', reqId: 1, encoding: 0, data: fill(1, 60000) });
  const stream = Buffer.concat([frame, frame, frame]);
  let max = 0;
  let frames = 0;
  for (let at = 0; at < stream.length; at += 1000) {
    p.push(stream.subarray(at, at + 1000), () => frames++);
    max = Math.max(max, p.buffered);
  }
  assert.equal(frames, 3);
  assert.ok(max <= frame.length, `${max} <= ${frame.length}`);
});

test('stop() ends delivery, even in the middle of a chunk', () => {
  const p = new FrameParser();
  const seen: string[] = [];
  p.push(ALL, (b) => {
    seen.push(hex(b));
    if (seen.length === 2) p.stop();
  });
  assert.equal(seen.length, 2);
  p.push(ALL, () => assert.fail('stopped'));
});
