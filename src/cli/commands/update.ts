// `bytefall update <new.waterfall> <dir> --from <current.waterfall> --dry-run`:
// prints what moving `dir` from the current version to the new one takes: files
// kept, moved and removed locally, pieces copied from old files, pieces to fetch.
// Fetching needs the swarm engine: without --dry-run the command refuses, for now.
import type { Command } from 'commander';
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BytefallError } from '../../errors.js';
import { decodeLayers } from '../../format/layers.js';
import type { Waterfall } from '../../format/model.js';
import { planUpdate } from '../../update/plan.js';
import { planJson, planLines } from '../../update/plan-text.js';
import { Output } from '../output.js';
import { readWaterfallFile } from '../read-waterfall.js';

interface UpdateOptions {
  from?: string;
  dryRun?: boolean;
  json?: boolean;
  quiet?: boolean;
}

export function registerUpdate(program: Command): void {
  program
    .command('update')
    .description('plan moving a directory to a newer version of its Waterfall (--dry-run; fetching comes with seed/get)')
    .argument('<waterfall>', 'the new version (its piece layer <waterfall>.layers beside it)')
    .argument('<dir>', 'the directory holding the current version')
    .option('--from <file>', 'the current version the directory holds (its .layers beside it)')
    .option('--dry-run', 'print the plan; change nothing')
    .option('--json', 'the plan as one JSON object')
    .option('-q, --quiet', 'print nothing but errors')
    .action((file: string, dir: string, opts: UpdateOptions) => {
      if (!opts.dryRun) {
        throw new BytefallError('BAD_ARGUMENT', 'update without --dry-run is not implemented yet (the swarm engine does not follow versions yet); --dry-run prints the plan');
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
    const st = lstatSync(join(dir, ...path));
    return st.isFile() && st.size === size;
  } catch {
    return false;
  }
}
