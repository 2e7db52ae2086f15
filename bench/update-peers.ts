// The named peers of the update benchmark, run on the same two directories:
// rsync (delta transfer, `-c --no-whole-file --stats`: its "Literal data") and
// casync (content-defined chunk store: the bytes of the chunks the new version adds
// to a store that holds the old one, compressed as casync stores them). A tool that
// is not installed is skipped with a note.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { which } from './common.js';

export interface PeerFigure {
  bytes?: number;
  /** rsync: everything it sent and received (literal data, matches, checksums, file list). */
  total?: number;
  note?: string;
}

function toolVersion(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`.split('\n')[0].trim();
}

export function peerVersions(): string[] {
  const out: string[] = [];
  if (which('rsync')) out.push(toolVersion('rsync', ['--version']).replace(/\s+/g, ' '));
  if (which('casync')) out.push(`casync ${toolVersion('casync', ['--version'])}`);
  return out;
}

/** rsync's literal data for bringing a copy of `oldDir` to `newDir`. */
export function rsyncLiteral(oldDir: string, newDir: string): PeerFigure {
  if (!which('rsync')) return { note: 'rsync not installed (apt-get install rsync)' };
  const work = mkdtempSync(join(tmpdir(), 'bytefall-bench-rsync-'));
  try {
    const dest = join(work, 'dest');
    cpSync(oldDir, dest, { recursive: true, preserveTimestamps: true });
    const r = spawnSync('rsync', ['-a', '-c', '--no-whole-file', '--stats', `${newDir}/`, `${dest}/`], { encoding: 'utf8' });
    const num = (re: RegExp) => Number(re.exec(r.stdout)?.[1].replace(/,/g, '') ?? NaN);
    const literal = num(/Literal data: ([\d,]+) bytes/);
    if (r.status !== 0 || Number.isNaN(literal)) return { note: `rsync failed: ${r.stderr.trim().split('\n')[0]}` };
    return { bytes: literal, total: num(/Total bytes sent: ([\d,]+)/) + num(/Total bytes received: ([\d,]+)/) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function chunkFiles(store: string): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (name.endsWith('.cacnk')) out.set(name, st.size);
    }
  };
  walk(store);
  return out;
}

/**
 * casync: make the old version into a store, then the new one into the same store;
 * the new chunk files are what a casync client would download (zstd-compressed
 * chunks, casync's default 16/64/256 KiB chunking). `file`: index one file (a blob,
 * .caibx) rather than a directory tree (.caidx).
 */
export function casyncNewChunks(oldPath: string, newPath: string, file?: string): PeerFigure {
  if (!which('casync')) return { note: 'casync not installed (apt-get install casync)' };
  const work = mkdtempSync(join(tmpdir(), 'bytefall-bench-casync-'));
  try {
    const store = join(work, 'store');
    const make = (src: string, name: string) => {
      const index = join(work, file ? `${name}.caibx` : `${name}.caidx`);
      const r = spawnSync('casync', ['make', `--store=${store}`, index, file ? join(src, file) : src], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`casync make: ${r.stderr.trim().split('\n')[0]}`);
    };
    make(oldPath, 'old');
    const before = chunkFiles(store);
    make(newPath, 'new');
    let bytes = 0;
    for (const [name, size] of chunkFiles(store)) if (!before.has(name)) bytes += size;
    return { bytes };
  } catch (err) {
    return { note: (err as Error).message };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
