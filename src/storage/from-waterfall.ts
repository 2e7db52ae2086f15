// The storage layout of a Waterfall version: its file entries in order, each with its path,
// size, piece size and entry hash as the content id (so resume state never carries over to
// different content under the same path).
import type { Waterfall } from '../format/model.js';
import type { FileSpec } from './layout.js';

export function storageFiles(w: Waterfall): FileSpec[] {
  return w.entries.filter((e) => !e.isDir).map((e) => ({ path: e.path, size: e.size, pieceSize: e.pieceSize, id: e.hash }));
}
