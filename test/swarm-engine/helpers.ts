// Swarms in one process for the engine tests: a signed Waterfall built from generated
// files, nodes on a MemoryNetwork with MemoryStorage, one shared hashing pool, and a
// helper that waits for a condition (every wait is bounded, so nothing hangs).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { buildWaterfall } from '../../src/format/build.js';
import type { EntryInput, Waterfall } from '../../src/format/model.js';
import { rewritePeers } from '../../src/format/rewrite.js';
import { hashPieces, merkleRoot } from '../../src/hash/merkle.js';
import { cdcRoot, chunkBytes, CDC_RECORD_LEN } from '../../src/hash/cdc.js';
import { CHUNKING_CDC } from '../../src/format/model.js';
import { fileSpecsOf } from '../../src/swarm/file-specs.js';
import { HashPool } from '../../src/hash/pool.js';
import { MemoryNetwork } from '../../src/net/memory.js';
import { formatAddress } from '../../src/net/address.js';
import { Node, type NodeOptions } from '../../src/node/node.js';
import { MemoryStorage } from '../../src/storage/memory-storage.js';
import { FsStorage } from '../../src/storage/fs-storage.js';
import type { Storage } from '../../src/storage/storage.js';
import { Swarm, type SwarmOptions } from '../../src/swarm/session.js';

export interface TestData {
  waterfall: Waterfall;
  served: Uint8Array;
  /** Per file entry (in entry order): its leaves and its bytes. */
  layers: Uint8Array[];
  contents: Uint8Array[];
}

/**
 * A Waterfall of `files` (random contents, or the given ones) with fixed-size pieces, or with
 * content-defined pieces of average `pieceSize` when `cdc`; directories are added.
 */
export function makeData(files: { path: string[]; size: number; data?: Uint8Array }[], pieceSize: number, cdc = false): TestData {
  const byPath = new Map<string, Uint8Array>();
  const layerOf = new Map<string, Uint8Array>();
  const dirs = new Set<string>();
  const inputs: EntryInput[] = [];
  const base = { created: 0, changed: 0, fileVersion: 1, permissions: 0o644 };
  for (const f of files) {
    const data = f.data ?? new Uint8Array(randomBytes(f.size));
    byPath.set(f.path.join('/'), data);
    if (cdc) {
      const records = chunkBytes(data, pieceSize);
      layerOf.set(f.path.join('/'), records);
      inputs.push({ ...base, path: f.path, isDir: false, size: f.size, pieceSize, chunking: CHUNKING_CDC, pieceCount: records.length / CDC_RECORD_LEN, root: cdcRoot(records) });
    } else {
      inputs.push({ ...base, path: f.path, isDir: false, size: f.size, pieceSize, root: merkleRoot(hashPieces(data, pieceSize)) });
    }
    for (let i = 1; i < f.path.length; i++) dirs.add(JSON.stringify(f.path.slice(0, i)));
  }
  for (const d of dirs) inputs.push({ ...base, path: JSON.parse(d), isDir: true, size: 0, pieceSize: 0, permissions: 0o755, root: new Uint8Array(32) });
  const built = buildWaterfall({ name: 'engine test', salt: new Uint8Array(64).fill(3), sequence: 1, publishTime: 0, seed: new Uint8Array(32).fill(7), entries: inputs });
  const fileEntries = built.waterfall.entries.filter((e) => !e.isDir);
  const contents = fileEntries.map((e) => byPath.get(e.path.join('/'))!);
  return {
    waterfall: built.waterfall,
    served: rewritePeers(built.bytes, []),
    layers: fileEntries.map((e, i) => layerOf.get(e.path.join('/')) ?? hashPieces(contents[i], pieceSize)),
    contents,
  };
}

export interface TestNode {
  node: Node;
  swarm: Swarm;
  storage: Storage;
  address: string;
  logs: string[];
}

