// The Waterfall golden files under test/fixtures/: each <name>.json holds the
// inputs (seed, salt, names, times, file contents, peers) and the expected ids;
// <name>.waterfall and <name>.waterfall.layers hold the exact bytes.
// scripts/make-fixtures.ts writes them; the tests rebuild and compare.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { hashPieces, merkleRoot } from '../../src/hash/merkle.js';
import { blake3 } from '../../src/hash/blake3.js';
import { CDC_RECORD_LEN, cdcRoot, chunkBytes } from '../../src/hash/cdc.js';
import { buildWaterfall, encodeLayers, type Built, type BuildInput, type EntryInput, type PeerRecord, type PeerKind } from '../../src/format/index.js';

export const FIXTURES_DIR = fileURLToPath(new URL('../../../test/fixtures/', import.meta.url)); // from dist/test/format/

export interface FixtureEntry {
  path: string[];
  isDir: boolean;
  created: number;
  changed: number;
  pieceSize: number;
  fileVersion: number;
  /** Octal text, "0o644". */
  permissions: string;
  /** A file's content as UTF-8 text ... */
  content?: string;
  /** ... or as `contentLength` bytes where byte i is i mod 251 ... */
  contentLength?: number;
  /** ... or (with contentLength) the first contentLength bytes of BLAKE3's extended output of this ASCII text. */
  contentSeed?: string;
  /** ... and then these bytes inserted at this offset. */
  insert?: { at: number; text: string };
  /** Format 1.1: 1 for content-defined pieces (pieceSize is then their average). */
  chunking?: number;
}

export interface FixturePeer {
  publicKey: string; // hex
  ztAddress: string; // "0x..." hex
  confidence: number;
  kind: PeerKind;
  port: number;
  ip: string;
}

export interface FixtureInputs {
  name: string;
  seed: string; // hex
  salt: string; // hex
  sequence: number;
  publishTime: number;
  embedPrivateKey?: boolean;
  entries: FixtureEntry[];
  peers: FixturePeer[];
}

export interface FixtureExpected {
  size: number;
  swarmId: string;
  waterfallId: string;
  sha256: string;
  layersSha256: string;
}

export interface FixtureFile {
  _comment: string;
  inputs: FixtureInputs;
  expected: FixtureExpected;
}

export interface BuiltFixture extends Built {
  layers: Uint8Array;
  expected: FixtureExpected;
}

export const FIXTURE_NAMES = ['empty', 'tree', 'peers', 'private-key', 'cdc', 'cdc-next'] as const;

const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
export const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

export function contentOf(e: FixtureEntry): Uint8Array {
  const data = baseContentOf(e);
  if (!e.insert) return data;
  const text = new TextEncoder().encode(e.insert.text);
  return Buffer.concat([data.subarray(0, e.insert.at), text, data.subarray(e.insert.at)]);
}

function baseContentOf(e: FixtureEntry): Uint8Array {
  if (e.content !== undefined) return new TextEncoder().encode(e.content);
  if (e.contentSeed !== undefined) return blake3(new TextEncoder().encode(e.contentSeed), e.contentLength ?? 0);
  return Uint8Array.from({ length: e.contentLength ?? 0 }, (_, i) => i % 251);
}

/** Builds the Waterfall and its piece layer from the inputs, as the generator did. */
/** `options`: as `create` builds (no read-back, layers not checked against the roots again). */
export function buildFixture(inputs: FixtureInputs, options: { readBack?: boolean; checkRoots?: boolean } = {}): BuiltFixture {
  const leavesByPath = new Map<string, Uint8Array>();
  const entries: EntryInput[] = inputs.entries.map((e) => {
    const data = e.isDir ? new Uint8Array(0) : contentOf(e);
    const cdc = e.chunking === 1;
    const leaves = e.isDir ? new Uint8Array(0) : cdc ? chunkBytes(data, e.pieceSize) : hashPieces(data, e.pieceSize);
    if (!e.isDir) leavesByPath.set(JSON.stringify(e.path), leaves);
    const { path, isDir, created, changed, pieceSize, fileVersion } = e;
    const input: EntryInput = { path, isDir, size: data.length, created, changed, pieceSize, fileVersion, permissions: Number(e.permissions), root: cdc ? cdcRoot(leaves) : merkleRoot(leaves) };
    if (cdc) Object.assign(input, { chunking: 1, pieceCount: leaves.length / CDC_RECORD_LEN });
    return input;
  });
  const peers: PeerRecord[] = inputs.peers.map((p) => ({ ...p, publicKey: hex(p.publicKey), ztAddress: BigInt(p.ztAddress) }));
  const input: BuildInput = {
    name: inputs.name,
    salt: hex(inputs.salt),
    seed: hex(inputs.seed),
    sequence: inputs.sequence,
    publishTime: inputs.publishTime,
    entries,
    peers,
    embedPrivateKey: inputs.embedPrivateKey,
  };
  const built = buildWaterfall(input, { readBack: options.readBack });
  const files = built.waterfall.entries.filter((e) => !e.isDir);
  const layers = encodeLayers(built.waterfall, files.map((e) => leavesByPath.get(JSON.stringify(e.path))!), { checkRoots: options.checkRoots });
  const expected: FixtureExpected = {
    size: built.bytes.length,
    swarmId: Buffer.from(built.waterfall.swarmId).toString('hex'),
    waterfallId: Buffer.from(built.waterfall.waterfallId).toString('hex'),
    sha256: sha256(built.bytes),
    layersSha256: sha256(layers),
  };
  return { ...built, layers, expected };
}

export interface CommittedFixture {
  json: FixtureFile;
  bytes: Uint8Array;
  layers: Uint8Array;
}

export function readFixture(name: string): CommittedFixture {
  const read = (file: string) => new Uint8Array(readFileSync(join(FIXTURES_DIR, file)));
  return {
    json: JSON.parse(readFileSync(join(FIXTURES_DIR, `${name}.json`), 'utf8')) as FixtureFile,
    bytes: read(`${name}.waterfall`),
    layers: read(`${name}.waterfall.layers`),
  };
}
