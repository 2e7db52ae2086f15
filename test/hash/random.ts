// Seeded pseudo-random data for the hash tests, so that a failure can be replayed:
// every test prints its seed, and BYTEFALL_TEST_SEED=<seed> repeats it.

export function testSeed(): number {
  const fromEnv = process.env.BYTEFALL_TEST_SEED;
  return fromEnv ? Number(fromEnv) >>> 0 : (Math.random() * 0x1_0000_0000) >>> 0;
}

/** A small xorshift generator: not for cryptography, only for reproducible tests. */
export class Rng {
  #s: number;
  constructor(seed: number) {
    this.#s = seed >>> 0 || 0x9e3779b9;
  }
  u32(): number {
    let x = this.#s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#s = x >>> 0;
    return this.#s;
  }
  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor((this.u32() / 0x1_0000_0000) * n);
  }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    const words = new Uint32Array(out.buffer, 0, n >>> 2);
    for (let i = 0; i < words.length; i++) words[i] = this.u32();
    for (let i = words.length * 4; i < n; i++) out[i] = this.u32() & 0xff;
    return out;
  }
}
