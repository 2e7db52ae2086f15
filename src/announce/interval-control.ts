// How the service keeps a swarm's requests near its budget however many nodes the
// swarm has (docs/ANNOUNCE.md, "Budget"). Each node polls about once per base
// interval I (more often when it has few peers) and says which I it uses. A node
// polling every I seconds and claiming I adds, on average, 1 per second of "weight"
// (requests x claims): so the decayed sum of claims over time estimates how many
// nodes poll (counting a node with few peers more), and the service advertises
// I = nodes x 86,400 / target. Pure: state in, state out.
import { MAX_INTERVAL_S, MIN_INTERVAL_S, TARGET_REQUESTS_PER_DAY, DEFAULT_INTERVAL_S } from './limits.js';

export interface ControlParams {
  targetPerDay: number;
  /** Time constant of the averages. */
  tauMs: number;
  minIntervalS: number;
  maxIntervalS: number;
  /** A claim counts for at most this many times the interval advertised (or the default interval, if larger). */
  claimCap: number;
}

export const CONTROL_DEFAULTS: ControlParams = {
  targetPerDay: TARGET_REQUESTS_PER_DAY,
  tauMs: 3_600_000,
  minIntervalS: MIN_INTERVAL_S,
  maxIntervalS: MAX_INTERVAL_S,
  claimCap: 2,
};

export interface ControlState {
  /** Exponentially decayed count of requests, as of `at`. */
  sum: number;
  /** Exponentially decayed sum of the claimed intervals (s), as of `at`. */
  weight: number;
  at: number;
  /** Time of the first request counted (0: none yet). */
  since: number;
}

export function emptyControl(): ControlState {
  return { sum: 0, weight: 0, at: 0, since: 0 };
}

function decay(s: ControlState, now: number, p: ControlParams): number {
  return s.since === 0 ? 0 : Math.exp(-Math.max(0, now - s.at) / p.tauMs);
}

/** The averages' window so far, in seconds: tau, shortened while the swarm is young (at least tau / 6). */
function window(s: ControlState, now: number, p: ControlParams): number {
  const age = Math.max(now - s.since, p.tauMs / 6);
  return (p.tauMs / 1000) * (1 - Math.exp(-age / p.tauMs));
}

/**
 * Counts one request at `now`. `claimS` is the base interval the node says it polls
 * with (undefined for a request that is not a poll: it counts in the rate only).
 */
export function observeRequest(s: ControlState, now: number, claimS: number | undefined, p: ControlParams = CONTROL_DEFAULTS): ControlState {
  const d = decay(s, now, p);
  let w = 0;
  if (claimS !== undefined && Number.isFinite(claimS)) {
    const cap = Math.max(p.claimCap * advertisedInterval(s, now, p), DEFAULT_INTERVAL_S);
    w = Math.min(cap, p.maxIntervalS, Math.max(p.minIntervalS, claimS));
  }
  return { sum: s.sum * d + 1, weight: s.weight * d + w, at: Math.max(now, s.at), since: s.since === 0 ? now : s.since };
}

/** Requests per second to this swarm, averaged over about tauMs. */
export function requestRate(s: ControlState, now: number, p: ControlParams = CONTROL_DEFAULTS): number {
  return s.since === 0 ? 0 : (s.sum * decay(s, now, p)) / window(s, now, p);
}

/** How many nodes poll, each counted by how much more often than the base rate it polls. */
export function pollingWeight(s: ControlState, now: number, p: ControlParams = CONTROL_DEFAULTS): number {
  return s.since === 0 ? 0 : (s.weight * decay(s, now, p)) / window(s, now, p);
}

/** The base interval (whole seconds) to advertise to the swarm's nodes now. */
export function advertisedInterval(s: ControlState, now: number, p: ControlParams = CONTROL_DEFAULTS): number {
  const interval = (pollingWeight(s, now, p) * 86_400) / p.targetPerDay;
  return Math.round(Math.min(p.maxIntervalS, Math.max(p.minIntervalS, interval)));
}
