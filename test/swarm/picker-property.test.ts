// Random sequences of peer events against a plain model of the picker's promises: availability
// is exact whatever peers send, picks are the rarest of the highest priority, nothing is asked
// twice outside endgame, requests stay bounded, and we never ask for a piece we have, a skipped
// one, or one the peer lacks. Peers range from sparse (a few pieces) to full, so both ways of
// picking (rarity order, peer bitfield) are exercised.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PiecePicker } from '../../src/swarm/picker.js';
import { Bitfield } from '../../src/swarm/picker-bitfield.js';
import { seededRandom } from '../../src/swarm/picker-random.js';

const N = 40;
const PEERS = ['A', 'B', 'C', 'D'];
const MAX_PER_PEER = 5;

const op = fc.oneof(
  { depthSize: 'medium' },
  fc.record({
    t: fc.constant('add' as const),
    peer: fc.constantFrom(...PEERS),
    pieces: fc.oneof(fc.uniqueArray(fc.nat(N - 1), { maxLength: 2 }), fc.uniqueArray(fc.nat(N - 1), { minLength: 10, maxLength: N })),
  }),
  fc.record({ t: fc.constant('have' as const), peer: fc.constantFrom(...PEERS), piece: fc.integer({ min: -2, max: N + 2 }) }),
  { weight: 3, arbitrary: fc.record({ t: fc.constant('pick' as const), peer: fc.constantFrom(...PEERS), depth: fc.integer({ min: 0, max: 9 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('recv' as const), peer: fc.constantFrom(...PEERS), piece: fc.integer({ min: 0, max: N - 1 }), ok: fc.boolean() }) },
  fc.record({ t: fc.constant('remove' as const), peer: fc.constantFrom(...PEERS) }),
  fc.record({ t: fc.constant('prio' as const), piece: fc.integer({ min: 0, max: N - 1 }), prio: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ t: fc.constant('expire' as const), now: fc.integer({ min: 0, max: 100 }) }),
);

test('picker invariants hold under random peer events', () => {
  fc.assert(
    fc.property(fc.integer(), fc.array(op, { minLength: 20, maxLength: 80 }), (seed, ops) => {
      const p = new PiecePicker(N, { random: seededRandom(seed), maxRequestsPerPeer: MAX_PER_PEER, randomFirstPieces: 2 });
      const has = new Map<string, Set<number>>();
      const have = new Set<number>();
      const prio = new Array<number>(N).fill(4);
      let now = 0;
      for (const o of ops) {
        now++;
        if (o.t === 'add') {
          const bf = new Bitfield(N);
          for (const i of o.pieces) bf.set(i);
          p.addPeer(o.peer, bf);
          has.set(o.peer, new Set(o.pieces));
        } else if (o.t === 'have') {
          const ok = p.peerHave(o.peer, o.piece);
          assert.equal(ok, has.has(o.peer) && o.piece >= 0 && o.piece < N);
          if (ok) has.get(o.peer)!.add(o.piece);
        } else if (o.t === 'pick') {
          const endgame = p.isEndgame();
          const rarest = p.haveCount() >= 2;
          const key = (j: number) => (7 - prio[j]) * 100 + Math.min(p.availabilityOf(j), 63);
          const candidates = [...(has.get(o.peer) ?? [])].filter(
            (j) => !have.has(j) && prio[j] > 0 && p.requestersOf(j).length === 0,
          );
          const room = Math.max(0, Math.min(o.depth, MAX_PER_PEER) - p.requestsOf(o.peer).length);
          const picked = p.pick(o.peer, o.depth, now);
          const normal = picked.slice(0, candidates.length);
          assert.equal(normal.length, Math.min(room, candidates.length), 'as many as asked for, if there are');
          for (const i of normal) assert.ok(candidates.includes(i), 'normal picks come first');
          if (rarest) {
            const worst = Math.max(...normal.map(key));
            for (const j of candidates) if (!normal.includes(j)) assert.ok(key(j) >= worst, `${j} is rarer than a pick`);
          }
          for (const i of picked) {
            assert.ok(has.get(o.peer)?.has(i), 'peer has it');
            assert.ok(!have.has(i) && prio[i] > 0, 'we want it');
          }
          if (!endgame && picked.length > 0 && !p.isEndgame()) {
            for (const i of picked) assert.equal(p.requestersOf(i).length, 1, 'no duplicate outside endgame');
          }
          assert.ok(p.requestsOf(o.peer).length <= Math.max(MAX_PER_PEER, 0));
        } else if (o.t === 'recv') {
          const cancel = p.received(o.piece, o.peer);
          assert.ok(!cancel.includes(o.peer));
          if (o.ok) {
            p.verified(o.piece);
            have.add(o.piece);
          } else p.failed(o.piece);
        } else if (o.t === 'remove') {
          p.removePeer(o.peer);
          has.delete(o.peer);
        } else if (o.t === 'prio') {
          p.setPriority(o.piece, o.piece + 1, o.prio);
          prio[o.piece] = o.prio;
        } else {
          p.expire(now, o.now);
        }
        for (let i = 0; i < N; i++) {
          const expected = [...has.values()].filter((s) => s.has(i)).length;
          assert.equal(p.availabilityOf(i), expected, `availability of ${i}`);
          assert.ok(p.requestersOf(i).length <= 2, 'at most 2 requesters in endgame');
          if (have.has(i)) assert.deepEqual(p.requestersOf(i), []);
        }
        assert.equal(p.isComplete(), prio.every((q, i) => q === 0 || have.has(i)));
      }
    }),
    { numRuns: 300 },
  );
});
