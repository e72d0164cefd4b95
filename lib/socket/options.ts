/**
 * Node-style options (PEM strings or Buffers, comma-separated suite lists, node:tls names) turned into
 * the engine's options (DER bytes, parsed keys, suite ids). Node-only: the default trust store is
 * node:tls's `rootCertificates`.
 *
 * Everything here runs before any byte reaches the wire, so mistakes are TLSConfigError thrown
 * synchronously to the application (as node:tls throws for bad options), never alerts.
 */
import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import type { Duplex } from 'node:stream';
import type { BulkCipherName, CryptoProvider, RsaPrivateKey } from '../crypto/provider.js';
import { resolveProvider, type CryptoChoice } from '../crypto/select.js';
import '../crypto/native.js'; // registers node:crypto as the native provider ('auto' uses it)
import { parseSuiteList, resolveSuites } from '../policy/suite-selection.js';
import { isAllowedLifetime, MAX_SESSION_LIFETIME_SECONDS } from '../policy/session-lifetime.js';
import type { ClientEngineOptions, CommonEngineOptions, ServerEngineOptions, SessionData, SessionStore } from '../engine/types.js';
import { TLSConfigError } from '../errors.js';
import { cipherInfo } from '../suites.js';
import { pemDecode } from '../x509/pem.js';
import { parsePrivateKey } from '../x509/keys.js';
import { TICKET_KEYS_LENGTH, TicketKeys } from '../session/tickets.js';
import { loadIdentity } from './config-check.js';
import { CLIENT_PASSTHROUGH, SERVER_PASSTHROUGH } from './engine-options.js';
import { refuseNodeSecureContext, SecureContext } from './secure-context.js';
import { contextsOf, selectorOf, type VirtualHostOptions } from './virtual-hosts.js';
import { checkPskCallback, checkPskIdentityHint, unboundServerPsk, type ServerPskCallback } from './psk-options.js';

/** PEM text, or DER/PEM bytes. */
export type PemInput = string | Uint8Array;

/** The peer certificate in node:tls's getPeerCertificate() shape and type (socket/peer-certificate.ts). */
export type PeerCertificateShape = import('./peer-certificate.js').PeerCertificate;

/** Options shared by both roles. */
export interface CommonSocketOptions {
  /** Ordered list of suite names (RFC or OpenSSL names, any case) or ids, or one comma/colon-separated string. */
  cipherSuites?: string | readonly (string | number)[];
  /**
   * node:tls spelling: an OpenSSL-style list of suite names separated by ':' or ','. Only exact suite
   * names are understood (no cipher-string algebra such as `HIGH:!aNULL`); `@SECLEVEL=n` is ignored.
   */
  ciphers?: string;
  /** Milliseconds allowed for the handshake; default 120000 (as node:tls). */
  handshakeTimeout?: number;
  /** Our private key (PEM, PKCS#1 or PKCS#8, RSA). */
  key?: PemInput;
  /** Our certificate, PEM; may hold the whole chain, leaf first. */
  cert?: PemInput | readonly PemInput[];
  /** Trust anchors (PEM, one or many). Default: node:tls's `rootCertificates`. */
  ca?: PemInput | readonly PemInput[];
  /** Verify the peer's certificate and refuse the handshake when it fails. Default true. */
  rejectUnauthorized?: boolean;
  /**
   * Smallest RSA key, in bits, accepted in the peer's certificate chain (anchor included). Default
   * 2048; 1024 lets legacy devices in (WAP-211 6.2.5's floor). See docs/certificates.md.
   */
  minRSABits?: number;
  /**
   * Accept SHA-1-signed certificates in the peer's chain. Default true: WAP-211 (Cert-TLS-C-001)
   * mandates sha1WithRSAEncryption. MD5-signed certificates are always refused.
   */
  allowSHA1Signatures?: boolean;
  /**
   * Which crypto provider runs the primitives (docs/crypto-providers.md): 'auto' (default: node:crypto
   * where it has the algorithm, ours otherwise), 'pure' (ours everywhere), 'native' (node:crypto or a
   * clear error), or a CryptoProvider object.
   */
  crypto?: CryptoChoice;
  /** Alias of `crypto` taking a provider object (kept for compatibility). */
  provider?: CryptoProvider;
  /** 1/n-1 splitting of CBC application data (BEAST); default on for clients, off for servers. */
  splitRecords?: boolean;
  /** Injectable clock (ms since the epoch) for tests and replay; certificates are judged at this time too. */
  now?: () => number;
  /** Largest handshake message accepted from the peer, in bytes (engine default otherwise). */
  maxHandshakeMessageLength?: number;
  /** Bytes buffered while an async hook is pending before the transport is paused; default 65536 (docs/bounds.md). */
  pendingInputLimit?: number;
  /**
   * RFC 5077 session tickets: on by default on a server (as node:tls), opt-in (true) on a client
   * (engine/types.ts says why). `noTickets: true` turns them off on either side (the server then
   * issues and accepts none and resumes by session ID only).
   */
  sessionTickets?: boolean;
  /** `sessionTickets: false` in node:tls's words (its SSL_OP_NO_TICKET); wins over sessionTickets. */
  noTickets?: boolean;
  /**
   * Our certificate chain must be in order and its leaf's keyUsage fit the suites (lib/socket/config-check.ts).
   * Default true; false keeps only the parse and key-matches-leaf checks, for test labs that serve odd chains on purpose.
   */
  strictIdentity?: boolean;
  /**
   * Append each connection's NSS key-log line to this file (socket/keylog-file.ts; without it node's
   * --tls-keylog, then SSLKEYLOGFILE). Anyone who can read the file can decrypt the traffic.
   */
  keylogFile?: string;
  /**
   * Trace every record and handshake message to stderr as node:tls's enableTrace (TLSSocket.enableTrace());
   * a function (ut-tls addition) receives each line and the socket instead.
   */
  enableTrace?: boolean | ((line: string, socket: import('./tls-socket.js').TLSSocket) => void);
}

