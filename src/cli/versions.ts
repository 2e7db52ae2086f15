// Which version a data directory runs, and where newer ones come from (docs/UPDATES.md): the
// directory's own version wins over an older file (no rollback), a newer file given is an
// update; a switch a crash interrupted is finished first; the Waterfall file a node was given
// is watched for newer versions (a publisher writing over it).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { encodeLayers } from '../format/layers.js';
import type { Waterfall } from '../format/model.js';
import { rewritePeers } from '../format/rewrite.js';
import type { StateDir } from '../node/state-dir.js';
import type { Follower } from '../update/follow.js';
import { openNextStorage } from '../update/prepare.js';
import { finishSwitch, readSwitchJournal } from '../update/switch.js';
import type { SwarmDisplay } from './swarm-progress.js';

/**
 * The version to run: the one this directory holds (its state folder) unless the file given is
 * of another swarm or there is none; a given file newer than that is offered as an update, an
 * older one is ignored (no rollback).
 */
export function chooseCurrent(
  found: { waterfall: Waterfall; served: Uint8Array },
  state: StateDir,
  display: SwarmDisplay,
): { waterfall: Waterfall; served: Uint8Array; offered?: { bytes: Uint8Array; layers?: Uint8Array; source: string } } {
  const held = state.readWaterfall(found.waterfall.swarmId);
  if (!held || held.waterfall.sequence === found.waterfall.sequence) return found;
  if (held.waterfall.sequence > found.waterfall.sequence) {
    display.event(
      { event: 'version-held', sequence: held.waterfall.sequence, given: found.waterfall.sequence },
      `this directory holds version ${held.waterfall.sequence}; the Waterfall given is version ${found.waterfall.sequence} (older): running version ${held.waterfall.sequence}`,
    );
    return { waterfall: held.waterfall, served: held.bytes };
  }
  const file = (found as { file?: string }).file;
  const layers = file && existsSync(`${file}.layers`) ? new Uint8Array(readFileSync(`${file}.layers`)) : undefined;
  display.event(
    { event: 'version-given', sequence: found.waterfall.sequence, held: held.waterfall.sequence },
    `this directory holds version ${held.waterfall.sequence}; updating it to version ${found.waterfall.sequence}`,
  );
  return { waterfall: held.waterfall, served: held.bytes, offered: { bytes: found.served, layers, source: file ?? 'the Waterfall given' } };
}

/** A switch a crash interrupted (docs/UPDATES.md, "The switch"): finished before anything else. */
export async function finishInterruptedSwitch(dir: string, state: StateDir, display: SwarmDisplay): Promise<void> {
  const j = readSwitchJournal(state);
  if (!j) return;
  const cur = state.readWaterfall();
  const next = cur ? state.readNext(cur.waterfall.swarmId) : undefined;
  if (!next || next.waterfall.sequence !== j.to || !next.layers) {
    display.log('ignoring a switch journal without its version');
    return;
  }
  const st = await openNextStorage(dir, state, next.waterfall, next.layers, false); // finishes the renames
  await st.close();
  await finishSwitch(dir, state, j, next.bytes, encodeLayers(next.waterfall, next.layers));
  display.event({ event: 'switched', sequence: j.to, resumed: true }, `finished switching to version ${j.to} (interrupted before)`);
}

/** Polls a Waterfall file; each newer version written there (with its .layers) is offered. */
export function watchFollowFile(file: string, f: Follower): () => void {
  let last = '';
  const check = () => {
    let bytes: Uint8Array;
    let sig: string;
    try {
      const stamp = (p: string) => (existsSync(p) ? `${statSync(p).size}:${statSync(p).mtimeMs}` : '-');
      sig = `${stamp(file)}/${stamp(`${file}.layers`)}`;
      if (sig === last) return;
      bytes = new Uint8Array(readFileSync(file));
    } catch {
      return;
    }
    last = sig;
    let layers: Uint8Array | undefined;
    try {
      layers = new Uint8Array(readFileSync(`${file}.layers`));
    } catch {
      layers = undefined;
    }
    let served = bytes;
    try {
      served = rewritePeers(bytes, []);
    } catch {
      // judged (and refused) as it is
    }
    f.offerLocal(served, layers, file);
  };
  const timer = setInterval(check, 1000);
  timer.unref?.();
  return () => clearInterval(timer);
}
