// One connected peer of a swarm: the Wire plus what the engine keeps about it (libtorrent's
// peer_connection state): which pieces it has, the pieces and hash runs we asked it for,
// the requests it asked us and we have not served yet, rates both ways, PEX bookkeeping.
// Behaviour lives in download.ts, upload.ts, hash-fetch.ts and pex.ts.
import type { EncodeAsk } from './compress.js';
import type { Address } from '../net/address.js';
import { toHex } from '../util/hex.js';
import type { Wire } from '../wire/wire.js';
import { Bitfield } from './picker-bitfield.js';
import { RateMeter } from './picker-rate.js';
import type { PieceAssembly } from './piece-assembly.js';
import type { HashRun } from './piece-hashes.js';
import type { OtherHaves } from './peer-events.js';

/** A block request in flight: the piece it is part of and its number there. */
export interface BlockRequest {
  assembly: PieceAssembly;
  block: number;
}

/** A block the peer asked for and we will read and send. */
export interface UploadJob {
  reqId: number;
  piece: number;
  file: number;
  /** Offset in the file. */
  offset: number;
  length: number;
  /** The request welcomes compression (or names a dictionary): compress.ts. */
  encode?: EncodeAsk;
  /** Where the piece starts in the file, and its length (to read it whole, piece-cache.ts). */
  pieceStart: number;
  pieceLength: number;
}

export interface PeerInfo {
  /** Where the peer accepts connections ("host:port"), when known: what PEX passes on. */
  listenAddress?: string;
  /** Where the connection comes from. */
  remote: Address;
  /** We dialed it. */
  outgoing: boolean;
}

export class Peer {
  readonly id: string;
  readonly nodeId: Uint8Array;
  readonly connectedAt = Date.now();
  /** The swarm forgot it (it closed, or lost a race with a duplicate connection). */
  removed = false;
  /** What it has of our version (empty until it says). */
  bits: Bitfield;
  /** Its last HAVE_ALL/HAVE_NONE/BITFIELD named our version. */
  onOurVersion = false;
  /** What it said it has of another version (passed on when it is handed to that version's swarm). */
  other?: OtherHaves;
  /** The version it announced last (VERSION). */
  version?: { sequence: number; waterfallId: Uint8Array };
  /** Detaches the swarm's listeners from the wire (attachPeer). */
  detach: () => void = () => undefined;
  readonly down = new RateMeter();
  readonly up = new RateMeter();
  downloaded = 0;
  uploaded = 0;
  /** When its last block arrived (our clock), 0 before any. */
  lastBlockAt = 0;

  // ---- what we asked it for ----
  /** Pieces being fetched from it, by global index, in the order they were picked. */
  readonly assemblies = new Map<number, PieceAssembly>();
  readonly blockRequests = new Map<number, BlockRequest>();
  /** Block requests sent and not answered, including those of dropped pieces. */
  blocksInFlight = 0;
  readonly hashRequests = new Map<number, HashRun>();
  /** Files whose hashes it said it does not have. */
  readonly noHashes = new Set<number>();
  /** REJECT NOT_HAVE for pieces it claimed to have. */
  notHaveRejects = 0;

  // ---- what it asked us for ----
  readonly uploads: UploadJob[] = [];
  /** Blocks of each piece sent to it so far, until it has the whole piece. */
  readonly sentBlocks = new Map<number, number>();
  /** Its requests that wait for its socket to drain before we even look at them. */
  readonly waiting: (() => void)[] = [];
  reading = 0;

  // ---- PEX ----
  /** What we told it, by listen address (node id hex, or '' when unknown). */
  readonly pexSent = new Map<string, string>();
  pexDueAt = 0;
  pexReceivedAt = 0;

  constructor(
    readonly wire: Wire,
    readonly info: PeerInfo,
    pieces: number,
  ) {
    this.nodeId = wire.handshake!.remoteNodeId;
    this.id = toHex(this.nodeId);
    this.bits = new Bitfield(pieces);
  }

  get isSeed(): boolean {
    return this.onOurVersion && this.bits.length > 0 && this.bits.count === this.bits.length;
  }

  /** Short name for log lines: its address and the start of its node id. */
  get label(): string {
    const where = this.info.listenAddress ?? `${this.info.remote.kind === 'ip' ? this.info.remote.host : this.info.remote.node}:${this.info.remote.port}`;
    return `${where} ${this.id.slice(0, 16)}`;
  }
}
