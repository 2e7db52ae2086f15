// Where the service keeps its swarms: an interface with one operation per request
// kind, so that a host can put the state behind anything (a Durable Object per
// swarm, files, memory). The rules themselves live in SwarmState.
import { type RecordJson } from './record.js';
import { SwarmState, type Changes, type PublishResult, type ReadQuery, type SwarmStateOptions, type SwarmView } from './swarm-state.js';

export interface AnnounceStore {
  /** The swarm's record, a peer sample and the interval; undefined for an unknown swarm (nothing stored). */
  view(swarmId: string, q: ReadQuery): Promise<SwarmView | undefined>;
  /** Adds the addresses (checked) to a known swarm, then answers like view(). */
  announce(swarmId: string, addresses: string[], q: ReadQuery): Promise<SwarmView | undefined>;
  /** Stores the record (verified) unless the stored sequence is greater or equal. */
  publish(swarmId: string, record: RecordJson, now: number): Promise<PublishResult>;
}

/** Swarms in a Map. Subclasses load and save them through the two hooks. */
export class MemoryAnnounceStore implements AnnounceStore {
  protected readonly states = new Map<string, SwarmState>();

  constructor(protected readonly stateOptions: SwarmStateOptions = {}) {}

  /** Called for a swarm not in memory; undefined when there is none. */
  protected load(_swarmId: string): SwarmState | undefined {
    return undefined;
  }

  /** Called after an operation changed a swarm. */
  protected save(_swarmId: string, _state: SwarmState, _changes: Changes): void {}

  protected get(swarmId: string): SwarmState | undefined {
    let state = this.states.get(swarmId);
    if (state === undefined) {
      state = this.load(swarmId);
      if (state !== undefined) this.states.set(swarmId, state);
    }
    return state;
  }

  #after(swarmId: string, state: SwarmState): void {
    const changes = state.takeChanges();
    if (changes.record || changes.control || changes.slots.length > 0) this.save(swarmId, state, changes);
  }

  async view(swarmId: string, q: ReadQuery): Promise<SwarmView | undefined> {
    const state = this.get(swarmId);
    const view = state?.view(q);
    if (state) this.#after(swarmId, state);
    return view;
  }

  async announce(swarmId: string, addresses: string[], q: ReadQuery): Promise<SwarmView | undefined> {
    const state = this.get(swarmId);
    const view = state?.announce(addresses, q);
    if (state) this.#after(swarmId, state);
    return view;
  }

  async publish(swarmId: string, record: RecordJson, now: number): Promise<PublishResult> {
    let state = this.get(swarmId);
    if (state === undefined) {
      state = new SwarmState(undefined, this.stateOptions);
      this.states.set(swarmId, state);
    }
    const result = state.publish(record, now);
    this.#after(swarmId, state);
    return result;
  }
}
