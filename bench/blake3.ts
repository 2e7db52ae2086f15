// BLAKE3 throughput on 1 MiB pieces: ByteFall's WASM SIMD BLAKE3 next to node:crypto
// sha256 and blake2b512 (OpenSSL, native) and hash-wasm's BLAKE3 (WASM, scalar), in one
// process on the same pieces, runs interleaved, medians. Usage:
//   node dist/bench/blake3.js [--runs N] [--mib MiB-per-run] [--piece bytes]
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createBLAKE3 } from 'hash-wasm';
import { blake3 } from '../src/hash/blake3.js';
import { MODE_HASH, hashWasm } from '../src/hash/wasm.js';
import { machineLine, median, packageVersion, printTable } from './common.js';
import { benchArgs } from './options.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Blake3BenchOptions {
  /** Piece size in bytes (default 1 MiB). */
  pieceSize?: number;
  /** Bytes hashed by each implementation in each run (default 256 MiB). */
  bytesPerRun?: number;
  /** Timed runs; the table shows the median (default 7). */
  runs?: number;
}

export interface Blake3BenchRow {
  name: string;
  /** Median throughput in MB/s (10^6 bytes per second). */
  mbps: number;
  /** Every run, MB/s. */
  runs: number[];
}

interface Impl {
  name: string;
  hash: (piece: Uint8Array) => void;
  /** Runs before each timed run, untimed. */
  before?: () => void;
}

export async function runBlake3Bench(opts: Blake3BenchOptions = {}): Promise<Blake3BenchRow[]> {
  const pieceSize = opts.pieceSize ?? 1 << 20;
  const runs = opts.runs ?? 7;
  const pieces = Array.from({ length: 8 }, (_, k) => {
    const p = new Uint8Array(pieceSize);
    for (let i = 0; i < pieceSize; i++) p[i] = (i * 2654435761 + k) >>> 24;
    return p;
  });
  const count = Math.max(1, Math.round((opts.bytesPerRun ?? 256 << 20) / pieceSize));

  const w = hashWasm();
  const hw = await createBLAKE3();
  const impls: Impl[] = [
    { name: 'ByteFall BLAKE3 (WASM SIMD), blake3(piece)', hash: (p) => void blake3(p) },
    { name: 'node:crypto sha256 (OpenSSL)', hash: (p) => void createHash('sha256').update(p).digest() },
    { name: 'node:crypto blake2b512 (OpenSSL)', hash: (p) => void createHash('blake2b512').update(p).digest() },
    {
      name: 'hash-wasm blake3 (WASM)',
      hash: (p) => {
        hw.init();
        hw.update(p);
        hw.digest('binary');
      },
    },
  ];
  if (pieceSize <= w.inputCapacity) {
    // The path of hashFileRegion: pieces are read straight into WASM memory.
    impls.splice(1, 0, {
      name: 'ByteFall BLAKE3 (WASM SIMD), piece already in WASM memory',
      before: () => w.input.set(pieces[0]),
      hash: () => {
        w.x.init(MODE_HASH);
        w.x.update(pieceSize);
        w.x.finalize(32, 0, 0);
      },
    });
  }

  const timeRun = ({ hash, before }: Impl): number => {
    before?.();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < count; i++) hash(pieces[i & 7]);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    return (count * pieceSize) / seconds / 1e6;
  };
  for (const impl of impls) timeRun(impl); // warm-up (and WASM tier-up)
  const results = impls.map((): number[] => []);
  for (let r = 0; r < runs; r++) impls.forEach((impl, k) => results[k].push(timeRun(impl)));
  return impls.map(({ name }, k) => ({ name, mbps: median(results[k]), runs: results[k] }));
}

function cpuFlags(): string {
  try {
    const flags = /^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1].split(' ') ?? [];
    return ['sse4_1', 'avx2', 'avx512f', 'sha_ni'].map((f) => `${f} ${flags.includes(f) ? 'yes' : 'no'}`).join(', ');
  } catch {
    return 'cpu flags unknown';
  }
}

export function printBlake3Bench(rows: Blake3BenchRow[], opts: Blake3BenchOptions = {}): void {
  const ours = rows[0].mbps;
  const pieceSize = opts.pieceSize ?? 1 << 20;
  printTable(
    `BLAKE3 throughput, ${pieceSize} B pieces, one thread (median of ${rows[0].runs.length} runs)`,
    ['implementation', 'MB/s', 'blake3(piece) / this', 'runs (MB/s)'],
    rows.map((r) => [r.name, r.mbps.toFixed(0), `${(ours / r.mbps).toFixed(2)}x`, r.runs.map((x) => x.toFixed(0)).join(' ')]),
  );
  console.log(machineLine());
  console.log(`cpu: ${cpuFlags()}`);
  console.log(
    `versions: node ${process.versions.node}, v8 ${process.versions.v8}, openssl ${process.versions.openssl}, ` +
      `hash-wasm ${packageVersion(join(root, 'node_modules', 'hash-wasm', 'package.json'))}, ` +
      `assemblyscript ${packageVersion(join(root, 'node_modules', 'assemblyscript', 'package.json'))}`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = benchArgs('node dist/bench/blake3.js [--mib N] [--runs N] [--piece bytes]', { mib: { kind: 'count' }, runs: { kind: 'count' }, piece: { kind: 'count' } });
  const mib = args.countOrUndefined('mib');
  const opts: Blake3BenchOptions = { runs: args.countOrUndefined('runs'), pieceSize: args.countOrUndefined('piece'), bytesPerRun: mib && mib * 2 ** 20 };
  printBlake3Bench(await runBlake3Bench(opts), opts);
}
