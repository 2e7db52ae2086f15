// When a node asks an announce service again: a pure function of the base interval
// the service advertised, the peers the node is connected to, and its failures.
// Polls are a Poisson process (exponential gaps: no two nodes stay in step); a node
// with few peers polls more often, since it cannot count on gossip; failures back
// off exponentially with jitter but never make a node poll more often than usual.
import { DEFAULT_INTERVAL_S, MAX_INTERVAL_S } from './limits.js';

export interface PollPolicyParams {
  /** The advertised interval is clamped to [minIntervalS, maxIntervalS]; a service cannot make a node poll more often. */
  minIntervalS: number;
  maxIntervalS: number;
  /** Used before any service has advertised an interval. */
  defaultIntervalS: number;
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
}

/** The base interval to use and to claim: the advertised one within bounds, else the default. */
export function baseIntervalS(advertised: number | undefined, p: PollPolicyParams = POLL_DEFAULTS): number {
  if (advertised === undefined || !Number.isFinite(advertised)) return p.defaultIntervalS;
  return Math.min(p.maxIntervalS, Math.max(p.minIntervalS, Math.round(advertised)));
}

/** How many times the base rate a node with `peers` connected peers polls: fullPeers + 1 with none, 1 from fullPeers on. */
export function peerFactor(peers: number, p: PollPolicyParams = POLL_DEFAULTS): number {
  return (p.fullPeers + 1) / (Math.min(Math.max(0, peers), p.fullPeers) + 1);
}

/** The mean gap between polls, ms. */
export function meanDelayMs(input: Pick<PollInput, 'intervalS' | 'peers'>, p: PollPolicyParams = POLL_DEFAULTS): number {
  return (baseIntervalS(input.intervalS, p) * 1000) / peerFactor(input.peers, p);
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

/** Delay before a node's first poll: at once when it has no peer at all (it needs the service), else as usual. */
export function firstPollDelay(input: Omit<PollInput, 'failures'>, random: () => number, p: PollPolicyParams = POLL_DEFAULTS): number {
  return input.peers === 0 ? 0 : nextPollDelay({ ...input, failures: 0 }, random, p);
}
