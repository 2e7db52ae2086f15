// The interval control and the poll policy, alone: the advertised interval tracks
// the swarm's weight, claims are bounded, and a node's polls follow the policy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONTROL_DEFAULTS, advertisedInterval, emptyControl, observeRequest, pollingWeight, requestRate } from '../../src/announce/interval-control.js';
import { POLL_DEFAULTS, backoffMs, baseIntervalS, firstPollDelay, meanDelayMs, nextPollDelay, peerFactor } from '../../src/announce/poll-policy.js';

const T0 = 1_800_000_000_000;

/** n nodes each polling every `intervalS` on average, for `hours`, claiming intervalS. */
function steady(n: number, intervalS: number, hours: number) {
  let s = emptyControl();
  const gapMs = (intervalS * 1000) / n;
  const end = T0 + hours * 3_600_000;
  let t = T0;
  for (; t < end; t += gapMs) s = observeRequest(s, t, intervalS);
  return { s, t };
}

test('control: the rate estimate is right after an hour and for a young swarm', () => {
  const { s, t } = steady(100, 3600, 3);
  assert.ok(Math.abs(requestRate(s, t) - 100 / 3600) / (100 / 3600) < 0.05, String(requestRate(s, t)));
  const young = steady(100, 3600, 0.5);
  assert.ok(Math.abs(requestRate(young.s, young.t) - 100 / 3600) / (100 / 3600) < 0.1, String(requestRate(young.s, young.t)));
});

test('control: the advertised interval is nodes x 86,400 / target, within bounds', () => {
  for (const n of [1000, 10_000, 100_000]) {
    const { s, t } = steady(n, 3600, 3);
    const want = (n * 86_400) / CONTROL_DEFAULTS.targetPerDay;
    const got = advertisedInterval(s, t);
    assert.ok(Math.abs(got - want) / want < 0.05, `${n} nodes: ${got} s, want ${want}`);
  }
  const small = steady(3, 3600, 3);
  assert.equal(advertisedInterval(small.s, small.t), CONTROL_DEFAULTS.minIntervalS);
  const huge = steady(10_000_000, 3600, 0.2);
  assert.equal(advertisedInterval(huge.s, huge.t), CONTROL_DEFAULTS.maxIntervalS);
});

test('control: one claim counts for at most claimCap x the advertised interval', () => {
  const { s, t } = steady(1000, 3600, 3);
  const advertised = advertisedInterval(s, t);
  const windowS = (CONTROL_DEFAULTS.tauMs / 1000) * (1 - Math.exp(-3));
  const added = (claim: number) => (pollingWeight(observeRequest(s, t, claim), t) - pollingWeight(s, t)) * windowS;
  assert.ok(Math.abs(added(3600) - 3600) < 1, String(added(3600)));
  assert.ok(Math.abs(added(1e9) - CONTROL_DEFAULTS.claimCap * advertised) < 1, `${added(1e9)} vs ${advertised}`);
});

test('control: requests that are not polls count in the rate, not in the weight', () => {
  const { s, t } = steady(1000, 3600, 3);
  const next = observeRequest(s, t, undefined);
  assert.ok(requestRate(next, t) > requestRate(s, t));
  assert.equal(pollingWeight(next, t), pollingWeight(s, t));
});

test('control: the state survives JSON (it is persisted as JSON by both hosts)', () => {
  const { s, t } = steady(50, 600, 1);
  assert.equal(advertisedInterval(JSON.parse(JSON.stringify(s)), t), advertisedInterval(s, t));
});

test('poll policy: the advertised interval is clamped; the default before any answer', () => {
  assert.equal(baseIntervalS(undefined), POLL_DEFAULTS.defaultIntervalS);
  assert.equal(baseIntervalS(1), POLL_DEFAULTS.minIntervalS);
  assert.equal(baseIntervalS(1e12), POLL_DEFAULTS.maxIntervalS);
  assert.equal(baseIntervalS(7200), 7200);
});

