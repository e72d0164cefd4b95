/**
 * `ut-tls/ap`: the Authentication Proxy of TS 33.141 5.1.4 / Annex A (Node-only). docs/ap.md describes
 * the configuration and the command `ut-tls ap --config FILE`. The demo certificate maker is not
 * shipped: it is repository tooling for labs and tests (`npm run ap:demo-certs -- DIR`).
 */
export { ApConfigError, loadApConfig, parseApConfig } from './config.js';
export type { ApConfig, HostConfig, RouteConfig, AuthenticatorConfig, SessionStoreConfig } from './config.js';
export { createProxy, stripHopByHop } from './proxy.js';
export { clientCertificateAuthenticator, staticAuthenticator, encodeAuthRecord, decodeAuthRecord } from './authenticators.js';
export type { Authenticator, TlsFacts } from './authenticators.js';
export { ASSERTED_IDENTITY, INTENDED_IDENTITY, applyIdentityHeaders, decideIdentity, formatQuotedIdentity, isValidIdentity, parseQuotedIdentity } from './identity.js';
export type { AuthenticatedUser, IdentityDecision } from './identity.js';
