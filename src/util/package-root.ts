// The checkout (or installed package) this code runs from: the nearest directory above
// this module that holds ByteFall's package.json. Modules run from dist/src/<dir>/ or,
// bundled, from dist/bundle/, so a fixed number of '..' would be right for only one.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function find(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if (JSON.parse(readFileSync(manifest, 'utf8')).name === 'bytefall') return dir;
      } catch {
        // not ours, or unreadable: keep looking
      }
    }
    if (dirname(dir) === dir) return join(start, '..', '..', '..'); // the unbundled layout, as a last resort
  }
}

/** Absolute path of the package's root directory (where package.json, build/ and native/ are). */
export const PACKAGE_ROOT = find();
