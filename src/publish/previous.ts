// Loads what publish knows of the previous version from disk: the Waterfall (its
// key, name, salt, sequence, entries), its piece layer (<file>.layers) and its
// publish index (<file>.index). A missing or unusable layer or index is not an
// error, only more hashing: each such case comes back as a warning line.
import { existsSync, readFileSync } from 'node:fs';
import { BytefallError } from '../errors.js';
import { decodeLayers } from '../format/layers.js';
import { equalBytes } from '../format/bytes.js';
import type { Waterfall } from '../format/model.js';
import { decodeIndex, type PublishIndex } from './index-file.js';
import type { PreviousVersion } from './publish.js';

export const layersPathOf = (waterfallPath: string): string => `${waterfallPath}.layers`;
export const indexPathOf = (waterfallPath: string): string => `${waterfallPath}.index`;

/** What publish can use of version `waterfall`, read from `path` (its .layers and .index beside it). */
export function loadPrevious(path: string, waterfall: Waterfall): { previous: PreviousVersion; warnings: string[] } {
  const warnings: string[] = [];
  const previous: PreviousVersion = { waterfall };
  const layersPath = layersPathOf(path);
  const layersBytes = readOptional(layersPath);
  if (!layersBytes) warnings.push(`no piece layer ${layersPath}: every file will be hashed`);
  else {
    try {
      previous.layers = decodeLayers(layersBytes, waterfall);
    } catch (err) {
      if (!(err instanceof BytefallError)) throw err;
      warnings.push(`ignoring ${layersPath} (${err.message}): every file will be hashed`);
    }
  }
  const indexPath = indexPathOf(path);
  const indexBytes = readOptional(indexPath);
  if (!indexBytes) {
    if (previous.layers) warnings.push(`no publish index ${indexPath}: every file will be hashed once; the next publish from this output hashes only what changed`);
    return { previous, warnings };
  }
  let index: PublishIndex | undefined;
  try {
    index = decodeIndex(indexBytes);
  } catch (err) {
    if (!(err instanceof BytefallError)) throw err;
    warnings.push(`ignoring ${indexPath} (${err.message}): every file will be hashed`);
    previous.layers = undefined;
    return { previous, warnings };
  }
  if (!equalBytes(index.waterfallId, waterfall.waterfallId)) {
    warnings.push(`ignoring ${indexPath}: it was written for another version; every file will be hashed`);
    previous.layers = undefined;
    return { previous, warnings };
  }
  previous.index = index;
  return { previous, warnings };
}

function readOptional(path: string): Uint8Array | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return new Uint8Array(readFileSync(path));
  } catch (err) {
    throw BytefallError.fromSystem(err, path, 'read');
  }
}
