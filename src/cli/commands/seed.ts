// `bytefall seed <file.waterfall> <dir>`: serve the data in <dir> to the swarm. Files already
// there are checked once (or trusted from the resume state), then served; a file that changes
// on disk stops being served until it is checked again. Runs until Ctrl-C.
import type { Command } from 'commander';
import { runSwarm } from '../swarm-run.js';
import { ExitCode } from '../main.js';
import { parseSwarmOptions, swarmOptions, type SwarmCliOptions } from './swarm-options.js';

export function registerSeed(program: Command): void {
  const cmd = program
    .command('seed')
    .description('serve the data of a Waterfall to its swarm (runs until Ctrl-C)')
    .argument('<waterfall>', 'the .waterfall file')
    .argument('<dir>', 'the directory that holds the data');
  swarmOptions(cmd, '0.0.0.0:6881').action(async (file: string, dir: string, opts: SwarmCliOptions) => {
    const code = await runSwarm({ ...parseSwarmOptions(opts), source: { file }, dir, download: false, keepSeeding: true, label: 'seed' });
    if (code !== 0) throw new ExitCode(code);
  });
}
