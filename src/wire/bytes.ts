// Bounds-checked little-endian cursor over one message payload (Reader) and a
// fixed-size writer (Writer). Every refusal is a BytefallError naming the message.
import { BytefallError } from '../errors.js';

export class Reader {
  private pos = 0;
  private readonly view: DataView;

  constructor(
    readonly buf: Uint8Array,
    /** Message name used in error messages, e.g. "REQUEST". */
    readonly what: string,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private need(n: number): number {
    if (this.remaining < n) {
      throw new BytefallError('WIRE_TRUNCATED', `${this.what}: truncated at byte ${this.pos} of the payload (needs ${n} more, has ${this.remaining})`);
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  u8(): number {
    return this.view.getUint8(this.need(1));
  }

  u16(): number {
    return this.view.getUint16(this.need(2), true);
  }

  u32(): number {
    return this.view.getUint32(this.need(4), true);
  }

  /** A u64 that must fit a JavaScript safe integer. */
  u64(field: string): number {
    const v = this.view.getBigUint64(this.need(8), true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw this.bad(`${field} ${v} is beyond 2^53-1`);
    return Number(v);
  }

  /** A view (not a copy) of the next n bytes. */
  bytes(n: number): Uint8Array {
    const at = this.need(n);
    return this.buf.subarray(at, at + n);
  }

  /** A view of everything left. */
  rest(): Uint8Array {
    return this.bytes(this.remaining);
  }

  /** Refuses trailing bytes: every message has an exact length. */
  end(): void {
    if (this.remaining !== 0) throw this.bad(`${this.remaining} unexpected trailing bytes`);
  }

  bad(why: string): BytefallError {
    return new BytefallError('WIRE_BAD_MESSAGE', `${this.what}: ${why}`);
  }
}

export class Writer {
  private pos = 0;
  readonly buf: Uint8Array;
  private readonly view: DataView;

  constructor(size: number) {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
  }

  u8(v: number): this {
    this.view.setUint8(this.pos, v);
    this.pos += 1;
    return this;
  }

  u16(v: number): this {
    this.view.setUint16(this.pos, v, true);
    this.pos += 2;
    return this;
  }

  u32(v: number): this {
    this.view.setUint32(this.pos, v, true);
    this.pos += 4;
    return this;
  }

  u64(v: number): this {
    this.view.setBigUint64(this.pos, BigInt(v), true);
    this.pos += 8;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /** The written bytes; throws when the size computed beforehand was wrong (a bug). */
  finish(): Uint8Array {
    if (this.pos !== this.buf.length) throw new Error(`Writer: wrote ${this.pos} of ${this.buf.length} bytes`);
    return this.buf;
  }
}

/** Argument checks for the encoders: a caller bug, not peer input. */
export function checkArg(ok: boolean, what: string): void {
  if (!ok) throw new BytefallError('BAD_ARGUMENT', what);
}

export function isUint(v: number, max: number): boolean {
  return Number.isInteger(v) && v >= 0 && v <= max;
}

export function checkBytes(b: Uint8Array, len: number, what: string): void {
  checkArg(b instanceof Uint8Array && b.length === len, `${what} must be ${len} bytes`);
}
