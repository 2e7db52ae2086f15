// The choker on readable fixtures. A peer is written `A+100`: id, + interested / - not,
// the rate it sends us (and, after a slash, the rate we send it: `A+100/20`), `s` if snubbed.
// A decision reads `ABDE|F`: the regular slots, then the optimistic one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Choker, type ChokerPeer, type ChokeDecision } from '../../src/swarm/choker.js';

function peers(s: string): ChokerPeer[] {
  return s
    .split(/\s+/)
    .filter(Boolean)
    .map((tok) => {
      const m = /^(\w+?)([+-])(\d+)?(?:\/(\d+))?(s)?$/.exec(tok);
      if (!m) throw new Error(`fixture: bad peer ${tok}`);
      const down = Number(m[3] ?? 0);
      return { id: m[1], interested: m[2] === '+', downloadRate: down, uploadRate: Number(m[4] ?? down), snubbed: !!m[5] };
    });
}

function show(d: ChokeDecision): string {
  const opt = [...d.optimistic].sort();
  const regular = [...d.unchoke].filter((id) => !d.optimistic.has(id)).sort();
  return `${regular.join('')}|${opt.join('')}`;
}

test('downloading: the 4 peers that send us the most, plus one optimistic', () => {
  const c = new Choker();
  const d = c.update(peers('A+100 B+50 C-900 D+10 E+70 F+5 G+1'), 0, false);
  assert.equal(show(d), 'ABDE|F');
  assert.deepEqual(d.newlyUnchoked.sort(), ['A', 'B', 'D', 'E', 'F']);
  assert.deepEqual(d.newlyChoked, []);
});

test('regular slots are recomputed every 10 s, not before', () => {
  const c = new Choker();
  c.update(peers('A+100 B+50 C-900 D+10 E+70 F+5 G+1'), 0, false);
  assert.equal(show(c.update(peers('A+100 B+50 C-900 D+10 E+70 F+5 G+1000'), 5_000, false)), 'ABDE|F');
  const d = c.update(peers('A+100 B+50 C-900 D+10 E+70 F+5 G+1000'), 10_000, false);
  assert.equal(show(d), 'ABEG|F');
  assert.deepEqual(d.newlyUnchoked, ['G']);
  assert.deepEqual(d.newlyChoked, ['D']);
});

test('the optimistic slot rotates every 30 s to the peer that waited longest', () => {
  const c = new Choker();
  const ps = peers('A+100 B+50 D+10 E+70 F+5 G+1 H+0');
  assert.equal(show(c.update(ps, 0, false)), 'ABDE|F');
  assert.equal(show(c.update(ps, 10_000, false)), 'ABDE|F');
  assert.equal(show(c.update(ps, 30_000, false)), 'ABDE|G');
  assert.equal(show(c.update(ps, 60_000, false)), 'ABDE|H');
  assert.equal(show(c.update(ps, 90_000, false)), 'ABDE|F', 'F was choked first, so it waited longest');
});

test('a slot freed by a peer that leaves or loses interest is filled at once', () => {
  const c = new Choker();
  c.update(peers('A+100 B+50 D+10 E+70 F+5 G+1'), 0, false);
  const d = c.update(peers('A-100 B+50 D+10 E+70 F+5 G+1'), 1_000, false);
  assert.equal(show(d), 'BDEG|F');
  assert.deepEqual(d.newlyChoked, ['A']);
  assert.equal(show(c.update(peers('B+50 D+10 E+70 G+1'), 2_000, false)), 'BDEG|', 'the optimistic peer left');
});

test('peers that are not interested stay choked, even with free slots', () => {
  const c = new Choker();
  assert.equal(show(c.update(peers('A-100 B-50'), 0, false)), '|');
  assert.equal(show(c.update(peers('A-100 B-50'), 0, true)), '|');
});

test('snubbed peers rank last while downloading', () => {
  const c = new Choker({ slots: 2, optimisticSlots: 0 });
  assert.equal(show(c.update(peers('A+900s B+50 C+10'), 0, false)), 'BC|');
});

test('equal rates keep the current holders (no flapping)', () => {
  const c = new Choker({ slots: 2 });
  assert.equal(show(c.update(peers('A+0 B+0 C+0 D+0'), 0, false)), 'AB|C');
  assert.equal(show(c.update(peers('A+0 B+0 C+0 D+0'), 10_000, false)), 'AB|C');
  assert.equal(show(c.update(peers('A+0 B+0 C+0 D+0'), 30_000, false)), 'AB|D');
});

test('an optimistic peer that turns out fast is promoted at the next rotation', () => {
  const c = new Choker({ slots: 2 });
  assert.equal(show(c.update(peers('A+10 B+10 C+0 D+0'), 0, false)), 'AB|C');
  assert.equal(show(c.update(peers('A+10 B+10 C+500 D+0'), 10_000, false)), 'AC|D');
});

test('seeding, round robin: each peer holds a slot for its quantum, then the longest waiting take over', () => {
  const c = new Choker({ slots: 2, optimisticSlots: 0 });
  const ps = peers('A+0/900 B+0/5 C+0/1 D+0/1 E+0/1 F+0/1');
  assert.equal(show(c.update(ps, 0, true)), 'AB|');
  assert.equal(show(c.update(ps, 10_000, true)), 'AB|');
  assert.equal(show(c.update(ps, 30_000, true)), 'CD|');
  assert.equal(show(c.update(ps, 60_000, true)), 'EF|');
  assert.equal(show(c.update(ps, 90_000, true)), 'AB|');
});

test('seeding, fastest upload: the peers we can send the most to', () => {
  const c = new Choker({ slots: 2, optimisticSlots: 0, seedMode: 'fastest-upload' });
  assert.equal(show(c.update(peers('A+0/10 B+0/900 C+0/300 D-0/5000'), 0, true)), 'BC|');
});

test('a seeder with 20 peers serves them fairly over ten minutes', () => {
  const c = new Choker();
  const ps = peers(Array.from({ length: 20 }, (_, i) => `p${i}+0/${1000 + i}`).join(' '));
  const served = new Map<string, number>(ps.map((p) => [p.id, 0]));
  for (let t = 0; t < 600_000; t += 1000) {
    for (const id of c.update(ps, t, true).unchoke) served.set(id, served.get(id)! + 1);
  }
  const secs = [...served.values()];
  const mean = secs.reduce((a, b) => a + b, 0) / secs.length;
  assert.equal(mean, (600 * 5) / 20, 'all 5 slots are always used');
  for (const [id, s] of served) assert.ok(Math.abs(s - mean) <= 0.25 * mean, `${id} got ${s} s, mean ${mean}`);
});

test('history is forgotten for peers that leave (bounded memory)', () => {
  const c = new Choker({ slots: 1, optimisticSlots: 0 });
  for (let i = 0; i < 1000; i++) c.update(peers(`x${i}+${i}`), i * 10_000, false);
  const d = c.update(peers('late+1'), 10_000_000, false);
  assert.equal(show(d), 'late|');
  assert.ok((c as unknown as { chokedAt: Map<string, number> }).chokedAt.size <= 1);
});

test('bad options are refused', () => {
  assert.throws(() => new Choker({ slots: -1 }), { code: 'BAD_ARGUMENT' });
  assert.throws(() => new Choker({ rotateMs: 0 }), { code: 'BAD_ARGUMENT' });
});
