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
