// Which version a node follows (src/update/accept.ts): newer and validly signed only; no
// rollback, no replay; forged ones refused; two Waterfalls signed with one sequence are
// equivocation, kept as a proof whose bytes are checked here exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildWaterfall } from '../../src/format/index.js';
import { VersionGate, decodeProof, encodeProof, isProof } from '../../src/update/accept.js';
import { BytefallError } from '../../src/errors.js';

const SEED = new Uint8Array(32).fill(5);
const OTHER_SEED = new Uint8Array(32).fill(6);

/** Version `sequence` with one file whose content root is `fill` repeated (different fills: different Waterfalls). */
function built(sequence: number, fill = 1, seed = SEED) {
  return buildWaterfall({
    name: 'gate test', salt: new Uint8Array(64), sequence, publishTime: 1000 + sequence, seed,
    entries: [{ path: ['a.bin'], isDir: false, size: 10, created: 0, changed: 0, pieceSize: 1024, fileVersion: 1, permissions: 0o644, root: new Uint8Array(32).fill(fill) }],
  });
}

const held = (b: ReturnType<typeof built>) => ({ waterfall: b.waterfall, bytes: b.bytes });

test('a newer version of the same swarm is followed; the same one again is nothing to do', () => {
  const v1 = built(1);
  const v2 = built(2);
  const gate = new VersionGate(held(v1));
  const r = gate.judge(v2.bytes);
  assert.equal(r.kind, 'newer');
  assert.equal(gate.judge(v1.bytes).kind, 'same');
  gate.accepted(held(v2));
  assert.equal(gate.judge(v2.bytes).kind, 'same');
});

test('older versions are refused (no rollback), other swarms and forged bytes too', () => {
  const gate = new VersionGate(held(built(3)));
  const older = gate.judge(built(2).bytes);
  assert.equal(older.kind, 'refused');
  assert.equal((older as { error: BytefallError }).error.code, 'STALE_VERSION');
  const other = gate.judge(built(4, 1, OTHER_SEED).bytes); // another key: another swarm id
  assert.equal((other as { error: BytefallError }).error.code, 'OTHER_SWARM');
  const forged = built(4).bytes.slice();
  forged[640 + 448 * 1 + 10] ^= 1; // inside the files signature (docs/FORMAT.md: at 640 + 448 n)
  const f = gate.judge(forged);
  assert.equal(f.kind, 'refused');
  assert.equal((f as { error: BytefallError }).error.code, 'INVALID_SIGNATURE');
  const g = gate.judge(built(4).bytes.subarray(0, 300));
  assert.equal((g as { error: BytefallError }).error.code, 'TRUNCATED');
});

test('two Waterfalls with one sequence: equivocation, with a proof; nothing is followed automatically after', () => {
  const v1 = built(1);
  const gate = new VersionGate(held(v1));
  // Same sequence as the one held.
  const same = gate.judge(built(1, 2).bytes);
  assert.equal(same.kind, 'equivocation');
  assert.equal(gate.frozen, true);
  assert.equal(gate.judge(built(2).bytes).kind, 'refused', 'frozen: a later version is not followed automatically');
  // Two newer ones with one sequence, seen one after the other.
  const g2 = new VersionGate(held(v1));
  assert.equal(g2.judge(built(2, 1).bytes).kind, 'newer');
  const eq = g2.judge(built(2, 2).bytes);
  assert.equal(eq.kind, 'equivocation');
  const p = decodeProof((eq as { proof: Uint8Array }).proof);
  assert.equal(p.sequence, 2);
  assert.notDeepEqual(p.a.waterfallId, p.b.waterfallId);
  assert.equal(g2.judge(built(2, 1).bytes).kind, 'refused', 'both refused once the pair is known');
});

test('the proof file: exact bytes, canonical order, refusals', () => {
  const a = built(2, 1).bytes;
  const b = built(2, 2).bytes;
  const proof = encodeProof(a, b);
  assert.deepEqual(encodeProof(b, a), proof, 'the order does not depend on the caller');
  assert.equal(proof.length, 8 + 4 + a.length + 4 + b.length);
  assert.deepEqual([...proof.subarray(0, 8)], [...new TextEncoder().encode('BFEQUIV1')]);
  const view = new DataView(proof.buffer);
  const first = view.getUint32(8, true);
  assert.equal(first, a.length);
  const idOf = (bytes: Uint8Array) => decodeProof(encodeProof(bytes, bytes === a ? b : a));
  assert.ok(idOf(a));
  const d = decodeProof(proof);
  assert.ok(Buffer.compare(d.a.waterfallId, d.b.waterfallId) < 0, 'lower waterfall id first');
  assert.ok(isProof(proof));
  const bad = (bytes: Uint8Array, re: RegExp) => assert.throws(() => decodeProof(bytes), (e: BytefallError) => e.code === 'BAD_PROOF' && re.test(e.message));
  bad(proof.subarray(0, 20), /truncated/);
  bad(new Uint8Array([...proof, 0]), /bytes after/);
  bad(encodeProof(a, a), /the same/);
  bad(encodeProof(a, built(3).bytes), /sequences differ/);
  bad(encodeProof(a, built(2, 1, OTHER_SEED).bytes), /different swarms/);
  const flipped = proof.slice();
  flipped[12 + 100] ^= 1;
  bad(flipped, /Waterfall 1/);
  bad(new Uint8Array(16), /wrong magic/);
});
