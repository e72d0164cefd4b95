/**
 * ut-tls: a TLS 1.0 (RFC 2246) engine profiled for the 3GPP Ut interface (TS 33.141), with a
 * node:tls-shaped API. The engine itself (Connection) is sans-IO and runs in any JS runtime;
 * connect/createServer/TLSSocket/Server bind it to Node streams.
 */
import { DEFAULT_HANDSHAKE_TIMEOUT, MAX_SESSION_TIMEOUT } from './socket/options.js';

export { connect, createServer, TLSSocket, Server, TLSCertificateError, MemorySessionStore } from './socket/index.js';
export { createSecureContext, SecureContext, type SecureContextOptions, type ContextInput, type SNICallback, type SelectContext } from './socket/index.js';
export type {
  ConnectOptions,
  ServerOptions,
  TLSSocketOptions,
  CipherNameAndProtocol,
  ClientSocketOptions,
  ServerSocketOptions,
  CommonSocketOptions,
  PemInput,
  PeerCertificateShape,
  PeerCertificate,
  DetailedPeerCertificate,
} from './socket/index.js';
export { Connection } from './engine/connection.js';
export type {
  SessionData,
  SessionStore,
  CertificateVerdict,
  EngineEvents,
  EngineOptions,
  ClientEngineOptions,
  ServerEngineOptions,
  CommonEngineOptions,
  ClientPskCallback,
  ServerPskLookup,
} from './engine/types.js';
export type { ServerPskCallback } from './socket/psk-options.js';
export { TLSError, TLSAlertError, TLSConfigError } from './errors.js';
export { AlertDescription, AlertLevel, alertName } from './alerts.js';
export { CIPHER_SUITES, suiteByName, suiteById, type CipherSuite } from './suites.js';
export type { CryptoProvider, RsaPrivateKey, RsaPublicKey } from './crypto/provider.js';
export { verifyServerChain, verifyClientChain, checkHostname, type VerifyOptions } from './x509/verify.js';
export { encodeSession, decodeSession } from './session/codec.js';
export { TicketKeys, type TicketKeysOptions } from './session/tickets.js';

export const constants = Object.freeze({
  /** ProtocolVersion {3,1} (RFC 2246 A.1), the only version ut-tls speaks. */
  TLS1_VERSION: 0x0301,
  /** The protocol name getProtocol() returns. */
  PROTOCOL: 'TLSv1' as const,
  /** Default handshakeTimeout in milliseconds (as node:tls). */
  DEFAULT_HANDSHAKE_TIMEOUT,
  /** TS 33.141 7.1: session IDs live at most 24 hours (seconds). */
  MAX_SESSION_TIMEOUT,
  /** RFC 2246 6.2.1: the largest plaintext fragment. */
  MAX_FRAGMENT: 16384,
});
