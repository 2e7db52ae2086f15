// The TLS certificate of a node key: a self-signed X.509 certificate whose key IS
// the node's ed25519 key, made with @peculiar/x509 over WebCrypto. Deterministic
// (fixed fields, ed25519 signatures are deterministic): one key, one certificate.
// Peers pin the key, so nothing else in it is checked (docs/PROTOCOL.md, "Transport").
import 'reflect-metadata'; // @peculiar/x509 uses tsyringe, which needs it
import * as x509 from '@peculiar/x509';
import { createPrivateKey, webcrypto, type X509Certificate } from 'node:crypto';
import type { NodeKey } from './node-key.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export interface NodeCertificate {
  /** PEM, for tls.createSecureContext({ cert }). */
  certPem: string;
  /** The node key as PKCS#8 PEM, for tls.createSecureContext({ key }). */
  keyPem: string;
}

const NOT_BEFORE = new Date(Date.UTC(2026, 0, 1));
const NOT_AFTER = new Date(Date.UTC(9999, 11, 31, 23, 59, 59)); // RFC 5280: no expiry

function b64u(b: Uint8Array): string {
  return Buffer.from(b).toString('base64url');
}

export async function nodeCertificate(key: NodeKey): Promise<NodeCertificate> {
  const jwk = { kty: 'OKP', crv: 'Ed25519', d: b64u(key.seed), x: b64u(key.publicKey) };
  const subtle = webcrypto.subtle;
  const privateKey = await subtle.importKey('jwk', jwk, { name: 'Ed25519' }, false, ['sign']);
  const publicKey = await subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, { name: 'Ed25519' }, true, ['verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=ByteFall node',
    notBefore: NOT_BEFORE,
    notAfter: NOT_AFTER,
    signingAlgorithm: { name: 'Ed25519' },
    keys: { privateKey, publicKey } as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys'],
    extensions: [],
  });
  const keyPem = createPrivateKey({ key: jwk, format: 'jwk' }).export({ type: 'pkcs8', format: 'pem' }) as string;
  return { certPem: cert.toString('pem'), keyPem };
}

/** The 32-byte ed25519 key of a peer certificate, or undefined for any other kind of key. */
export function nodeIdOfCertificate(cert: X509Certificate | undefined): Uint8Array | undefined {
  const pk = cert?.publicKey;
  if (!pk || pk.asymmetricKeyType !== 'ed25519') return undefined;
  const x = pk.export({ format: 'jwk' }).x;
  if (typeof x !== 'string') return undefined;
  const raw = new Uint8Array(Buffer.from(x, 'base64url'));
  return raw.length === 32 ? raw : undefined;
}
