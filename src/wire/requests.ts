// Requests in flight on one connection, in each direction: ids, the limit of
// MAX_REQUESTS_IN_FLIGHT, and the oldest-first order that request timeouts read.
import { BytefallError } from '../errors.js';
import { MAX_REQUESTS_IN_FLIGHT } from './constants.js';
import type { RequestMsg, HashRequestMsg } from './messages.js';

export interface InFlight {
  readonly reqId: number;
  readonly msg: RequestMsg | HashRequestMsg;
  /** Date.now() when it was sent or received. */
  readonly at: number;
  /** A CANCEL was sent (outgoing) or received (incoming); an answer is still due. */
  cancelled: boolean;
  /** 'request-timeout' was reported for it. */
  timedOut: boolean;
}

/** The requests of one direction, by id. */
abstract class Requests {
  protected readonly map = new Map<number, InFlight>();

  constructor(readonly limit = MAX_REQUESTS_IN_FLIGHT) {}

  get size(): number {
    return this.map.size;
  }

  get(reqId: number): InFlight | undefined {
    return this.map.get(reqId);
  }

  take(reqId: number): InFlight | undefined {
    const r = this.map.get(reqId);
    if (r) this.map.delete(reqId);
    return r;
  }
}

/** What we asked the peer for. Ids are ours to choose. */
export class OutgoingRequests extends Requests {
  private nextId = 0;


  /** Allocates an id; throws when the limit is reached (check `size` first). */
  add(build: (reqId: number) => RequestMsg | HashRequestMsg): InFlight {
    if (this.map.size >= this.limit) {
      throw new BytefallError('WIRE_TOO_MANY_REQUESTS', `already ${this.map.size} requests in flight (limit ${this.limit})`);
    }
    while (this.map.has(this.nextId)) this.nextId = (this.nextId + 1) >>> 0;
    const reqId = this.nextId;
    this.nextId = (this.nextId + 1) >>> 0;
    const r: InFlight = { reqId, msg: build(reqId), at: Date.now(), cancelled: false, timedOut: false };
    this.map.set(reqId, r);
    return r;
  }


  /** Oldest first. */
  values(): IterableIterator<InFlight> {
    return this.map.values();
  }

  clear(): InFlight[] {
    const all = [...this.map.values()];
    this.map.clear();
    return all;
  }
}

/** What the peer asked us for. Ids are the peer's; a duplicate or one too many is a violation. */
export class IncomingRequests extends Requests {


  add(msg: RequestMsg | HashRequestMsg): InFlight {
    if (this.map.has(msg.reqId)) {
      throw new BytefallError('WIRE_BAD_MESSAGE', `request id ${msg.reqId} is already in flight`);
    }
    if (this.map.size >= this.limit) {
      throw new BytefallError('WIRE_TOO_MANY_REQUESTS', `peer sent more than ${this.limit} requests in flight`);
    }
    const r: InFlight = { reqId: msg.reqId, msg, at: Date.now(), cancelled: false, timedOut: false };
    this.map.set(msg.reqId, r);
    return r;
  }


  ids(): number[] {
    return [...this.map.keys()];
  }

  clear(): void {
    this.map.clear();
  }
}
