// The Waterfall block codec (docs/FORMAT.md): encodes, decodes and validates
// each 64-byte block kind in static memory, without allocating. The host copies
// bytes into io(), reads and writes 8-byte slots at fields(), and maps the
// returned status (assembly/codec/status.ts) to an error code.
import { IO, IO_LEN, FIELDS, SLOT_COUNT } from './memory';

export function io(): usize {
  return IO;
}

export function ioLen(): u32 {
  return IO_LEN;
}

export function fields(): usize {
  return FIELDS;
}

export function slotCount(): u32 {
  return SLOT_COUNT;
}

export { decodeHeaderBlock, encodeHeaderBlock, decodeCountBlock, encodeCountBlock, keyForm } from './header';
export { checkName, encodeName } from './name';
export { decodeInfo, encodeInfo } from './entry';
export { peerCountOf, decodePeerCountBlock, encodePeerCountBlock, decodePeer, encodePeer, checkEmptyPeer } from './footer';
