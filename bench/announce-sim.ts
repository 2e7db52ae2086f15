// Simulates the announce request budget (docs/ANNOUNCE.md, "Budget"): N nodes on a
// random peer graph (degree min(N - 1, 30)), each polling the service by the real
// poll policy (src/announce/poll-policy.ts), the service answering with the real
// interval control (src/announce/interval-control.ts), on a virtual clock. All N join
// on day 0, as real nodes do: the first node (the publisher's seeder) and a fraction of
// the others (--peerless, default 2%) know no peer and bootstrap through the service
// (they poll at once); the rest got peers with the Waterfall, from --peer or PEX, and
// do not poll at join. Then, for each of several publishes, gossip from the nodes that
// polled first (1-5 s a hop) gives the time until 99% of the nodes know the new version.
// Prints requests per day per swarm and that time, for 10 to 100,000 nodes, beside
// a BitTorrent tracker's usual schedule (every node every 30 minutes) as the peer.
// Usage: node dist/bench/announce-sim.js [--peerless=F] [--burst] [N ...]
// (--burst: all N join in the first instant instead of through day 0)
import { machineLine, median, printTable } from './common.js';
import { CONTROL_DEFAULTS, advertisedInterval, emptyControl, observeRequest } from '../src/announce/interval-control.js';
import { POLL_DEFAULTS, baseIntervalS, firstPollDelay, nextPollDelay } from '../src/announce/poll-policy.js';
import { seededRandom } from '../src/swarm/picker-random.js';
import { benchArgs, countArg } from './options.js';

const DAY = 86_400_000;
const DAYS = 4; // day 0: every node is new (cold start); days 1-3: steady state
const PUBLISHES = 8; // on days 1-3
const DEGREE = 30;
const TARGET_PER_DAY = 10_000;
const TARGET_T99_MS = 15 * 60_000;
const TRACKER_INTERVAL_MS = 30 * 60_000;

const rng = seededRandom;

/** A binary min-heap of (time, node) in typed arrays. */
class Heap {
  t: Float64Array;
  v: Int32Array;
  n = 0;
  constructor(cap: number) {
    this.t = new Float64Array(cap);
    this.v = new Int32Array(cap);
  }
  push(time: number, node: number): void {
    if (this.n === this.t.length) {
      const t = new Float64Array(this.n * 2);
      const v = new Int32Array(this.n * 2);
      t.set(this.t);
      v.set(this.v);
      this.t = t;
      this.v = v;
    }
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.t[p] <= time) break;
      this.t[i] = this.t[p];
      this.v[i] = this.v[p];
      i = p;
    }
    this.t[i] = time;
    this.v[i] = node;
  }
  /** Removes the minimum; read it first from t[0], v[0]. */
  pop(): void {
    const time = this.t[--this.n];
    const node = this.v[this.n];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= this.n) break;
      if (c + 1 < this.n && this.t[c + 1] < this.t[c]) c++;
      if (this.t[c] >= time) break;
      this.t[i] = this.t[c];
      this.v[i] = this.v[c];
      i = c;
    }
    this.t[i] = time;
    this.v[i] = node;
  }
}

/** Random undirected graph: each node links to DEGREE/2 random others (complete when small). CSR form. */
function randomGraph(n: number, random: () => number): { start: Int32Array; adj: Int32Array } {
  const pairs: number[] = [];
  if (n - 1 <= DEGREE) {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) pairs.push(i, j);
  } else {
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < DEGREE / 2; k++) {
        let j = Math.floor(random() * (n - 1));
        if (j >= i) j++;
        pairs.push(i, j);
      }
    }
  }
  const deg = new Int32Array(n + 1);
  for (const x of pairs) deg[x]++;
  const start = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) start[i + 1] = start[i] + deg[i];
  const fill = start.slice(0, n);
  const adj = new Int32Array(pairs.length);
  for (let p = 0; p < pairs.length; p += 2) {
    adj[fill[pairs[p]]++] = pairs[p + 1];
    adj[fill[pairs[p + 1]]++] = pairs[p];
  }
  return { start, adj };
}

