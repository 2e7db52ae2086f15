// Connection control messages: HELLO (the handshake), CLOSE, and the four
// payload-less state messages CHOKE, UNCHOKE, INTERESTED, NOT_INTERESTED.
import { BytefallError } from '../../errors.js';
import { checkArg, checkBytes, isUint } from '../bytes.js';
import {
  HELLO_MAGIC, MAX_CLOSE_TEXT, MAX_HELLO_FRAME_LEN,
  MSG_HELLO, MSG_CLOSE, MSG_CHOKE, MSG_UNCHOKE, MSG_INTERESTED, MSG_NOT_INTERESTED,
} from '../constants.js';
import type { Codec } from './codec.js';

export interface HelloMsg {
  type: 'hello';
  versionMin: number;
  versionMax: number;
  /** Capability bits (CAP_*); the connection uses the intersection. */
  capabilities: number;
  /** The port this node accepts connections on, 0 when it does not listen. */
  listenPort: number;
  swarmId: Uint8Array;
  nodeId: Uint8Array;
  /** Bytes after the version-1 fields: room for later versions, ignored by this one. */
  extensions: Uint8Array;
}

const HELLO_FIXED = 8 + 2 + 2 + 4 + 2 + 32 + 32;
const EMPTY = new Uint8Array(0);

export const hello: Codec<HelloMsg> = {
  id: MSG_HELLO,
  name: 'HELLO',
  size: (m) => HELLO_FIXED + m.extensions.length,
  /**
   * `<len=u32><id=0><magic "ByteFall" 8><versionMin u16><versionMax u16><capabilities u32>
   *  <listenPort u16><swarmId 32><nodeId 32>[extensions]`
   */
  encode(w, m) {
    checkArg(isUint(m.versionMin, 0xffff) && isUint(m.versionMax, 0xffff) && m.versionMin >= 1 && m.versionMin <= m.versionMax, 'HELLO: bad version range');
    checkArg(isUint(m.capabilities, 0xffffffff) && isUint(m.listenPort, 0xffff), 'HELLO: bad capabilities or port');
    checkBytes(m.swarmId, 32, 'HELLO swarm id');
    checkBytes(m.nodeId, 32, 'HELLO node id');
    checkArg(HELLO_FIXED + 1 + m.extensions.length <= MAX_HELLO_FRAME_LEN, 'HELLO: extensions too long');
    w.bytes(HELLO_MAGIC).u16(m.versionMin).u16(m.versionMax).u32(m.capabilities).u16(m.listenPort).bytes(m.swarmId).bytes(m.nodeId).bytes(m.extensions);
  },
  decode(r) {
    const magic = r.bytes(8);
    if (!magic.every((b, i) => b === HELLO_MAGIC[i])) {
      throw new BytefallError('WIRE_BAD_HANDSHAKE', 'HELLO: wrong magic, not a ByteFall peer');
    }
    const versionMin = r.u16();
    const versionMax = r.u16();
    if (versionMin < 1 || versionMin > versionMax) {
      throw new BytefallError('WIRE_BAD_HANDSHAKE', `HELLO: invalid version range ${versionMin}-${versionMax}`);
    }
    const capabilities = r.u32();
    const listenPort = r.u16();
    const swarmId = r.bytes(32);
    const nodeId = r.bytes(32);
    const extensions = r.remaining ? r.rest() : EMPTY;
    return { type: 'hello', versionMin, versionMax, capabilities, listenPort, swarmId, nodeId, extensions };
  },
};

export interface CloseMsg {
  type: 'close';
  /** CLOSE_* reason; values this build does not know are kept as they are. */
  reason: number;
  /** One line for the other side's log, at most 255 UTF-8 bytes. */
  text: string;
}

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/** The UTF-8 of text, cut at a character boundary to at most max bytes. */
function utf8Prefix(text: string, max: number): Uint8Array {
  let bytes = utf8.encode(text);
  if (bytes.length <= max) return bytes;
  let end = max;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--; // do not split a character
  bytes = bytes.subarray(0, end);
  return bytes;
}

export const close: Codec<CloseMsg> = {
  id: MSG_CLOSE,
  name: 'CLOSE',
  size: (m) => 1 + utf8Prefix(m.text, MAX_CLOSE_TEXT).length,
  /** `<len=u32><id=1><reason u8><text UTF-8, 0-255 bytes>` (longer text is cut) */
  encode(w, m) {
    checkArg(isUint(m.reason, 0xff), 'CLOSE: reason must be a u8');
    w.u8(m.reason).bytes(utf8Prefix(m.text, MAX_CLOSE_TEXT));
  },
  decode(r) {
    const reason = r.u8();
    const raw = r.rest();
    if (raw.length > MAX_CLOSE_TEXT) throw r.bad(`text of ${raw.length} bytes is longer than ${MAX_CLOSE_TEXT}`);
    let text: string;
    try {
      text = utf8Strict.decode(raw);
    } catch {
      throw r.bad('text is not valid UTF-8');
    }
    return { type: 'close', reason, text };
  },
};

export type ChokeMsg = { type: 'choke' };
export type UnchokeMsg = { type: 'unchoke' };
export type InterestedMsg = { type: 'interested' };
export type NotInterestedMsg = { type: 'not-interested' };

function empty<T extends string>(id: number, name: string, type: T): Codec<{ type: T }> {
  const msg = { type } as { type: T };
  return {
    id,
    name,
    size: () => 0,
    encode() {},
    decode: () => msg,
  };
}

/** `<len=u32 1><id=2>` */
export const choke = empty(MSG_CHOKE, 'CHOKE', 'choke');
/** `<len=u32 1><id=3>` */
export const unchoke = empty(MSG_UNCHOKE, 'UNCHOKE', 'unchoke');
/** `<len=u32 1><id=4>` */
export const interested = empty(MSG_INTERESTED, 'INTERESTED', 'interested');
/** `<len=u32 1><id=5>` */
export const notInterested = empty(MSG_NOT_INTERESTED, 'NOT_INTERESTED', 'not-interested');
