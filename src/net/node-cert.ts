// The TLS certificate of a node key: a self-signed X.509 certificate whose key IS the node's
// ed25519 key. Every field but the key and the signature is fixed, so the DER is a template
// (below, as @peculiar/x509 made it before: the test checks the two agree byte for byte), and
// node:crypto signs it; no X.509 library is loaded at start-up (that took ~70 ms per process).
// Deterministic (ed25519 signatures are): one key, one certificate. Peers pin the key, so
// nothing else in it is checked (docs/PROTOCOL.md, "Transport").
import { createPrivateKey, sign, type X509Certificate } from 'node:crypto';
import type { NodeKey } from './node-key.js';

export interface NodeCertificate {
  /** PEM, for tls.createSecureContext({ cert }). */
  certPem: string;
  /** The node key as PKCS#8 PEM, for tls.createSecureContext({ key }). */
  keyPem: string;
}

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
/** TBSCertificate up to the key: v3, serial 1, ed25519, CN=ByteFall node (issuer and subject),
 * valid 2026-01-01 to 9999-12-31 23:59:59 (RFC 5280: no expiry), the key's algorithm ed25519. */
const TBS_HEAD = hex(`
  30 81 95 a0 03 02 01 02 02 01 01 30 05 06 03 2b 65 70
  30 18 31 16 30 14 06 03 55 04 03 13 0d 42 79 74 65 46 61 6c 6c 20 6e 6f 64 65
  30 20 17 0d 32 36 30 31 30 31 30 30 30 30 30 30 5a 18 0f 39 39 39 39 31 32 33 31 32 33 35 39 35 39 5a
  30 18 31 16 30 14 06 03 55 04 03 13 0d 42 79 74 65 46 61 6c 6c 20 6e 6f 64 65
  30 2a 30 05 06 03 2b 65 70 03 21 00`);
/** After the key: an empty extensions field ([3] { SEQUENCE {} }). */
const TBS_TAIL = hex('a3 02 30 00');
const CERT_HEAD = hex('30 81 e2');
/** signatureAlgorithm ed25519, then the signature's BIT STRING header. */
const SIG_HEAD = hex('30 05 06 03 2b 65 70 03 41 00');

function b64u(b: Uint8Array): string {
  return Buffer.from(b).toString('base64url');
}

export async function nodeCertificate(key: NodeKey): Promise<NodeCertificate> {
  const jwk = { kty: 'OKP', crv: 'Ed25519', d: b64u(key.seed), x: b64u(key.publicKey) };
  const privateKey = createPrivateKey({ key: jwk, format: 'jwk' });
  const tbs = Buffer.concat([TBS_HEAD, key.publicKey, TBS_TAIL]);
  const der = Buffer.concat([CERT_HEAD, tbs, SIG_HEAD, sign(null, tbs, privateKey)]);
  const lines = der.toString('base64').match(/.{1,64}/g)!.join('\n');
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  return { certPem: `-----BEGIN CERTIFICATE-----\n${lines}\n-----END CERTIFICATE-----`, keyPem };
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
