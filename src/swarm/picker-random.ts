// Seeded randomness for the picker: a small PRNG (mulberry32) so tests can fix the seed, and
// the random rank that breaks ties between equally rare pieces.

/** A function returning numbers in [0, 1), like Math.random. */
export type Random = () => number;

/** mulberry32: 32 bits of state, good enough to spread picks; not for anything secret. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random permutation of 0..n-1 (Fisher-Yates): rank[i] is piece i's place among equals. */
export function randomRanks(n: number, random: Random): Uint32Array {
  const rank = new Uint32Array(n);
  for (let i = 0; i < n; i++) rank[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = rank[i];
    rank[i] = rank[j];
    rank[j] = t;
  }
  return rank;
}
