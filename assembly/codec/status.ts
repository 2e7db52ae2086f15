// Status codes returned by every codec function: 0 is success, anything else
// names the first rule the block broke. src/format/status.ts maps each to a
// BytefallError code and message; keep the two tables in step.

export const OK: i32 = 0;
export const OUT_OF_BOUNDS: i32 = 1; // a caller bug: the block does not fit the I/O area

// header block 0
export const BAD_MAGIC: i32 = 10;
export const VERSION_MAJOR: i32 = 11;
export const VERSION_MINOR: i32 = 12;
export const UNSUPPORTED_HASH: i32 = 13;
export const RESERVED_NONZERO: i32 = 14; // F_WHERE = the byte
export const HEADER_FIELD_RANGE: i32 = 15; // encode only; F_ARG = the slot

// name fields
export const NAME_NO_NUL: i32 = 20;
export const NAME_PADDING: i32 = 21; // F_WHERE = the byte
export const NAME_EMPTY: i32 = 22;
export const NAME_DOT: i32 = 23;
export const NAME_SLASH: i32 = 24; // F_WHERE
export const NAME_CONTROL: i32 = 25; // F_WHERE
export const NAME_UTF8: i32 = 26; // F_WHERE
export const NAME_TOO_LONG: i32 = 27; // encode only

// count/sequence block
export const SEQUENCE_ZERO: i32 = 30;
export const SEQUENCE_RANGE: i32 = 31;
export const PUBLISH_TIME_RANGE: i32 = 32;

// key block
export const PRIVATE_KEY: i32 = 40;

// entry info block
export const ENTRY_FLAGS: i32 = 50;
export const DIR_SIZE: i32 = 51;
export const DIR_PIECE_SIZE: i32 = 52;
export const DIR_CHUNKING: i32 = 53;
export const UNSUPPORTED_CHUNKING: i32 = 54;
export const PIECE_SIZE: i32 = 55;
export const SIZE_RANGE: i32 = 56;
export const FILE_VERSION: i32 = 57;
export const PERMISSIONS: i32 = 58;
export const ENTRY_TIME_RANGE: i32 = 59;
export const ENTRY_FIELD_RANGE: i32 = 60; // encode only; F_ARG = the slot
export const CDC_PIECE_SIZE: i32 = 61; // format 1.1
export const CDC_PIECE_COUNT: i32 = 62; // format 1.1

// footer: peer count block and peer records
export const PEER_KIND: i32 = 70;
export const PEER_PORT: i32 = 71;
export const PEER_ZT_RANGE: i32 = 72;
export const PEER_NO_ZT: i32 = 73;
export const PEER_NO_IP: i32 = 74;
export const PEER_IP_FORM: i32 = 75;
export const PEER_SLOT_USED: i32 = 76; // F_WHERE
export const PEER_FIELD_RANGE: i32 = 77; // encode only; F_ARG = the slot
