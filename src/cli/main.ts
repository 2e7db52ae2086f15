// The `bytefall` command line: commander wiring, and the one place where errors
// become a single readable line and an exit code (docs/CLI.md).
import { Command, CommanderError } from 'commander';
import { isBytefallError } from '../errors.js';
import { registerKeygen } from './commands/keygen.js';
import { registerCreate } from './commands/create.js';
import { registerInspect } from './commands/inspect.js';
import { registerVerify } from './commands/verify.js';
import { registerPublish } from './commands/publish.js';
import { registerUpdate } from './commands/update.js';
import { registerSeed } from './commands/seed.js';
import { registerGet } from './commands/get.js';
import { registerAnnounceServer } from './commands/announce-server.js';

export const EXIT_OK = 0;
/** The command ran and found a problem in the data (verify). */
export const EXIT_PROBLEM = 1;
/** Bad arguments, bad input files, I/O errors. */
export const EXIT_ERROR = 2;

export class ExitCode extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export function buildProgram(): Command {
  const program = new Command('bytefall')
    .description('share a large, changing set of files peer to peer')
    .version(process.env.npm_package_version ?? '0.1.0')
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({
      writeErr: (s) => process.stderr.write(s.startsWith('error:') ? `bytefall: ${s.slice(7)}` : s),
    });
  registerKeygen(program);
  registerCreate(program);
  registerInspect(program);
  registerVerify(program);
  registerPublish(program);
  registerUpdate(program);
  registerSeed(program);
  registerGet(program);
  registerAnnounceServer(program);
  return program;
}

/** Runs the CLI; resolves to the process exit code. Never throws. */
export async function run(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return EXIT_OK;
  } catch (err) {
    return exitCodeOf(err);
  }
}

function exitCodeOf(err: unknown): number {
  if (err instanceof ExitCode) return err.code;
  if (err instanceof CommanderError) {
    // help and version exit 0; commander already printed its one line for usage errors
    return err.exitCode === 0 ? EXIT_OK : EXIT_ERROR;
  }
  if (isBytefallError(err)) {
    process.stderr.write(`bytefall: ${err.message} [${err.code}]\n`);
    return EXIT_ERROR;
  }
  const e = err as Error;
  process.stderr.write(`bytefall: internal error: ${e?.message ?? String(err)}\n`);
  if (process.env.BYTEFALL_DEBUG) process.stderr.write(`${e?.stack}\n`);
  return EXIT_ERROR;
}
