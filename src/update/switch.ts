// The switch (docs/UPDATES.md, "The switch"): once every file of the next version is complete
// and verified under its staging name, the version changes on disk. A reader sees, for each
// file, the old or the new content, never a mix (each file is one rename), and a crash at any
// point leaves a state a restart finishes:
//   1. files the user changed by hand that the new version replaces are set aside as
//      `<name>.bytefall-local` (never overwritten);
//   2. the switch journal is written (what to remove, with the size and mtime each had);
//   3. each staged file is renamed to its final name;
//   4. old files the new version does not have are removed when they are still what the old
//      version wrote (size and mtime as journaled); a file changed by hand is left in place;
//      old directories left empty are removed;
//   5. the new version becomes the current one (`.bytefall/waterfall`, `layers`), the old
//      resume state and the journal are deleted.
// A restart that finds the journal redoes 3-5 (each step is idempotent).
import { readFileSync, rmSync } from 'node:fs';
import { lstat, rename, rmdir, unlink } from 'node:fs/promises';
import { BytefallError } from '../errors.js';
import type { StateDir } from '../node/state-dir.js';
import type { FsStorage } from '../storage/fs-storage.js';
import { atomicWriteFile } from '../util/atomic-write.js';
import type { UpdatePlan } from './plan.js';
import { localPath } from '../storage/local-names.js';

export interface SwitchJournal {
  version: 1;
  from: number;
  to: number;
  /** Old files to remove: path, and the size and mtime (ns) they had when the journal was written. */
  remove: { path: string[]; size: number; mtimeNs: string }[];
  /** Old directories to remove when empty, deepest first. */
  removeDirs: string[][];
}

export interface SwitchOptions {
  dir: string;
  state: StateDir;
  /** The next version's storage, every file complete. */
  storage: FsStorage;
  plan: UpdatePlan;
  /** Whether an old file (path joined by '/') is still what the old version wrote. */
  intact(path: string): Promise<boolean>;
  /** The new version's served form and layer bytes: they become the current version. */
  served: Uint8Array;
  layers: Uint8Array;
  /** Runs once the files are in place, before the old version's resume state is deleted (close its storage here). */
  releaseOld?: () => Promise<void>;
  log?: (line: string) => void;
}

export interface SwitchResult {
  setAside: string[];
  removed: number;
  leftInPlace: string[];
}

export async function switchVersion(o: SwitchOptions): Promise<SwitchResult> {
  const result: SwitchResult = { setAside: [], removed: 0, leftInPlace: [] };
  const key = (p: readonly string[]) => p.join('/');
  // 1. Set aside what the user changed under a name the new version takes.
  const newPaths = new Set(o.storage.layout.files.map((f) => key(f.path)));
  // 2. The journal.
  const remove: SwitchJournal['remove'] = [];
  for (const p of [...o.plan.removed, ...o.plan.moved.map((m) => m.from)]) {
    if (newPaths.has(key(p))) continue;
    const st = await lstat(localPath(o.dir, p), { bigint: true }).catch(() => null);
    if (!st?.isFile()) continue;
    if (await o.intact(key(p))) remove.push({ path: p, size: Number(st.size), mtimeNs: st.mtimeNs.toString() });
    else result.leftInPlace.push(key(p));
  }
  const journal: SwitchJournal = {
    version: 1, from: o.plan.from.sequence, to: o.plan.to.sequence, remove,
    removeDirs: [...o.plan.removedDirs].sort((a, b) => b.length - a.length),
  };
  await o.storage.finishAll(async (file, finalPath) => {
    const path = key(o.storage.layout.files[file].path);
    const st = await lstat(finalPath).catch(() => null);
    if (!st || (st.isFile() && (await o.intact(path)))) return;
    const aside = await freeName(`${finalPath}.bytefall-local`);
    await rename(finalPath, aside).catch((err) => {
      throw BytefallError.fromSystem(err, finalPath, 'rename');
    });
    result.setAside.push(aside);
    o.log?.(`${path} was changed by hand: kept as ${aside}`);
  });
  await o.releaseOld?.();
  atomicWriteFile(o.state.switchPath, `${JSON.stringify(journal)}\n`, { overwrite: true });
  result.removed = await finishSwitch(o.dir, o.state, journal, o.served, o.layers);
  for (const p of result.leftInPlace) o.log?.(`${p} is not in version ${journal.to} but was changed by hand: left in place`);
  return result;
}

/** Steps 4-5, from a journal (also what a restart runs when it finds one). Returns the files removed. */
export async function finishSwitch(dir: string, state: StateDir, j: SwitchJournal, served: Uint8Array, layers: Uint8Array): Promise<number> {
  let removed = 0;
  for (const r of j.remove) {
    const path = localPath(dir, r.path);
    const st = await lstat(path, { bigint: true }).catch(() => null);
    if (!st?.isFile() || Number(st.size) !== r.size || st.mtimeNs.toString() !== r.mtimeNs) continue;
    await unlink(path).then(() => removed++).catch(() => undefined);
  }
  for (const d of j.removeDirs) await rmdir(localPath(dir, d)).catch(() => undefined); // not empty: the user's files stay
  state.saveLayers(layers);
  state.saveWaterfall(served);
  state.dropResumeStates(j.to);
  state.clearNext();
  rmSync(state.switchPath, { force: true });
  return removed;
}

/** The journal kept in `state`, if any and readable. */
export function readSwitchJournal(state: StateDir): SwitchJournal | undefined {
  try {
    const j = JSON.parse(readFileSync(state.switchPath, 'utf8')) as SwitchJournal;
    if (j?.version !== 1 || !Array.isArray(j.remove) || !Array.isArray(j.removeDirs)) return undefined;
    return j;
  } catch {
    return undefined;
  }
}

async function freeName(base: string): Promise<string> {
  for (let i = 0; ; i++) {
    const name = i === 0 ? base : `${base}-${i}`;
    if (!(await lstat(name).catch(() => null))) return name;
  }
}
