// Reading exact byte ranges of a file: read() and readv() may return less than asked, and
// these go on where they stopped; a file that ends first is an IO_ERROR, not a short buffer.
// FileReader makes the calls on this thread while they go at memory speed (io-here.ts).
import { readSync, readvSync } from 'node:fs';
import { BytefallError } from '../errors.js';
import type { FileHandleLike } from './fd-cache.js';
import type { IoHere } from './io-here.js';

/** Reads a file's bytes on this thread while its IoHere allows, on libuv's threads after. */
export class FileReader {
  constructor(
    /** Undefined: always on libuv's threads. */
    readonly here: IoHere | undefined,
  ) {}

  /** readExact, here or not. */
  async read(h: FileHandleLike, offset: number, length: number, path: string, into?: Uint8Array): Promise<Uint8Array> {
    const here = this.here;
    if (!here?.open || h.fd === undefined) return readExact(h, offset, length, path, into);
    const out = outBuffer(length, into);
    const start = performance.now();
    for (let done = 0; done < length; ) done += counted(readOnce(() => readSync(h.fd!, out, done, length - done, offset + done), path), path, offset + length);
    here.took(length, performance.now() - start);
    return out;
  }

  /** readvExact, here or not. */
  async readv(h: FileHandleLike, offset: number, parts: readonly Uint8Array[], path: string): Promise<void> {
    const here = this.here;
    if (!here?.open || h.fd === undefined) return readvExact(h, offset, parts, path);
    const start = performance.now();
    const bytes = fillParts(parts, offset, path, (rest, position) => readOnce(() => readvSync(h.fd!, rest, position), path));
    here.took(bytes, performance.now() - start);
  }
}

function readOnce(call: () => number, path: string): number {
  try {
    return call();
  } catch (err) {
    throw wrapRead(err, path);
  }
}

function outBuffer(length: number, into?: Uint8Array): Uint8Array {
  if (into && into.length < length) throw new BytefallError('BAD_ARGUMENT', `a buffer of ${into.length} bytes cannot take ${length}`);
  return into ? into.subarray(0, length) : new Uint8Array(length);
}

/** `bytesRead`, or IO_ERROR when the file ended before `end`. */
function counted(bytesRead: number, path: string, end: number): number {
  if (bytesRead === 0) throw new BytefallError('IO_ERROR', `${path} ends before byte ${end}`, { file: path, op: 'read' });
  return bytesRead;
}

export async function readExact(h: FileHandleLike, offset: number, length: number, path: string, into?: Uint8Array): Promise<Uint8Array> {
  const out = outBuffer(length, into);
  for (let done = 0; done < length; ) {
    const { bytesRead } = await h.read(out, done, length - done, offset + done).catch((err) => {
      throw wrapRead(err, path);
    });
    done += counted(bytesRead, path, offset + length);
  }
  return out;
}

/** readv until every part is full: a short read goes on where it stopped. */
export async function readvExact(h: FileHandleLike, offset: number, parts: readonly Uint8Array[], path: string): Promise<void> {
  let rest = parts.filter((p) => p.length > 0);
  let position = offset;
  while (rest.length > 0) {
    const { bytesRead } = await h.readv(rest, position).catch((err) => {
      throw wrapRead(err, path);
    });
    position += countedParts(bytesRead, rest, position, path);
    rest = after(rest, bytesRead);
  }
}

/** readvExact's loop with a blocking `readv`; returns the bytes read. */
function fillParts(parts: readonly Uint8Array[], offset: number, path: string, readv: (rest: Uint8Array[], position: number) => number): number {
  let rest = parts.filter((p) => p.length > 0);
  let position = offset;
  while (rest.length > 0) {
    const bytesRead = readv(rest, position);
    position += countedParts(bytesRead, rest, position, path);
    rest = after(rest, bytesRead);
  }
  return position - offset;
}

function countedParts(bytesRead: number, rest: readonly Uint8Array[], position: number, path: string): number {
  return counted(bytesRead, path, position + rest.reduce((n, p) => n + p.length, 0));
}

/** The parts still to fill once `n` bytes went into `rest`. */
function after(rest: Uint8Array[], n: number): Uint8Array[] {
  while (n > 0) {
    if (rest[0].length <= n) n -= rest.shift()!.length;
    else {
      rest = [rest[0].subarray(n), ...rest.slice(1)];
      n = 0;
    }
  }
  return rest;
}

function wrapRead(err: unknown, path: string): unknown {
  return err instanceof BytefallError ? err : BytefallError.fromSystem(err, path, 'read');
}
