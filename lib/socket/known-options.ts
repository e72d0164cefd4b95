/**
 * Every option name ut-tls knows, by role, and the node:tls options it does not implement. An option
 * is either honoured or refused: an unknown name (a typo such as `requestCrt`) or a node:tls option
 * ut-tls cannot honour is a TLSConfigError naming it, so nothing is silently ignored. The refused
 * list is in docs/api.md ("Options ut-tls refuses"); keep the two in step.
 *
 * minVersion / maxVersion / secureProtocol are node:tls's version knobs: accepted when they allow
 * TLSv1 (the only version ut-tls speaks), refused when they exclude it.
 */
import { TLSConfigError } from '../errors.js';
import { CLIENT_PASSTHROUGH, SERVER_PASSTHROUGH } from './engine-options.js';

/** Options of both roles (options.ts CommonSocketOptions, plus options other modules read). */
const COMMON = [
  'cipherSuites', 'ciphers', 'handshakeTimeout', 'key', 'cert', 'ca', 'rejectUnauthorized', 'minRSABits',
  'allowSHA1Signatures', 'crypto', 'provider', 'splitRecords', 'now', 'maxHandshakeMessageLength', 'strictIdentity',
  'secureContext', 'minVersion', 'maxVersion', 'secureProtocol', 'renegotiation', 'allowNullEncryption', 'truncatedHmac',
  // read by the key log (SSLKEYLOGFILE) and the hostile-peer limits
  'keylogFile', 'enableTrace', 'maxPendingHandshakes', 'pendingInputLimit', 'maxSessionLeafSize',
  'sessionTickets', 'noTickets',
] as const;

/** The socket's own client options, and every engine option it passes through (engine-options.ts). */
const CLIENT = ['host', 'port', 'socket', 'servername', 'session', 'checkServerIdentity', ...CLIENT_PASSTHROUGH] as const;

const SERVER = [
  'requestCert', 'sessionTimeout', 'sessionStore', 'ticketKeys', 'contexts', 'SNICallback', 'selectContext', 'pskCallback',
  ...SERVER_PASSTHROUGH,
  // net.Server options the Server passes on
  'pauseOnConnect', 'noDelay', 'keepAlive',
] as const;

/** new TLSSocket(socket, options) takes either role's options and these. */
const SOCKET = ['isServer'] as const;

/** createSecureContext(), `contexts` entries, addContext() and SNICallback answers. */
const CONTEXT = ['key', 'cert', 'ca', 'ocspResponse', 'servername', 'strictIdentity'] as const;

/** node:tls (and net) options ut-tls does not implement, with why or what to do instead. */
export const REFUSED_NODE_OPTIONS: Readonly<Record<string, string>> = {
  NPNProtocols: 'NPN is not implemented',
  pfx: 'PKCS#12 is not read; pass key and cert as PEM (openssl pkcs12 -nodes converts it)',
  passphrase: 'encrypted private keys are not read; decrypt the key first (openssl pkey -in key.pem -out plain.pem)',
  sigalgs: 'TLS 1.0 has no signature_algorithms (RSA signatures use MD5+SHA-1)',
  ecdhCurve: 'ECDHE suites are not implemented (RSA and DHE_RSA key exchange only)',
  dhparam: 'use dhGroup (an RFC 3526 / RFC 7919 group) instead',
  honorCipherOrder: 'the server always chooses by its own cipherSuites order',
  sessionIdContext: 'not implemented; sessions are kept per Server (sessionStore)',
  secureOptions: 'OpenSSL option flags have no meaning here',
  privateKeyEngine: 'OpenSSL engines are not available',
  privateKeyIdentifier: 'OpenSSL engines are not available',
  clientCertEngine: 'OpenSSL engines are not available',
  crl: 'CRLs are not checked; use verifyOCSP for revocation',
  highWaterMark: 'not implemented',
  signal: 'not implemented; call socket.destroy() instead',
  server: 'not implemented for new TLSSocket(); use createServer()',
  // net.connect options: open the transport yourself and pass it as `socket`.
  timeout: 'connect() opens a plain TCP connection; for connect timeouts open it with net.connect() and pass it as `socket` (or use setTimeout())',
  family: 'open the TCP connection with net.connect({ family }) and pass it as `socket`',
  hints: 'open the TCP connection with net.connect({ hints }) and pass it as `socket`',
  localAddress: 'open the TCP connection with net.connect({ localAddress }) and pass it as `socket`',
  localPort: 'open the TCP connection with net.connect({ localPort }) and pass it as `socket`',
  lookup: 'open the TCP connection with net.connect({ lookup }) and pass it as `socket`',
  path: 'open the connection with net.connect({ path }) and pass it as `socket`',
  autoSelectFamily: 'open the TCP connection with net.connect({ autoSelectFamily }) and pass it as `socket`',
  allowHalfOpen: 'TLS sockets close both directions (close_notify ends the connection)',
  onread: 'not implemented',
};

