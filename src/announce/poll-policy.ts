// When a node asks an announce service again: a pure function of the base interval
// the service advertised, the peers the node is connected to, and its failures.
// Polls are a Poisson process (exponential gaps: no two nodes stay in step); a node
// with few peers polls more often, since it cannot count on gossip; failures back
// off exponentially with jitter but never make a node poll more often than usual.
// Joining is free for the service: a node that already knows peers (--peer, the
// Waterfall's peer records, PEX, a lookup) does not poll at join; until a service has
// told it an interval it uses joinIntervalS (the longest), so it learns new versions
// from its peers' VERSION gossip. Only a node that knows no peer at all polls at once.
import { DEFAULT_INTERVAL_S, MAX_INTERVAL_S } from './limits.js';

export interface PollPolicyParams {
  /** The advertised interval is clamped to [minIntervalS, maxIntervalS]; a service cannot make a node poll more often. */
  minIntervalS: number;
  maxIntervalS: number;
  /** Used before any service has advertised an interval, by a node that knows no peer. */
  defaultIntervalS: number;
  /** Used before any service has advertised an interval, by a node that joined knowing peers: its peers gossip versions to it. */
  joinIntervalS: number;
  /** A node that joined knowing peers but is connected to none this long after start polls like a node with no peer. */
  joinGraceMs: number;
  /** From this many connected peers on, a node polls at the base rate; with none, (fullPeers + 1) times as often. */
  fullPeers: number;
  /** No two polls of one node to one service closer than this. */
  minDelayMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

export const POLL_DEFAULTS: PollPolicyParams = {
  minIntervalS: 60,
  maxIntervalS: MAX_INTERVAL_S,
  defaultIntervalS: DEFAULT_INTERVAL_S,
  joinIntervalS: MAX_INTERVAL_S,
  joinGraceMs: 60_000,
  fullPeers: 8,
  minDelayMs: 60_000,
  backoffBaseMs: 30_000,
  backoffMaxMs: 6 * 3_600_000,
};

export interface PollInput {
  /** The base interval (s) the service last advertised, if any. */
  intervalS?: number;
  /** Peers the node is connected to now. */
  peers: number;
  /** Failed polls of this service in a row. */
  failures: number;
  /** The node joined knowing peers: without an advertised interval it uses joinIntervalS, not defaultIntervalS. */
  joinedWithPeers?: boolean;
}

/** The base interval to use and to claim: the advertised one within bounds, else the join interval (joined knowing peers) or the default. */
export function baseIntervalS(advertised: number | undefined, p: PollPolicyParams = POLL_DEFAULTS, joinedWithPeers = false): number {
  if (advertised === undefined || !Number.isFinite(advertised)) return joinedWithPeers ? p.joinIntervalS : p.defaultIntervalS;
  return Math.min(p.maxIntervalS, Math.max(p.minIntervalS, Math.round(advertised)));
}

/** How many times the base rate a node with `peers` connected peers polls: fullPeers + 1 with none, 1 from fullPeers on. */
export function peerFactor(peers: number, p: PollPolicyParams = POLL_DEFAULTS): number {
  return (p.fullPeers + 1) / (Math.min(Math.max(0, peers), p.fullPeers) + 1);
}

/** The mean gap between polls, ms. */
export function meanDelayMs(input: Pick<PollInput, 'intervalS' | 'peers' | 'joinedWithPeers'>, p: PollPolicyParams = POLL_DEFAULTS): number {
  return (baseIntervalS(input.intervalS, p, input.joinedWithPeers) * 1000) / peerFactor(input.peers, p);
}

/** The backoff after `failures` failures in a row, before jitter. */
export function backoffMs(failures: number, p: PollPolicyParams = POLL_DEFAULTS): number {
  return failures <= 0 ? 0 : Math.min(p.backoffMaxMs, p.backoffBaseMs * 2 ** Math.min(failures - 1, 30));
}

/** Delay (ms) until the next poll. `random` returns uniform numbers in [0, 1). */
export function nextPollDelay(input: PollInput, random: () => number, p: PollPolicyParams = POLL_DEFAULTS): number {
  const normal = -Math.log(1 - random()) * meanDelayMs(input, p);
  const backoff = backoffMs(input.failures, p) * (0.5 + random());
  return Math.max(p.minDelayMs, normal, backoff);
}

export interface FirstPollInput {
  intervalS?: number;
  /** Peers the node is connected to now. */
  peers: number;
  /** Peers it knows, connected or not (given, from the Waterfall, PEX, a lookup); at least `peers`. */
  knownPeers?: number;
}

/**
 * Delay before a node's first poll: at once when it knows no peer at all (it needs the
 * service to bootstrap), else as usual, counting the known peers as the ones it will have
 * and, if no service told it an interval yet, with the join interval: joining costs no request.
 */
export function firstPollDelay(input: FirstPollInput, random: () => number, p: PollPolicyParams = POLL_DEFAULTS): number {
  const known = Math.max(input.peers, input.knownPeers ?? 0);
  if (known === 0) return 0;
  return nextPollDelay({ intervalS: input.intervalS, peers: known, failures: 0, joinedWithPeers: true }, random, p);
}
