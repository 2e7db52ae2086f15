// The state folder a node keeps in each data directory, `<dir>/.bytefall/` (docs/CLI.md):
// beside the storage's resume state (docs/STORAGE.md) it holds the node key (unless
// --node-key names another), the Waterfall being shared (served form) and its piece layer,
// so `get <swarm-id>` can resume without a peer and `seed` knows its hashes without hashing,
// and the poll intervals its announce services advertised (`announce.json`).
// Files are written atomically; anything that does not decode is ignored, never trusted.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import type { AnnouncerState } from '../announce/announcer.js';
import { join } from 'node:path';
import { BytefallError } from '../errors.js';
import { decodeWaterfall } from '../format/decode.js';
import { equalBytes } from '../format/bytes.js';
import { decodeLayers } from '../format/layers.js';
import type { Waterfall } from '../format/model.js';
import { atomicWriteFile } from '../util/atomic-write.js';

export const STATE_DIR = '.bytefall';

export class StateDir {
  readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, STATE_DIR);
  }

  get nodeKeyPath(): string {
    return join(this.path, 'node.key');
  }

  get waterfallPath(): string {
    return join(this.path, 'waterfall');
  }

  get layersPath(): string {
    return join(this.path, 'layers');
  }

  /** The resume state of version `sequence` (docs/STORAGE.md; one per version, so an update keeps both). */
  resumePath(sequence: number): string {
    return join(this.path, `state-${sequence}`);
  }

  /** A newer version being updated to (docs/UPDATES.md, "On disk"): its served form and piece layer. */
  get nextWaterfallPath(): string {
    return join(this.path, 'next.waterfall');
  }

  get nextLayersPath(): string {
    return join(this.path, 'next.layers');
  }

  /** The switch journal: present while the files of the next version are being put in place. */
  get switchPath(): string {
    return join(this.path, 'switch');
  }

  get proofsDir(): string {
    return join(this.path, 'equivocation');
  }

  /** The next version kept here, if it decodes and belongs to `swarmId`. */
  readNext(swarmId: Uint8Array): { waterfall: Waterfall; bytes: Uint8Array; layers?: Uint8Array[] } | undefined {
    const bytes = readOrUndefined(this.nextWaterfallPath);
    if (!bytes) return undefined;
    try {
      const waterfall = decodeWaterfall(bytes);
      if (!equalBytes(waterfall.swarmId, swarmId)) return undefined;
      const lb = readOrUndefined(this.nextLayersPath);
      let layers: Uint8Array[] | undefined;
      try {
        layers = lb ? decodeLayers(lb, waterfall) : undefined;
      } catch {
        layers = undefined;
      }
      return { waterfall, bytes, layers };
    } catch {
      return undefined;
    }
  }

  saveNext(served: Uint8Array, layers: Uint8Array): void {
    atomicWriteFile(this.nextLayersPath, layers, { overwrite: true });
    atomicWriteFile(this.nextWaterfallPath, served, { overwrite: true });
  }

  clearNext(): void {
    for (const p of [this.nextWaterfallPath, this.nextLayersPath]) rmSync(p, { force: true });
  }

  /** Removes the resume state of every version but `keep`. */
  dropResumeStates(keep: number): void {
    let names: string[] = [];
    try {
      names = readdirSync(this.path);
    } catch {
      return;
    }
    for (const n of names) {
      const m = /^state-(\d+)(\.prev|\.journal|\.tmp|\.journal\.tmp)?$/.exec(n);
      if (m && Number(m[1]) !== keep) rmSync(join(this.path, n), { force: true });
    }
  }

  /** Keeps an equivocation proof (docs/UPDATES.md); returns its path. */
  saveProof(sequence: number, proof: Uint8Array, idA: string, idB: string): string {
    mkdirSync(this.proofsDir, { recursive: true });
    const path = join(this.proofsDir, `${sequence}-${idA.slice(0, 16)}-${idB.slice(0, 16)}.proof`);
    atomicWriteFile(path, proof, { overwrite: true });
    return path;
  }

  /** Proof files kept here (any means: follow no version automatically). */
  proofs(): string[] {
    try {
      return readdirSync(this.proofsDir).filter((n) => n.endsWith('.proof')).map((n) => join(this.proofsDir, n));
    } catch {
      return [];
    }
  }

  get announceStatePath(): string {
    return join(this.path, 'announce.json');
  }

  get ztHome(): string {
    return join(this.path, 'zerotier');
  }

  ensure(): void {
    try {
      mkdirSync(this.path, { recursive: true });
    } catch (err) {
      throw BytefallError.fromSystem(err, this.path, 'mkdir');
    }
  }

  /** The Waterfall kept here, if it decodes and (when given) belongs to `swarmId`. */
  readWaterfall(swarmId?: Uint8Array): { waterfall: Waterfall; bytes: Uint8Array } | undefined {
    const bytes = readOrUndefined(this.waterfallPath);
    if (!bytes) return undefined;
    try {
      const waterfall = decodeWaterfall(bytes);
      if (swarmId && !equalBytes(waterfall.swarmId, swarmId)) return undefined;
      return { waterfall, bytes };
    } catch {
      return undefined;
    }
  }

  saveWaterfall(served: Uint8Array): void {
    const old = readOrUndefined(this.waterfallPath);
    if (old && equalBytes(old, served)) return;
    atomicWriteFile(this.waterfallPath, served, { overwrite: true });
  }

  /** The piece layer kept here for `w`, if it decodes and checks out. */
  readLayers(w: Waterfall): Uint8Array[] | undefined {
    const bytes = readOrUndefined(this.layersPath);
    if (!bytes) return undefined;
    try {
      return decodeLayers(bytes, w);
    } catch {
      return undefined;
    }
  }

  saveLayers(bytes: Uint8Array): void {
    const old = readOrUndefined(this.layersPath);
    if (old && equalBytes(old, bytes)) return;
    atomicWriteFile(this.layersPath, bytes, { overwrite: true });
  }

  /** The announce services' advertised intervals from the last run; {} when absent or damaged. */
  readAnnounceState(): AnnouncerState {
    const bytes = readOrUndefined(this.announceStatePath);
    const state: AnnouncerState = {};
    if (!bytes) return state;
    try {
      const json: unknown = JSON.parse(new TextDecoder().decode(bytes));
      if (!json || typeof json !== 'object' || Array.isArray(json)) return state;
      for (const [url, v] of Object.entries(json as Record<string, unknown>)) {
        const s = (v as { intervalS?: unknown } | null)?.intervalS;
        if (typeof s === 'number' && Number.isFinite(s) && s > 0) state[url] = { intervalS: s };
      }
    } catch {
      // not JSON: start afresh
    }
    return state;
  }

  saveAnnounceState(state: AnnouncerState): void {
    const merged = { ...this.readAnnounceState(), ...state };
    atomicWriteFile(this.announceStatePath, new TextEncoder().encode(`${JSON.stringify(merged)}\n`), { overwrite: true });
  }
}

function readOrUndefined(path: string): Uint8Array | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return new Uint8Array(readFileSync(path));
  } catch {
    return undefined;
  }
}
