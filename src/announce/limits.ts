// Every number of the announce service (docs/ANNOUNCE.md) in one place: body and
// list sizes, peer lifetimes, and the request budget the polling policy aims at.

/** The HTTP API version: the `/v1/` in every path. */
export const API_VERSION = 1;

/** Largest request body accepted (a record with four long URLs is under 3 KiB). */
export const MAX_BODY_BYTES = 8 * 1024;
/** How long an announced address is handed out after its last announce. */
export const PEER_TTL_MS = 30 * 60_000;
/** An address announced again after this much of its TTL has passed is rewritten (else kept as is: no storage write). */
export const PEER_REFRESH_AFTER_MS = PEER_TTL_MS / 2;
/** Addresses kept per swarm; when full, a new one replaces the one that expires first. */
export const MAX_PEERS_PER_SWARM = 200;
/** Addresses returned per answer: a random sample of the live ones. */
export const MAX_PEERS_PER_RESPONSE = 50;
/** Addresses one node may announce in one request. */
export const MAX_ADDRESSES_PER_ANNOUNCE = 4;
/** Places to fetch the Waterfall from, per version record. */
export const MAX_URLS = 4;
/** Bytes of one such URL (UTF-8). */
export const MAX_URL_BYTES = 512;
/** Requests per minute one client address may make (the embedded server's default). */
export const DEFAULT_RATE_PER_MINUTE = 60;

/** The request budget: what the interval control aims at, per swarm (docs/ANNOUNCE.md, "Budget"). */
export const TARGET_REQUESTS_PER_DAY = 2880;
/** The interval the service advertises is kept within these bounds (seconds). */
export const MIN_INTERVAL_S = 120;
export const MAX_INTERVAL_S = 60 * 86_400;
/** The interval a node uses before any service has told it one (seconds). */
export const DEFAULT_INTERVAL_S = 3600;
