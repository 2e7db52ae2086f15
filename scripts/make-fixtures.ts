// Writes the Waterfall golden files in test/fixtures/ from fixed inputs:
// <name>.json (inputs and expected ids), <name>.waterfall, <name>.waterfall.layers.
// Run after `npm run build`: node dist/scripts/make-fixtures.js [name ...] (names: only those files)
// The tests rebuild each file from its JSON and compare with the committed bytes,
// so regenerate only when the format itself changes (and say so in the commit).
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildFixture, FIXTURES_DIR, type FixtureFile, type FixtureInputs } from '../test/format/fixtures.js';
import { CDC_VECTOR_FILE, vectorInput, type CdcVector } from '../test/cdc/vector.js';
import { blake3 } from '../src/hash/blake3.js';
import { cdcRoot, chunkBytes, recordLengths } from '../src/hash/cdc.js';

const SEED_A = '53901041a69f2b30c8a166d1014216a6576d03809eba878f18e9431910e420f4';
const SEED_B = 'fd98caafd2667bb4469f77f0c21a5f80ee44819a956573443cc9959c96d323df';
const SALT_B = '216757b756351715859b51114983c0d725060e3f4d23928f577834cec312101b9c0ee455bb4d1c0502eae156ec2f98d70571c0a576ed595375fac145c8f6df1a';
const SALT_C = '4b3b5d5d9c4abc624b8ac3d9ceb0c2b27bfd3d29ae13fd5ec3033f8ffdb71fa2913893ff2af98dc41f789637c3279432a91c5fb460f3b9e420bc38ec1d077868';
const PEER_1 = 'ea48b63d118f8dc942605847e36e55c7da1ae385ce357864a5b317160934acf1';
const PEER_2 = '843ae000521a0ec32daca87fab69f605bc304fad3ff7b4855e86f211691ef630';
const T0 = 1795392000000; // 2026-11-23T00:00:00Z
const dir = { isDir: true, pieceSize: 0, fileVersion: 1, permissions: '0o755' };
const file = { isDir: false, pieceSize: 1024, fileVersion: 1, permissions: '0o644' };

const FIXTURES: Record<string, { comment: string; inputs: FixtureInputs }> = {
  empty: {
    comment: 'No entries, no peers, an all-zero salt: the smallest Waterfall (768 + 5 empty peer slots).',
    inputs: { name: 'empty', seed: SEED_A, salt: '00'.repeat(64), sequence: 1, publishTime: T0, entries: [], peers: [] },
  },
  tree: {
    comment:
      'A nested tree given out of order: build sorts it by raw UTF-8 bytes ("Z" < "a" < "ä"), ' +
      'directories before their contents. img/logo.bin has 3 pieces of 1 KiB; empty.txt has none.',
    inputs: {
      name: 'Bryce’s files ✓',
      seed: SEED_A,
      salt: SALT_B,
      sequence: 7,
      publishTime: T0 + 3_600_000,
      entries: [
        { path: ['docs', 'guide', 'intro.md'], ...file, created: T0 - 86_400_000, changed: T0 - 3_600_000, fileVersion: 3, content: '# Intro\n\nByteFall shares files.\n' },
        { path: ['img'], ...dir, created: 0, changed: T0 - 7_200_000 },
        { path: ['img', 'logo.bin'], ...file, pieceSize: 1024, created: 0, changed: T0 - 7_200_000, contentLength: 2500 },
        { path: ['docs'], ...dir, created: T0 - 86_400_000, changed: T0 - 3_600_000 },
        { path: ['docs', 'guide'], ...dir, created: T0 - 86_400_000, changed: T0 - 3_600_000, permissions: '0o700' },
        { path: ['a.txt'], ...file, created: T0, changed: T0, content: 'lower a\n' },
        { path: ['Z.txt'], ...file, created: T0, changed: T0, content: 'upper Z\n', permissions: '0o600' },
        { path: ['ä.txt'], ...file, created: T0, changed: T0, content: 'a umlaut\n', pieceSize: 1 << 24 },
        { path: ['empty.txt'], ...file, created: T0, changed: T0, content: '' },
      ],
      peers: [],
    },
  },
  peers: {
    comment: 'Six peers (more than the five slots) of all three kinds: ZeroTier only, IPv4, IPv6; one with an unknown key.',
    inputs: {
      name: 'peers',
      seed: SEED_B,
      salt: SALT_C,
      sequence: 42,
      publishTime: T0,
      entries: [{ path: ['hello.txt'], ...file, created: T0, changed: T0, content: 'hello, peers\n' }],
      peers: [
        { publicKey: PEER_1, ztAddress: '0x8056c2e21c', confidence: 100, kind: 0, port: 9993, ip: '' },
        { publicKey: PEER_2, ztAddress: '0x0', confidence: 7, kind: 1, port: 51413, ip: '192.0.2.17' },
        { publicKey: '00'.repeat(32), ztAddress: '0x0', confidence: -5, kind: 2, port: 6881, ip: '2001:db8::2:1' },
        { publicKey: PEER_1, ztAddress: '0xffffffffff', confidence: 0, kind: 2, port: 65535, ip: 'fe80::1' },
        { publicKey: PEER_2, ztAddress: '0x1', confidence: -2147483648, kind: 1, port: 1, ip: '10.0.0.1' },
        { publicKey: '00'.repeat(32), ztAddress: '0x0', confidence: 2147483647, kind: 2, port: 443, ip: '::ffff:c000:201' },
      ],
    },
  },
  cdc: {
    comment:
      'Format 1.1: data/log.bin has content-defined pieces (chunking 1, average 1 KiB: min 256, max 4096); ' +
      'its layer holds 36-byte records <length u32><hash 32>. The other files keep fixed-size pieces.',
    inputs: {
      name: 'cdc',
      seed: SEED_B,
      salt: SALT_B,
      sequence: 1,
      publishTime: T0,
      entries: [
        { path: ['data'], ...dir, created: T0, changed: T0 },
        { path: ['data', 'log.bin'], ...file, chunking: 1, created: T0, changed: T0, contentSeed: 'ByteFall fixture log v1', contentLength: 20000 },
        { path: ['readme.txt'], ...file, created: T0, changed: T0, content: 'fixed-size pieces\n' },
      ],
      peers: [],
    },
  },
  'cdc-next': {
    comment:
      'The next version of "cdc" (same key, name and salt: the same swarm; sequence 2): data/log.bin is the old ' +
      'bytes 0-9999, 16 new bytes, then the old bytes 10000-19999, so only the pieces around byte 10000 change; ' +
      'readme.txt is moved to docs/readme.txt unchanged.',
    inputs: {
      name: 'cdc',
      seed: SEED_B,
      salt: SALT_B,
      sequence: 2,
      publishTime: T0 + 86_400_000,
      entries: [
        { path: ['data'], ...dir, created: T0, changed: T0 },
        { path: ['data', 'log.bin'], ...file, chunking: 1, fileVersion: 2, created: T0, changed: T0 + 86_400_000, contentSeed: 'ByteFall fixture log v1', contentLength: 20000, insert: { at: 10000, text: 'sixteen new byte' } },
        { path: ['docs'], ...dir, created: T0, changed: T0 + 86_400_000 },
        { path: ['docs', 'readme.txt'], ...file, created: T0, changed: T0, content: 'fixed-size pieces\n' },
      ],
      peers: [],
    },
  },
  'private-key': {
    comment: 'The private-key form of the key block (create --embed-private-key); readers refuse it unless allowPrivateKey.',
    inputs: {
      name: 'working copy',
      seed: SEED_B,
      salt: SALT_C,
      sequence: 2,
      publishTime: T0,
      embedPrivateKey: true,
      entries: [{ path: ['d'], ...dir, created: 0, changed: 0 }, { path: ['d', 'f'], ...file, created: 0, changed: 0, content: 'f' }],
      peers: [{ publicKey: PEER_1, ztAddress: '0x0', confidence: 1, kind: 1, port: 9993, ip: '198.51.100.3' }],
    },
  },
};

