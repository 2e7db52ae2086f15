// Canonical entry order (docs/FORMAT.md, "Order and parents"): paths compared
// component by component, each by its raw UTF-8 bytes, a path before any
// longer path it is a prefix of.

/** Compares two names by their raw UTF-8 bytes. */
export function compareNames(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i] - b[i];
  }
  return a.length - b.length;
}

/** Compares two paths (lists of UTF-8 names) in canonical order. */
export function comparePaths(a: readonly Uint8Array[], b: readonly Uint8Array[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareNames(a[i], b[i]);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

const utf8 = new TextEncoder();

/**
 * compareNames on names given as strings, without encoding them: below U+D800 the
 * order of UTF-16 code units is the order of UTF-8 bytes, so the first differing
 * unit decides; where a surrogate or a unit from U+D800 up is involved, the names
 * are encoded and compared as bytes. Same sign as compareNames of the encodings.
 */
export function compareNameStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x < 0xd800 && y < 0xd800) return x - y;
    return compareNames(utf8.encode(a), utf8.encode(b));
  }
  return a.length - b.length;
}

/** comparePaths on paths given as lists of strings (compareNameStrings for each name). */
export function comparePathStrings(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareNameStrings(a[i], b[i]);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}
