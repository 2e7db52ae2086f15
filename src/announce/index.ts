// The announce service and its client (docs/ANNOUNCE.md).
export * from './limits.js';
export * from './api-error.js';
export * from './record.js';
export * from './record-sign.js';
export * from './address-policy.js';
export * from './interval-control.js';
export * from './swarm-state.js';
export * from './store.js';
export * from './file-store.js';
export * from './rate-limit.js';
export * from './handler.js';
export * from './server.js';
export * from './poll-policy.js';
export * from './client.js';
export * from './announcer.js';
