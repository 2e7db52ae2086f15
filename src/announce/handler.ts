// The announce service's request handler: one function from a Request to a
// Response, the same in both hosts (worker/src/index.ts on Cloudflare Workers,
// src/announce/server.ts on Node). Storage, the clock, the rate limiter and the
// BLAKE3 swarm id are injected. Paths, shapes and errors: docs/ANNOUNCE.md.
import { ApiError } from './api-error.js';
import { Fields } from './json-fields.js';
import { CACHE_READ, errorResponse, jsonResponse, notModified, readJson } from './http.js';
import { checkPeerAddress, clientAddress, type AddressPolicy } from './address-policy.js';
import { nameFieldOf, parseRecordJson, recordMessage, recordToJson, type RecordJson } from './record.js';
import { verifyEd25519 } from './webcrypto-verify.js';
import { clientKey, type RateLimiter } from './rate-limit.js';
import { type AnnounceStore } from './store.js';
import { type SwarmView } from './swarm-state.js';
import { API_VERSION, MAX_ADDRESSES_PER_ANNOUNCE, MAX_BODY_BYTES, MAX_PEERS_PER_RESPONSE, MAX_PEERS_PER_SWARM, PEER_TTL_MS, TARGET_REQUESTS_PER_DAY } from './limits.js';
import { toHex } from '../util/hex.js';

export interface ClientInfo {
  /** The client's IP as the host sees it ('' when unknown). */
  ip: string;
}

export type AnnounceHandler = (request: Request, client: ClientInfo) => Promise<Response>;

