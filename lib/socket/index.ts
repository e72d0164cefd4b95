/** The Node adapter: node:tls-shaped API over the sans-IO engine. */
export { TLSSocket, TLSCertificateError, type TLSSocketOptions, type CipherNameAndProtocol } from './tls-socket.js';
export { Server, createServer, type ServerOptions } from './server.js';
export { MemorySessionStore } from '../session/memory-store.js';
export { connect, type ConnectOptions } from './connect.js';
export {
  DEFAULT_HANDSHAKE_TIMEOUT,
  MAX_SESSION_TIMEOUT,
  defaultTrustAnchors,
  parseCipherSuites,
  type ClientSocketOptions,
  type ServerSocketOptions,
  type CommonSocketOptions,
  type PemInput,
  type PeerCertificateShape,
} from './options.js';
export { createSecureContext, SecureContext, type SecureContextOptions, type ContextInput } from './secure-context.js';
export type { SNICallback, SelectContext } from './virtual-hosts.js';
export type { PeerCertificate, DetailedPeerCertificate } from './peer-certificate.js';