interface Result {
  n: number;
  degree: number;
  peerless: number;
  day0: number;
  steadyPerDay: number;
  steadyMaxDay: number;
  intervalS: number;
  firstPollMs: number;
  t99Median: number;
  t99Max: number;
  seconds: number;
}

function simulate(n: number, peerlessFraction: number, burst: boolean, seed = 1): Result {
  const wall = Date.now();
  const random = rng(seed);
  const g = randomGraph(n, random);
  const peers = (i: number) => g.start[i + 1] - g.start[i];

  // 1. Polls, on the virtual clock. Polls do not depend on what a node knows, so they run first.
  // At join a node is connected to nobody yet; it knows its graph neighbours (from the Waterfall,
  // --peer, PEX) unless it is peerless: then it asks the service at once, and gets its peers there.
  const intervalS = new Float64Array(n).fill(NaN); // NaN: no answer yet
  const joined = new Uint8Array(n); // 1: joined knowing peers
  let peerless = 0;
  const polls = new Heap(n);
  for (let i = 0; i < n; i++) {
    joined[i] = i > 0 && random() >= peerlessFraction ? 1 : 0;
    if (!joined[i]) peerless++;
    const joinAt = burst || i === 0 ? 0 : random() * DAY; // the first node starts the swarm
    polls.push(joinAt + firstPollDelay({ peers: 0, knownPeers: joined[i] ? peers(i) : 0 }, random), i);
  }
  let control = emptyControl();
  const perDay = new Array<number>(DAYS).fill(0);
  const logT: number[] = [];
  const logV: number[] = [];
  let lastInterval = 0;
  while (polls.n > 0 && polls.t[0] < DAYS * DAY) {
    const t = polls.t[0];
    const i = polls.v[0];
    polls.pop();
    perDay[Math.floor(t / DAY)]++;
    if (t >= DAY) {
      logT.push(t);
      logV.push(i);
    }
    const known = Number.isNaN(intervalS[i]) ? undefined : intervalS[i];
    control = observeRequest(control, t, baseIntervalS(known, POLL_DEFAULTS, joined[i] === 1), CONTROL_DEFAULTS);
    lastInterval = advertisedInterval(control, t, CONTROL_DEFAULTS);
    intervalS[i] = lastInterval;
    polls.push(t + nextPollDelay({ intervalS: lastInterval, peers: peers(i), failures: 0, joinedWithPeers: joined[i] === 1 }, random), i);
  }

  // 2. Publishes: gossip from each node at the time it polls after the publish (multi-source Dijkstra).
  const learned = new Float64Array(n);
  const heap = new Heap(4 * n);
  const t99s: number[] = [];
  const firsts: number[] = [];
  const need = Math.ceil(0.99 * n);
  for (let p = 0; p < PUBLISHES; p++) {
    const at = DAY + ((p + 0.5) * (DAYS - 1) * DAY) / PUBLISHES + random() * 600_000;
    learned.fill(Infinity);
    heap.n = 0;
    let k = 0;
    while (k < logT.length && logT[k] < at) k++;
    if (k < logT.length) firsts.push(logT[k] - at);
    for (; k < logT.length && logT[k] < at + DAY / 2; k++) {
      if (logT[k] < learned[logV[k]]) {
        learned[logV[k]] = logT[k];
        heap.push(logT[k], logV[k]);
      }
    }
    let settled = 0;
    let t99 = Infinity;
    while (heap.n > 0) {
      const t = heap.t[0];
      const v = heap.v[0];
      heap.pop();
      if (t > learned[v]) continue; // a stale entry
      if (++settled === need) {
        t99 = t - at;
        break;
      }
      for (let e = g.start[v]; e < g.start[v + 1]; e++) {
        const u = g.adj[e];
        const tu = t + 1000 + random() * 4000; // one gossip hop: 1-5 s
        if (tu < learned[u]) {
          learned[u] = tu;
          heap.push(tu, u);
        }
      }
    }
    t99s.push(t99);
  }
  const steady = perDay.slice(1);
  return {
    n,
    degree: Math.min(n - 1, DEGREE),
    peerless,
    day0: perDay[0],
    steadyPerDay: steady.reduce((a, b) => a + b, 0) / steady.length,
    steadyMaxDay: Math.max(...steady),
    intervalS: lastInterval,
    firstPollMs: median(firsts),
    t99Median: median(t99s),
    t99Max: Math.max(...t99s),
    seconds: (Date.now() - wall) / 1000,
  };
}

