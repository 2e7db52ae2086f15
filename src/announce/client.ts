// HTTP client of one announce service. Every answer is read strictly and every
// record is verified (record-sign.ts) before it is returned: a service is never
// trusted, so garbage, a wrong swarm or a bad signature is ANNOUNCE_BAD_RESPONSE.
import { BytefallError, type ErrorCode } from '../errors.js';
import { parseAddress, type Address } from '../net/address.js';
import { toHex } from '../util/hex.js';
import { ApiError } from './api-error.js';
import { readBody } from './http.js';
import { checkPeerAddress } from './address-policy.js';
import { parseRecordJson, recordToJson, type VersionRecord } from './record.js';
import { verifyRecord } from './record-sign.js';
import { MAX_PEERS_PER_SWARM } from './limits.js';

/** The largest answer read; anything longer is garbage. */
const MAX_RESPONSE_BYTES = 64 * 1024;
export const DEFAULT_TIMEOUT_MS = 10_000;

export class AnnounceError extends BytefallError {
  constructor(
    code: ErrorCode,
    message: string,
    /** HTTP status, when the service answered. */
    readonly status?: number,
    /** The API error code of a refusal (docs/ANNOUNCE.md). */
    readonly apiCode?: string,
    /** STALE_SEQUENCE: the sequence the service holds. */
    readonly current?: number,
  ) {
    super(code, message);
  }
}

export interface AnnounceClientOptions {
  /** The service's base URL, e.g. https://bytefall-announce.example.workers.dev */
  url: string;
  swarmId: Uint8Array;
  /** When known (from a Waterfall), records must be signed by this key. */
  publicKey?: Uint8Array;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** What a poll or a read tells: a verified record (if any), peer addresses, the base interval. */
export interface ServiceView {
  record?: VersionRecord;
  peers: Address[];
  intervalS: number;
}

export type PushResult = { stored: true } | { stored: false; current: number };

export interface PollBody {
  /** Addresses this node can be reached at. */
  addresses?: string[];
  /** Or: a port, at the IP the service sees this node at. */
  port?: number;
  /** The base interval (s) this node polls with. */
  interval?: number;
}

export class AnnounceClient {
  readonly url: string;
  readonly #base: string;
  readonly #opts: AnnounceClientOptions;
  readonly #fetch: typeof fetch;