// The pass-through lists derive from the engine option types (engine-options.ts).
export { CLIENT_PASSTHROUGH, SERVER_PASSTHROUGH };

export interface ClientSocketOptions extends CommonSocketOptions, Pick<ClientEngineOptions, (typeof CLIENT_PASSTHROUGH)[number]> {
  host?: string;
  port?: number;
  /** Bring your own transport (e.g. an existing net.Socket, or a tunnel through an HTTP proxy). */
  socket?: Duplex;
  /** server_name to send and the name to check the certificate against; default host unless host is an IP. */
  servername?: string;
  /** A session to resume (as emitted by the 'session' event or getSession()). */
  session?: SessionData | Uint8Array;
  /** node:tls hook: return an Error to refuse the server's identity. Default: RFC 2818 checks in x509/verify.ts. */
  checkServerIdentity?: (hostname: string, cert: import('./peer-certificate.js').PeerCertificate) => Error | undefined;
}

export interface ServerSocketOptions
  extends CommonSocketOptions,
    VirtualHostOptions,
    Pick<ServerEngineOptions, (typeof SERVER_PASSTHROUGH)[number]> {
  /** Ask the client for a certificate (TS 33.141 6.1.4). Default false. */
  requestCert?: boolean;
  /** Handshakes in progress per Server; a connection beyond it is closed at once. Default 1024 (docs/bounds.md). */
  maxPendingHandshakes?: number;
  /** Session lifetime in seconds (at most 86400, TS 33.141 7.1). */
  sessionTimeout?: number;
  /** Where the server keeps resumable sessions; default: an in-memory store per Server. */
  sessionStore?: SessionStore;
  /**
   * RFC 5077, node:tls's shape: 48 bytes (key name, HMAC key, AES key) that seal and open tickets;
   * servers given the same bytes resume each other's tickets. Default: random per Server, rotated
   * every 12 hours (session/tickets.ts). Server#getTicketKeys() / setTicketKeys() read and replace them.
   */
  ticketKeys?: Uint8Array;
  /** RFC 4279 (node:tls's name): the key for a client's PSK identity; may return a Promise (lib/socket/psk-options.ts). */
  pskCallback?: ServerPskCallback;
}

export const DEFAULT_HANDSHAKE_TIMEOUT = 120_000;
/** TS 33.141 7.1: a session ID lives at most 24 hours. */
export const MAX_SESSION_TIMEOUT = MAX_SESSION_LIFETIME_SECONDS;

function asText(input: PemInput): string | null {
  if (typeof input === 'string') return input;
  // A Buffer or Uint8Array holding PEM text starts with "-----BEGIN" (possibly after whitespace).
  const head = new TextDecoder('latin1').decode(input.subarray(0, Math.min(input.length, 256)));
  return head.includes('-----BEGIN') ? new TextDecoder().decode(input) : null;
}

function toList<T>(v: T | readonly T[] | undefined): readonly T[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? (v as readonly T[]) : [v as T];
}

