// The storage layout of a Waterfall version: one FileSpec per file entry, in entry order.
// A content-defined file (format 1.1) brings its piece count from its entry, and its piece
// lengths from its layer when one is at hand (else they come later, with HASHES).
import { CHUNKING_CDC, type Waterfall } from '../format/model.js';
import { recordLengths } from '../hash/cdc.js';
import type { FileSpec } from '../storage/layout.js';

/** `layers`: each file's checked layer, as decodeLayers gives them (optional). */
export function fileSpecsOf(w: Waterfall, layers?: readonly Uint8Array[]): FileSpec[] {
  return w.entries.filter((e) => !e.isDir).map((e, i) => {
    const spec: FileSpec = { path: e.path, size: e.size, pieceSize: e.pieceSize, id: e.hash };
    if (e.chunking !== CHUNKING_CDC) return spec;
    spec.pieceCount = e.pieceCount ?? 0;
    if (layers) spec.pieceLengths = recordLengths(layers[i]);
    return spec;
  });
}
