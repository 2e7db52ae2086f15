// Helpers shared by the ZeroTier tests and their peer process: deterministic data
// that either side can check, a Wire responder that serves it, and a fetch of many
// 128 KiB blocks through a Wire.
import { createHash } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { Wire } from '../../src/wire/wire.js';
import type { RequestMsg } from '../../src/wire/messages.js';
import { MAX_BLOCK_LEN } from '../../src/wire/constants.js';

/** `length` bytes that depend on `seed` and the position. */
export function pattern(seed: number, length: number): Buffer {
  const b = Buffer.alloc(length);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < length; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    b.writeUInt32LE(x, i);
  }
  return b;
}

export function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

/** Reads everything from `stream` until it ends. */
export async function readAll(stream: Duplex): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const WATERFALL = new Uint8Array(32).fill(0x77);

/** Answers every REQUEST with pattern(piece * 1000 + offset / MAX_BLOCK_LEN, length), honouring drain. */
export function serveBlocks(wire: Wire): void {
  const queue: { reqId: number; data: Buffer }[] = [];
  const flush = () => {
    while (queue.length && !wire.needsDrain) {
      const { reqId, data } = queue.shift()!;
      wire.piece(reqId, data);
    }
  };
  wire.on('request', (m) => {
    const piece = m.ref.kind === 'index' ? m.ref.piece : 0;
    queue.push({ reqId: m.reqId, data: pattern(piece * 1000 + m.offset / MAX_BLOCK_LEN, m.length) });
    flush();
  });
  wire.on('drain', flush);
}

/** Fetches `blocks` 128 KiB blocks (16 per piece), checks each, resolves to the bytes received. */
export function fetchBlocks(wire: Wire, blocks: number, inFlight = 16): Promise<number> {
  return new Promise((resolve, reject) => {
    let asked = 0;
    let got = 0;
    let bytes = 0;
    const ask = () => {
      while (asked < blocks && wire.requestsInFlight < inFlight) {
        wire.request({ kind: 'index', waterfallId: WATERFALL, piece: asked >> 4 }, (asked & 15) * MAX_BLOCK_LEN, MAX_BLOCK_LEN);
        asked++;
      }
    };
    wire.on('piece', (req, data) => {
      const m = req.msg as RequestMsg;
      const piece = m.ref.kind === 'index' ? m.ref.piece : -1;
      const expected = pattern(piece * 1000 + m.offset / MAX_BLOCK_LEN, m.length);
      if (Buffer.compare(Buffer.from(data.buffer, data.byteOffset, data.byteLength), expected) !== 0) {
        return reject(new Error(`block ${piece}/${m.offset} has wrong bytes`));
      }
      bytes += data.length;
      if (++got === blocks) resolve(bytes);
      else ask();
    });
    wire.on('close', (info) => {
      if (got < blocks) reject(info.error ?? new Error(`wire closed after ${got} of ${blocks} blocks`));
    });
    ask();
  });
}
