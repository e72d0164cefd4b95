/**
 * `ut-tls/ap`: the Authentication Proxy of TS 33.141 5.1.4 / Annex A (Node-only). docs/ap.md describes
 * the configuration and the command `ut-tls ap --config FILE`. The demo certificate maker is not
 * shipped: it is repository tooling for labs and tests (`npm run ap:demo-certs -- DIR`).
 */
export { ApConfigError, loadApConfig, parseApConfig } from './config.js';
export type { ApConfig, HostConfig, RouteConfig, AuthenticatorConfig, SessionStoreConfig } from './config.js';
export { AuthenticationProxy, createProxy, stripHopByHop } from './proxy.js';
export type { ProxyOptions } from './proxy.js';
export { MemoryReauthMarks } from './reauth-marks.js';
export type { ReauthMarks } from './reauth-marks.js';
export { formatAccessLine, openAccessLog } from './access-log.js';
export type { AccessEntry, AccessLog } from './access-log.js';
export { clientCertificateAuthenticator, staticAuthenticator, encodeAuthRecord, decodeAuthRecord, readAuthRecord } from './authenticators.js';
export type { Authenticator, TlsFacts } from './authenticators.js';
export { gbaAuthenticator, gbaFileAuthenticator } from './gba-authenticator.js';
export type { GbaAuthenticator, GbaAuthenticatorOptions, ImpuLookup } from './gba-authenticator.js';
export { ASSERTED_IDENTITY, INTENDED_IDENTITY, applyIdentityHeaders, decideIdentity, formatQuotedIdentity, isValidIdentity, parseQuotedIdentity } from './identity.js';
export type { AuthenticatedUser, IdentityDecision } from './identity.js';
export { RedisSessionStore } from './redis-store.js';
export type { RedisSessionStoreOptions } from './redis-store.js';
export { RedisError, RespClient } from './resp.js';
