// The decoded shape of a Waterfall (docs/FORMAT.md) and of the inputs that
// build one. Plain data: the codec fills these, everything else reads them.

export const FORMAT_MAJOR = 1;
/** The newest minor version this build reads and writes (1.1: content-defined pieces). */
export const FORMAT_MINOR = 1;
/** The minor version written when no file uses content-defined pieces: such a Waterfall stays 1.0. */
export const FORMAT_MINOR_FIXED = 0;
export const FORMAT_PATCH = 0;
export const HASH_BLAKE3 = 1;
export const HEADER_LEN = 640;
export const ENTRY_LEN = 448;
export const FOOTER_FIXED_LEN = 128;
export const PEER_LEN = 64;
export const MIN_PEER_SLOTS = 5;
export const NAME_FIELD_LEN = 256;
export const MIN_PIECE_SIZE = 1 << 10;
export const MAX_PIECE_SIZE = 1 << 24;
export const FLAG_DIRECTORY = 1;
export const CHUNKING_FIXED = 0;
/** Format 1.1: content-defined pieces (FastCDC, docs/FORMAT.md "Format 1.1"). */
export const CHUNKING_CDC = 1;
/** A CDC file's piece size (its average piece size) is at most 4 MiB, so its largest piece (4x) is at most 16 MiB. */
export const MAX_CDC_PIECE_SIZE = 1 << 22;
export interface Entry {
  /** One path component. */
  name: string;
  /** Every component from the root down to and including `name`. */
  path: string[];
  isDir: boolean;
  size: number;
  /** ms since the epoch, 0 when unknown. */
  created: number;
  changed: number;
  pieceSize: number;
  fileVersion: number;
  /** POSIX permission bits (0o777 at most). */
  permissions: number;
  /** CHUNKING_FIXED or (format 1.1) CHUNKING_CDC. */
  chunking: number;
  /** Format 1.1, CDC files only: the number of pieces (a fixed-size file's is ceil(size / pieceSize)). */
  pieceCount?: number;
  /** 64-byte entry hash. */
  hash: Uint8Array;
  /** 64-byte entry hash of the parent directory, zeros at the root. */
  parentHash: Uint8Array;
}

export type PeerKind = 0 | 1 | 2; // 0 ZeroTier only, 1 IPv4, 2 IPv6

export interface PeerRecord {
  publicKey: Uint8Array; // 32 bytes, zero when unknown
  ztAddress: bigint; // 40-bit ZeroTier node id, 0n when none
  confidence: number; // i32
  kind: PeerKind;
  port: number;
  /** Dotted IPv4 or IPv6 text; '' for kind 0. */
  ip: string;
}

export interface Waterfall {
  version: [number, number, number];
  hashAlgorithm: number;
  name: string;
  salt: Uint8Array; // 64
  nameSaltHash: Uint8Array; // 64
  sequence: number;
  publishTime: number;
  publicKey: Uint8Array; // 32
  /** Present only when decoded with allowPrivateKey and the file carries the private form. */
  privateSeed?: Uint8Array;
  headerSignature: Uint8Array; // 64
  filesSignature: Uint8Array; // 64
  entries: Entry[];
  peers: PeerRecord[];
  /** Derived: 32 bytes, stable across versions. */
  swarmId: Uint8Array;
  /** Derived: 32 bytes, names this signed version. */
  waterfallId: Uint8Array;
}

/** What `create`/`publish` know about one entry before the Waterfall is built. */
export interface EntryInput
  extends Pick<Entry, 'path' | 'isDir' | 'size' | 'created' | 'changed' | 'pieceSize' | 'fileVersion' | 'permissions' | 'pieceCount'> {
  /** CHUNKING_FIXED (the default) or CHUNKING_CDC; a Waterfall with a CDC file is format 1.1. */
  chunking?: number;
  /** Merkle root of the file's pieces (32 bytes; for a CDC file, over its CDC leaves); ignored for directories. */
  root: Uint8Array;
}

export interface BuildInput {
  name: string;
  salt: Uint8Array;
  sequence: number;
  publishTime: number;
  /** The publisher's 32-byte ed25519 seed. */
  seed: Uint8Array;
  entries: EntryInput[];
  peers?: PeerRecord[];
  /** Write the note's private-key form of the key block (never for publishing). */
  embedPrivateKey?: boolean;
}
