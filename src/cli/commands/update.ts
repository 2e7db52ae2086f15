// `bytefall update <new.waterfall> <dir> [--peer host:port ...]`: moves `dir` from the version
// it holds to a newer one: files kept, moved and removed locally, pieces copied from old files,
// the rest fetched from the swarm, then the switch (docs/UPDATES.md). With `--dry-run --from
// <current.waterfall>` it only prints that plan.
import type { Command } from 'commander';
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BytefallError } from '../../errors.js';
import { decodeLayers } from '../../format/layers.js';
import type { Waterfall } from '../../format/model.js';
import { planUpdate } from '../../update/plan.js';
import { planJson, planLines } from '../../update/plan-text.js';
import { Output } from '../output.js';
import { readWaterfallFile } from '../read-waterfall.js';
import { ExitCode } from '../main.js';
import { StateDir } from '../../node/state-dir.js';
import { runSwarm } from '../swarm-run.js';
import { VersionGate } from '../../update/accept.js';
import { toHex } from '../../util/hex.js';
import { parseSwarmOptions, swarmOptions, type SwarmCliOptions } from './swarm-options.js';
import { localPath } from '../../storage/local-names.js';

interface UpdateOptions extends SwarmCliOptions {
  from?: string;
  dryRun?: boolean;
  seed?: boolean;
}

export function registerUpdate(program: Command): void {
  const cmd = program
    .command('update')
    .description('move a directory to a newer version of its Waterfall, fetching only what changed')
    .argument('<waterfall>', 'the new version (its piece layer <waterfall>.layers beside it)')
    .argument('<dir>', 'the directory holding the current version')
    .option('--from <file>', 'with --dry-run: the current version the directory holds (its .layers beside it)')
    .option('--dry-run', 'print the plan; change nothing')
    .option('--seed', 'keep running and serving once updated');
  swarmOptions(cmd, '0.0.0.0:0').action(async (file: string, dir: string, opts: UpdateOptions) => {
      if (!opts.dryRun) {
        const next = readWaterfallFile(file).waterfall;
        const held = new StateDir(resolve(dir)).readWaterfall(next.swarmId);
        if (!held) throw new BytefallError('BAD_ARGUMENT', `${dir} holds no version of this Waterfall's swarm (no ${join(dir, '.bytefall', 'waterfall')}): use get`);
        const verdict = new VersionGate({ waterfall: held.waterfall, bytes: held.bytes }).judge(readWaterfallFile(file).bytes);
        if (verdict.kind === 'equivocation') {
          const path = new StateDir(resolve(dir)).saveProof(verdict.sequence, verdict.proof, toHex(held.waterfall.waterfallId), toHex(next.waterfallId));
          throw new BytefallError('EQUIVOCATION', `${verdict.error.message}: ${path}`);
        }
        if (held.waterfall.sequence >= next.sequence) {
          throw new BytefallError('STALE_VERSION', `${dir} already holds version ${held.waterfall.sequence}; ${file} is version ${next.sequence}`);
        }
        if (!existsSync(`${file}.layers`)) throw new BytefallError('NOT_FOUND', `${file}.layers is missing: the update plan needs the new version's piece layer`);
        const code = await runSwarm({ ...parseSwarmOptions(opts), source: { file }, dir, download: true, keepSeeding: !!opts.seed, label: 'update' });
        if (code !== 0) throw new ExitCode(code);
        return;
      }
      if (!opts.from) throw new BytefallError('BAD_ARGUMENT', 'update --dry-run needs --from <current.waterfall>: the version the directory holds');
      const out = new Output(opts);
      const next = readWaterfallFile(file).waterfall;
      const current = readWaterfallFile(opts.from).waterfall;
      const sizes = new Map(current.entries.filter((e) => !e.isDir).map((e) => [e.path.join('/'), e.size]));
      const plan = planUpdate(
        { waterfall: current, layers: layersOf(opts.from, current) },
        { waterfall: next, layers: layersOf(file, next) },
        { holds: (path) => holds(dir, path, sizes.get(path.join('/'))) },
      );
      if (opts.json) {
        if (!opts.quiet) process.stdout.write(`${JSON.stringify(planJson(plan))}\n`);
        return;
      }
      out.line(`dry run: nothing is changed in ${dir}`);
      for (const line of planLines(plan)) out.line(line);
    });
}

function layersOf(file: string, w: Waterfall): Uint8Array[] {
  const path = `${file}.layers`;
  if (!existsSync(path)) throw new BytefallError('NOT_FOUND', `${path} is missing: the plan compares piece layers`, { file: path, op: 'open' });
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (err) {
    throw BytefallError.fromSystem(err, path, 'read');
  }
  return decodeLayers(bytes, w);
}

/** An old file is a source when it is on disk, a regular file of the size the current version says. */
function holds(dir: string, path: readonly string[], size: number | undefined): boolean {
  try {
    const st = lstatSync(localPath(dir, path));
    return st.isFile() && st.size === size;
  } catch {
    return false;
  }
}
