// Counters and rates of one swarm, for the progress display, --json and tests: payload
// bytes each way, pieces verified and refused, peers, and an ETA from the download rate.
import type { Layout } from '../storage/layout.js';
import type { FileStatus } from '../storage/storage.js';
import { RateMeter } from './picker-rate.js';
import type { Swarm } from './session.js';

export interface SwarmStats {
  /** Bytes of the pieces we hold verified, and of the whole version. */
  bytesVerified: number;
  bytesTotal: number;
  piecesVerified: number;
  piecesTotal: number;
  /** Payload bytes received (blocks) and sent since start. */
  downloaded: number;
  uploaded: number;
  /** Bytes per second over the last few seconds. */
  downRate: number;
  upRate: number;
  peers: number;
  seeds: number;
  /** Pieces that failed their hash check, peers banned. */
  badPieces: number;
  bans: number;
  /** Pieces of our version uploaded whole at least once (a seeder's "distributed" copy). */
  distributed: number;
  complete: boolean;
  /** Seconds to completion at the current rate; null when unknown or complete. */
  eta: number | null;
}

export class StatsCounter {
  downloaded = 0;
  uploaded = 0;
  badPieces = 0;
  bans = 0;
  distributed = 0;
  readonly down = new RateMeter(1000, 5);
  readonly up = new RateMeter(1000, 5);

  received(bytes: number, nowMs: number): void {
    this.downloaded += bytes;
    this.down.add(bytes, nowMs);
  }

  sent(bytes: number, nowMs: number): void {
    this.uploaded += bytes;
    this.up.add(bytes, nowMs);
  }
}

export function eta(remainingBytes: number, rate: number): number | null {
  if (remainingBytes <= 0 || rate <= 0) return null;
  return Math.ceil(remainingBytes / rate);
}

/**
 * Bytes of file `i` held verified: its size once complete, else the lengths of its verified
 * pieces. (Verified pieces times the piece size overstated a file whose short last piece was
 * among them.) A content-defined file whose lengths are not known yet is estimated so.
 */
export function verifiedBytes(layout: Layout, i: number, st: FileStatus, isVerified: (piece: number) => boolean): number {
  const f = layout.files[i];
  if (st.complete) return f.size;
  if (st.verified === 0) return 0;
  if (!layout.isContentDefined(i)) {
    const last = st.pieces - 1;
    return st.verified * f.pieceSize - (isVerified(last) ? f.pieceSize - layout.pieceLength(i, last) : 0);
  }
  if (!layout.lengthsKnown(i)) return Math.min(f.size, st.verified * f.pieceSize);
  let bytes = 0;
  for (let p = 0; p < st.pieces; p++) if (isVerified(p)) bytes += layout.pieceLength(i, p);
  return bytes;
}

/** The numbers of a swarm right now. */
export function snapshotOf(s: Swarm): SwarmStats {
  const now = s.now();
  let total = 0;
  let verified = 0;
  s.layout.files.forEach((f, i) => {
    total += f.size;
    verified += verifiedBytes(s.layout, i, s.storage.status(i), (p) => s.storage.isVerified(i, p));
  });
  const downRate = s.stats.down.rate(now);
  let seeds = 0;
  for (const p of s.peers.values()) if (p.isSeed) seeds++;
  return {
    bytesVerified: verified, bytesTotal: total, piecesVerified: s.verifiedCount, piecesTotal: s.layout.totalPieces,
    downloaded: s.stats.downloaded, uploaded: s.stats.uploaded, downRate, upRate: s.stats.up.rate(now),
    peers: s.peers.size, seeds, badPieces: s.stats.badPieces, bans: s.stats.bans, distributed: s.stats.distributed,
    complete: s.complete, eta: s.complete ? null : eta(total - verified, downRate),
  };
}
