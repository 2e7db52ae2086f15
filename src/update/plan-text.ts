// The update plan for people (one line per file that is not simply kept, then the
// totals) and for scripts (plain JSON: hashes in hex, paths joined by "/").
import type { UpdatePlan } from './plan.js';

const path = (p: readonly string[]): string => p.join('/');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Bytes as "1234 B" below 10 KiB, else with a binary unit: exact where it is small, short where it is not. */
export function bytesText(n: number): string {
  if (n < 10 * 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

export function planLines(plan: UpdatePlan): string[] {
  const b = plan.bytes;
  const lines: string[] = [];
  for (const m of plan.moved) lines.push(`moved    ${path(m.from)} -> ${path(m.to)} (${bytesText(m.size)})`);
  for (const m of plan.copied) lines.push(`copied   ${path(m.from)} -> ${path(m.to)} (${bytesText(m.size)})`);
  for (const c of plan.changed) lines.push(`changed  ${path(c.path)}: ${fileText(c)}`);
  for (const c of plan.added) lines.push(`added    ${path(c.path)}: ${fileText(c)}`);
  for (const p of plan.removed) lines.push(`removed  ${path(p)}`);
  for (const p of plan.addedDirs) lines.push(`mkdir    ${path(p)}/`);
  for (const p of plan.removedDirs) lines.push(`rmdir    ${path(p)}/`);
  lines.push(
    `kept ${plural(plan.kept.length, 'file')} (${bytesText(b.kept)}); ${plan.moved.length} moved, ${plan.copied.length} copied, ` +
      `${plan.changed.length} changed, ${plan.added.length} added, ${plan.removed.length} removed`,
  );
  const share = b.total === 0 ? 100 : (100 * b.reused) / b.total;
  lines.push(
    `version ${plan.from.sequence} -> ${plan.to.sequence}: ${bytesText(b.total)}, ${bytesText(b.reused)} already here (${share.toFixed(1)} %), ` +
      `${bytesText(b.fetch)} to fetch in ${plural(plan.fetches.length, 'piece')} (+ ${bytesText(b.layer)} of piece layer)`,
  );
  return lines;
}

function fileText(c: UpdatePlan['changed'][number]): string {
  const fetched = c.fetch > 0 ? `${bytesText(c.fetch)} to fetch` : 'nothing to fetch';
  return `${bytesText(c.size)} in ${plural(c.pieces, 'piece')}, ${bytesText(c.reused)} already here, ${fetched}`;
}

export function planJson(plan: UpdatePlan): Record<string, unknown> {
  const place = (p: { path: string[]; offset: number }) => ({ path: path(p.path), offset: p.offset });
  return {
    from: { sequence: plan.from.sequence, waterfallId: hex(plan.from.waterfallId) },
    to: { sequence: plan.to.sequence, waterfallId: hex(plan.to.waterfallId) },
    bytes: plan.bytes,
    kept: plan.kept.map(path),
    moved: plan.moved.map((m) => ({ from: path(m.from), to: path(m.to), size: m.size })),
    copied: plan.copied.map((m) => ({ from: path(m.from), to: path(m.to), size: m.size })),
    changed: plan.changed.map((c) => ({ ...c, path: path(c.path) })),
    added: plan.added.map((c) => ({ ...c, path: path(c.path) })),
    removed: plan.removed.map(path),
    addedDirs: plan.addedDirs.map(path),
    removedDirs: plan.removedDirs.map(path),
    copies: plan.copies.map((c) => ({ hash: hex(c.hash), length: c.length, from: place(c.from), to: c.to.map(place) })),
    fetches: plan.fetches.map((f) => ({ hash: hex(f.hash), length: f.length, piece: f.piece, to: f.to.map(place) })),
  };
}
