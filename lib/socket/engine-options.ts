/**
 * How the socket layer gets each engine option, one row per key of the engine option types. The
 * compiler checks the rows against the types (`satisfies Record<keyof ...>`): a new engine option
 * (an extension's, say) does not build until it is given a row here, and a 'pass' row is all it
 * takes to make it a socket option (its type, its pass-through, its known name).
 *
 *   'pass'   the socket option of the same name, handed to the engine unchanged
 *   'socket' the socket layer makes it from its own options (key/cert/ca PEM, servername, ...)
 *   'engine' not a socket option (set internally, or only for Connection users)
 */
import type { ClientEngineOptions, ServerEngineOptions } from '../engine/types.js';

type Route = 'pass' | 'socket' | 'engine';

const COMMON_ROUTES = {
  provider: 'socket',
  cipherSuites: 'socket',
  now: 'socket',
  renegotiation: 'pass',
  deferCloseNotify: 'engine',
  allowNullEncryption: 'pass',
  maxHandshakeMessageLength: 'socket',
  pendingInputLimit: 'socket',
  trustAnchors: 'socket',
  minRSABits: 'socket',
  allowSHA1Signatures: 'socket',
  maxChainDepth: 'engine',
  maxSessionLeafSize: 'pass',
  verifyPeer: 'engine',
  ALPNProtocols: 'pass',
  extendedMasterSecret: 'pass',
  requireExtendedMasterSecret: 'pass',
  encryptThenMac: 'pass',
  sessionTickets: 'socket',
} as const;

export const CLIENT_ENGINE_ROUTES = {
  ...COMMON_ROUTES,
  isServer: 'socket',
  servername: 'socket',
  session: 'socket',
  splitRecords: 'socket',
  rejectUnauthorized: 'socket',
  insecureSkipVerify: 'engine',
  serverIdentity: 'socket',
  checkServerIdentity: 'socket',
  certificateChain: 'socket',
  privateKey: 'socket',
  minDHSize: 'pass',
  maxFragmentLength: 'pass',
  truncatedHmac: 'pass',
  requestOCSP: 'pass',
  verifyOCSP: 'pass',
  trustedCaKeys: 'pass',
  certificateUrl: 'pass',
  pskCallback: 'pass',
} as const satisfies Record<keyof ClientEngineOptions, Route>;

export const SERVER_ENGINE_ROUTES = {
  ...COMMON_ROUTES,
  isServer: 'socket',
  certificateChain: 'socket',
  privateKey: 'socket',
  splitRecords: 'socket',
  requestCert: 'socket',
  rejectUnauthorized: 'socket',
  sessionTimeout: 'socket',
  sessionStore: 'socket',
  ticketKeys: 'socket',
  requireEncryption128: 'pass',
  contexts: 'socket',
  selectContext: 'socket',
  unrecognizedName: 'pass',
  ocspResponse: 'pass',
  truncatedHmac: 'pass',
  fetchCertificateUrl: 'pass',
  reauthenticateResumed: 'pass',
  certificateAuthorities: 'pass',
  dhGroup: 'pass',
  pskCallback: 'socket',
  pskIdentityHint: 'pass',
  ffdheGroups: 'pass',
  ALPNCallback: 'pass',
} as const satisfies Record<keyof ServerEngineOptions, Route>;

/** The keys whose row is 'pass'. */
export type PassedKeys<R> = { [K in keyof R]: R[K] extends 'pass' ? K : never }[keyof R];

function passed<R extends Record<string, Route>>(routes: R): PassedKeys<R>[] {
  return Object.keys(routes).filter((k) => routes[k] === 'pass') as PassedKeys<R>[];
}

/** Engine options a client passes through unchanged (see engine/types.ts for each). */
export const CLIENT_PASSTHROUGH: readonly PassedKeys<typeof CLIENT_ENGINE_ROUTES>[] = passed(CLIENT_ENGINE_ROUTES);
/** Engine options a server passes through unchanged (see engine/types.ts for each). */
export const SERVER_PASSTHROUGH: readonly PassedKeys<typeof SERVER_ENGINE_ROUTES>[] = passed(SERVER_ENGINE_ROUTES);
