// Multi-process swarms on 127.0.0.1 for the integration tests: every node is a real
// `bytefall` process (bin/bytefall.js) with --json, listening on a port the system picks
// (read back from its "listening" event, so no port is ever guessed). Every process is
// killed and every temp dir removed when the test ends, and every wait has a deadline.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cliPath, repoRoot } from '../helpers/cli.js';

export type Json = Record<string, unknown> & { event?: string };

export class Proc {
  readonly events: Json[] = [];
  stderr = '';
  exitCode: number | null | undefined = undefined;
  signal: NodeJS.Signals | null = null;
  readonly exited: Promise<void>;
  private readonly child: ChildProcess;
  private waiters: (() => void)[] = [];

  constructor(
    readonly name: string,
    args: string[],
    script = cliPath,
    env?: NodeJS.ProcessEnv,
  ) {
    this.child = spawn(process.execPath, [script, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: env ? { ...process.env, ...env } : undefined });
    let buf = '';
    this.child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      buf += s;
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        try {
          this.events.push(JSON.parse(line));
        } catch {
          this.events.push({ event: 'text', line });
        }
      }
      this.wake();
    });
    this.child.stderr!.setEncoding('utf8').on('data', (s: string) => (this.stderr += s));
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code, signal) => {
        this.exitCode = code;
        this.signal = signal;
        this.wake();
        resolve();
      }),
    );
  }

  /** The first event that matches, waiting up to `ms`. */
  async waitFor(match: (e: Json) => boolean, ms: number, what: string): Promise<Json> {
    const end = Date.now() + ms;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      if (this.exitCode !== undefined) throw new Error(`${this.name} exited (${this.exitCode ?? this.signal}) before ${what}; stderr: ${this.stderr.slice(-2000)}`);
      const left = end - Date.now();
      if (left <= 0) throw new Error(`${this.name}: timed out after ${ms} ms waiting for ${what}; stderr: ${this.stderr.slice(-2000)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  event(name: string, ms: number): Promise<Json> {
    return this.waitFor((e) => e.event === name, ms, `a "${name}" event`);
  }

  /** The address it listens on. */
  async address(ms = 10_000): Promise<string> {
    return (await this.event('listening', ms)).address as string;
  }

  /** Exit code once it exits (waits up to `ms`, then kills it and fails). */
  async exit(ms: number): Promise<number | null> {
    const timer = setTimeout(() => this.kill('SIGKILL'), ms);
    await this.exited;
    clearTimeout(timer);
    return this.exitCode ?? null;
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.exitCode === undefined) this.child.kill(signal);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

/** A scope that owns processes and temp dirs and cleans them up at the end of a test. */
export class Scope {
  readonly procs: Proc[] = [];
  readonly root = mkdtempSync(join(tmpdir(), 'bytefall-it-'));

  constructor(t: { after: (fn: () => Promise<void>) => void }) {
    t.after(async () => {
      for (const p of this.procs) p.kill('SIGKILL');
      await Promise.all(this.procs.map((p) => p.exited));
      rmSync(this.root, { recursive: true, force: true });
    });
  }

  path(...parts: string[]): string {
    return join(this.root, ...parts);
  }

  /** Runs `bytefall <args> --json` as a long-lived process (with `env` added to this one's). */
  bytefall(name: string, args: string[], env?: NodeJS.ProcessEnv): Proc {
    const p = new Proc(name, [...args, '--json'], cliPath, env);
    this.procs.push(p);
    return p;
  }

  /** Runs the evil peer script (test/integration/evil-peer.ts). */
  evilPeer(waterfall: string, mode: string): Proc {
    const p = new Proc('evil', [waterfall, '127.0.0.1:0', mode], join(repoRoot, 'dist', 'test', 'integration', 'evil-peer.js'));
    this.procs.push(p);
    return p;
  }

  /** A site of random files, its key and its Waterfall (fixed pieces of `pieceSize`, or `chunking` with that average). */
  site(files: Record<string, number>, pieceSize = '64K', chunking = 'fixed'): { dir: string; waterfall: string; bytes: number } {
    const dir = this.path('site');
    let bytes = 0;
    for (const [name, size] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), randomBytes(size));
      bytes += size;
    }
    const key = this.path('publisher.key');
    const waterfall = this.path('site.waterfall');
    run(['keygen', key]);
    run(['create', dir, '--key', key, '-o', waterfall, '--piece-size', pieceSize, '--chunking', chunking, '--name', 'integration site']);
    return { dir, waterfall, bytes };
  }
}

/** Runs a short `bytefall` command to completion; throws unless it exits 0 (or `expect`). */
export function run(args: string[], expect = 0): string {
  const r = spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== expect) throw new Error(`bytefall ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}
