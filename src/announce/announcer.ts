// What a node runs: its announce services (--announce URL, repeatable), polled by
// the poll policy, each on its own schedule. Peers and verified newer records go to
// the swarm engine through callbacks. A service that is down, slow or lying costs
// nothing but a log line: the node goes on with the peers it has and retries later.
import { type Address } from '../net/address.js';
import { AnnounceClient, type PushResult, type ServiceView } from './client.js';
import { type VersionRecord } from './record.js';
import { POLL_DEFAULTS, baseIntervalS, firstPollDelay, nextPollDelay, type PollPolicyParams } from './poll-policy.js';

export interface AnnouncerOptions {
  urls: readonly string[];
  swarmId: Uint8Array;
  /** The publisher's key when known: records signed by another key are refused. */
  publicKey?: Uint8Array;
  /** Addresses this node accepts connections on, announced as they are. */
  addresses?: readonly string[];
  /** A listening port, announced at the IP the service sees (for nodes that do not know their public IP). */
  port?: number;
  /** Connected peers now: the poll policy asks more often with fewer. */
  peerCount: () => number;
  /**
   * Peers the node knows, connected or not (--peer, the Waterfall's peer records, PEX, a
   * lookup); default peerCount. A node that knows one at start() does not poll at join.
   */
  knownPeers?: () => number;
  /** The newest sequence the node has; only newer records reach onRecord. */
  knownSequence?: () => number;
  onPeers?: (peers: Address[], url: string) => void;
  onRecord?: (record: VersionRecord, url: string) => void;
  /** Saved by exportState() in a previous run: the intervals the services advertised. */
  state?: AnnouncerState;
  policy?: PollPolicyParams;
  timeoutMs?: number;
  fetch?: typeof fetch;
  random?: () => number;
  now?: () => number;
  log?: (line: string) => void;
  timers?: Timers;
}

/** Per service URL: the base interval it advertised (s). */
export type AnnouncerState = Record<string, { intervalS: number }>;

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const nodeTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms).unref(),
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** setTimeout takes at most 2^31 - 1 ms (24.8 days); longer waits are re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Service {
  client: AnnounceClient;
  intervalS?: number;
  /** Polled at least once (answered or not). */
  polled: boolean;
  failures: number;
  /** When the next poll is due (ms since the epoch). */
  dueAt: number;
  timer?: unknown;
  /** The last failure logged, so each kind is logged once until the service answers again. */
  logged?: string;
}

export interface PushOutcome {
  url: string;
  result?: PushResult;
  error?: Error;
}

export class Announcer {
  readonly #opts: AnnouncerOptions;
  readonly #services: Service[];
  readonly #policy: PollPolicyParams;
  readonly #random: () => number;
  readonly #now: () => number;
  readonly #timers: Timers;
  readonly #log: (line: string) => void;
  #reported = 0;
  #running = false;
  /** start() found known peers: no poll at join; without an advertised interval, the join interval. */
  #joinedWithPeers = false;
  /** While a node that joined with peers has services that never answered: checks it is connected to someone. */
  #graceTimer?: unknown;
  /** Aborted by stop(): requests in flight end at once, so a stopping node does not wait for a slow service. */
  #stopper = new AbortController();

