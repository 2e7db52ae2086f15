export * from './transport.js';
export * from './address.js';
export * from './node-key.js';
export { nodeCertificate, nodeIdOfCertificate, type NodeCertificate } from './node-cert.js';
export { TcpTlsTransport, ALPN, CIPHER_SUITES } from './tcp-tls.js';
export { MemoryNetwork, duplexPair } from './memory.js';
