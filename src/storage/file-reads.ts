// Reading exact byte ranges of a file: read() and readv() may return less than asked, and
// these go on where they stopped; a file that ends first is an IO_ERROR, not a short buffer.
import { BytefallError } from '../errors.js';
import type { FileHandleLike } from './fd-cache.js';

export async function readExact(h: FileHandleLike, offset: number, length: number, path: string, into?: Uint8Array): Promise<Uint8Array> {
  if (into && into.length < length) throw new BytefallError('BAD_ARGUMENT', `a buffer of ${into.length} bytes cannot take ${length}`);
  const out = into ? into.subarray(0, length) : new Uint8Array(length);
  for (let done = 0; done < length; ) {
    const { bytesRead } = await h.read(out, done, length - done, offset + done).catch((err) => {
      throw wrapRead(err, path);
    });
    if (bytesRead === 0) throw new BytefallError('IO_ERROR', `${path} ends before byte ${offset + length}`, { file: path, op: 'read' });
    done += bytesRead;
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
    if (bytesRead === 0) {
      const left = rest.reduce((n, p) => n + p.length, 0);
      throw new BytefallError('IO_ERROR', `${path} ends before byte ${position + left}`, { file: path, op: 'read' });
    }
    position += bytesRead;
    let n = bytesRead;
    while (n > 0) {
      if (rest[0].length <= n) n -= rest.shift()!.length;
      else {
        rest = [rest[0].subarray(n), ...rest.slice(1)];
        n = 0;
      }
    }
  }
}

function wrapRead(err: unknown, path: string): unknown {
  return err instanceof BytefallError ? err : BytefallError.fromSystem(err, path, 'read');
}
