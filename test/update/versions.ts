// Versions of a Waterfall built in memory from readable specs, for the update
// plan tests. A spec maps a path to its content written in 1 KiB blocks: "ABA"
// is 1 KiB of "A", 1 KiB of "B", 1 KiB of "A"; with 1 KiB pieces each letter is
// one piece, so which pieces two files share can be read off the spec.
import { buildWaterfall, type EntryInput } from '../../src/format/index.js';
import { hashPieces, merkleRoot } from '../../src/hash/merkle.js';
import type { Version } from '../../src/update/plan.js';

export const BLOCK = 1024;
const SEED = new Uint8Array(32).fill(5);

export function blocks(letters: string): Uint8Array {
  const out = new Uint8Array(letters.length * BLOCK);
  [...letters].forEach((c, i) => out.fill(c.charCodeAt(0), i * BLOCK, (i + 1) * BLOCK));
  return out;
}

/** Version `sequence` of one Waterfall holding these files (their directories are added). */
export function version(sequence: number, spec: Record<string, string>, seed = SEED): Version {
  const dirs = new Set<string>();
  const inputs: EntryInput[] = [];
  const layers = new Map<string, Uint8Array>();
  for (const [path, letters] of Object.entries(spec)) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
    const data = blocks(letters);
    const leaves = hashPieces(data, BLOCK);
    layers.set(path, leaves);
    inputs.push({ path: parts, isDir: false, size: data.length, created: 0, changed: 0, pieceSize: BLOCK, fileVersion: 1, permissions: 0o644, root: merkleRoot(leaves) });
  }
  for (const d of dirs) inputs.push({ path: d.split('/'), isDir: true, size: 0, created: 0, changed: 0, pieceSize: 0, fileVersion: 1, permissions: 0o755, root: new Uint8Array(32) });
  const { waterfall } = buildWaterfall({ name: 'plan test', salt: new Uint8Array(64), sequence, publishTime: sequence, seed, entries: inputs });
  return { waterfall, layers: waterfall.entries.filter((e) => !e.isDir).map((e) => layers.get(e.path.join('/'))!) };
}
