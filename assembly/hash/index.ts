// The hash module (build/hash.wasm): BLAKE3 with 4-lane SIMD, and the ByteFall merkle
// tree. Loaded and typed by src/hash/wasm.ts.
export {
  inputPtr, inputCapacity, outputPtr, outputCapacity, keyPtr, lensPtr, lensCapacity, statePtr, stateSize,
  init, initDeriveKey, update, finalize, hashMany, verifyPiece,
} from './blake3';
export { leavesPtr, merkleRoot, merkleProof, merkleVerify } from './merkle';
export { cdcGearPtr, cdcInit, cdcUpdate, cdcLeaves } from './cdc';
