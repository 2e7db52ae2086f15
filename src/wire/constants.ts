// Every number of the wire protocol (docs/PROTOCOL.md) in one place: message
// ids, limits, timeouts, capability bits and the reason codes of CLOSE and REJECT.

/** The protocol versions this build speaks (the handshake picks the highest in common). */
export const PROTOCOL_VERSION_MIN = 1;
export const PROTOCOL_VERSION_MAX = 1;

/** First bytes of every HELLO: ASCII "ByteFall". */
export const HELLO_MAGIC = new Uint8Array([0x42, 0x79, 0x74, 0x65, 0x46, 0x61, 0x6c, 0x6c]);

// Message ids (the byte after the length prefix). A frame of length 0 is a keep-alive.
export const MSG_HELLO = 0;
export const MSG_CLOSE = 1;
export const MSG_CHOKE = 2;
export const MSG_UNCHOKE = 3;
export const MSG_INTERESTED = 4;
export const MSG_NOT_INTERESTED = 5;
export const MSG_HAVE_ALL = 6;
export const MSG_HAVE_NONE = 7;
export const MSG_BITFIELD = 8;
export const MSG_HAVE = 9;
export const MSG_REQUEST = 10;
export const MSG_PIECE = 11;
export const MSG_CANCEL = 12;
export const MSG_REJECT = 13;
export const MSG_HASH_REQUEST = 14;
export const MSG_HASHES = 15;
export const MSG_VERSION = 16;
export const MSG_PEX = 17;

// Limits.
/** Largest frame body (id + payload) after the handshake. */
export const MAX_FRAME_LEN = 1 << 20;
/** Largest frame body before the handshake completes (a HELLO with extensions). */
export const MAX_HELLO_FRAME_LEN = 1024;
/** Largest block one REQUEST may ask for. */
export const MAX_BLOCK_LEN = 128 * 1024;
/** Bytes of a PIECE message in front of its data: `<len u32><id=11><reqId u32><encoding u8>`. */
export const PIECE_HEADER_LEN = 10;
/** Largest piece a Waterfall may have (docs/FORMAT.md). */
export const MAX_PIECE_LEN = 1 << 24;
/** Requests (REQUEST + HASH_REQUEST) one side may have outstanding to the other. */
export const MAX_REQUESTS_IN_FLIGHT = 256;
/** Leaf hashes one HASH_REQUEST may ask for. */
export const MAX_HASHES_PER_REQUEST = 512;
/** Proof hashes in one HASHES: a file has fewer than 2^32 pieces. */
export const MAX_PROOF_LEN = 32;
/** Entries in one PEX message. */
export const MAX_PEX_ENTRIES = 50;
/** A receiver may ignore PEX messages that come sooner than this after the last. */
export const PEX_INTERVAL_MS = 60_000;
/** Connections one node keeps per swarm (enforced by the swarm engine). */
export const MAX_PEERS_PER_SWARM = 64;
/** UTF-8 bytes of the text in a CLOSE. */
export const MAX_CLOSE_TEXT = 255;
/** Size of the signed Waterfall header a VERSION may carry. */
export const WATERFALL_HEADER_LEN = 640;
/** Served form of a Waterfall: 768 + 448 n + 5 empty peer slots. */
export const MIN_SERVED_WATERFALL_LEN = 1088;
export const WATERFALL_ENTRY_LEN = 448;

// Timeouts (ms).
export const HANDSHAKE_TIMEOUT_MS = 10_000;
/** Send a keep-alive when nothing was sent for this long. */
export const KEEP_ALIVE_INTERVAL_MS = 60_000;
/** Close when nothing was received for this long. */
export const IDLE_TIMEOUT_MS = 150_000;
/** A request unanswered for this long is reported ('request-timeout'). */
export const REQUEST_TIMEOUT_MS = 60_000;

