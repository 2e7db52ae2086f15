// The command line of a bench script, read strictly (node:util parseArgs): `--help` prints the
// usage; an unknown flag, a missing value or a number that is not a positive integer is one
// line on stderr, the usage, and exit 2, instead of a run with NaN or the flag ignored.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

/** A positive whole number, as a count or a size in MiB is written. */
const COUNT = /^[1-9][0-9]{0,8}$/;

export interface BenchFlag {
  /** 'count': a positive integer; 'string': any value; 'boolean': present or not. */
  kind: 'count' | 'string' | 'boolean';
  /** Allowed values of a string flag. */
  oneOf?: string[];
}

export interface BenchArgs {
  count(name: string, fallback: number): number;
  countOrUndefined(name: string): number | undefined;
  string(name: string): string | undefined;
  flag(name: string): boolean;
  /** `--name`, a checkout given to compare with: refused (exit 2) unless it has a built bin/bytefall.js. */
  checkout(name: string): string | undefined;
  positionals: string[];
  usage: string;
}

/**
 * Reads process.argv (or `argv`) against `flags`; `usage` is the script's usage line.
 * `positionals`: how many bare arguments it takes (default none).
 */
export function benchArgs(usage: string, flags: Record<string, BenchFlag>, positionals = 0, argv = process.argv.slice(2)): BenchArgs {
  const fail = (msg: string): never => {
    process.stderr.write(`bench: ${msg}\nusage: ${usage}\n`);
    process.exit(2);
  };
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`usage: ${usage}\n`);
    process.exit(0);
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    const options = Object.fromEntries(Object.entries(flags).map(([k, f]) => [k, { type: f.kind === 'boolean' ? 'boolean' : 'string' } as const]));
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: positionals > 0 });
  } catch (err) {
    return fail((err as Error).message.split('\n')[0]);
  }
  if (parsed.positionals.length > positionals) fail(`unexpected argument ${parsed.positionals[positionals]}`);
  const values = parsed.values as Record<string, string | boolean | undefined>;
  for (const [name, f] of Object.entries(flags)) {
    const v = values[name];
    if (typeof v !== 'string') continue;
    if (f.kind === 'count' && !COUNT.test(v)) fail(`--${name} needs a positive whole number, not '${v}'`);
    if (f.oneOf && !f.oneOf.includes(v)) fail(`--${name} is one of ${f.oneOf.join(', ')}, not '${v}'`);
  }
  return {
    count: (name, fallback) => (typeof values[name] === 'string' ? Number(values[name]) : fallback),
    countOrUndefined: (name) => (typeof values[name] === 'string' ? Number(values[name]) : undefined),
    string: (name) => (typeof values[name] === 'string' ? (values[name] as string) : undefined),
    flag: (name) => values[name] === true,
    checkout: (name) => {
      const dir = values[name];
      if (typeof dir !== 'string') return undefined;
      if (!existsSync(join(dir, 'bin', 'bytefall.js')) || !existsSync(join(dir, 'dist'))) fail(`--${name} ${dir}: not a built ByteFall checkout (no bin/bytefall.js and dist/)`);
      return dir;
    },
    positionals: parsed.positionals,
    usage,
  };
}

/** A positive whole number given as a bare argument (a size in MiB), or the fallback. */
export function countArg(args: BenchArgs, index: number, what: string, fallback: number): number {
  const v = args.positionals[index];
  if (v === undefined) return fallback;
  if (!COUNT.test(v)) {
    process.stderr.write(`bench: ${what} must be a positive whole number, not '${v}'\nusage: ${args.usage}\n`);
    process.exit(2);
  }
  return Number(v);
}
