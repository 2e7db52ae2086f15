// The piece picker on readable fixtures (see fixtures.ts): rarest first, what is skipped,
// priorities, random first pieces, tie-breaking, endgame, timeouts and peer bookkeeping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setupPicker, bits } from './fixtures.js';
import { PiecePicker } from '../../src/swarm/picker.js';
import { seededRandom } from '../../src/swarm/picker-random.js';

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

test('rarest first: lowest availability is picked first', () => {
  const p = setupPicker({ avail: '3517264' });
  assert.deepEqual(p.pick('P', 3, 0), [2, 4, 0]);
});

test('pieces we have are never picked', () => {
  const p = setupPicker({ avail: '1231104', have: '1  1   ' });
  assert.deepEqual(p.pick('P', 10, 0), [4, 1, 2, 6]);
});

test('only pieces the peer has are picked from it', () => {
  const p = setupPicker({ avail: '1234567', peers: { P: '  1 1 1', A: '11     ' } });
  assert.deepEqual(p.pick('P', 10, 0), [2, 4, 6]);
  assert.deepEqual(p.pick('A', 10, 0), [0, 1]);
});

test('higher priority first, priority 0 never', () => {
  const p = setupPicker({ avail: '1234567', prio: '1444074' });
  assert.deepEqual(p.pick('P', 10, 0), [5, 1, 2, 3, 6, 0]);
});

test('pieces already in flight are skipped', () => {
  const p = setupPicker({ avail: '3527264', peers: { P: '1111111', A: '1111111' }, inflight: '  A    ' });
  assert.deepEqual(p.pick('P', 3, 0), [4, 0, 6]);
});

test('pick tops the peer up to maxInFlight and no further', () => {
  const p = setupPicker({ avail: '3517264' });
  assert.deepEqual(p.pick('P', 2, 0), [2, 4]);
  assert.deepEqual(p.pick('P', 2, 0), []);
  assert.deepEqual(p.pick('P', 3, 0), [0]);
  assert.deepEqual(p.requestsOf('P'), [2, 4, 0]);
});

test('maxRequestsPerPeer caps whatever the caller asks', () => {
  const p = setupPicker({ avail: '3517264', options: { maxRequestsPerPeer: 2 } });
  assert.equal(p.pick('P', 1000, 0).length, 2);
});

test('random first pieces until we have enough, then rarest first', () => {
  const firsts = new Set<number>();
  for (let seed = 1; seed <= 40; seed++) {
    const a = setupPicker({ avail: '1234567', have: '    111', randomFirstPieces: 4, seed, peers: { P: '1111111' } });
    const b = setupPicker({ avail: '1234567', have: '    111', randomFirstPieces: 4, seed, peers: { P: '1111111' } });
    const pa = a.pick('P', 4, 0);
    assert.deepEqual(pa, b.pick('P', 4, 0), 'the same seed picks the same pieces');
    assert.deepEqual(sorted(pa), [0, 1, 2, 3]);
    firsts.add(pa[0]);
  }
  assert.ok(firsts.size >= 3, `random first pieces should vary, got ${[...firsts]}`);
  const p = setupPicker({ avail: '1234567', have: '   1111', randomFirstPieces: 4, peers: { P: '1111111' } });
  assert.deepEqual(p.pick('P', 3, 0), [0, 1, 2]);
});

test('ties in rarity are broken at random', () => {
  const firsts = new Set<number>();
  for (let seed = 1; seed <= 40; seed++) firsts.add(setupPicker({ avail: '2222', seed }).pick('P', 1, 0)[0]);
  assert.deepEqual(sorted([...firsts]), [0, 1, 2, 3]);
});