// Capability bits (HELLO). Both sides use the intersection.
export const CAP_PEX = 1 << 0;
/** PIECE encoding 1 (raw deflate), for requests that welcome compression. */
export const CAP_DEFLATE = 1 << 1;
/** PIECE encoding 2 (brotli), for requests that welcome compression. */
export const CAP_BROTLI = 1 << 2;
/** REQUEST kind 3 and PIECE encoding 3: deflate with an old piece as dictionary. */
export const CAP_DICT = 1 << 3;
/** The delta flag of REQUEST (a signature of bytes the requester holds) and PIECE encoding 4. */
export const CAP_DELTA = 1 << 4;
/** The capabilities this build implements. */
export const CAPS_IMPLEMENTED = CAP_PEX | CAP_DEFLATE | CAP_BROTLI | CAP_DICT | CAP_DELTA;

// PIECE encodings.
export const ENCODING_RAW = 0;
export const ENCODING_DEFLATE = 1;
export const ENCODING_BROTLI = 2;
export const ENCODING_DICT = 3;
/** Raw deflate of a delta (delta.ts) against the bytes the request's signature describes. */
export const ENCODING_DELTA = 4;

// PieceRef kinds (REQUEST): the low 7 bits of the kind byte.
export const REF_INDEX = 0;
export const REF_HASH = 1;
export const REF_WATERFALL = 2;
export const REF_DICT = 3;
/** Bit 7 of the kind byte of kinds 0-2: the requester welcomes a compressed answer (encodings 1-2). */
export const REF_FLAG_COMPRESS = 0x80;
/** Bit 6 of the kind byte of kinds 0-2: a delta signature follows the ref (PIECE encoding 4 welcome; needs DELTA). */
export const REF_FLAG_DELTA = 0x40;
/** Bytes of the dictionary piece a kind-3 request names: [dictOffset, dictOffset + this), clipped. */
export const DICT_WINDOW_LEN = 32 * 1024;
/** Blocks a requester asks with kind 3 (deflate reaches back 32 KiB: a block fits beside its window). */
export const DICT_BLOCK_LEN = 16 * 1024;

// CLOSE reasons.
export const CLOSE_NORMAL = 0;
export const CLOSE_PROTOCOL_ERROR = 1;
export const CLOSE_UNSUPPORTED_VERSION = 2;
export const CLOSE_UNKNOWN_SWARM = 3;
export const CLOSE_NODE_ID_MISMATCH = 4;
export const CLOSE_SELF = 5;
export const CLOSE_DUPLICATE = 6;
export const CLOSE_TOO_MANY_PEERS = 7;
export const CLOSE_TIMEOUT = 8;
export const CLOSE_BAD_DATA = 9;
export const CLOSE_REASON_NAMES: Record<number, string> = {
  [CLOSE_NORMAL]: 'normal',
  [CLOSE_PROTOCOL_ERROR]: 'protocol error',
  [CLOSE_UNSUPPORTED_VERSION]: 'unsupported version',
  [CLOSE_UNKNOWN_SWARM]: 'unknown swarm',
  [CLOSE_NODE_ID_MISMATCH]: 'node id mismatch',
  [CLOSE_SELF]: 'connected to itself',
  [CLOSE_DUPLICATE]: 'duplicate connection',
  [CLOSE_TOO_MANY_PEERS]: 'too many peers',
  [CLOSE_TIMEOUT]: 'timeout',
  [CLOSE_BAD_DATA]: 'bad data',
};

// REJECT reasons.
export const REJECT_NOT_HAVE = 0;
export const REJECT_CHOKED = 1;
export const REJECT_CANCELLED = 2;
export const REJECT_BUSY = 3;
export const REJECT_INVALID = 4;
export const REJECT_REASON_NAMES: Record<number, string> = {
  [REJECT_NOT_HAVE]: 'not have',
  [REJECT_CHOKED]: 'choked',
  [REJECT_CANCELLED]: 'cancelled',
  [REJECT_BUSY]: 'busy',
  [REJECT_INVALID]: 'invalid',
};

// PEX entry address kinds (the same numbers as a Waterfall peer record) and flags.
export const PEX_KIND_ZEROTIER = 0;
export const PEX_KIND_IPV4 = 1;
export const PEX_KIND_IPV6 = 2;
export const PEX_FLAG_DROPPED = 1 << 0;
export const PEX_FLAG_SEED = 1 << 1;
export const PEX_ENTRY_LEN = 52;
