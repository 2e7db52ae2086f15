// The TLS 1.3 profile every ByteFall transport runs (docs/PROTOCOL.md, "TCP + TLS
// 1.3"): both ends present the self-signed certificate of their node key, and the
// key in the peer's certificate, proved by TLS's CertificateVerify, is its node id.
import { constants as cryptoConstants } from 'node:crypto';
import tls from 'node:tls';
import { BytefallError } from '../errors.js';
import { toHex } from '../util/hex.js';
import { nodeIdOfCertificate, type NodeCertificate } from './node-cert.js';

export const ALPN = 'bytefall';
/** TLS 1.3 suites in order of preference: AES-128-GCM is the fastest with AES-NI. */
export const CIPHER_SUITES = 'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256';

/** What goes into the SecureContext of a certificate. */
function contextOptions(cert: NodeCertificate): tls.SecureContextOptions {
  return {
    minVersion: 'TLSv1.3',
    maxVersion: 'TLSv1.3',
    ciphers: CIPHER_SUITES,
    sigalgs: 'ed25519',
    cert: cert.certPem,
    key: cert.keyPem,
    // No certificate authorities: a peer is the key it proves. Without this, node:tls parses
    // its ~140 bundled root certificates into the first context a process makes (~20 ms).
    ca: [],
    // no session tickets: every connection does a full handshake, so every peer proves its key
    secureOptions: cryptoConstants.SSL_OP_NO_TICKET,
  };
}

const contexts = new WeakMap<NodeCertificate, tls.SecureContext>();

/**
 * The one SecureContext of a node certificate. Given the PEM texts instead, node:tls
 * builds a context for every connection it dials: a new SSL_CTX, and the certificate
 * and key parsed again (OpenSSL 3's decoders make that the dearest part of a handshake).
 */
export function secureContextOf(cert: NodeCertificate): tls.SecureContext {
  let context = contexts.get(cert);
  if (!context) contexts.set(cert, (context = tls.createSecureContext(contextOptions(cert))));
  return context;
}

/** The options both ends share: the certificate's context, and what each connection negotiates. */
export function profile(cert: NodeCertificate): tls.SecureContextOptions & tls.CommonConnectionOptions {
  return {
    ...contextOptions(cert), // a server builds its one context from these
    secureContext: secureContextOf(cert), // a dialed socket uses this one
    ALPNProtocols: [ALPN],
    rejectUnauthorized: false, // no chain to check: the peer's key is checked instead
  };
}

/** The peer's proved node id, or the error that refuses it. */
export function authenticate(socket: tls.TLSSocket, expected?: Uint8Array): Uint8Array | BytefallError {
  if (socket.alpnProtocol !== ALPN) return new BytefallError('NET_TLS_FAILED', `peer did not negotiate ALPN "${ALPN}"`);
  const nodeId = nodeIdOfCertificate(socket.getPeerX509Certificate());
  if (!nodeId) return new BytefallError('NET_NOT_AUTHENTICATED', 'peer presented no ed25519 certificate');
  if (expected && Buffer.compare(nodeId, expected) !== 0) {
    return new BytefallError('NET_WRONG_NODE', `peer is node ${toHex(nodeId)}, not the expected ${toHex(expected)}`);
  }
  return nodeId;
}
