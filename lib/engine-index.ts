/**
 * `ut-tls/engine`: the runtime-neutral core of ut-tls, for browsers, workers and any JS runtime.
 *
 * Why a separate entry: the root entry (`ut-tls`) also exports the Node socket layer, which imports
 * node:net/tls/stream/crypto, so a bundler following it pulls Node modules in. Everything reachable
 * from this file imports no `node:` module (test/architecture/engine-entry.test.ts walks the graph).
 * Bytes go in and out through `Connection.receive` and the `output` event; the transport is yours.
 *
 * Crypto: the engine defaults to the pure provider (`@noble/*` + own DES/RC4/RSA). The node:crypto
 * provider (crypto/native.ts) is deliberately not reachable from here; in Node use the root entry.
 */
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
  PeerVerificationOptions,
  SessionPeerVerification,
  TrustAnchor,
} from './engine/types.js';
export type { AgreedFacts } from './engine/extensions/types.js';
export { TLSError, TLSAlertError, TLSConfigError } from './errors.js';
export { AlertDescription, AlertLevel, alertName } from './alerts.js';
export { CIPHER_SUITES, suiteByName, suiteById, type CipherSuite } from './suites.js';
export { encodeSession, decodeSession } from './session/codec.js';
export { MemorySessionStore, type MemorySessionStoreOptions } from './session/memory-store.js';
export { TicketKeys, type TicketKeysOptions } from './session/tickets.js';

// X.509: chain verification (TS 33.141 / WAP-211 policy), certificate parsing, PEM and RSA keys.
export { verifyServerChain, verifyClientChain, checkHostname, type VerifyOptions } from './x509/verify.js';
export { parseCertificate, readCertificateChain, fingerprint, type X509Certificate } from './x509/certificate.js';
export { parsePrivateKey, parseRsaPublicKeyInfo, rsaPublicKeyOf } from './x509/keys.js';
export { pemDecode, pemEncode, looksLikePem } from './x509/pem.js';

// Crypto: the pure provider and provider selection ('auto' here means 'pure': nothing registers native).
export type { CryptoProvider, RsaPrivateKey, RsaPublicKey, RandomSource } from './crypto/provider.js';
export { createPureProvider, pureProvider, type PureProviderOptions } from './crypto/pure.js';
export { resolveProvider, type CryptoChoice } from './crypto/select.js';
export { seededRandom, systemRandom } from './crypto/random.js';
