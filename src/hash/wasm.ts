// Loads build/hash.wasm (BLAKE3 and the merkle tree) once per thread, types its exports
// and keeps typed-array views over its memory, re-created when the memory grows. The
// module has one incremental hasher state; HasherState lets several hashes take turns.

import { loadWasm } from '../util/wasm-loader.js';


/** init() modes. */
export const MODE_HASH = 0;
export const MODE_KEYED = 1;
export const MODE_DERIVE_KEY_MATERIAL = 2;

/** The exports of build/hash.wasm (assembly/hash/index.ts). Lengths are in bytes. */
export interface HashExports {
  readonly memory: WebAssembly.Memory;
  inputPtr(): number;
  inputCapacity(): number;
  outputPtr(): number;
  outputCapacity(): number;
  keyPtr(): number;
  lensPtr(): number;
  lensCapacity(): number;
  statePtr(): number;
  stateSize(): number;
  init(mode: number): void;
  initDeriveKey(contextLen: number): void;
  update(len: number): void;
  finalize(outLen: number, offsetLo: number, offsetHi: number): void;
  hashMany(count: number): void;
  verifyPiece(len: number): number;
  leavesPtr(count: number): number;
  merkleRoot(count: number): void;
  merkleProof(count: number, index: number): number;
  merkleVerify(index: number, count: number, proofLen: number): number;
}

/** A saved copy of the hasher state, owned by one Blake3Hasher. */
export class HasherState {
  constructor(readonly saved: Uint8Array) {}
}

export class HashModule {
  readonly x: HashExports;
  readonly inputCapacity: number;
  readonly outputCapacity: number;
  readonly lensCapacity: number;
  #buffer: ArrayBuffer | null = null;
  #input!: Uint8Array;
  #output!: Uint8Array;
  #key!: Uint8Array;
  #lens!: Uint32Array;
  #state!: Uint8Array;
  #owner: HasherState | null = null;

  constructor(x: HashExports) {
    this.x = x;
    this.inputCapacity = x.inputCapacity();
    this.outputCapacity = x.outputCapacity();
    this.lensCapacity = x.lensCapacity();
  }

  #views(): void {
    const buffer = this.x.memory.buffer;
    if (buffer === this.#buffer) return;
    const x = this.x;
    this.#buffer = buffer;
    this.#input = new Uint8Array(buffer, x.inputPtr(), this.inputCapacity);
    this.#output = new Uint8Array(buffer, x.outputPtr(), this.outputCapacity);
    this.#key = new Uint8Array(buffer, x.keyPtr(), 32);
    this.#lens = new Uint32Array(buffer, x.lensPtr(), this.lensCapacity);
    this.#state = new Uint8Array(buffer, x.statePtr(), x.stateSize());
  }

  /** The input buffer (inputCapacity bytes). */
  get input(): Uint8Array { this.#views(); return this.#input; }
  /** The output buffer (outputCapacity bytes). */
  get output(): Uint8Array { this.#views(); return this.#output; }
  /** The key buffer (32 bytes). */
  get key(): Uint8Array { this.#views(); return this.#key; }
  /** The length table of hashMany (lensCapacity entries). */
  get lens(): Uint32Array { this.#views(); return this.#lens; }

  /** A view of `count` leaves (32 bytes each) inside WASM memory, growing it if needed. */
  leaves(count: number): Uint8Array {
    const ptr = this.x.leavesPtr(count) >>> 0;
    if (ptr === 0) throw new RangeError(`merkle: cannot fit ${count} leaves in WASM memory`);
    return new Uint8Array(this.x.memory.buffer, ptr, count * 32);
  }

  /**
   * Makes the hasher state in WASM memory belong to `owner` (null: to a one-shot call
   * that will init it): the previous owner's state is saved, the new owner's restored.
   */
  useState(owner: HasherState | null): void {
    if (this.#owner === owner) return;
    this.#views();
    if (this.#owner !== null) this.#owner.saved.set(this.#state);
    if (owner !== null) this.#state.set(owner.saved);
    this.#owner = owner;
  }

  /** Hands the freshly initialised state to a new HasherState. */
  adoptState(): HasherState {
    const owner = new HasherState(new Uint8Array(this.x.stateSize()));
    this.#owner = owner;
    return owner;
  }

  /** Absorbs `data`, through the input buffer in slices. */
  feed(data: Uint8Array): void {
    const cap = this.inputCapacity;
    for (let off = 0; off < data.length; off += cap) {
      const n = Math.min(cap, data.length - off);
      this.input.set(data.subarray(off, off + n));
      this.x.update(n);
    }
  }

  /** Output bytes [offset, offset + outLen) of the current hash, in a new array. */
  squeeze(outLen: number, offset: number): Uint8Array {
    const out = new Uint8Array(outLen);
    const cap = this.outputCapacity;
    for (let done = 0; done < outLen; done += cap) {
      const n = Math.min(cap, outLen - done);
      const at = offset + done;
      this.x.finalize(n, at % 0x1_0000_0000, Math.floor(at / 0x1_0000_0000));
      out.set(this.output.subarray(0, n), done);
    }
    return out;
  }
}

let instance: HashModule | undefined;

/** The hash module of this thread, instantiated on first use. */
export function hashWasm(): HashModule {
  if (instance === undefined) instance = new HashModule(loadWasm<HashExports>('hash'));
  return instance;
}
