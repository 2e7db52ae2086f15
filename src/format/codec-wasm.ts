// Loads build/codec.wasm, the Waterfall block codec (assembly/codec/), once and
// synchronously, and exposes its typed exports with views over its static I/O
// area and fields slots. Only src/format/blocks.ts talks to it.
import { loadWasm } from '../util/wasm-loader.js';

/** The codec's exports: pointers and sizes, peerCountOf (a raw u32), and functions returning a status (0 = OK). */
export interface CodecExports {
  memory: WebAssembly.Memory;
  io(): number;
  ioLen(): number;
  fields(): number;
  slotCount(): number;
  decodeHeaderBlock(at: number): number;
  encodeHeaderBlock(at: number): number;
  decodeCountBlock(at: number): number;
  encodeCountBlock(at: number): number;
  keyForm(at: number): number;
  checkName(at: number, entry: number): number;
  encodeName(at: number, len: number, entry: number): number;
  /** `minor`: the file's format minor version (1.1 allows chunking 1 and its piece count). */
  decodeInfo(at: number, minor: number): number;
  encodeInfo(at: number, minor: number): number;
  peerCountOf(at: number): number;
  decodePeerCountBlock(at: number): number;
  encodePeerCountBlock(at: number): number;
  decodePeer(at: number): number;
  encodePeer(at: number): number;
  checkEmptyPeer(at: number): number;
}

export interface Codec {
  fn: CodecExports;
  /** The I/O area: block bytes go in and come out here. */
  io: Uint8Array;
  /** The fields slots, read as unsigned and as signed 64-bit integers. */
  u64: BigUint64Array;
  i64: BigInt64Array;
  /** The same slots as 32-bit halves (low half first): numbers in and out without a BigInt. */
  u32: Uint32Array;
}

let codec: Codec | undefined;

function load(): Codec {
  const fn = loadWasm<CodecExports>('codec');
  const buffer = fn.memory.buffer; // the codec never grows its memory, so these views stay valid
  return {
    fn,
    io: new Uint8Array(buffer, fn.io(), fn.ioLen()),
    u64: new BigUint64Array(buffer, fn.fields(), fn.slotCount()),
    i64: new BigInt64Array(buffer, fn.fields(), fn.slotCount()),
    u32: new Uint32Array(buffer, fn.fields(), 2 * fn.slotCount()),
  };
}

/** The loaded codec (loaded on first use). */
export function codecWasm(): Codec {
  return (codec ??= load());
}
