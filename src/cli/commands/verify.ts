// `bytefall verify <file.waterfall> <dir>`: checks a copy of the data and names
// every missing, wrong-sized or corrupt file with the exact failing byte ranges.
import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { BytefallError } from '../../errors.js';
import { decodeLayers } from '../../format/layers.js';
import { entryHashFor } from '../../format/entry-hash.js';
import type { Waterfall } from '../../format/model.js';
import { withHashPool } from '../../hash/pool.js';
import { verifyTree, type ExpectedEntry } from '../../verify/verify.js';
import type { EntryReport, ByteRange } from '../../verify/report.js';
import { equalBytes } from '../../format/bytes.js';
import { Output, formatBytes } from '../output.js';
import { Progress } from '../progress.js';
import { readWaterfallFile } from '../read-waterfall.js';
import { ExitCode, EXIT_PROBLEM } from '../main.js';
import { parseCount } from '../parse.js';

interface VerifyOptions {
  layers?: string;
  threads?: string;
  json?: boolean;
  quiet?: boolean;
}

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('check a directory against a Waterfall; exit 1 and list what is wrong')
    .argument('<waterfall>', 'the .waterfall file')
    .argument('<dir>', 'the directory holding the data')
    .option('--layers <file>', 'piece layer file (default: <waterfall>.layers when present)')
    .option('--threads <n>', 'hashing threads (default: all cores, at most 8)')
    .option('--json', 'JSON lines: progress events and the full report')
    .option('-q, --quiet', 'print nothing; the exit code says it')
    .action(async (file: string, dir: string, opts: VerifyOptions) => {
      const out = new Output(opts);
      const { waterfall } = readWaterfallFile(file);
      const layers = loadLayers(file, opts.layers, waterfall, out);
      const expected = expectedEntries(waterfall, layers);
      const threads = opts.threads === undefined ? undefined : parseCount(opts.threads, '--threads', 1, 256);
      const progress = new Progress(out, 'verifying');
      const report = await withHashPool({ threads }, (pool) =>
        verifyTree(dir, expected, { pool, onProgress: (p) => progress.update(p) }),
      ).finally(() => progress.stop());

      const bad = report.entries.filter((e) => e.status !== 'ok');
      out.event({ event: 'verified', ok: report.ok, entries: report.entries.map(jsonEntry), extra: report.extra.map((x) => ({ path: x.path.join('/'), kind: x.kind })) });
      for (const e of bad) out.line(describe(e));
      for (const x of report.extra) out.line(`extra      ${x.path.join('/')}${x.kind === 'directory' ? '/' : ''} (not in the Waterfall)`);
      const files = waterfall.entries.filter((e) => !e.isDir).length;
      const badFiles = bad.filter((e) => !e.isDir).length;
      if (report.ok) out.line(`ok: all ${files} files and ${waterfall.entries.length - files} directories match`);
      else out.line(`FAILED: ${badFiles} of ${files} files${bad.length > badFiles ? ` and ${bad.length - badFiles} directories` : ''} do not match`);
      if (!report.ok) throw new ExitCode(EXIT_PROBLEM);
    });
}

function loadLayers(file: string, explicit: string | undefined, w: Waterfall, out: Output): Uint8Array[] | undefined {
  const path = explicit ?? `${file}.layers`;
  if (!explicit && !existsSync(path)) {
    out.warn(`no piece layer (${path}): corrupt files are reported whole, not narrowed to pieces`);
    return undefined;
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (err) {
    throw BytefallError.fromSystem(err, path, 'read');
  }
  try {
    return decodeLayers(bytes, w);
  } catch (err) {
    if (!(err instanceof BytefallError) || explicit) throw err;
    out.warn(`ignoring ${path}: ${err.message}; corrupt files are reported whole`);
    return undefined;
  }
}

function expectedEntries(w: Waterfall, layers: Uint8Array[] | undefined): ExpectedEntry[] {
  let fileIndex = 0;
  return w.entries.map((e) => {
    const base = { path: e.path, isDir: e.isDir, size: e.size, pieceSize: e.pieceSize, chunking: e.chunking };
    if (e.isDir) return base;
    const leaves = layers?.[fileIndex++];
    return leaves ? { ...base, leaves } : { ...base, root: (root: Uint8Array) => equalBytes(entryHashFor(e, root), e.hash) };
  });
}

function ranges(rs: ByteRange[]): string {
  const shown = rs.slice(0, 8).map(([a, b]) => `${a}-${b - 1}`);
  return shown.join(', ') + (rs.length > 8 ? `, ... (${rs.length} ranges)` : '');
}

function describe(e: EntryReport): string {
  const p = e.path.join('/') + (e.isDir ? '/' : '');
  switch (e.status) {
    case 'missing':
      return `missing    ${p}`;
    case 'not-a-file':
      return `not a file ${p} (found a ${e.found})`;
    case 'not-a-directory':
      return `not a dir  ${p} (found a ${e.found})`;
    case 'wrong-size':
      return `wrong size ${p}: ${e.actualSize} bytes, expected ${e.expectedSize}${e.corrupt.length ? `; bad bytes ${ranges(e.corrupt)}` : ''}`;
    case 'corrupt': {
      const total = e.corrupt.reduce((s, [a, b]) => s + b - a, 0);
      return `corrupt    ${p}: bytes ${ranges(e.corrupt)} (${formatBytes(total)})${e.narrowed ? '' : ' (whole file: no piece layer)'}`;
    }
    default:
      return `ok         ${p}`;
  }
}

function jsonEntry(e: EntryReport): Record<string, unknown> {
  return { ...e, path: e.path.join('/') };
}
