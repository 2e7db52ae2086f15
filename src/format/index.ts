// The Waterfall format (docs/FORMAT.md): build, decode, re-encode, the piece
// layer sidecar, identifiers and the unsigned rewrites.
export * from './model.js';
export { buildWaterfall, type Built } from './build.js';
export { decodeWaterfall, type DecodeOptions } from './decode.js';
export { encodeWaterfall } from './encode.js';
export { encodeLayers, decodeLayers, pieceCountOf, layerRecordLen } from './layers.js';
export { entryHashFor } from './entry-hash.js';
export { rewritePeers, toPublicForm } from './rewrite.js';
export { swarmIdHex, waterfallIdHex, parseId } from './ids.js';
export { comparePaths, compareNames, comparePathStrings, compareNameStrings } from './order.js';
export { CONTEXTS } from './digests.js';
