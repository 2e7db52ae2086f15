// The `bytefall` command line: commander wiring, and the one place where errors
// become a single readable line and an exit code (docs/CLI.md).
import { Command, CommanderError } from 'commander';
import { isBytefallError } from '../errors.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../util/package-root.js';

type Register = (program: Command) => void;

/**
 * Each command's module, loaded only when that command runs (or for help), so
 * that `bytefall create` does not pay for TLS, the swarm engine and the rest.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  keygen: async () => (await import('./commands/keygen.js')).registerKeygen,
  create: async () => (await import('./commands/create.js')).registerCreate,
  inspect: async () => (await import('./commands/inspect.js')).registerInspect,
  verify: async () => (await import('./commands/verify.js')).registerVerify,
  publish: async () => (await import('./commands/publish.js')).registerPublish,
  update: async () => (await import('./commands/update.js')).registerUpdate,
  seed: async () => (await import('./commands/seed.js')).registerSeed,
  get: async () => (await import('./commands/get.js')).registerGet,
  'announce-server': async () => (await import('./commands/announce-server.js')).registerAnnounceServer,
};

function packageVersion(): string {
  try {
    return JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')).version;
  } catch {
    return '0.0.0';
  }
}

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

/** The program with the commands named (all of them when `only` is undefined). */
export async function buildProgram(only?: string): Promise<Command> {
  const program = new Command('bytefall')
    .description('share a large, changing set of files peer to peer')
    .version(packageVersion())
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({
      writeErr: (s) => process.stderr.write(s.startsWith('error:') ? `bytefall: ${s.slice(7)}` : s),
    });
  const names = only !== undefined && only in COMMANDS ? [only] : Object.keys(COMMANDS);
  for (const register of await Promise.all(names.map((n) => COMMANDS[n]()))) register(program);
  return program;
}

/**
 * A reader that stops reading (`bytefall inspect x | head`) closes our stdout: that ends the
 * output quietly, as it does for other command-line tools, instead of an unhandled EPIPE.
 */
function quietOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? EXIT_OK);
      throw err;
    });
  }
}

/** Runs the CLI; resolves to the process exit code. Never throws. */
export async function run(argv: string[]): Promise<number> {
  quietOnClosedPipe();
  try {
    const program = await buildProgram(argv[2]);
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
