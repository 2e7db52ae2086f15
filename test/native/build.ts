// Test setup for everything that needs the ZeroTier addon: builds it with the
// project's own `npm run build:native` and builds the stub libzt (stub-libzt.c)
// with gcc, once per machine state (make and mtimes keep it incremental), under a
// lock so parallel test files do not build at the same time. Without a compiler
// the native tests skip with the reason.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const stubSource = join(repoRoot, 'test', 'native', 'stub-libzt.c');
export const stubLibrary = join(repoRoot, 'native', 'build', 'test', 'libzt-stub.so');

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function missingTools(): string[] {
  const missing: string[] = [];
  if (!has('gcc')) missing.push('gcc');
  if (!has('g++') && !has('c++')) missing.push('g++');
  if (!has('make')) missing.push('make');
  if (!has('python3')) missing.push('python3');
  return missing;
}

async function withLock<T>(fn: () => T): Promise<T> {
  const lock = join(tmpdir(), `bytefall-native-build-${process.getuid?.() ?? 0}.lock`);
  for (let i = 0; ; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // a lock older than 10 minutes was left by a killed build
      try {
        if (Date.now() - statSync(lock).mtimeMs > 600_000) rmdirSync(lock);
      } catch { /* gone meanwhile */ }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return fn();
  } finally {
    rmdirSync(lock);
  }
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { cwd: repoRoot, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
}

let prepared: Promise<string | undefined> | undefined;

/**
 * Builds the addon and the stub; resolves to undefined when ready, or to the reason
 * to skip (no compiler). A failing build with the tools present throws: that is a bug.
 */
export function prepareNative(): Promise<string | undefined> {
  prepared ??= (async () => {
    const missing = missingTools();
    if (missing.length > 0) {
      return `no ${missing.join(', ')} on this machine to build native/ and the stub libzt (apt-get install build-essential python3)`;
    }
    await withLock(() => {
      if (has('npm')) run('npm', ['run', '--silent', 'build:native']);
      else run(process.execPath, ['native/build.mjs']);
      if (!existsSync(stubLibrary) || statSync(stubLibrary).mtimeMs < statSync(stubSource).mtimeMs) {
        mkdirSync(dirname(stubLibrary), { recursive: true });
        run('gcc', ['-Wall', '-Wextra', '-Werror', '-O2', '-shared', '-fPIC', '-o', stubLibrary, stubSource, '-lpthread']);
      }
    });
    return undefined;
  })();
  return prepared;
}
