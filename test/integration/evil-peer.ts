// A test-only peer that speaks the real protocol (src/wire) and lies, to check that honest
// nodes ban it and carry on. Modes: 'corrupt' serves random bytes for every piece (and honest
// hashes, so the lie is found by the piece check); 'bad-proof' answers HASH_REQUESTs with
// hashes and proofs that do not lead to the entry hash; 'silent' claims every piece and
// never answers; 'lie-have' announces a piece past the last; 'bad-records' answers HASH_REQUESTs
// for content-defined files with honest records whose first length is changed.
// As a script: node dist/test/integration/evil-peer.js <file.waterfall> <listen> <mode>
// prints {"event":"listening","address":...} and runs until killed.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import { pathToFileURL } from 'node:url';
import { decodeLayers } from '../../src/format/layers.js';
import { decodeWaterfall } from '../../src/format/decode.js';
import type { Waterfall } from '../../src/format/model.js';
import { rewritePeers } from '../../src/format/rewrite.js';
import { equalBytes } from '../../src/format/bytes.js';
import { formatAddress, type Address } from '../../src/net/address.js';
import { nodeKeyFromSeed } from '../../src/net/node-key.js';
import { TcpTlsTransport } from '../../src/net/tcp-tls.js';
import type { Transport } from '../../src/net/transport.js';
import { PieceHashes } from '../../src/swarm/piece-hashes.js';
import { CLOSE_UNKNOWN_SWARM, ENCODING_DELTA } from '../../src/wire/constants.js';
import { Wire } from '../../src/wire/wire.js';

/** 'forged-version': announces a newer version and serves a Waterfall whose files signature is broken. */
export type EvilMode = 'corrupt' | 'bad-proof' | 'silent' | 'lie-have' | 'bad-records' | 'forged-version' | 'delta-junk';

export interface EvilPeerOptions {
  transport: Transport;
  listen: string;
  waterfall: Waterfall;
  /** The Waterfall's served form. */
  served: Uint8Array;
  /** Per-file leaves: with them, hash requests get honest answers (except in 'bad-proof'). */
  layers?: Uint8Array[];
  mode: EvilMode;
  /**
   * 'delta-junk': the first file's bytes (fixed-size pieces). Requests with a delta signature get
   * a well-formed delta that rebuilds wrong bytes; the others get the true bytes.
   */
  firstFile?: Uint8Array;
}

export interface EvilPeer {
  address: Address;
  /** Connections that completed the handshake. */
  connections: number;
  /** PIECE answers sent with junk. */
  junkSent: number;
  close(): Promise<void>;
}

export async function startEvilPeer(o: EvilPeerOptions): Promise<EvilPeer> {
  const w = o.waterfall;
  const hashes = new PieceHashes(w, o.layers);
  const total = hashes.files.reduce((n, _e, i) => n + hashes.pieceCount(i), 0);
  const server = await o.transport.listen(o.listen);
  const wires = new Set<Wire>();
  const peer: EvilPeer = {
    address: server.address,
    connections: 0,
    junkSent: 0,
    close: async () => {
      for (const wire of wires) wire.close();
      await server.close();
    },
  };
  server.on('connection', (conn) => {
    const wire = new Wire(conn.stream, {
      initiator: false,
      nodeId: o.transport.nodeId,
      remoteNodeId: conn.remoteNodeId,
      listenPort: server.address.port,
      acceptSwarm: (sid) => (equalBytes(sid, w.swarmId) ? true : CLOSE_UNKNOWN_SWARM),
    });
    wires.add(wire);
    wire.on('close', () => wires.delete(wire));
    const forged = o.served.slice();
    forged[640 + 448 * w.entries.length + 10] ^= 1; // inside the files signature
    wire.on('handshake', () => {
      peer.connections++;
      if (o.mode === 'forged-version') {
        wire.version({ sequence: w.sequence + 1, waterfallId: randomBytes(32), waterfallSize: forged.length });
        wire.haveNone(w.waterfallId);
        return;
      }
      wire.version({ sequence: w.sequence, waterfallId: w.waterfallId, waterfallSize: o.served.length });
      if (o.mode === 'lie-have') {
        wire.haveNone(w.waterfallId);
        wire.have(total + 5);
        return;
      }
      wire.haveAll(w.waterfallId);
      wire.unchoke();
    });
    wire.on('request', (m) => {
      if (m.ref.kind === 'waterfall') return void wire.piece(m.reqId, (o.mode === 'forged-version' ? forged : o.served).subarray(m.offset, m.offset + m.length));
      if (o.mode === 'silent') return;
      if (o.mode === 'delta-junk' && o.firstFile && m.ref.kind === 'index') {
        if (m.ref.delta) {
          // Every base block copied in turn, then zeros: well-formed, small, and wrong.
          const n = Math.floor(m.length / m.ref.delta.blockLen);
          const ops = [...Array(n)].flatMap(() => [3, 0]);
          const rest = m.length - n * m.ref.delta.blockLen;
          const tail = rest ? [...encodeLeb(rest * 2), ...new Uint8Array(rest)] : [];
          peer.junkSent++;
          return void wire.piece(m.reqId, deflateRawSync(Uint8Array.from([...ops, ...tail])), undefined, ENCODING_DELTA);
        }
        const at = m.ref.piece * w.entries[0].pieceSize + m.offset;
        return void wire.piece(m.reqId, o.firstFile.subarray(at, at + m.length));
      }
      peer.junkSent++;
      wire.piece(m.reqId, randomBytes(m.length));
    });
    wire.on('hash-request', (m) => {
      const file = hashes.entryIndex.indexOf(m.file);
      const honest = o.mode !== 'bad-proof' && file >= 0 ? hashes.answer(file, m.first, m.count) : undefined;
      if (honest && o.mode === 'bad-records' && honest.recordLen === 36) {
        const forged = Buffer.from(honest.hashes);
        forged.writeUInt32LE(forged.readUInt32LE(0) + 1, 0);
        return void wire.hashes(m.reqId, forged, honest.proof, 36);
      }
      if (honest) return void wire.hashes(m.reqId, honest.hashes, honest.proof, honest.recordLen);
      if (o.mode === 'silent') return;
      const n = file >= 0 ? Math.max(1, Math.min(m.count, hashes.pieceCount(file) - m.first)) : 1;
      const steps = Math.ceil(Math.log2(Math.max(2, file >= 0 ? hashes.pieceCount(file) : 2)));
      wire.hashes(m.reqId, randomBytes(32 * n), randomBytes(32 * steps));
    });
  });
  return peer;
}

function encodeLeb(v: number): number[] {
  const out: number[] = [];
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

async function main(argv: string[]): Promise<void> {
  const [file, listen, mode] = argv;
  const bytes = new Uint8Array(readFileSync(file));
  const waterfall = decodeWaterfall(bytes);
  let layers: Uint8Array[] | undefined;
  try {
    layers = decodeLayers(new Uint8Array(readFileSync(`${file}.layers`)), waterfall);
  } catch {
    layers = undefined;
  }
  const transport = await TcpTlsTransport.create(nodeKeyFromSeed(new Uint8Array(randomBytes(32))));
  const peer = await startEvilPeer({ transport, listen, waterfall, served: rewritePeers(bytes, []), layers, mode: mode as EvilMode });
  process.stdout.write(JSON.stringify({ event: 'listening', address: formatAddress(peer.address) }) + '\n');
  const stop = () => void peer.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main(process.argv.slice(2));
