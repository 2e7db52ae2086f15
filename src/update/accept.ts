// Which newer version a node follows (docs/UPDATES.md, "Accepting a version"). A candidate
// Waterfall is accepted only when it decodes with valid signatures, belongs to the same
// swarm (key, name, salt), and its sequence is greater than the one held: no rollback, no
// replay. Two different validly signed Waterfalls with one sequence are proof that the key
// signed twice (equivocation, or a stolen key): the node keeps what it has, refuses both,
// records the proof, and from then on follows no version by itself.
import { BytefallError } from '../errors.js';
import { equalBytes } from '../format/bytes.js';
import { decodeWaterfall } from '../format/decode.js';
import type { Waterfall } from '../format/model.js';
import { toHex } from '../util/hex.js';

export interface Held {
  waterfall: Waterfall;
  /** Its served form (public key block, empty peer list). */
  bytes: Uint8Array;
}

export type Verdict =
  | { kind: 'newer'; waterfall: Waterfall; bytes: Uint8Array }
  /** The version held, again: nothing to do. */
  | { kind: 'same' }
  | { kind: 'refused'; error: BytefallError }
  | { kind: 'equivocation'; sequence: number; proof: Uint8Array; error: BytefallError };

/** Newer candidates remembered to catch a second, different one with the same sequence. */
const MAX_REMEMBERED = 16;

export class VersionGate {
  private held: Held;
  /** Newer versions seen (sequence -> the one Waterfall signed with it). */
  private readonly seen = new Map<number, Held>();
  /** Sequences proven to be signed twice: never followed. */
  private readonly equivocated = new Set<number>();
  /** Set once any equivocation is known: the node follows nothing by itself. */
  frozen: boolean;

  constructor(held: Held, opts: { frozen?: boolean } = {}) {
    this.held = held;
    this.frozen = opts.frozen ?? false;
  }

  get current(): Held {
    return this.held;
  }

  /** Judges a candidate's bytes (served form, or any form: the peer list is not signed). */
  judge(bytes: Uint8Array): Verdict {
    let w: Waterfall;
    try {
      w = decodeWaterfall(bytes);
    } catch (err) {
      return { kind: 'refused', error: err instanceof BytefallError ? err : new BytefallError('BAD_ARGUMENT', String(err)) };
    }
    const cur = this.held.waterfall;
    if (!equalBytes(w.swarmId, cur.swarmId)) {
      return refused('OTHER_SWARM', `the Waterfall belongs to swarm ${toHex(w.swarmId).slice(0, 16)}, not ${toHex(cur.swarmId).slice(0, 16)}`);
    }
    if (equalBytes(w.waterfallId, cur.waterfallId)) return { kind: 'same' };
    if (w.sequence === cur.sequence) return this.equivocation(this.held, { waterfall: w, bytes });
    if (w.sequence < cur.sequence) {
      return refused('STALE_VERSION', `version ${w.sequence} is older than the version held (${cur.sequence}): refused (no rollback)`);
    }
    const before = this.seen.get(w.sequence);
    if (before && !equalBytes(before.waterfall.waterfallId, w.waterfallId)) return this.equivocation(before, { waterfall: w, bytes });
    if (this.equivocated.has(w.sequence) || this.frozen) {
      return refused('EQUIVOCATION', `version ${w.sequence} refused: this publisher's key signed two different versions with one sequence, so no version is followed automatically any more`);
    }
    if (!before) {
      this.seen.set(w.sequence, { waterfall: w, bytes });
      if (this.seen.size > MAX_REMEMBERED) this.seen.delete(Math.min(...this.seen.keys()));
    }
    return { kind: 'newer', waterfall: w, bytes };
  }

  /** The node switched to `held` (it judged newer, or the user gave it). */
  accepted(held: Held): void {
    this.held = held;
    for (const s of [...this.seen.keys()]) if (s <= held.waterfall.sequence) this.seen.delete(s);
  }

  private equivocation(a: Held, b: Held): Verdict {
    const sequence = b.waterfall.sequence;
    this.equivocated.add(sequence);
    this.frozen = true;
    const error = new BytefallError(
      'EQUIVOCATION',
      `two different Waterfalls are signed with sequence ${sequence} (${toHex(a.waterfall.waterfallId).slice(0, 16)} and ${toHex(b.waterfall.waterfallId).slice(0, 16)}): the publisher's key signed twice or was stolen; both refused, the proof is kept`,
    );
    return { kind: 'equivocation', sequence, proof: encodeProof(a.bytes, b.bytes), error };
  }
}

function refused(code: 'OTHER_SWARM' | 'STALE_VERSION' | 'EQUIVOCATION', message: string): Verdict {
  return { kind: 'refused', error: new BytefallError(code, message) };
}

// ---- the proof file (docs/UPDATES.md, "Equivocation proof") -----------------------------

const PROOF_MAGIC = new TextEncoder().encode('BFEQUIV1');

/** `BFEQUIV1`, then each Waterfall as <length u32 LE><bytes>; the lower waterfall id first. */
export function encodeProof(a: Uint8Array, b: Uint8Array): Uint8Array {
  const [x, y] = [a, b].map((bytes) => ({ bytes, id: decodeWaterfall(bytes).waterfallId })).sort((p, q) => Buffer.compare(p.id, q.id));
  const out = new Uint8Array(8 + 4 + x.bytes.length + 4 + y.bytes.length);
  const view = new DataView(out.buffer);
  out.set(PROOF_MAGIC, 0);
  view.setUint32(8, x.bytes.length, true);
  out.set(x.bytes, 12);
  view.setUint32(12 + x.bytes.length, y.bytes.length, true);
  out.set(y.bytes, 16 + x.bytes.length);
  return out;
}

export function isProof(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && equalBytes(bytes.subarray(0, 8), PROOF_MAGIC);
}

/** Checks a proof: two different Waterfalls of one swarm, both validly signed, with one sequence. */
export function decodeProof(bytes: Uint8Array): { a: Waterfall; b: Waterfall; sequence: number } {
  const bad = (why: string) => new BytefallError('BAD_PROOF', `not an equivocation proof: ${why}`);
  if (!isProof(bytes)) throw bad('wrong magic');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Uint8Array[] = [];
  let at = 8;
  for (let i = 0; i < 2; i++) {
    if (at + 4 > bytes.length) throw bad('truncated');
    const n = view.getUint32(at, true);
    if (at + 4 + n > bytes.length) throw bad('truncated');
    parts.push(bytes.subarray(at + 4, at + 4 + n));
    at += 4 + n;
  }
  if (at !== bytes.length) throw bad('bytes after the second Waterfall');
  const [a, b] = parts.map((p, i) => {
    try {
      return decodeWaterfall(p);
    } catch (err) {
      throw bad(`Waterfall ${i + 1}: ${(err as Error).message}`);
    }
  });
  if (!equalBytes(a.swarmId, b.swarmId)) throw bad('the two Waterfalls belong to different swarms');
  if (a.sequence !== b.sequence) throw bad(`the sequences differ (${a.sequence}, ${b.sequence})`);
  if (equalBytes(a.waterfallId, b.waterfallId)) throw bad('the two Waterfalls are the same');
  return { a, b, sequence: a.sequence };
}