export interface NodeSpec extends Partial<Omit<SwarmOptions, 'node' | 'waterfall' | 'servedWaterfall' | 'storage' | 'pool'>> {
  /** Start with every piece (a seeder) or none. */
  have: 'all' | 'none';
  /** Give the node the piece layer (default: only seeders have it). */
  withLayers?: boolean;
  /** Keep the data in this directory (FsStorage, with the check of existing files) instead of memory. */
  dir?: string;
  /** Wraps the storage (to inject faults). */
  wrapStorage?: (s: Storage) => Storage;
  nodeOptions?: Partial<NodeOptions>;
  /** Where the node listens (default `<its host>:0`), e.g. a `zt:` address. */
  listen?: string;
}

export class TestSwarm {
  readonly net = new MemoryNetwork();
  readonly nodes: TestNode[] = [];
  private readonly dirs: string[] = [];
  private nextHost = 1;

  constructor(
    readonly data: TestData,
    readonly pool: HashPool,
  ) {}

  async add(spec: NodeSpec): Promise<TestNode> {
    const host = `10.0.0.${this.nextHost++}`;
    const id = new Uint8Array(randomBytes(32));
    const logs: string[] = [];
    const node = new Node({ transport: this.net.transport(id, host), log: (l) => logs.push(l), ...spec.nodeOptions });
    const bound = await node.listen(spec.listen ?? `${host}:0`);
    const withLayers = spec.withLayers ?? spec.have === 'all';
    const specs = fileSpecsOf(this.data.waterfall, withLayers || spec.have === 'all' ? this.data.layers : undefined);
    const fs = spec.dir ? await FsStorage.open(spec.dir, specs) : undefined;
    const inner: Storage = fs ?? new MemoryStorage(specs);
    if (spec.have === 'all' && !fs) {
      const layout = inner.layout;
      for (let f = 0; f < this.data.contents.length; f++) {
        for (let p = 0; p < layout.pieceCounts[f]; p++) {
          const at = layout.pieceOffset(f, p);
          await inner.writePiece(f, p, this.data.contents[f].subarray(at, at + layout.pieceLength(f, p)));
        }
      }
    }
    const storage = spec.wrapStorage ? spec.wrapStorage(inner) : inner;
    const { listen: _listen, ...swarmSpec } = spec;
    const swarm = new Swarm({
      tickMs: 100,
      ...swarmSpec,
      node,
      waterfall: this.data.waterfall,
      servedWaterfall: this.data.served,
      storage,
      pool: this.pool,
      layers: withLayers ? this.data.layers : undefined,
      paths: fs ? { finalPath: (i) => fs.finalPath(i), partPath: (i) => fs.partPath(i) } : undefined,
    });
    swarm.on('warning', (m) => logs.push(m));
    const t: TestNode = { node, swarm, storage, address: formatAddress(bound), logs };
    this.nodes.push(t);
    await swarm.start();
    return t;
  }

  /** Every file of `t` holds exactly the data. */
  async holdsAll(t: TestNode): Promise<boolean> {
    for (let f = 0; f < this.data.contents.length; f++) {
      if (!t.storage.status(f).complete) return false;
      const got = await t.storage.readFinal(f, 0, this.data.contents[f].length);
      if (Buffer.compare(got, this.data.contents[f]) !== 0) return false;
    }
    return true;
  }

  /** A temp directory, removed by close() after the nodes. */
  async tempDir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'bytefall-engine-'));
    this.dirs.push(dir);
    return dir;
  }

  async close(): Promise<void> {
    for (const t of this.nodes.splice(0)) {
      await t.swarm.stop();
      await t.node.close();
      await t.storage.close();
    }
    for (const d of this.dirs.splice(0)) await rm(d, { recursive: true, force: true });
  }
}

/** A pool shared by the tests of one file, destroyed after them. */
export function sharedPool(t: { after: (fn: () => Promise<void>) => void }): HashPool {
  const pool = new HashPool({ threads: 1 });
  t.after(() => pool.destroy());
  return pool;
}

/** Resolves once `cond()` holds; fails with `what` after `ms`. */
export async function until(cond: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function closeAfter(t: TestContext, s: TestSwarm): void {
  t.after(() => s.close());
}