/** Certificates from PEM text (every CERTIFICATE block, in order) or one DER certificate in bytes. */
export function loadCertificates(input: PemInput | readonly PemInput[] | undefined, what: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const item of toList(input)) {
    if (typeof item !== 'string' && !(item instanceof Uint8Array)) {
      throw new TLSConfigError(`${what}: expected PEM text or bytes`);
    }
    const text = asText(item);
    if (text === null) {
      out.push(new Uint8Array(item as Uint8Array)); // DER as given
      continue;
    }
    let ders: Uint8Array[];
    try {
      ders = pemDecode(text, 'CERTIFICATE');
    } catch (err) {
      throw new TLSConfigError(`${what}: ${(err as Error).message}`);
    }
    if (ders.length === 0) throw new TLSConfigError(`${what}: no CERTIFICATE block in the PEM text`);
    out.push(...ders);
  }
  return out;
}

export function loadPrivateKey(input: PemInput, what = 'key'): RsaPrivateKey {
  if (Array.isArray(input)) throw new TLSConfigError(`${what}: one key expected, got a list`);
  const text = asText(input);
  if (text === null) throw new TLSConfigError(`${what}: expected a PEM private key`);
  try {
    return parsePrivateKey(text);
  } catch (err) {
    throw new TLSConfigError(`${what}: ${(err as Error).message}`);
  }
}

let defaultCa: Uint8Array[] | undefined;
/** node:tls's bundled Mozilla roots, decoded once per process. */
export function defaultTrustAnchors(): readonly Uint8Array[] {
  if (!defaultCa) defaultCa = loadCertificates(rootCertificates as readonly string[], 'tls.rootCertificates');
  return defaultCa;
}

// Caching decoded `ca` values by identity saves re-decoding (and re-parsing, see x509/verify.ts)
// the same PEM text for every connection of a long-running client.
const caCache = new Map<string, Uint8Array[]>();
export function loadTrustAnchors(ca: CommonSocketOptions['ca']): readonly Uint8Array[] {
  if (ca === undefined || ca === null) return defaultTrustAnchors();
  const items = toList(ca);
  if (items.every((x) => typeof x === 'string')) {
    const key = (items as string[]).join('\n');
    let hit = caCache.get(key);
    if (!hit) {
      hit = loadCertificates(items, 'ca');
      if (caCache.size > 64) caCache.clear();
      caCache.set(key, hit);
    }
    return hit;
  }
  return loadCertificates(items, 'ca');
}

/** Ordered suite list → ids, refusing names we do not know (a typo must not silently drop a suite). */
export function parseCipherSuites(
  cipherSuites: CommonSocketOptions['cipherSuites'],
  ciphers?: string,
): number[] | undefined {
  // node:tls spelling: `ciphers` may carry @SECLEVEL=n, which means nothing to TLS 1.0 suites.
  const list = cipherSuites ?? ciphers?.split(/[,:\s]+/).filter((s) => !/^@SECLEVEL=\d+$/i.test(s));
  if (list === undefined) return undefined;
  try {
    return parseSuiteList(list).map((s) => s.id);
  } catch (err) {
    throw err instanceof TLSConfigError ? new TLSConfigError(`cipherSuites: ${err.message}`, 'cipherSuites') : err;
  }
}

export function handshakeTimeoutOf(opts: CommonSocketOptions): number {
  const t = opts.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT;
  if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) {
    throw new TLSConfigError(`handshakeTimeout: expected a non-negative number of milliseconds, got ${String(t)}`);
  }
  return t;
}

/** The name a client sends as server_name and checks the certificate against (node:tls rule). */
export function defaultServername(host: string | undefined, servername: string | undefined): string | undefined {
  if (servername !== undefined) return servername === '' ? undefined : servername;
  if (host === undefined || isIP(host) !== 0) return undefined;
  return host;
}

/** The certificate policy options, checked, for x509/verify.ts (undefined entries take its defaults). */
export interface VerifyPolicy {
  readonly minRSABits?: number;
  readonly allowSHA1Signatures?: boolean;
}

export function verifyPolicyOf(opts: CommonSocketOptions): VerifyPolicy {
  const { minRSABits, allowSHA1Signatures } = opts;
  if (minRSABits !== undefined && (typeof minRSABits !== 'number' || !Number.isInteger(minRSABits) || minRSABits < 1 || minRSABits > 16384)) {
    throw new TLSConfigError(`minRSABits: expected a whole number of bits from 1 to 16384, got ${String(minRSABits)}`);
  }
  if (allowSHA1Signatures !== undefined && typeof allowSHA1Signatures !== 'boolean') {
    throw new TLSConfigError(`allowSHA1Signatures: expected true or false, got ${String(allowSHA1Signatures)}`);
  }
  return dropUndefined({ minRSABits, allowSHA1Signatures });
}

