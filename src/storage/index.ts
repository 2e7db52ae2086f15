export * from './storage.js';
export * from './layout.js';
export { MemoryStorage, type MemoryStorageOptions } from './memory-storage.js';
export { FsStorage, type FsStorageOptions } from './fs-storage.js';
export { ResumeState } from './resume-state.js';
