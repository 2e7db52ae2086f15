// The shape every message codec has, in the manner of compact-encoding:
// size() first, then encode() into a Writer of exactly that size, and decode().
import type { Reader, Writer } from '../bytes.js';

export interface Codec<M> {
  /** The message id (the byte after the length prefix). */
  readonly id: number;
  /** Upper-case name used in errors and logs, e.g. "REQUEST". */
  readonly name: string;
  /** Payload size in bytes (without the length prefix and the id). */
  size(m: M): number;
  encode(w: Writer, m: M): void;
  /** Reads the payload; the dispatcher refuses trailing bytes afterwards. */
  decode(r: Reader): M;
}
