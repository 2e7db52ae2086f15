// The embedded server's durable store: one JSON file per swarm under the data
// directory, replaced atomically. A new record is on disk before the service
// answers; peer and interval changes are written within a second (and on close).
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BytefallError } from '../errors.js';
import { atomicWriteFile } from '../util/atomic-write.js';
import { MemoryAnnounceStore } from './store.js';
import { SwarmState, type Changes, type SwarmSnapshot, type SwarmStateOptions, type PeerSlot } from './swarm-state.js';
import { parseRecordJson, recordToJson } from './record.js';
import { type ControlState } from './interval-control.js';

export const SWARM_FILE_KIND = 'bytefall-announce-swarm';
export const SWARM_FILE_VERSION = 1;
const FLUSH_DELAY_MS = 1000;

export class FileAnnounceStore extends MemoryAnnounceStore {
  readonly dir: string;
  readonly #pending = new Set<string>();
  #timer: NodeJS.Timeout | undefined;

  constructor(dataDir: string, stateOptions: SwarmStateOptions = {}) {
    super(stateOptions);
    this.dir = join(dataDir, 'swarms');
    try {
      mkdirSync(this.dir, { recursive: true });
    } catch (err) {
      throw BytefallError.fromSystem(err, this.dir, 'create data directory');
    }
  }

  fileOf(swarmId: string): string {
    return join(this.dir, `${swarmId}.json`);
  }

  protected override load(swarmId: string): SwarmState | undefined {
    const file = this.fileOf(swarmId);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw BytefallError.fromSystem(err, file, 'read');
    }
    return new SwarmState(decodeSwarmFile(text, file), this.stateOptions);
  }

  protected override save(swarmId: string, state: SwarmState, changes: Changes): void {
    if (changes.record) {
      this.#pending.delete(swarmId);
      this.#write(swarmId, state);
      return;
    }
    this.#pending.add(swarmId);
    this.#timer ??= setTimeout(() => this.flush(), FLUSH_DELAY_MS).unref();
  }

  #write(swarmId: string, state: SwarmState): void {
    const doc = { kind: SWARM_FILE_KIND, version: SWARM_FILE_VERSION, ...state.snapshot() };
    atomicWriteFile(this.fileOf(swarmId), JSON.stringify(doc) + '\n', { overwrite: true, mode: 0o644 });
  }

  /** Writes every swarm with unsaved peer or interval changes. */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const swarmId of [...this.#pending]) {
      this.#pending.delete(swarmId);
      const state = this.states.get(swarmId);
      if (state) this.#write(swarmId, state);
    }
  }

  close(): void {
    this.flush();
  }
}

/** Reads a swarm file strictly: a damaged one is an error that names it, never a half-read swarm. */
export function decodeSwarmFile(text: string, file: string): SwarmSnapshot {
  const bad = (why: string) => new BytefallError('IO_ERROR', `${file}: not a ByteFall announce swarm file (${why})`, { file, op: 'read' });
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text);
  } catch {
    throw bad('not JSON');
  }
  if (typeof doc !== 'object' || doc === null || doc.kind !== SWARM_FILE_KIND) throw bad('wrong kind');
  if (doc.version !== SWARM_FILE_VERSION) throw bad(`unsupported version ${JSON.stringify(doc.version)}`);
  let record;
  try {
    record = doc.record === null ? null : recordToJson(parseRecordJson(doc.record));
  } catch (err) {
    throw bad((err as Error).message);
  }
  const peers = doc.peers as PeerSlot[];
  if (!Array.isArray(peers) || !peers.every((p) => typeof p?.address === 'string' && Number.isFinite(p?.expires))) throw bad('peers');
  const c = doc.control as ControlState;
  const num = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  if (!c || !num(c.sum) || !num(c.weight) || !num(c.at) || !num(c.since)) throw bad('control');
  return { record, peers, control: { sum: c.sum, weight: c.weight, at: c.at, since: c.since } };
}
