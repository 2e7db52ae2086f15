// Small byte helpers the format modules share.

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);
}

export function isZero(a: Uint8Array): boolean {
  return a.every((b) => b === 0);
}
