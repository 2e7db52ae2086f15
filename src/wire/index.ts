export * from './constants.js';
export * from './messages.js';
export { FrameParser } from './framing.js';
export * from './handshake.js';
export * from './policy.js';
export type { InFlight } from './requests.js';
export { Wire, type WireOptions, type WireEvents, type WireCloseInfo, type WireTimeouts } from './wire.js';
export * from './proof.js';