const fmtTime = (ms: number) => (!Number.isFinite(ms) ? 'never' : ms < 120_000 ? `${(ms / 1000).toFixed(0)} s` : `${(ms / 60_000).toFixed(1)} min`);
const fmtN = (x: number) => Math.round(x).toLocaleString('en-US');

const USAGE = 'node dist/bench/announce-sim.js [--peerless 0.02] [--burst] [nodes ...]';
const args = benchArgs(USAGE, { peerless: { kind: 'string' }, burst: { kind: 'boolean' } }, 16);
const peerlessText = args.string('peerless');
const peerlessFraction = peerlessText === undefined ? 0.02 : Number(peerlessText);
if (!(peerlessText === undefined || (/^[0-9.]+$/.test(peerlessText) && peerlessFraction <= 1))) {
  process.stderr.write(`bench: --peerless wants a fraction from 0 to 1, not '${peerlessText}'\nusage: ${USAGE}\n`);
  process.exit(2);
}
const burst = args.flag('burst');
const sizes = args.positionals.map((_, i) => countArg(args, i, 'a swarm size (nodes)', 0));
if (sizes.some((n) => n < 2)) {
  process.stderr.write(`bench: a swarm has at least 2 nodes\nusage: ${USAGE}\n`);
  process.exit(2);
}
const results = (sizes.length ? sizes : [10, 100, 1_000, 10_000, 100_000]).map((n) => simulate(n, peerlessFraction, burst));

console.log(machineLine());
console.log(`announce budget simulation: ${DAYS} virtual days (day 0: every node joins, ${burst ? 'all at its start (--burst)' : 'at random times through the day'}; days 1-3: steady), ${PUBLISHES} publishes, gossip 1-5 s a hop`);
console.log(`joining: the first node and ${(peerlessFraction * 100).toFixed(1)}% of the others know no peer and bootstrap through the service; the others join knowing peers and do not poll at join`);
console.log(`service target ${CONTROL_DEFAULTS.targetPerDay} requests/day/swarm; goal: <= ${fmtN(TARGET_PER_DAY)}/day on every day at any size, 99% aware within 15 min`);
printTable(
  'requests per day per swarm, and time until 99% of nodes know a new version',
  ['nodes', 'degree', 'peerless', 'day 0 (all join)', 'req/day steady', 'max day', 'tracker every 30 min', 'ratio', 'interval', 'first poll', 't99 median', 't99 max', 'goal', 'sim s'],
  results.map((r) => {
    const tracker = r.n * (DAY / TRACKER_INTERVAL_MS);
    const ok = Math.max(r.day0, r.steadyMaxDay) <= TARGET_PER_DAY && r.t99Max <= TARGET_T99_MS;
    return [
      fmtN(r.n), r.degree, fmtN(r.peerless), fmtN(r.day0), fmtN(r.steadyPerDay), fmtN(r.steadyMaxDay), fmtN(tracker), (r.steadyPerDay / tracker).toFixed(3),
      `${fmtN(r.intervalS)} s`, fmtTime(r.firstPollMs), fmtTime(r.t99Median), fmtTime(r.t99Max), ok ? 'met' : 'MISSED', r.seconds.toFixed(1),
    ];
  }),
);
console.log('\nday 0: N nodes join (the peerless ones poll at once, the others wait the join interval); steady: days 1-3.');
console.log('goal: day 0 and every steady day <= 10,000 requests, and 99% aware within 15 min, at every size.');
