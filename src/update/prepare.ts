// Preparing an update on disk (docs/UPDATES.md, "Updating in place"): the next version gets
// its own storage (resume state `state-<sequence>`, staging names `<name>.bytefall-v<sequence>`,
// files kept under their staging names until the switch), and everything the node already
// holds is put in it locally, before any peer is asked:
// - a kept file (same path, same content) is adopted as it is: not read, not copied;
// - a moved file is hard-linked to its staging name (copied where links fail), a copied file
//   copied (a reflink where the file system can);
// - each piece of a changed or added file that some old file holds is read there, verified
//   against its leaf on the pool, and written; a piece that does not verify is fetched.
// Old files are sources only when the old version's storage vouches for them (complete,
// unchanged since). Everything done is recorded in the next version's resume state, so a
// restart repeats nothing.
import { constants } from 'node:fs';
import { copyFile, link, open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { BytefallError } from '../errors.js';
import type { Waterfall } from '../format/model.js';
import type { HashPool } from '../hash/pool.js';
import type { StateDir } from '../node/state-dir.js';
import { FsStorage, mkdirOrThrow } from '../storage/fs-storage.js';
import { fileSpecsOf } from '../swarm/file-specs.js';
import { verifyOnPool } from '../swarm/download.js';
import { planUpdate, type UpdatePlan } from './plan.js';
import { localPath } from '../storage/local-names.js';

export interface VersionData {
  waterfall: Waterfall;
  /** Each file entry's layer (decodeLayers). */
  layers: readonly Uint8Array[];
}

export interface PrepareOptions {
  dir: string;
  state: StateDir;
  pool: HashPool;
  old: VersionData;
  /** Paths (joined by '/') of old files the old storage vouches for: complete and unchanged. */
  intact: ReadonlySet<string>;
  /** Old files not complete, by path: their working copy and which of their pieces (by offset) are verified. */
  partial?: ReadonlyMap<string, { part: string; verified(offset: number): boolean }>;
  next: VersionData;
  log?: (line: string) => void;
  /** Stop early (the node is shutting down); what is done stays recorded. */
  stopped?: () => boolean;
}

export interface Prepared {
  storage: FsStorage;
  plan: UpdatePlan;
  /** Files of the next version still to check on disk (a copy under the final name that is not the old version's). */
  checkFiles: number[];
  /** Bytes put in place locally by this call (not counting kept files). */
  placed: number;
}

export const nextPartSuffix = (sequence: number): string => `.bytefall-v${sequence}`;

/** Opens the next version's storage (as prepare leaves it) without doing anything else. */
export function openNextStorage(dir: string, state: StateDir, next: Waterfall, layers: readonly Uint8Array[], deferFinish = true): Promise<FsStorage> {
  return FsStorage.open(dir, fileSpecsOf(next, layers), {
    statePath: state.resumePath(next.sequence),
    partSuffix: nextPartSuffix(next.sequence),
    deferFinish,
  });
}

const keyOf = (path: readonly string[]): string => path.join('/');

export async function prepareUpdate(o: PrepareOptions): Promise<Prepared> {
  const plan = planUpdate(o.old, o.next, { holds: (p) => o.intact.has(keyOf(p)), partial: o.partial && ((p) => o.partial!.has(keyOf(p))) });
  for (const e of o.next.waterfall.entries) if (e.isDir) await mkdirOrThrow(localPath(o.dir, e.path));
  const storage = await openNextStorage(o.dir, o.state, o.next.waterfall, o.next.layers);
  let placed = 0;
  try {
    const layout = storage.layout;
    const fileOf = new Map(layout.files.map((f, i) => [keyOf(f.path), i]));
    const oldPath = (p: readonly string[]) => localPath(o.dir, p);

    // 1. Kept files: the same content under the same name.
    for (const p of plan.kept) {
      const file = fileOf.get(keyOf(p))!;
      if (!storage.status(file).complete && layout.files[file].size > 0) await storage.adoptFinal(file);
    }
    // 2. Whole files moved or copied.
    for (const [moves, move] of [[plan.moved, true], [plan.copied, false]] as const) {
      for (const m of moves) {
        if (o.stopped?.()) return { storage, plan, checkFiles: [], placed };
        const file = fileOf.get(keyOf(m.to))!;
        if (storage.status(file).verified === layout.pieceCounts[file]) continue;
        const part = storage.partPath(file);
        await unlink(part).catch(() => undefined);
        await mkdirOrThrow(join(part, '..'));
        const from = oldPath(m.from);
        try {
          if (move) await link(from, part);
          else await copyFile(from, part, constants.COPYFILE_FICLONE);
        } catch {
          await copyFile(from, part).catch((err) => {
            throw BytefallError.fromSystem(err, part, 'write');
          });
        }
        await Promise.all(Array.from({ length: layout.pieceCounts[file] }, (_, i) => storage.markVerified(file, i)));
        placed += m.size;
      }
    }
    // 3. Pieces of changed and added files found in old files (the layout knows every piece's offset).
    const window = new Set<Promise<void>>();
    let mismatched = 0;
    for (const copy of plan.copies) {
      if (o.stopped?.()) break;
      const targets = copy.to
        .map((t) => fileOf.get(keyOf(t.path))!)
        .map((file, i) => ({ file, piece: layout.pieceAt(file, copy.to[i].offset) }))
        .filter((t) => !storage.isVerified(t.file, t.piece));
      if (targets.length === 0) continue;
      const job = (async () => {
        const from = keyOf(copy.from.path);
        const partial = o.intact.has(from) ? undefined : o.partial?.get(from);
        if (partial && !partial.verified(copy.from.offset)) return; // not downloaded yet: fetched
        const data = await readRange(partial ? partial.part : oldPath(copy.from.path), copy.from.offset, copy.length);
        if (!data || !(await verifyOnPool(o.pool, data, copy.hash))) {
          mismatched++;
          return;
        }
        for (const t of targets) await storage.writePiece(t.file, t.piece, data);
        placed += copy.length * targets.length;
      })();
      window.add(job);
      void job.finally(() => window.delete(job)).catch(() => undefined);
      if (window.size >= 8) await Promise.race(window);
    }
    await Promise.all(window);
    if (mismatched > 0) o.log?.(`${mismatched} pieces of old files did not match their hashes (changed on disk?): they will be fetched`);
    const checkFiles = layout.files.map((_, i) => i).filter((i) => !storage.status(i).complete && !o.intact.has(keyOf(layout.files[i].path)));
    return { storage, plan, checkFiles, placed };
  } catch (err) {
    await storage.close().catch(() => undefined);
    throw err;
  }
}

/** `length` bytes at `offset` of `path` (in shared memory), or undefined when the file is shorter or unreadable. */
export async function readRange(path: string, offset: number, length: number): Promise<Uint8Array | undefined> {
  let h;
  try {
    h = await open(path, 'r');
    const buf = new Uint8Array(new SharedArrayBuffer(length)); // shared: the pool hashes it without taking it
    let got = 0;
    while (got < length) {
      const { bytesRead } = await h.read(buf, got, length - got, offset + got);
      if (bytesRead === 0) return undefined;
      got += bytesRead;
    }
    return buf;
  } catch {
    return undefined;
  } finally {
    await h?.close().catch(() => undefined);
  }
}