  constructor(opts: AnnouncerOptions) {
    this.#opts = opts;
    this.#policy = opts.policy ?? POLL_DEFAULTS;
    this.#random = opts.random ?? Math.random;
    this.#now = opts.now ?? Date.now;
    this.#timers = opts.timers ?? nodeTimers;
    this.#log = opts.log ?? (() => {});
    const inner = opts.fetch ?? fetch;
    const stoppable: typeof fetch = (input, init) => {
      const stop = this.#stopper.signal;
      return inner(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, stop]) : stop });
    };
    this.#services = [...new Set(opts.urls)].map((url) => ({
      client: new AnnounceClient({ url, swarmId: opts.swarmId, publicKey: opts.publicKey, timeoutMs: opts.timeoutMs, fetch: stoppable }),
      intervalS: opts.state?.[url]?.intervalS,
      polled: false,
      failures: 0,
      dueAt: 0,
    }));
  }

  get urls(): string[] {
    return this.#services.map((s) => s.client.url);
  }

  /**
   * Starts polling in the background: at once when the node knows no peer (it bootstraps
   * through the services), else after a random delay by the poll policy, which for a node
   * that no service has told an interval yet is the join interval: joining costs no request,
   * the node learns new versions from its peers. Should it still be connected to nobody
   * joinGraceMs later, or at a later check (its peers are gone or unreachable), it polls like a
   * node with no peer.
   */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    if (this.#stopper.signal.aborted) this.#stopper = new AbortController();
    const peers = this.#opts.peerCount();
    const knownPeers = Math.max(peers, this.#opts.knownPeers?.() ?? 0);
    this.#joinedWithPeers = knownPeers > 0;
    for (const s of this.#services) {
      this.#schedule(s, firstPollDelay({ intervalS: s.intervalS, peers, knownPeers }, this.#random, this.#policy));
    }
    if (this.#joinedWithPeers) this.#armGrace(this.#policy.joinGraceMs);
  }

  /** Stops polling and ends the requests in flight (they count as failures, not logged). */
  stop(): void {
    this.#running = false;
    this.#stopper.abort();
    if (this.#graceTimer !== undefined) this.#timers.clear(this.#graceTimer);
    this.#graceTimer = undefined;
    for (const s of this.#services) {
      if (s.timer !== undefined) this.#timers.clear(s.timer);
      s.timer = undefined;
    }
  }

  /** Polls every service now (announcing this node); resolves when all answered or failed. Never rejects. */
  async announce(): Promise<void> {
    await Promise.all(this.#services.map((s) => this.#poll(s)));
  }

  /** Polls every service now; the peers they returned, without duplicates. */
  async getPeers(): Promise<Address[]> {
    const views = await Promise.all(this.#services.map((s) => this.#poll(s)));
    const seen = new Map<string, Address>();
    for (const v of views) for (const p of v?.peers ?? []) seen.set(JSON.stringify(p), p);
    return [...seen.values()];
  }

  /** The newest verified record any service has, or undefined (no record, or no service answered). */
  async getLatest(): Promise<VersionRecord | undefined> {
    const records = await Promise.all(
      this.#services.map(async (s) => {
        try {
          const r = await s.client.getRecord();
          this.#ok(s);
          return r;
        } catch (err) {
          this.#failed(s, err as Error);
          return undefined;
        }
      }),
    );
    return records.reduce<VersionRecord | undefined>((best, r) => (r && (!best || r.sequence > best.sequence) ? r : best), undefined);
  }

  /** Pushes a signed record to every service; one outcome per service. Never rejects. */
  async pushRecord(record: VersionRecord): Promise<PushOutcome[]> {
    return Promise.all(
      this.#services.map(async (s) => {
        try {
          return { url: s.client.url, result: await s.client.pushRecord(record) };
        } catch (err) {
          return { url: s.client.url, error: err as Error };
        }
      }),
    );
  }

  exportState(): AnnouncerState {
    const state: AnnouncerState = {};
    for (const s of this.#services) if (s.intervalS !== undefined) state[s.client.url] = { intervalS: s.intervalS };
    return state;
  }

  async #poll(s: Service): Promise<ServiceView | undefined> {
    const port = this.#opts.port;
    const addresses = this.#opts.addresses?.length ? [...this.#opts.addresses] : undefined;
    let view: ServiceView;
    s.polled = true;
    try {
      view = await s.client.poll({ addresses, port, interval: baseIntervalS(s.intervalS, this.#policy, this.#withPeers()) });
    } catch (err) {
      this.#failed(s, err as Error);
      return undefined;
    }
    this.#ok(s);
    s.intervalS = view.intervalS;
    if (view.peers.length > 0) this.#opts.onPeers?.(view.peers, s.client.url);
    const r = view.record;
    if (r && r.sequence > Math.max(this.#reported, this.#opts.knownSequence?.() ?? 0)) {
      this.#reported = r.sequence;
      this.#opts.onRecord?.(r, s.client.url);
    }
    return view;
  }

  #ok(s: Service): void {
    if (s.logged !== undefined) this.#log(`announce: ${s.client.url} answers again`);
    s.failures = 0;
    s.logged = undefined;
  }

  #failed(s: Service, err: Error): void {
    if (this.#stopper.signal.aborted) return; // stopped: not the service's fault
    s.failures++;
    const kind = `${(err as { code?: string }).code}:${(err as { apiCode?: string }).apiCode ?? ''}`;
    if (s.logged !== kind) this.#log(`announce: ${err.message} (going on with known peers; will retry)`);
    s.logged = kind;
  }

  /** Joined knowing peers and connected to one now: without an advertised interval, the join interval applies. */
  #withPeers(): boolean {
    return this.#joinedWithPeers && this.#opts.peerCount() > 0;
  }

  /**
   * While some service was never polled, joinGraceMs after start and then every 2, 4 ... up to
   * 60 minutes: if no peer is connected, those services are polled now (the node lost its peers).
   */
  #armGrace(afterMs: number): void {
    this.#graceTimer = this.#timers.set(() => {
      this.#graceTimer = undefined;
      if (!this.#running) return;
      const waiting = this.#services.filter((s) => s.intervalS === undefined && !s.polled);
      if (waiting.length === 0) return;
      if (this.#opts.peerCount() === 0) {
        for (const s of waiting) {
          if (s.timer === undefined) continue; // a poll is under way
          this.#timers.clear(s.timer);
          s.timer = undefined;
          this.#schedule(s, 0);
        }
      }
      this.#armGrace(Math.min(afterMs * 2, Math.max(3_600_000, this.#policy.joinGraceMs)));
    }, afterMs);
  }

  #schedule(s: Service, delayMs: number): void {
    if (!this.#running) return;
    s.dueAt = this.#now() + delayMs;
    this.#arm(s);
  }

  #arm(s: Service): void {
    const wait = Math.max(0, s.dueAt - this.#now());
    s.timer = this.#timers.set(() => {
      s.timer = undefined;
      if (!this.#running) return;
      if (this.#now() < s.dueAt) return this.#arm(s);
      void this.#poll(s).then(() => {
        const input = { intervalS: s.intervalS, peers: this.#opts.peerCount(), failures: s.failures, joinedWithPeers: this.#withPeers() };
        this.#schedule(s, nextPollDelay(input, this.#random, this.#policy));
      });
    }, Math.min(wait, MAX_TIMER_MS));
  }
}
