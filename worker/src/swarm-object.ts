// One Durable Object per swarm: it holds the swarm's SwarmState (the same rules as
// the embedded server) and keeps it in one SQLite row, so that waking the object
// reads one row and a request that changes anything writes one row (and a repeated
// announce or a read usually none): docs/ANNOUNCE.md, "Free tier".
import { DurableObject } from 'cloudflare:workers';
import { SwarmState, type PublishResult, type ReadQuery, type SwarmSnapshot, type SwarmView } from '../../src/announce/swarm-state.js';
import { type RecordJson } from '../../src/announce/record.js';
import type { Env } from './env.js';

export class SwarmObject extends DurableObject<Env> {
  /** null while the swarm is unknown (nothing is stored for it). */
  #state: SwarmState | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      this.#state = this.#load();
    });
  }

  async view(q: ReadQuery): Promise<SwarmView | undefined> {
    const view = this.#state?.view(q);
    this.#persist();
    return view;
  }

  async announce(addresses: string[], q: ReadQuery): Promise<SwarmView | undefined> {
    const view = this.#state?.announce(addresses, q);
    this.#persist();
    return view;
  }

  async publish(record: RecordJson, now: number): Promise<PublishResult> {
    if (!this.#state) {
      this.ctx.storage.sql.exec('CREATE TABLE IF NOT EXISTS swarm (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL)');
      this.#state = new SwarmState();
    }
    const result = this.#state.publish(record, now);
    this.#persist();
    return result;
  }

  /** The stored snapshot; reading sqlite_master creates nothing for an unknown swarm. */
  #load(): SwarmState | null {
    const sql = this.ctx.storage.sql;
    if (sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'swarm'").toArray().length === 0) return null;
    const rows = sql.exec<{ state: string }>('SELECT state FROM swarm WHERE id = 1').toArray();
    return rows.length === 0 ? null : new SwarmState(JSON.parse(rows[0].state) as SwarmSnapshot);
  }

  /** One row written when the last operation changed anything, none otherwise. */
  #persist(): void {
    const state = this.#state;
    if (!state) return;
    const c = state.takeChanges();
    if (!c.record && !c.control && c.slots.length === 0) return;
    this.ctx.storage.sql.exec('INSERT OR REPLACE INTO swarm (id, state) VALUES (1, ?)', JSON.stringify(state.snapshot()));
  }
}