  constructor(opts: AnnounceClientOptions) {
    let u: URL;
    try {
      u = new URL(opts.url);
    } catch {
      throw new BytefallError('BAD_ARGUMENT', `--announce: "${opts.url}" is not a URL`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new BytefallError('BAD_ARGUMENT', `--announce: "${opts.url}" is not an http or https URL`);
    this.url = opts.url;
    this.#base = `${u.origin}${u.pathname.replace(/\/+$/, '')}/v1/swarms/${toHex(opts.swarmId)}`;
    this.#opts = opts;
    this.#fetch = opts.fetch ?? fetch;
  }

  /** POST …/announce: announce this node (if addresses or port are given) and read the swarm. */
  async poll(body: PollBody): Promise<ServiceView> {
    return this.#view(await this.#request('POST', '/announce', body));
  }

  /** GET the swarm: record, peers, interval, without announcing. */
  async view(): Promise<ServiceView> {
    return this.#view(await this.#request('GET', ''));
  }

  /** GET …/record: the latest verified record, or undefined when the service has none for this swarm. */
  async getRecord(): Promise<VersionRecord | undefined> {
    try {
      return this.#record(await this.#request('GET', '/record'));
    } catch (err) {
      if (err instanceof AnnounceError && err.apiCode === 'UNKNOWN_SWARM') return undefined;
      throw err;
    }
  }

  /** PUT …/record: the publisher pushes a signed record. */
  async pushRecord(record: VersionRecord): Promise<PushResult> {
    try {
      await this.#request('PUT', '/record', recordToJson(record));
      return { stored: true };
    } catch (err) {
      if (err instanceof AnnounceError && err.apiCode === 'STALE_SEQUENCE' && err.current !== undefined) {
        return { stored: false, current: err.current };
      }
      throw err;
    }
  }

  #garbage(why: string, status?: number): AnnounceError {
    return new AnnounceError('ANNOUNCE_BAD_RESPONSE', `announce service ${this.url}: ${why}`, status);
  }

  async #request(method: string, path: string, body?: unknown): Promise<unknown> {
    const timeoutMs = this.#opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    let res: Response;
    try {
      res = await this.#fetch(this.#base + path, {
        method,
        headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
    } catch (err) {
      const e = err as Error;
      const why = e?.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : ((e?.cause as Error)?.message ?? e?.message ?? String(err));
      throw new AnnounceError('ANNOUNCE_UNAVAILABLE', `announce service ${this.url}: ${why}`);
    }
    let json: unknown;
    try {
      const bytes = await readBody(res, MAX_RESPONSE_BYTES);
      json = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes));
    } catch (err) {
      if (res.status >= 500 || res.status === 429) throw new AnnounceError('ANNOUNCE_UNAVAILABLE', `announce service ${this.url}: HTTP ${res.status}`, res.status);
      throw this.#garbage(err instanceof ApiError ? 'the answer is too long' : `HTTP ${res.status} with a body that is not JSON`, res.status);
    }
    if (res.ok) return json;
    const error = (json as { error?: { code?: unknown; message?: unknown; current?: unknown } })?.error;
    const apiCode = typeof error?.code === 'string' ? error.code.slice(0, 40) : undefined;
    const message = typeof error?.message === 'string' ? error.message.replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, 200) : `HTTP ${res.status}`;
    if (res.status >= 500 || res.status === 429) {
      throw new AnnounceError('ANNOUNCE_UNAVAILABLE', `announce service ${this.url}: HTTP ${res.status} ${apiCode ?? ''} ${message}`.trim(), res.status, apiCode);
    }
    const current = apiCode === 'STALE_SEQUENCE' && Number.isSafeInteger(error?.current) ? (error?.current as number) : undefined;
    throw new AnnounceError('ANNOUNCE_REFUSED', `announce service ${this.url} refused: ${apiCode ?? `HTTP ${res.status}`}: ${message}`, res.status, apiCode, current);
  }

  #record(json: unknown): VersionRecord {
    let record: VersionRecord;
    try {
      record = parseRecordJson(json);
      verifyRecord(record, { swarmId: this.#opts.swarmId, publicKey: this.#opts.publicKey });
    } catch (err) {
      throw this.#garbage(`bad version record: ${(err as Error).message}`);
    }
    return record;
  }

  /** Reads a swarm answer; unknown fields are ignored (a newer service may add some). */
  #view(json: unknown): ServiceView {
    const doc = json as Record<string, unknown>;
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw this.#garbage('the answer is not a JSON object');
    if (doc.swarmId !== toHex(this.#opts.swarmId)) throw this.#garbage('the answer is about another swarm');
    const interval = doc.interval;
    if (typeof interval !== 'number' || !Number.isSafeInteger(interval) || interval < 1) throw this.#garbage('"interval" is not a whole number of seconds');
    if (!Array.isArray(doc.peers) || doc.peers.length > MAX_PEERS_PER_SWARM) throw this.#garbage('"peers" is not a list of addresses');
    const peers: Address[] = [];
    for (const p of doc.peers) {
      try {
        peers.push(parseAddress(checkPeerAddress(p, 'any'))); // IP literals and ZeroTier ids only, as the service stores them
      } catch {
        throw this.#garbage(`${JSON.stringify(String(p).slice(0, 60))} is not a peer address`);
      }
    }
    const record = doc.record === null || doc.record === undefined ? undefined : this.#record(doc.record);
    return { record, peers, intervalS: interval };
  }
}