test('poll policy: fewer peers, more polls; from fullPeers on, the base rate', () => {
  assert.equal(peerFactor(0), POLL_DEFAULTS.fullPeers + 1);
  assert.equal(peerFactor(POLL_DEFAULTS.fullPeers), 1);
  assert.equal(peerFactor(50), 1);
  for (let k = 1; k <= POLL_DEFAULTS.fullPeers; k++) assert.ok(peerFactor(k) < peerFactor(k - 1));
  assert.equal(meanDelayMs({ intervalS: 900, peers: 30 }), 900_000);
});

test('poll policy: gaps are exponential with the right mean, never under the floor', () => {
  let x = 12345;
  const random = () => ((x = (x * 48271) % 2147483647) / 2147483647);
  const n = 20_000;
  let sum = 0;
  let min = Infinity;
  for (let i = 0; i < n; i++) {
    const d = nextPollDelay({ intervalS: 3600, peers: 30, failures: 0 }, random);
    sum += d;
    min = Math.min(min, d);
  }
  assert.ok(Math.abs(sum / n - 3_600_000) / 3_600_000 < 0.03, String(sum / n));
  assert.equal(min, POLL_DEFAULTS.minDelayMs);
});

test('poll policy: failures back off exponentially with jitter, capped, and never poll sooner than usual', () => {
  assert.equal(backoffMs(0), 0);
  assert.equal(backoffMs(1), POLL_DEFAULTS.backoffBaseMs);
  assert.equal(backoffMs(3), 4 * POLL_DEFAULTS.backoffBaseMs);
  assert.equal(backoffMs(100), POLL_DEFAULTS.backoffMaxMs);
  const mid = () => 0.5;
  assert.equal(nextPollDelay({ intervalS: 60, peers: 30, failures: 12 }, mid), POLL_DEFAULTS.backoffMaxMs);
  const fixedNormal = nextPollDelay({ intervalS: 86_400, peers: 30, failures: 0 }, mid);
  assert.equal(nextPollDelay({ intervalS: 86_400, peers: 30, failures: 1 }, mid), fixedNormal);
});

test('poll policy: a node with no peer polls at once at start, others wait', () => {
  assert.equal(firstPollDelay({ peers: 0 }, () => 0.5), 0);
  assert.equal(firstPollDelay({ peers: 0, knownPeers: 0 }, () => 0.5), 0);
  assert.ok(firstPollDelay({ peers: 5 }, () => 0.5) >= POLL_DEFAULTS.minDelayMs);
  assert.ok(firstPollDelay({ peers: 0, knownPeers: 3 }, () => 0.5) >= POLL_DEFAULTS.minDelayMs, 'known peers, none connected yet: no poll at join');
});

test('poll policy: a node that joined knowing peers and was told no interval uses the join interval, so joining costs no request', () => {
  assert.equal(baseIntervalS(undefined, POLL_DEFAULTS, true), POLL_DEFAULTS.joinIntervalS);
  assert.equal(baseIntervalS(7200, POLL_DEFAULTS, true), 7200, 'an advertised interval wins');
  // first poll of a node knowing 30 peers: mean joinInterval; with u = 1 - e^-1 the delay is exactly the mean
  const u = 1 - Math.exp(-1);
  assert.equal(firstPollDelay({ peers: 0, knownPeers: 30 }, () => u), POLL_DEFAULTS.joinIntervalS * 1000);
  // of 100,000 joiners, the ones that poll on their first day: about 100,000 x 1 day / 60 days
  let x = 7;
  const random = () => ((x = (x * 48271) % 2147483647) / 2147483647);
  let firstDay = 0;
  for (let i = 0; i < 100_000; i++) if (firstPollDelay({ peers: 0, knownPeers: 30 }, random) < 86_400_000) firstDay++;
  assert.ok(firstDay < 2_500, `${firstDay} of 100,000 joiners poll on their first day`);
});
