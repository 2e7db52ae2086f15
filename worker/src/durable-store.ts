// The AnnounceStore of the Worker: each operation is one RPC call to the swarm's
// Durable Object (one billed Durable Object request).
import type { AnnounceStore } from '../../src/announce/store.js';
import type { PublishResult, ReadQuery, SwarmView } from '../../src/announce/swarm-state.js';
import type { RecordJson } from '../../src/announce/record.js';
import type { SwarmObject } from './swarm-object.js';

export class DurableSwarmStore implements AnnounceStore {
  constructor(private readonly ns: DurableObjectNamespace<SwarmObject>) {}

  #stub(swarmId: string): DurableObjectStub<SwarmObject> {
    return this.ns.get(this.ns.idFromName(swarmId));
  }

  async view(swarmId: string, q: ReadQuery): Promise<SwarmView | undefined> {
    return (await this.#stub(swarmId).view(q)) as SwarmView | undefined;
  }

  async announce(swarmId: string, addresses: string[], q: ReadQuery): Promise<SwarmView | undefined> {
    return (await this.#stub(swarmId).announce(addresses, q)) as SwarmView | undefined;
  }

  async publish(swarmId: string, record: RecordJson, now: number): Promise<PublishResult> {
    return (await this.#stub(swarmId).publish(record, now)) as PublishResult;
  }
}
