// Starts test/native/zt-peer.ts in a child process over the stub libzt and talks
// to it over IPC; the child is killed and its node stopped when the test ends.
import { fork, type ChildProcess } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { stubLibrary } from './build.js';

export interface PeerMessage {
  type: string;
  [k: string]: unknown;
}

export interface Peer {
  child: ChildProcess;
  ready: { ztNode: string; port: number; address: string; nodeId: string };
  /** The next message of `type`, or of one of several types (kept if it came before the call). */
  next(type: string | string[], timeoutMs?: number): Promise<PeerMessage>;
  send(m: object): void;
}

const script = join(dirname(fileURLToPath(import.meta.url)), 'zt-peer.js');

export async function startPeer(t: TestContext, config: { home: string; network: string; seed: number; port: number; mode: 'echo' | 'wire'; blocks?: number; rootsFile?: string }, registry: string): Promise<Peer> {
  const child = fork(script, [JSON.stringify(config)], {
    env: { ...process.env, LIBZT_PATH: stubLibrary, ZTS_STUB_DIR: registry },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  t.after(() => {
    if (child.exitCode === null) child.kill();
  });
  const inbox: PeerMessage[] = [];
  const waiters: { types: string[]; resolve: (m: PeerMessage) => void }[] = [];
  child.on('message', (m: PeerMessage) => {
    const i = waiters.findIndex((w) => w.types.includes(m.type));
    if (i >= 0) waiters.splice(i, 1)[0].resolve(m);
    else inbox.push(m);
  });
  const next = (type: string | string[], timeoutMs = 15_000) => {
    const types = typeof type === 'string' ? [type] : type;
    const i = inbox.findIndex((m) => types.includes(m.type));
    if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0]);
    return new Promise<PeerMessage>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`peer sent no ${type} within ${timeoutMs} ms (got ${JSON.stringify(inbox)})`)), timeoutMs);
      waiters.push({ types, resolve: (m) => (clearTimeout(timer), resolve(m)) });
    });
  };
  const first = await next(['ready', 'error']);
  if (first.type === 'error') throw new Error(`peer failed: ${first.code} ${first.message}`);
  return { child, ready: first as unknown as Peer['ready'], next, send: (m) => child.send(m) };
}
