// `bytefall get <file.waterfall | swarm-id> <dir>`: download the data into <dir>, verifying
// every piece before it is written; exit 0 once every file is complete under its final name,
// or keep seeding with --seed. Ctrl-C stops cleanly; the same command again resumes.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { parseId } from '../../format/ids.js';
import { runSwarm } from '../swarm-run.js';
import { ExitCode } from '../main.js';
import { parseSwarmOptions, swarmOptions, type SwarmCliOptions } from './swarm-options.js';

interface GetOptions extends SwarmCliOptions {
  seed?: boolean;
}

export function registerGet(program: Command): void {
  const cmd = program
    .command('get')
    .description('download a Waterfall into a directory, verifying every piece')
    .argument('<waterfall>', 'the .waterfall file, or a swarm id (64 hex digits) to fetch it from --peer')
    .argument('<dir>', 'where to put the data (created if needed)')
    .option('--seed', 'keep running and serving once complete');
  swarmOptions(cmd, '0.0.0.0:0').action(async (what: string, dir: string, opts: GetOptions) => {
    const source = /^[0-9a-fA-F]{64}$/.test(what) && !existsSync(what) ? { swarmId: parseId(what) } : { file: what };
    const code = await runSwarm({ ...parseSwarmOptions(opts), source, dir, download: true, keepSeeding: !!opts.seed, label: 'get' });
    if (code !== 0) throw new ExitCode(code);
  });
}
