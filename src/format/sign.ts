// The Waterfall's two signatures: the header signature (over the public form of
// bytes 0-575) and the files signature (over the public header and all entries).
import { sign, verify } from '../keys/ed25519.js';
import { headerSignatureMessage, filesSignatureMessage } from './digests.js';
import { publicHeader } from './public-form.js';
import { HEADER_LEN } from './model.js';
import { HEADER_SIGNATURE_AT, footerAt, HASH64_LEN } from './layout.js';

/** Signs a file whose header, entries and key block are written, filling in both signature fields in place. */
export function signWaterfall(bytes: Uint8Array, fileCount: number, seed: Uint8Array): void {
  bytes.set(sign(headerSignatureMessage(publicHeader(bytes, HEADER_SIGNATURE_AT)), seed), HEADER_SIGNATURE_AT);
  bytes.set(sign(filesMessage(bytes, fileCount), seed), footerAt(fileCount));
}

export function verifyHeaderSignature(bytes: Uint8Array, publicKey: Uint8Array): boolean {
  const signature = bytes.subarray(HEADER_SIGNATURE_AT, HEADER_SIGNATURE_AT + HASH64_LEN);
  return verify(signature, headerSignatureMessage(publicHeader(bytes, HEADER_SIGNATURE_AT)), publicKey);
}

export function verifyFilesSignature(bytes: Uint8Array, fileCount: number, publicKey: Uint8Array): boolean {
  const at = footerAt(fileCount);
  return verify(bytes.subarray(at, at + HASH64_LEN), filesMessage(bytes, fileCount), publicKey);
}

function filesMessage(bytes: Uint8Array, fileCount: number): Uint8Array {
  return filesSignatureMessage(publicHeader(bytes), bytes.subarray(HEADER_LEN, footerAt(fileCount)));
}
