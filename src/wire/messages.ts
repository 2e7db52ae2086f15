// The wire codec (docs/PROTOCOL.md): one {size, encode, decode} per message in
// messages/, and here the one dispatch over message ids. Pure: Uint8Array in, Uint8Array out.
import { BytefallError } from '../errors.js';
import { Reader, Writer } from './bytes.js';
import type { Codec } from './messages/codec.js';
import * as control from './messages/control.js';
import * as haveMsgs from './messages/have.js';
import * as transfer from './messages/transfer.js';
import * as hashMsgs from './messages/hashes.js';
import * as announce from './messages/announce.js';

export type { HelloMsg, CloseMsg, ChokeMsg, UnchokeMsg, InterestedMsg, NotInterestedMsg } from './messages/control.js';
export type { HaveAllMsg, HaveNoneMsg, BitfieldMsg, HaveMsg } from './messages/have.js';
export type { DeltaAsk, PieceRef, RequestMsg, PieceMsg, CancelMsg, RejectMsg } from './messages/transfer.js';
export type { HashRequestMsg, HashesMsg } from './messages/hashes.js';
export type { VersionMsg, PexMsg, PexEntry } from './messages/announce.js';

/** A frame of length 0. */
export interface KeepAliveMsg {
  type: 'keep-alive';
}

/** A message id this build does not know: skipped by the receiver. */
export interface UnknownMsg {
  type: 'unknown';
  id: number;
  payload: Uint8Array;
}

export type Message =
  | control.HelloMsg | control.CloseMsg | control.ChokeMsg | control.UnchokeMsg
  | control.InterestedMsg | control.NotInterestedMsg
  | haveMsgs.HaveAllMsg | haveMsgs.HaveNoneMsg | haveMsgs.BitfieldMsg | haveMsgs.HaveMsg
  | transfer.RequestMsg | transfer.PieceMsg | transfer.CancelMsg | transfer.RejectMsg
  | hashMsgs.HashRequestMsg | hashMsgs.HashesMsg
  | announce.VersionMsg | announce.PexMsg
  | KeepAliveMsg | UnknownMsg;

export type MessageType = Message['type'];

type KnownType = Exclude<MessageType, 'keep-alive' | 'unknown'>;

/** Each message type's codec, keyed by its `type`. */
export const CODECS: { [T in KnownType]: Codec<Extract<Message, { type: T }>> } = {
  hello: control.hello,
  close: control.close,
  choke: control.choke,
  unchoke: control.unchoke,
  interested: control.interested,
  'not-interested': control.notInterested,
  'have-all': haveMsgs.haveAll,
  'have-none': haveMsgs.haveNone,
  bitfield: haveMsgs.bitfield,
  have: haveMsgs.have,
  request: transfer.request,
  piece: transfer.piece,
  cancel: transfer.cancel,
  reject: transfer.reject,
  'hash-request': hashMsgs.hashRequest,
  hashes: hashMsgs.hashes,
  version: announce.version,
  pex: announce.pex,
};

/** The same codecs indexed by message id. */
const BY_ID: (Codec<Message> | undefined)[] = [];
for (const codec of Object.values(CODECS) as Codec<Message>[]) BY_ID[codec.id] = codec;

/** The upper-case name of a message id ("REQUEST"), or "message <id>". */
export function messageName(id: number): string {
  return BY_ID[id]?.name ?? `message ${id}`;
}

const KEEP_ALIVE_FRAME = new Uint8Array(4);

/** A whole frame: `<len u32><id u8><payload>`, or 4 zero bytes for a keep-alive. */
export function encodeMessage(m: Message): Uint8Array {
  if (m.type === 'keep-alive') return KEEP_ALIVE_FRAME.slice();
  if (m.type === 'unknown') {
    if (BY_ID[m.id] || !Number.isInteger(m.id) || m.id < 0 || m.id > 255) throw new BytefallError('BAD_ARGUMENT', `message id ${m.id} is known or not a u8`);
    const w = new Writer(5 + m.payload.length);
    return w.u32(1 + m.payload.length).u8(m.id).bytes(m.payload).finish();
  }
  const codec = CODECS[m.type] as Codec<Message>;
  const size = codec.size(m);
  const w = new Writer(5 + size);
  w.u32(1 + size).u8(codec.id);
  codec.encode(w, m);
  return w.finish();
}

/** The length prefix and id of a frame whose payload is written separately (PIECE data). */
export function encodeFrameHeader(id: number, payloadLen: number): Uint8Array {
  return new Writer(5).u32(1 + payloadLen).u8(id).finish();
}

/**
 * Decodes one frame body (the bytes after the length prefix). The result's byte
 * fields are views into `body`. Throws WIRE_* errors for malformed input.
 */
export function decodeMessage(body: Uint8Array): Message {
  if (body.length === 0) return { type: 'keep-alive' };
  const id = body[0];
  const payload = body.subarray(1);
  const codec = BY_ID[id];
  if (!codec) return { type: 'unknown', id, payload };
  const r = new Reader(payload, codec.name);
  const m = codec.decode(r);
  r.end();
  return m;
}
