// Temporary trees for the create, verify and pool tests: a directory under the
// system temp dir, filled from a plain map of relative paths, removed afterwards.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** A path ending in '/' is a directory; anything else a file with these bytes. */
export type TreeSpec = Record<string, Uint8Array | string>;

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'bytefall-test-'));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export function writeTree(root: string, spec: TreeSpec): void {
  for (const [rel, content] of Object.entries(spec)) {
    const abs = join(root, rel);
    if (rel.endsWith('/')) {
      mkdirSync(abs, { recursive: true });
      continue;
    }
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
}

export function random(n: number): Uint8Array {
  return new Uint8Array(randomBytes(n));
}
