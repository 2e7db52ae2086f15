// Loading a Waterfall file from disk for a command: size limits, one clear error.
import { readFileSync, statSync } from 'node:fs';
import { BytefallError } from '../errors.js';
import { decodeWaterfall } from '../format/decode.js';
import type { Waterfall } from '../format/model.js';

/** 1 GiB: two million entries; anything larger is refused before it is read. */
export const MAX_WATERFALL_SIZE = 1 << 30;

export function readWaterfallFile(path: string, opts: { allowPrivateKey?: boolean } = {}): { waterfall: Waterfall; bytes: Uint8Array } {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new BytefallError('BAD_ARGUMENT', `${path} is not a regular file`, { file: path, op: 'open' });
    size = st.size;
  } catch (err) {
    if (err instanceof BytefallError) throw err;
    throw BytefallError.fromSystem(err, path, 'open');
  }
  if (size > MAX_WATERFALL_SIZE) {
    throw new BytefallError('BAD_SIZE', `${path}: ${size} bytes is larger than any Waterfall this build reads`, { file: path, op: 'read' });
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (err) {
    throw BytefallError.fromSystem(err, path, 'read');
  }
  try {
    return { waterfall: decodeWaterfall(bytes, opts), bytes };
  } catch (err) {
    if (err instanceof BytefallError) {
      throw new BytefallError(err.code, `${path}: ${err.message}`, { file: path, op: 'decode', cause: err });
    }
    throw err;
  }
}