test('two peers asking at once get different pieces', () => {
  const p = setupPicker({ avail: '22222222', peers: { A: '11111111', B: '11111111' } });
  const a = p.pick('A', 4, 0);
  const b = p.pick('B', 4, 0);
  assert.deepEqual(sorted([...a, ...b]), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.equal(p.isEndgame(), true);
});

test('endgame: once everything is in flight, other peers duplicate requests, at most 2 per piece', () => {
  const p = setupPicker({ avail: '333', peers: { A: '111', B: '111', C: '111' } });
  assert.deepEqual(sorted(p.pick('A', 3, 0)), [0, 1, 2]);
  assert.equal(p.isEndgame(), true);
  const dup = p.pick('B', 2, 0);
  assert.equal(dup.length, 2);
  const rest = [0, 1, 2].filter((i) => !dup.includes(i));
  assert.deepEqual(p.pick('C', 3, 0), rest, 'C only gets the piece that has one requester');
  assert.deepEqual(p.received(dup[0], 'B'), ['A'], 'the first copy cancels the duplicate');
  assert.deepEqual(p.requestersOf(dup[0]), []);
  assert.deepEqual(sorted(p.requestsOf('A')), [0, 1, 2].filter((i) => i !== dup[0]));
});

test('endgame duplicates can be limited per pick; normal picks are not', () => {
  const p = setupPicker({ avail: '3333', peers: { A: '1111', B: '1111' } });
  assert.deepEqual(sorted(p.pick('A', 4, 0)), [0, 1, 2, 3]);
  assert.equal(p.isEndgame(), true);
  assert.deepEqual(p.pick('B', 4, 0, { maxDuplicates: 0 }), []);
  assert.equal(p.pick('B', 4, 0, { maxDuplicates: 1 }).length, 1);
  const q = setupPicker({ avail: '3333', peers: { A: '11  ', B: '1111' } });
  assert.deepEqual(sorted(q.pick('A', 2, 0)), [0, 1]);
  assert.deepEqual(sorted(q.pick('B', 4, 0, { maxDuplicates: 0 })), [2, 3], 'open pieces are picked whatever the limit');
});

test('endgame does not start while a piece can still be picked normally', () => {
  const p = setupPicker({ avail: '222', peers: { A: '11 ', B: '111' } });
  assert.deepEqual(sorted(p.pick('A', 3, 0)), [0, 1]);
  assert.equal(p.isEndgame(), false);
  assert.deepEqual(p.pick('A', 5, 0), [], 'A has nothing else and it is not endgame yet');
  const b = p.pick('B', 3, 0);
  assert.equal(b[0], 2, 'B first takes the open piece');
  assert.deepEqual(sorted(b.slice(1)), [0, 1], 'then duplicates, now that everything is in flight');
});

test('pieces nobody has do not hold back endgame', () => {
  const p = setupPicker({ avail: '220', peers: { A: '11 ', B: '11 ' } });
  p.pick('A', 3, 0);
  assert.equal(p.isEndgame(), true);
  assert.deepEqual(sorted(p.pick('B', 3, 0)), [0, 1]);
});

test('endgame asks for the pieces with the fewest requesters first', () => {
  const p = setupPicker({
    avail: '4444',
    peers: { A: '1111', B: '1111', C: '1111', D: '1111' },
    inflight: 'AAAA',
    options: { endgameRequesters: 3 },
  });
  assert.ok(p.markRequested('B', 0, 0) && p.markRequested('B', 1, 0));
  assert.deepEqual(sorted(p.pick('C', 2, 0)), [2, 3]);
  assert.deepEqual(sorted(p.pick('D', 4, 0)), [0, 1, 2, 3]);
});

test('a received piece is not picked while it is hashed; a failed one goes back to the pool', () => {
  const p = setupPicker({ avail: '3517264' });
  assert.deepEqual(p.pick('P', 1, 0), [2]);
  assert.deepEqual(p.received(2, 'P'), []);
  assert.deepEqual(p.pick('P', 1, 0), [4]);
  p.failed(2);
  assert.deepEqual(p.pick('P', 2, 0), [2]);
  p.received(2, 'P');
  p.verified(2);
  assert.equal(p.haveCount(), 1);
  assert.deepEqual(p.pick('P', 3, 0), [0, 6], '4 is still in flight');
});

test('verified() returns the peers to cancel', () => {
  const p = setupPicker({ avail: '22', peers: { A: '11', B: '11' } });
  p.pick('A', 2, 0);
  const dup = p.pick('B', 1, 0)[0];
  assert.deepEqual(p.verified(dup).sort(), ['A', 'B']);
});

test('timed-out requests are returned to the pool', () => {
  const p = setupPicker({ avail: '3517264' });
  assert.deepEqual(p.pick('P', 1, 0), [2]);
  assert.deepEqual(p.pick('P', 2, 5000), [4]);
  assert.deepEqual(p.expire(9999, 10_000), []);
  assert.deepEqual(p.expire(10_000, 10_000), [{ peer: 'P', piece: 2 }]);
  assert.deepEqual(p.requestsOf('P'), [4]);
  assert.deepEqual(p.pick('P', 2, 10_000), [2]);
});

test('a choke drops that peer’s requests; cancel drops one', () => {
  const p = setupPicker({ avail: '3517264' });
  p.pick('P', 3, 0);
  p.cancel('P', 4);
  assert.deepEqual(p.requestsOf('P'), [2, 0]);
  assert.deepEqual(p.dropPeerRequests('P'), [2, 0]);
  assert.deepEqual(p.pick('P', 3, 0), [2, 4, 0]);
});

test('removing a peer lowers availability and frees its requests', () => {
  const p = setupPicker({ avail: '3517264' });
  p.pick('P', 2, 0);
  assert.deepEqual(p.removePeer('P'), [2, 4]);
  assert.equal(p.availabilityOf(3), 6);
  assert.equal(p.availabilityOf(2), 0);
  assert.deepEqual(p.pick('bg0', 2, 0), [4, 0], 'piece 2 is gone with P; 4 is now the rarest');
});

test('have messages: repeats count once, bad indexes and unknown peers are refused', () => {
  const p = setupPicker({ avail: '000', peers: { P: '   ' } });
  assert.equal(p.peerHave('P', 1), true);
  assert.equal(p.peerHave('P', 1), true);
  assert.equal(p.availabilityOf(1), 1);
  assert.equal(p.peerHave('P', 3), false);
  assert.equal(p.peerHave('P', -1), false);
  assert.equal(p.peerHave('P', 1.5), false);
  assert.equal(p.peerHave('nobody', 0), false);
  assert.deepEqual(p.pick('P', 3, 0), [1]);
});

test('bitfield chunks from the wire add up; a bit past the end is refused whole', () => {
  const p = setupPicker({ avail: '0000000000', peers: { P: '          ' } });
  assert.equal(p.peerBitfield('P', 8, Uint8Array.of(0b1000_0000)), true);
  assert.equal(p.peerBitfield('P', 0, Uint8Array.of(0b0100_0001)), true);
  assert.equal(p.peerBitfield('P', 0, Uint8Array.of(0b0100_0000)), true, 'a repeat counts once');
  assert.deepEqual([...Array(10).keys()].map((i) => p.availabilityOf(i)).join(''), '0100000110');
  assert.equal(p.peerBitfield('P', 0, Uint8Array.of(0xff, 0b0010_0000)), false, 'piece 10 does not exist');
  assert.equal(p.availabilityOf(0), 0, 'nothing of a refused chunk is applied');
  assert.equal(p.peerBitfield('P', 4, Uint8Array.of(0)), false, 'not a multiple of 8');
  assert.equal(p.peerBitfield('nobody', 0, Uint8Array.of(0)), false);
  assert.deepEqual(p.pick('P', 5, 0).sort(), [1, 7, 8]);
});

test('a new bitfield for a known peer replaces the old one', () => {
  const p = setupPicker({ avail: '110', peers: { P: '11 ' } });
  p.addPeer('P', bits('  1'));
  assert.deepEqual([0, 1, 2].map((i) => p.availabilityOf(i)), [0, 0, 1]);
});

test('node-wide byte budget bounds what is in flight', () => {
  const p = setupPicker({
    avail: '3527264',
    peers: { P: '1111111', A: '1111111' },
    options: { pieceBytes: () => 10, maxBytesInFlight: 25 },
  });
  assert.equal(p.pick('P', 10, 0).length, 2);
  assert.deepEqual(p.pick('A', 10, 0), []);
  p.received(p.requestsOf('P')[0], 'P');
  assert.equal(p.pick('A', 10, 0).length, 1);
});

test('interest follows what the peer has that we want', () => {
  const p = setupPicker({ avail: '1111', have: '11  ', prio: '4440', peers: { P: '1111' } });
  assert.equal(p.isInteresting('P'), true);
  p.addPeer('Q', bits('11 1'));
  assert.equal(p.isInteresting('Q'), false, 'Q only has what we have or skip');
  assert.equal(p.isComplete(), false);
  p.verified(2);
  assert.equal(p.isComplete(), true, 'piece 3 has priority 0');
  p.setPriority(3, 4, 1);
  assert.equal(p.isComplete(), false);
  assert.equal(p.isInteresting('Q'), true);
});

test('bad arguments are refused with BAD_ARGUMENT', () => {
  const p = new PiecePicker(4, { random: seededRandom(1) });
  assert.throws(() => p.setPriority(0, 5, 1), { code: 'BAD_ARGUMENT' });
  assert.throws(() => p.setPriority(0, 1, 8), { code: 'BAD_ARGUMENT' });
  assert.throws(() => p.verified(4), { code: 'BAD_ARGUMENT' });
  assert.throws(() => p.addPeer('X', bits('111')), { code: 'BAD_ARGUMENT' });
  assert.deepEqual(p.pick('nobody', 4, 0), []);
  assert.deepEqual(p.received(9, 'X'), []);
});

test('maxAvailability: from a seed, only what no other peer has (rarest first, then nothing)', () => {
  // S is the seed; A has pieces 0-2, so only 3-6 are "seed only" (availability 1)
  const p = setupPicker({ avail: '2221111', peers: { S: '1111111', A: '111    ' } });
  assert.deepEqual(sorted(p.pick('S', 10, 0, { maxAvailability: 1 })), [3, 4, 5, 6]);
  assert.deepEqual(p.pick('S', 10, 0, { maxAvailability: 1 }), []);
  assert.deepEqual(sorted(p.pick('S', 10, 0)), [0, 1, 2], 'without the limit the rest is picked');
});

test('maxAvailability also holds for random first pieces and sparse peers', () => {
  const p = setupPicker({ avail: '2221111', peers: { S: '1111111', A: '111    ' }, randomFirstPieces: 4 });
  assert.deepEqual(sorted(p.pick('S', 10, 0, { maxAvailability: 1 })), [3, 4, 5, 6]);
});