export type OptionsRole = 'client' | 'server' | 'socket' | 'context';

function knownFor(role: OptionsRole): ReadonlySet<string> {
  switch (role) {
    case 'client':
      return new Set<string>([...COMMON, ...CLIENT]);
    case 'server':
      return new Set<string>([...COMMON, ...SERVER]);
    case 'socket':
      return new Set<string>([...COMMON, ...CLIENT, ...SERVER, ...SOCKET]);
    case 'context':
      return new Set<string>(CONTEXT);
  }
}
const KNOWN: Record<OptionsRole, ReadonlySet<string>> = {
  client: knownFor('client'),
  server: knownFor('server'),
  socket: knownFor('socket'),
  context: knownFor('context'),
};
const EVERY_NAME = [...new Set<string>([...KNOWN.socket, ...CONTEXT, ...Object.keys(REFUSED_NODE_OPTIONS)])];

/**
 * The options this role honours, the rest left out: for layers that receive a mix (the HTTP Agent
 * gets node:http's request options and the TLS ones in one object, as https.Agent does).
 */
export function pickKnownOptions<T extends object>(options: T, role: OptionsRole): Partial<T> {
  const known = KNOWN[role];
  return Object.fromEntries(Object.entries(options).filter(([name]) => known.has(name))) as Partial<T>;
}

/** Throws TLSConfigError for the first option (with a defined value) this role does not honour. */
export function checkKnownOptions(options: object, role: OptionsRole, where = ''): void {
  const known = KNOWN[role];
  for (const [name, value] of Object.entries(options)) {
    if (value === undefined || known.has(name)) continue;
    const option = where + name;
    const refusal = REFUSED_NODE_OPTIONS[name];
    if (refusal !== undefined) throw new TLSConfigError(`${option}: this node:tls option is not supported by ut-tls (${refusal})`, option);
    const hint = didYouMean(name, role);
    const other = role !== 'socket' && role !== 'context' && KNOWN.socket.has(name) ? ` (it is a ${role === 'client' ? 'server' : 'client'} option)` : '';
    throw new TLSConfigError(`${option}: unknown option${other}${hint ? `; did you mean ${hint}?` : ''}`, option);
  }
  if (role !== 'context') checkVersions(options as VersionOptions);
}

/** The closest known name (case-insensitive match, else edit distance at most 2, or 3 for long names). */
function didYouMean(name: string, role: OptionsRole): string | undefined {
  const pool = [...KNOWN[role], ...EVERY_NAME];
  const lower = name.toLowerCase();
  const exact = pool.find((k) => k.toLowerCase() === lower);
  if (exact) return exact;
  let best: string | undefined;
  let bestDistance = name.length >= 10 ? 3 : 2;
  for (const k of pool) {
    const d = editDistance(lower, k.toLowerCase());
    if (d <= bestDistance && (best === undefined || d < bestDistance)) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance, with an adjacent transposition counted as one edit (requsetCert). */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

interface VersionOptions {
  minVersion?: unknown;
  maxVersion?: unknown;
  secureProtocol?: unknown;
}

const VERSIONS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;
/** secureProtocol values that allow TLS 1.0 (OpenSSL method names node:tls takes). */
const TLS1_METHODS = new Set(['TLSv1_method', 'TLSv1_client_method', 'TLSv1_server_method', 'TLS_method', 'TLS_client_method', 'TLS_server_method', 'SSLv23_method', 'SSLv23_client_method', 'SSLv23_server_method']);

function checkVersions(o: VersionOptions): void {
  const index = (option: 'minVersion' | 'maxVersion'): number | undefined => {
    const v = o[option];
    if (v === undefined) return undefined;
    const i = VERSIONS.indexOf(v as (typeof VERSIONS)[number]);
    if (i < 0) {
      throw new TLSConfigError(`${option}: ${JSON.stringify(v)} is not a node:tls version (${VERSIONS.map((x) => `'${x}'`).join(', ')}); ut-tls speaks only 'TLSv1'`, option);
    }
    return i;
  };
  const min = index('minVersion');
  const max = index('maxVersion');
  if (min !== undefined && min > 0) {
    throw new TLSConfigError(
      `minVersion: '${VERSIONS[min]}' excludes TLSv1, the only version ut-tls speaks; use node:tls for TLS 1.1 and later, or set minVersion 'TLSv1'`,
      'minVersion',
    );
  }
  if (min !== undefined && max !== undefined && max < min) throw new TLSConfigError(`maxVersion '${VERSIONS[max]}' is below minVersion '${VERSIONS[min]}'`, 'maxVersion');
  const sp = o.secureProtocol;
  if (sp !== undefined && !(typeof sp === 'string' && TLS1_METHODS.has(sp))) {
    throw new TLSConfigError(
      `secureProtocol: ${JSON.stringify(sp)} excludes TLSv1 or is not an OpenSSL method name; ut-tls speaks only TLS 1.0: use 'TLSv1_method' (or leave it out)`,
      'secureProtocol',
    );
  }
}
