// The layout crash.test.ts and its child process share.
import type { FileSpec } from '../../src/storage/layout.js';

export const CRASH_FILES: FileSpec[] = [
  { path: ['one'], size: 96 * 4096 + 100, pieceSize: 4096 },
  { path: ['d', 'two'], size: 256 * 1024, pieceSize: 1024 },
  { path: ['d', 'three'], size: 3 * 16384, pieceSize: 16384 },
  { path: ['tiny'], size: 7, pieceSize: 1024 },
];