/** node:tls ticketKeys: 48 bytes, or a TLSConfigError naming the option. */
export function checkTicketKeys(keys: unknown): Uint8Array {
  if (!(keys instanceof Uint8Array) || keys.length !== TICKET_KEYS_LENGTH) {
    throw new TLSConfigError(`ticketKeys must be a ${TICKET_KEYS_LENGTH}-byte Buffer (key name, HMAC key, AES key)`, 'ticketKeys');
  }
  return keys;
}

/** node:tls ticketKeys bytes as the engine's TicketKeys. */
function ticketKeysOf(keys: unknown, engine: { provider?: CryptoProvider; now?: () => number }): TicketKeys {
  return new TicketKeys({ keys: checkTicketKeys(keys), random: (engine.provider ?? resolveProvider('auto')).random, ...(engine.now ? { now: engine.now } : {}) });
}

export function sessionTimeoutOf(opts: ServerSocketOptions): number | undefined {
  const t = opts.sessionTimeout;
  if (t === undefined) return undefined;
  if (typeof t !== 'number' || !isAllowedLifetime(t)) {
    throw new TLSConfigError(`sessionTimeout ${String(t)}: TS 33.141 7.1 allows 0 to ${MAX_SESSION_TIMEOUT} seconds`);
  }
  return t;
}

// ---------------------------------------------------------------------------------------------
// Options resolved once into what the engine needs (parsed key, DER chain, suite ids, trust anchors).
// A Server resolves its context once and hands it to every accepted connection, so the private key
// is not re-parsed per handshake.

interface CommonContext {
  readonly handshakeTimeout: number;
  readonly rejectUnauthorized: boolean;
  readonly now: () => number;
  /** minRSABits / allowSHA1Signatures for the peer's chain (x509/verify.ts). */
  readonly verifyPolicy: VerifyPolicy;
  /** Trust anchors, DER; decoded on first use (the default root store is large). */
  trustAnchors(): readonly Uint8Array[];
}

export interface ServerContext extends CommonContext {
  readonly isServer: true;
  readonly requestCert: boolean;
  /** Key exchanges of the configured suites: the keyUsage a virtual host's certificate needs. */
  readonly keyExchanges: readonly string[];
  /** The engine options every connection starts from (verifyPeer is added per connection). */
  readonly engine: Readonly<ServerEngineOptions>;
  /** RFC 4279: the application's pskCallback, bound to each connection's socket (psk-options.ts). */
  readonly pskCallback?: ServerPskCallback;
}

export interface ClientContext extends CommonContext {
  readonly isServer: false;
  readonly engine: Readonly<ClientEngineOptions>;
}

function lazyAnchors(ca: ClientSocketOptions['ca']): () => readonly Uint8Array[] {
  let anchors: readonly Uint8Array[] | undefined;
  return () => (anchors ??= loadTrustAnchors(ca));
}

function common(opts: ClientSocketOptions | ServerSocketOptions, role: 'client' | 'server'): CommonContext & { engine: CommonEngineOptions & { splitRecords?: boolean; rejectUnauthorized: boolean } } {
  const ca = opts.ca;
  // Decode an explicit `ca` now so a bad PEM is a synchronous configuration error.
  if (ca !== undefined) loadTrustAnchors(ca);
  const now = opts.now ?? Date.now;
  const rejectUnauthorized = opts.rejectUnauthorized !== false;
  return {
    handshakeTimeout: handshakeTimeoutOf(opts),
    rejectUnauthorized,
    now,
    verifyPolicy: verifyPolicyOf(opts),
    trustAnchors: lazyAnchors(ca),
    engine: dropUndefined({
      provider: providerFor(opts, role),
      cipherSuites: parseCipherSuites(opts.cipherSuites, opts.ciphers),
      now,
      maxHandshakeMessageLength: opts.maxHandshakeMessageLength,
      pendingInputLimit: opts.pendingInputLimit,
      splitRecords: opts.splitRecords,
      rejectUnauthorized,
      sessionTickets: opts.noTickets === true ? false : opts.sessionTickets,
    }),
  };
}

/**
 * The crypto provider for these options. 'native' is strict only about the bulk ciphers the
 * configured suites need (OpenSSL 3 has no RC4 or single DES without its legacy provider).
 */
