// Runs the real `bytefall` command in a child process, as a user would.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const cliPath = join(repoRoot, 'bin', 'bytefall.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function bytefall(args: string[], opts: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {}): CliResult {
  const env = opts.env ? { ...process.env, ...opts.env } : undefined;
  const r = spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', cwd: opts.cwd, input: opts.input, env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A temp dir removed when the returned function is called. */
export function tempDir(prefix = 'bytefall-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** One line, no stack trace: the contract for every user error. */
export function isOneLineError(stderr: string): boolean {
  const lines = stderr.trim().split('\n');
  return lines.length === 1 && lines[0].startsWith('bytefall: ') && !/\n\s+at /.test(stderr);
}