/** JSON with two-space indentation, but one line per entry and per peer. */
function formatJson(json: FixtureFile): string {
  const lines: string[] = [];
  const text = JSON.stringify(
    json,
    (key, value: unknown) => {
      if ((key === 'entries' || key === 'peers') && Array.isArray(value)) {
        return value.map((v) => `@@${lines.push(JSON.stringify(v)) - 1}@@`);
      }
      return value;
    },
    2,
  );
  return text.replace(/"@@(\d+)@@"/g, (_, i: string) => lines[Number(i)]);
}

mkdirSync(FIXTURES_DIR, { recursive: true });
// The CDC vector: an input anyone with BLAKE3 can make, cut at a 4 KiB average.
{
  const base = { seed: 'ByteFall 2026-11-23 cdc test vector', length: 262144, pieceSize: 4096 };
  const records = chunkBytes(vectorInput(base), base.pieceSize);
  const vector: CdcVector = {
    _comment:
      'Input: the first `length` bytes of BLAKE3 extended output of the ASCII `seed`. Cut into content-defined ' +
      'pieces of average `pieceSize` (docs/FORMAT.md, Format 1.1): the piece lengths, the BLAKE3 of the layer ' +
      'records <length u32><hash 32> one after the other, and the content root over the CDC leaves.',
    ...base,
    lengths: [...recordLengths(records)],
    recordsBlake3: Buffer.from(blake3(records)).toString('hex'),
    root: Buffer.from(cdcRoot(records)).toString('hex'),
  };
  const text = JSON.stringify({ ...vector, lengths: '@@' }, null, 2).replace('"@@"', JSON.stringify(vector.lengths));
  writeFileSync(join(FIXTURES_DIR, CDC_VECTOR_FILE), `${text}\n`);
  console.log(`cdc vector: ${vector.lengths.length} pieces`);
}
// With names as arguments, only those golden files are written (new ones, without touching the others).
const only = new Set(process.argv.slice(2));
for (const [name, { comment, inputs }] of Object.entries(FIXTURES)) {
  if (only.size > 0 && !only.has(name)) continue;
  const built = buildFixture(inputs);
  const json: FixtureFile = { _comment: comment, inputs, expected: built.expected };
  writeFileSync(join(FIXTURES_DIR, `${name}.json`), `${formatJson(json)}\n`);
  writeFileSync(join(FIXTURES_DIR, `${name}.waterfall`), built.bytes);
  writeFileSync(join(FIXTURES_DIR, `${name}.waterfall.layers`), built.layers);
  console.log(`${name}: ${built.bytes.length} bytes, swarm ${built.expected.swarmId}`);
}
