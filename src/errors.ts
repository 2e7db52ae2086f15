// One error type for the whole project, with stable string codes. The CLI turns
// any BytefallError into one readable line; anything else is a bug.

export const ERROR_CODES = {
  // format
  TRUNCATED: 'the file is shorter than its counts say',
  BAD_SIZE: 'the file size disagrees with its counts',
  BAD_MAGIC: 'not a Waterfall file (wrong magic)',
  UNSUPPORTED_VERSION: 'unknown Waterfall format version',
  UNSUPPORTED_HASH: 'unknown hash algorithm',
  RESERVED_NONZERO: 'reserved bytes must be zero',
  BAD_NAME: 'invalid name',
  BAD_NAME_SALT_HASH: 'the name/salt hash does not match',
  BAD_HEADER: 'invalid header value (sequence or publish time)',
  BAD_ENTRY: 'invalid file entry',
  DUPLICATE_NAME: 'two entries with the same name in one directory',
  BAD_ORDER: 'entries are not in canonical order',
  MISSING_PARENT: 'an entry names a parent directory that does not exist',
  BAD_ENTRY_HASH: 'an entry hash does not match its contents',
  BAD_KEY: 'the key block is invalid',
  BAD_PEER: 'invalid peer record',
  UNSUPPORTED_CHUNKING: 'unknown chunking mode',
  INVALID_SIGNATURE: 'signature does not verify',
  PRIVATE_KEY_PRESENT: 'the Waterfall carries a private key',
  BAD_PIECE_LAYER: 'piece layer does not match the merkle root',
  // keys
  BAD_KEY_FILE: 'invalid key file',
  KEY_EXISTS: 'refusing to overwrite an existing key file',
  // files on disk
  NOT_FOUND: 'no such file or directory',
  NOT_A_DIRECTORY: 'not a directory',
  IO_ERROR: 'input/output error',
  FILE_CHANGED: 'a file changed while it was being hashed',
  UNSUPPORTED_FILE: 'unsupported file type',
  // storage (docs/STORAGE.md)
  NO_SPACE: 'no space left on the device',
  UNSAFE_PATH: 'a path would leave the download directory or clash with a ByteFall file',
  NAME_UNMAPPABLE: 'an entry name cannot be placed one to one on this file system (Windows name mapping)',
  NOT_VERIFIED: 'the piece is not verified',
  // arguments
  BAD_ARGUMENT: 'invalid argument',
  // hashing pool
  POOL_ERROR: 'hashing worker failed',
  // wire protocol (docs/PROTOCOL.md)
  WIRE_TOO_LARGE: 'a wire message is longer than the limit',
  WIRE_TRUNCATED: 'a wire message ends before its fields do',
  WIRE_BAD_MESSAGE: 'a wire message is malformed',
  WIRE_UNEXPECTED: 'a wire message came at the wrong time',
  WIRE_BAD_HANDSHAKE: 'the peer sent an invalid handshake',
  WIRE_UNSUPPORTED_VERSION: 'no protocol version in common with the peer',
  WIRE_UNKNOWN_SWARM: 'the peer does not serve this swarm',
  WIRE_NODE_ID_MISMATCH: 'the node id the peer claims is not the key it proved',
  WIRE_SELF: 'connected to ourselves',
  WIRE_REFUSED: 'the peer refused the connection',
  WIRE_UNKNOWN_REQUEST: 'a response names no request in flight',
  WIRE_TOO_MANY_REQUESTS: 'more requests in flight than the limit',
  WIRE_BAD_DATA: 'the peer sent data that does not verify',
  WIRE_TIMEOUT: 'the peer did not answer in time',
  WIRE_CLOSED: 'the connection closed',
  // transports (src/net)
  NET_CONNECT_FAILED: 'cannot connect to the peer',
  NET_LISTEN_FAILED: 'cannot listen on the address',
  NET_TLS_FAILED: 'the TLS handshake failed',
  NET_NOT_AUTHENTICATED: 'the peer presented no ed25519 node certificate',
  NET_WRONG_NODE: 'the peer is not the node that was expected',
  // the ZeroTier transport (src/net/zt, docs/ZEROTIER.md)
  ZT_ADDON_MISSING: 'the ZeroTier addon is not built (npm run build:native)',
  LIBZT_MISSING: 'libzt (ZeroTier) is not installed',
  LIBZT_INCOMPATIBLE: 'the library found is not a usable libzt',
  ZT_NODE_FAILED: 'the ZeroTier node failed',
  ZT_NODE_BUSY: 'a ZeroTier node is already running in this process',
  ZT_OFFLINE: 'the ZeroTier node could not reach a root server in time',
  ZT_NO_ADDRESS: 'no address on the ZeroTier network in time',
  ZT_STOPPED: 'the ZeroTier node stopped',
  // announce service client (docs/ANNOUNCE.md)
  ANNOUNCE_UNAVAILABLE: 'the announce service did not answer',
  ANNOUNCE_BAD_RESPONSE: 'the announce service sent an invalid response',
  ANNOUNCE_REFUSED: 'the announce service refused the request',
  ANNOUNCE_BAD_RECORD: 'the version record does not verify',
  // updates (docs/UPDATES.md)
  OTHER_SWARM: 'the Waterfall belongs to another swarm',
  STALE_VERSION: 'the version is not newer than the one held',
  EQUIVOCATION: 'two different Waterfalls were signed with the same sequence',
  BAD_PROOF: 'not a valid equivocation proof',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorDetails {
  /** The file the error is about, when there is one. */
  file?: string;
  /** The operation that failed (open, read, write, rename, ...). */
  op?: string;
  cause?: unknown;
}

export class BytefallError extends Error {
  readonly code: ErrorCode;
  readonly file?: string;
  readonly op?: string;

  constructor(code: ErrorCode, message?: string, details: ErrorDetails = {}) {
    super(message ?? ERROR_CODES[code], details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'BytefallError';
    this.code = code;
    this.file = details.file;
    this.op = details.op;
  }

  /** Wraps a Node.js system error (ENOENT, EACCES, ...) with the file and operation. */
  static fromSystem(err: unknown, file: string, op: string): BytefallError {
    const e = err as NodeJS.ErrnoException;
    const code: ErrorCode =
      e?.code === 'ENOENT'
        ? 'NOT_FOUND'
        : e?.code === 'ENOTDIR'
          ? 'NOT_A_DIRECTORY'
          : e?.code === 'ENOSPC' || e?.code === 'EDQUOT'
            ? 'NO_SPACE'
            : 'IO_ERROR';
    const why = e?.code ? `${e.code}` : String(e?.message ?? e);
    return new BytefallError(code, `cannot ${op} ${file}: ${why}`, { file, op, cause: err });
  }
}

export function isBytefallError(err: unknown): err is BytefallError {
  return err instanceof BytefallError;
}
