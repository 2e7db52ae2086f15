// Ed25519 verification with WebCrypto (crypto.subtle), which both hosts of the
// announce handler have: Node 20 and the Workers runtime. Never throws.

const ED25519 = { name: 'Ed25519' } as const;

export async function verifyEd25519(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): Promise<boolean> {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  try {
    const key = await crypto.subtle.importKey('raw', publicKey, ED25519, false, ['verify']);
    return await crypto.subtle.verify(ED25519, key, signature, message);
  } catch {
    return false;
  }
}
