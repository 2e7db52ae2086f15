// Small helpers for the wire tests: hex in and out, and plain() to compare
// decoded messages whose byte fields may be Buffers or Uint8Array views.

export function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

export function unhex(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'hex'));
}

/** Replaces every byte array in a value by its hex, recursively. */
export function plain(v: unknown): unknown {
  if (v instanceof Uint8Array) return `0x${hex(v)}`;
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

export function fill(byte: number, n = 32): Uint8Array {
  return new Uint8Array(n).fill(byte);
}