export interface HandlerOptions {
  store: AnnounceStore;
  /** H32(swarm id, public key ‖ name field ‖ salt) of docs/FORMAT.md. */
  swarmIdOf: (publicKey: Uint8Array, nameField: Uint8Array, salt: Uint8Array) => Uint8Array | Promise<Uint8Array>;
  limiter?: RateLimiter;
  now?: () => number;
  addressPolicy?: AddressPolicy;
  verify?: (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => Promise<boolean>;
  /** One line per internal error. */
  log?: (line: string) => void;
}

const SWARM_PATH = /^\/v1\/swarms\/([^/]+)(?:\/(announce|record))?\/?$/;
const CLAIM_MAX_S = 10 ** 9;

export function createAnnounceHandler(opts: HandlerOptions): AnnounceHandler {
  const now = opts.now ?? Date.now;
  const policy = opts.addressPolicy ?? 'public';
  const verify = opts.verify ?? verifyEd25519;
  const log = opts.log ?? ((line: string) => console.error(line));

  async function route(request: Request, client: ClientInfo): Promise<Response> {
    if (opts.limiter && !(await opts.limiter.limit(clientKey(client.ip)))) {
      return errorResponse(new ApiError('RATE_LIMITED', 'too many requests from this address; try again in a minute'), { 'retry-after': '60' });
    }
    const url = new URL(request.url);
    const head = request.method === 'HEAD';
    const read = request.method === 'GET' || head;
    if (url.pathname === '/' || url.pathname === '/v1' || url.pathname === '/v1/') {
      if (!read) throw notAllowed('GET, HEAD');
      return jsonResponse(200, serviceInfo(policy), { 'cache-control': 'public, max-age=3600' }, head);
    }
    const m = SWARM_PATH.exec(url.pathname);
    if (!m) throw new ApiError('NOT_FOUND', `no such path ${url.pathname.slice(0, 100)}; the API is under /v1/swarms/`);
    const swarmId = m[1];
    const kind = m[2] ?? 'swarm';
    const allowed = kind === 'announce' ? 'POST' : kind === 'record' ? 'GET, HEAD, PUT' : 'GET, HEAD';
    if (!allowed.split(', ').includes(request.method)) throw notAllowed(allowed);
    if (!/^[0-9a-f]{64}$/.test(swarmId)) throw new ApiError('BAD_SWARM_ID', 'a swarm id is 64 lowercase hex digits');

    if (kind === 'announce') return announce(request, client, swarmId);
    if (kind === 'record' && request.method === 'PUT') return publish(request, swarmId);
    const claim = claimOf(url.searchParams.get('interval'));
    const maxPeers = kind === 'record' ? 0 : MAX_PEERS_PER_RESPONSE;
    const view = known(swarmId, await opts.store.view(swarmId, { now: now(), maxPeers, claim }));
    if (kind === 'swarm') return jsonResponse(200, viewJson(swarmId, view), { 'cache-control': CACHE_READ }, head);
    const record = view.record as RecordJson;
    const etag = `"${record.sequence}-${record.waterfallId}"`;
    const headers = { 'cache-control': CACHE_READ, etag };
    if (request.headers.get('if-none-match') === etag) return notModified(headers);
    return jsonResponse(200, record, headers, head);
  }

  async function announce(request: Request, client: ClientInfo, swarmId: string): Promise<Response> {
    const f = Fields.of(await readJson(request, MAX_BODY_BYTES), 'BAD_REQUEST', 'announce', ['addresses', 'port', 'interval']);
    const addresses = f.has('addresses')
      ? f.array('addresses', MAX_ADDRESSES_PER_ANNOUNCE, (a) => checkPeerAddress(a, policy), 'TOO_MANY_ADDRESSES')
      : [];
    if (f.has('port')) addresses.push(clientAddress(client.ip, f.int('port', 1, 65535), policy));
    const claim = f.has('interval') ? f.int('interval', 1, CLAIM_MAX_S) : undefined;
    const unique = [...new Set(addresses)];
    const view = known(swarmId, await opts.store.announce(swarmId, unique, { now: now(), maxPeers: MAX_PEERS_PER_RESPONSE, claim }));
    return jsonResponse(200, viewJson(swarmId, view));
  }

  async function publish(request: Request, swarmId: string): Promise<Response> {
    const record = parseRecordJson(await readJson(request, MAX_BODY_BYTES));
    if (toHex(record.swarmId) !== swarmId) throw new ApiError('SWARM_MISMATCH', 'the record names another swarm than the path');
    const derived = await opts.swarmIdOf(record.publicKey, nameFieldOf(record.name), record.salt);
    if (toHex(derived) !== swarmId) throw new ApiError('NOT_PUBLISHER', 'the public key, name and salt do not derive this swarm id');
    if (!(await verify(record.signature, recordMessage(record), record.publicKey))) {
      throw new ApiError('INVALID_SIGNATURE', 'the signature does not verify with the public key');
    }
    const result = await opts.store.publish(swarmId, recordToJson(record), now());
    if (!result.stored) {
      throw new ApiError('STALE_SEQUENCE', `the service has sequence ${result.current}; a record must have a greater one`, { current: result.current });
    }
    return jsonResponse(201, { stored: true, sequence: result.sequence });
  }

  return async (request, client) => {
    try {
      return await route(request, client);
    } catch (err) {
      if (err instanceof ApiError) return errorResponse(err, err.code === 'METHOD_NOT_ALLOWED' ? { allow: String(err.extra.allow) } : {});
      log(`announce: internal error on ${request.method} ${request.url}: ${(err as Error)?.stack ?? String(err)}`);
      return errorResponse(new ApiError('INTERNAL', 'internal error'));
    }
  };
}

function notAllowed(allow: string): ApiError {
  return new ApiError('METHOD_NOT_ALLOWED', `this path takes ${allow}`, { allow });
}

function known(swarmId: string, view: SwarmView | undefined): SwarmView {
  if (!view) throw new ApiError('UNKNOWN_SWARM', `no publisher has pushed a record for swarm ${swarmId}`);
  return view;
}

function claimOf(text: string | null): number | undefined {
  if (text === null) return undefined;
  if (!/^\d{1,10}$/.test(text) || Number(text) < 1 || Number(text) > CLAIM_MAX_S) {
    throw new ApiError('BAD_REQUEST', `interval must be a whole number of seconds from 1 to ${CLAIM_MAX_S}`);
  }
  return Number(text);
}

function viewJson(swarmId: string, v: SwarmView): Record<string, unknown> {
  return { swarmId, record: v.record, peers: v.peers, interval: v.interval };
}

function serviceInfo(policy: AddressPolicy): Record<string, unknown> {
  return {
    service: 'bytefall-announce',
    api: API_VERSION,
    addressPolicy: policy,
    limits: {
      maxBodyBytes: MAX_BODY_BYTES,
      peerTtlSeconds: PEER_TTL_MS / 1000,
      maxPeersPerSwarm: MAX_PEERS_PER_SWARM,
      maxPeersPerResponse: MAX_PEERS_PER_RESPONSE,
      maxAddressesPerAnnounce: MAX_ADDRESSES_PER_ANNOUNCE,
      targetRequestsPerDayPerSwarm: TARGET_REQUESTS_PER_DAY,
    },
  };
}