function providerFor(opts: ClientSocketOptions | ServerSocketOptions, role: 'client' | 'server'): CryptoProvider {
  const choice = opts.crypto ?? opts.provider ?? 'auto';
  if (choice !== 'native') return resolveProvider(choice);
  const suites = resolveSuites(parseCipherSuites(opts.cipherSuites, opts.ciphers), role, { allowNullEncryption: true, psk: opts.pskCallback !== undefined });
  const ciphers = [...new Set(suites.map((s) => cipherInfo(s).provider).filter((c): c is BulkCipherName => c !== null))];
  return resolveProvider('native', { ciphers });
}

function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/** Engine defaults apply to absent options, so do not pass `undefined` explicitly. */
function dropUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

/**
 * `secureContext`: a createSecureContext() result gives key and cert (as node:tls); a node:tls
 * SecureContext is refused with what to pass instead.
 */
export function identityFromSecureContext(opts: object): SecureContext | undefined {
  const sc = (opts as { secureContext?: unknown }).secureContext;
  if (sc === undefined || sc === null) return undefined;
  if (sc instanceof SecureContext) return sc;
  if (typeof sc === 'object' && 'engine' in sc && 'isServer' in sc) return undefined; // resolved internally (Server, connect)
  return refuseNodeSecureContext('secureContext');
}

export function resolveServerContext(opts: ServerSocketOptions): ServerContext {
  const given = identityFromSecureContext(opts)?.context;
  checkPskCallback(opts.pskCallback);
  checkPskIdentityHint(opts.pskIdentityHint);
  const psk = opts.pskCallback !== undefined;
  const noIdentity = !given && opts.key === undefined && opts.cert === undefined;
  // RFC 4279: a server with pskCallback and no key/cert serves the suites that need no certificate.
  if (!given && (opts.key === undefined || opts.cert === undefined) && !(psk && noIdentity)) {
    throw new TLSConfigError('a server needs both key and cert (RSA key exchange; TS 33.141 6.2 suites)', opts.key === undefined ? 'key' : 'cert');
  }
  const base = common(opts, 'server');
  const requestCert = opts.requestCert === true;
  // The suites' key exchanges decide the keyUsage the certificate needs (config-check.ts).
  const suites = resolveSuites(base.engine.cipherSuites, 'server', { allowNullEncryption: true, psk, certificate: !noIdentity });
  if (noIdentity) {
    const needing = suites.find((s) => s.serverKeyUsage !== null);
    if (needing) throw new TLSConfigError(`${needing.name} needs key and cert (only PSK and DHE_PSK suites work without them)`, 'cert');
  }
  const keyExchanges = suites.map((s) => s.keyExchange);
  return {
    ...base,
    isServer: true,
    requestCert,
    engine: dropUndefined({
      ...base.engine,
      isServer: true as const,
      ...(given
        ? { certificateChain: given.certificateChain, privateKey: given.privateKey, ocspResponse: opts.ocspResponse ?? given.ocspResponse }
        : noIdentity
          ? {}
          : loadIdentity(opts.key, opts.cert, { prefix: '', role: 'server', keyExchanges, strict: opts.strictIdentity })),
      requestCert,
      sessionTimeout: sessionTimeoutOf(opts),
      sessionStore: opts.sessionStore,
      ticketKeys: opts.ticketKeys !== undefined ? ticketKeysOf(opts.ticketKeys, base.engine) : undefined,
      ...pick(opts, SERVER_PASSTHROUGH),
      contexts: contextsOf(opts.contexts, keyExchanges),
      selectContext: selectorOf(opts, keyExchanges),
      // Marks PSK as configured for the engine's checks; each TLSSocket binds the real one (psk-options.ts).
      pskCallback: opts.pskCallback ? unboundServerPsk : undefined,
    }),
    keyExchanges,
    ...(opts.pskCallback ? { pskCallback: opts.pskCallback } : {}),
  };
}


export function resolveClientContext(opts: ClientSocketOptions): ClientContext {
  const given = identityFromSecureContext(opts)?.context;
  if ((opts.key === undefined) !== (opts.cert === undefined)) {
    throw new TLSConfigError('a client certificate needs both key and cert', opts.key === undefined ? 'key' : 'cert');
  }
  checkPskCallback(opts.pskCallback);
  const base = common(opts, 'client');
  return {
    ...base,
    isServer: false,
    engine: dropUndefined({
      ...base.engine,
      isServer: false as const,
      ...(opts.cert !== undefined
        ? loadIdentity(opts.key, opts.cert, { prefix: '', role: 'client', strict: opts.strictIdentity })
        : given
          ? { certificateChain: given.certificateChain, privateKey: given.privateKey }
          : {}),
      ...pick(opts, CLIENT_PASSTHROUGH),
    }),
  };
}
