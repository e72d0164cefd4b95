/**
 * ap.json: the Authentication Proxy's configuration (TS 33.141 5.1.4 / Annex A), loaded and checked
 * once at start. Every mistake is an ApConfigError whose message is one line naming the file and the
 * key ("ap.json: hosts[1].cert: cannot read /x/y.pem: ENOENT"), so `ut-tls ap` stops with that line
 * instead of failing connections later. Relative paths are relative to the configuration file.
 *
 * Shape (docs/ap.md describes every key):
 *   { listen: {host, port}, workers, tls: {...}, hosts: [{names, cert, key, default?, routes: [...]}],
 *     authenticator: {type: 'static', file} | {type: 'client-certificate'}, sessionStore, reauthentication,
 *     upstreamTimeoutMs, accessLog }
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isAllowedLifetime, MAX_SESSION_LIFETIME_SECONDS } from '../policy/session-lifetime.js';
import { TICKET_KEYS_LENGTH } from '../session/tickets.js';

export class ApConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApConfigError';
  }
}

export interface RouteConfig {
  /** Path prefix this route serves ("/" for everything); the longest matching prefix wins. */
  readonly path: string;
  /** The AS base URL (http: or https:); the request path is appended to its path. */
  readonly upstream: URL;
  /**
   * TS 33.141 5.1.4: "activation of transfer of asserted user identity shall be configurable in the
   * Authentication Proxy on a per AS base": X-3GPP-Asserted-Identity goes only to an AS with true.
   */
  readonly trustDomain: boolean;
  /** PEM trust anchors for an https: upstream (Zn/Zb side, node:https); default Node's roots. */
  readonly ca?: string;
}

export interface HostConfig {
  /** Names this virtual host answers to (server_name, RFC 3546 3.1, and the Host header). */
  readonly names: readonly string[];
  readonly certFile: string;
  readonly keyFile: string;
  readonly certPem: string;
  readonly keyPem: string;
  readonly isDefault: boolean;
  readonly routes: readonly RouteConfig[];
}

export type AuthenticatorConfig =
  | { readonly type: 'static'; readonly file: string }
  | { readonly type: 'gba'; readonly file: string }
  | { readonly type: 'client-certificate' };

export type SessionStoreConfig =
  | { readonly type: 'memory' }
  | {
      readonly type: 'redis';
      readonly url: string;
      readonly prefix: string;
      readonly timeoutMs: number;
      /** rediss:// only: PEM texts read from the files the config names (ca, cert, key), and servername. */
      readonly tls?: { readonly ca?: string; readonly cert?: string; readonly key?: string; readonly servername?: string };
    };

export interface ApConfig {
  readonly file: string;
  readonly listen: { readonly host: string; readonly port: number };
  readonly workers: number;
  readonly hosts: readonly HostConfig[];
  /** The host used when neither server_name nor Host names one of the others. */
  readonly defaultHost: HostConfig;
  readonly tls: {
    readonly ciphers?: string;
    readonly sessionTimeout?: number;
    /** Ask for a client certificate (needed by the client-certificate authenticator). */
    readonly requestCert: boolean;
    /** PEM trust anchors for client certificates. */
    readonly ca?: string;
    /**
     * RFC 5077 session tickets (default false). A ticket carries the session but not the UE's
     * authentication record (set after the handshake), so a UE resuming from a ticket is
     * authenticated again in every reauthentication mode (docs/ap.md "Session tickets").
     */
    readonly tickets: boolean;
    /** 48 bytes (node:tls ticketKeys) from tls.ticketKeys: nodes given the same file resume each other's tickets. */
    readonly ticketKeys?: Uint8Array;
  };
  readonly authenticator: AuthenticatorConfig;
  /**
   * TS 33.141 6.1.4, a UE resuming a session whose record needs re-authentication: 'authenticate'
   * (default) runs the authenticator again on the first request, 'refuse' answers 403 and closes
   * (the UE comes back with a full handshake), 'trust' keeps the stored record (reauthenticateResumed false).
   */
  readonly reauthentication: 'authenticate' | 'refuse' | 'trust';
  readonly sessionStore: SessionStoreConfig;
  readonly upstreamTimeoutMs: number;
  /** 'stderr' (default), 'stdout', 'off' or a file path. */
  readonly accessLog: string;
}

type Json = Record<string, unknown>;

class Checker {
  constructor(
    readonly file: string,
    readonly dir: string,
  ) {}

  fail(key: string, message: string): never {
    throw new ApConfigError(`${this.file}: ${key}: ${message}`);
  }

  object(v: unknown, key: string, allowed: readonly string[]): Json {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(key, 'expected an object');
    for (const k of Object.keys(v)) {
      if (!allowed.includes(k)) this.fail(key === '' ? k : `${key}.${k}`, `unknown key (known: ${allowed.join(', ')})`);
    }
    return v as Json;
  }

  string(v: unknown, key: string): string {
    if (typeof v !== 'string' || v === '') this.fail(key, 'expected a non-empty string');
    return v;
  }

  optString(v: unknown, key: string): string | undefined {
    return v === undefined ? undefined : this.string(v, key);
  }

  int(v: unknown, key: string, min: number, max: number, dflt: number): number {
    if (v === undefined) return dflt;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) this.fail(key, `expected a whole number from ${min} to ${max}`);
    return v;
  }

  bool(v: unknown, key: string, dflt: boolean): boolean {
    if (v === undefined) return dflt;
    if (typeof v !== 'boolean') this.fail(key, 'expected true or false');
    return v;
  }

  oneOf<T extends string>(v: unknown, key: string, allowed: readonly T[], dflt: T): T {
    if (v === undefined) return dflt;
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) this.fail(key, `expected one of ${allowed.join(', ')}`);
    return v as T;
  }

  path(v: unknown, key: string): string {
    return resolve(this.dir, this.string(v, key));
  }

  read(v: unknown, key: string): { path: string; text: string } {
    const { path, bytes } = this.readBytes(v, key);
    return { path, text: bytes.toString('utf8') };
  }

  readBytes(v: unknown, key: string): { path: string; bytes: Buffer } {
    const path = this.path(v, key);
    try {
      return { path, bytes: readFileSync(path) };
    } catch (err) {
      this.fail(key, `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
}

const TOP_KEYS = ['listen', 'workers', 'tls', 'hosts', 'authenticator', 'reauthentication', 'sessionStore', 'upstreamTimeoutMs', 'accessLog'];

/** Reads and checks FILE; throws ApConfigError (one line) on the first problem. */
export function loadApConfig(file: string): ApConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ApConfigError(`${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ApConfigError(`${file}: not JSON: ${(err as Error).message}`);
  }
  return parseApConfig(json, file);
}

/** Checks an already parsed configuration; `file` names it in errors and anchors relative paths. */
/** sessionStore.tls: { ca, cert, key } file paths (read now) and servername; only with rediss://. */
function storeTlsOf(c: Checker, v: unknown, rediss: boolean): { ca?: string; cert?: string; key?: string; servername?: string } | undefined {
  if (v === undefined) return undefined;
  if (!rediss) c.fail('sessionStore.tls', 'only with a rediss:// url');
  const j = c.object(v, 'sessionStore.tls', ['ca', 'cert', 'key', 'servername']);
  const out: { ca?: string; cert?: string; key?: string; servername?: string } = {};
  for (const k of ['ca', 'cert', 'key'] as const) if (j[k] !== undefined) out[k] = c.read(j[k], `sessionStore.tls.${k}`).text;
  if ((out.cert === undefined) !== (out.key === undefined)) c.fail('sessionStore.tls', 'cert and key go together');
  const servername = c.optString(j.servername, 'sessionStore.tls.servername');
  if (servername !== undefined) out.servername = servername;
  return out;
}

export function parseApConfig(json: unknown, file: string): ApConfig {
  const c: Checker = new Checker(file, dirname(resolve(file)));
  const top = c.object(json, '', TOP_KEYS);

  const listenJson = c.object(top.listen ?? {}, 'listen', ['host', 'port']);
  const listen = { host: c.optString(listenJson.host, 'listen.host') ?? '127.0.0.1', port: c.int(listenJson.port, 'listen.port', 0, 65535, 8443) };

  const tlsJson = c.object(top.tls ?? {}, 'tls', ['ciphers', 'sessionTimeout', 'requestCert', 'ca', 'tickets', 'ticketKeys']);
  const tickets = c.bool(tlsJson.tickets, 'tls.tickets', false);
  const tls = {
    ciphers: c.optString(tlsJson.ciphers, 'tls.ciphers'),
    sessionTimeout: sessionTimeoutOf(c, tlsJson.sessionTimeout),
    requestCert: c.bool(tlsJson.requestCert, 'tls.requestCert', false),
    ca: tlsJson.ca === undefined ? undefined : c.read(tlsJson.ca, 'tls.ca').text,
    tickets,
    ...(tlsJson.ticketKeys === undefined ? {} : { ticketKeys: ticketKeysOf(c, tlsJson.ticketKeys, tickets) }),
  };

  if (!Array.isArray(top.hosts) || top.hosts.length === 0) c.fail('hosts', 'expected a non-empty list of virtual hosts');
  const hosts = top.hosts.map((h, i) => parseHost(c, h, `hosts[${i}]`));
  const defaults = hosts.filter((h) => h.isDefault);
  if (defaults.length > 1) c.fail('hosts', 'more than one host has "default": true');
  const defaultHost = defaults[0] ?? hosts[0]!;

  const authJson = c.object(top.authenticator ?? { type: 'static' }, 'authenticator', ['type', 'file']);
  const type = c.oneOf(authJson.type, 'authenticator.type', ['static', 'client-certificate', 'gba'] as const, 'static');
  let authenticator: AuthenticatorConfig;
  if (type === 'static' || type === 'gba') {
    // gba: a lab file of bootstrapping sessions standing in for the BSF (lib/ap/gba-authenticator.ts).
    if (authJson.file === undefined) c.fail('authenticator.file', `the ${type} authenticator needs a file`);
    authenticator = { type, file: c.read(authJson.file, 'authenticator.file').path };
  } else {
    if (authJson.file !== undefined) c.fail('authenticator.file', 'only the static and gba authenticators take a file');
    if (!tls.requestCert) c.fail('authenticator.type', 'client-certificate needs "tls": {"requestCert": true}');
    authenticator = { type };
  }

  const storeJson = c.object(top.sessionStore ?? { type: 'memory' }, 'sessionStore', ['type', 'url', 'prefix', 'timeoutMs', 'tls']);
  const storeType = c.oneOf(storeJson.type, 'sessionStore.type', ['memory', 'redis'] as const, 'memory');
  let sessionStore: SessionStoreConfig;
  if (storeType === 'redis') {
    const url = c.string(storeJson.url, 'sessionStore.url');
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      c.fail('sessionStore.url', `not a URL: ${JSON.stringify(url)}`);
    }
    if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') c.fail('sessionStore.url', 'expected a redis://[:password@]host[:port][/db] or rediss://... URL');
    const tls = storeTlsOf(c, storeJson.tls, parsed.protocol === 'rediss:');
    if (parsed.pathname.length > 1 && !/^\/\d{1,5}$/.test(parsed.pathname)) c.fail('sessionStore.url', `the path of ${url} is not a database number`);
    sessionStore = {
      type: storeType,
      url,
      prefix: c.optString(storeJson.prefix, 'sessionStore.prefix') ?? 'ut-tls:ap:',
      timeoutMs: c.int(storeJson.timeoutMs, 'sessionStore.timeoutMs', 1, 10_000, 50),
      ...(tls ? { tls } : {}),
    };
  } else {
    for (const k of ['url', 'prefix', 'timeoutMs', 'tls']) if (storeJson[k] !== undefined) c.fail(`sessionStore.${k}`, 'only for "type": "redis"');
    sessionStore = { type: 'memory' };
  }

  return {
    file,
    listen,
    workers: c.int(top.workers, 'workers', 1, 64, 1),
    hosts,
    defaultHost,
    tls,
    authenticator,
    reauthentication: c.oneOf(top.reauthentication, 'reauthentication', ['authenticate', 'refuse', 'trust'] as const, 'authenticate'),
    sessionStore,
    upstreamTimeoutMs: c.int(top.upstreamTimeoutMs, 'upstreamTimeoutMs', 1, 3_600_000, 30_000),
    accessLog: c.optString(top.accessLog, 'accessLog') ?? 'stderr',
  };
}

/** tls.ticketKeys: a file of exactly 48 bytes (key name, HMAC key, AES key), only with tickets on. */
function ticketKeysOf(c: Checker, v: unknown, tickets: boolean): Uint8Array {
  if (!tickets) c.fail('tls.ticketKeys', 'only with "tickets": true');
  const { path, bytes } = c.readBytes(v, 'tls.ticketKeys');
  if (bytes.length !== TICKET_KEYS_LENGTH) {
    c.fail('tls.ticketKeys', `${path} has ${bytes.length} bytes; expected ${TICKET_KEYS_LENGTH} (key name, HMAC key, AES key: 16 bytes each)`);
  }
  return new Uint8Array(bytes);
}

/** Seconds a session may be resumed for; TS 33.141 7.1 (lib/policy/session-lifetime.ts): 0 to 24 hours. */
function sessionTimeoutOf(c: Checker, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || !isAllowedLifetime(v)) {
    c.fail('tls.sessionTimeout', `expected whole seconds from 0 to ${MAX_SESSION_LIFETIME_SECONDS} (TS 33.141 7.1: a session lives at most 24 hours), got ${JSON.stringify(v)}`);
  }
  return v;
}

function parseHost(c: Checker, v: unknown, key: string): HostConfig {
  const h = c.object(v, key, ['names', 'cert', 'key', 'default', 'routes']);
  if (!Array.isArray(h.names) || h.names.length === 0) c.fail(`${key}.names`, 'expected a non-empty list of host names');
  const names = h.names.map((n, i) => c.string(n, `${key}.names[${i}]`).toLowerCase());
  const cert = c.read(h.cert, `${key}.cert`);
  const keyFile = c.read(h.key, `${key}.key`);
  checkKeyPair(c, key, cert, keyFile);
  if (!Array.isArray(h.routes) || h.routes.length === 0) c.fail(`${key}.routes`, 'expected a non-empty list of routes');
  const routes = h.routes.map((r, i) => parseRoute(c, r, `${key}.routes[${i}]`));
  return {
    names,
    certFile: cert.path,
    keyFile: keyFile.path,
    certPem: cert.text,
    keyPem: keyFile.text,
    isDefault: c.bool(h.default, `${key}.default`, false),
    // Longest prefix first, so the first match is the most specific route.
    routes: [...routes].sort((a, b) => b.path.length - a.path.length),
  };
}

/** The key must be the private half of the leaf certificate's public key (compared as SPKI DER). */
function checkKeyPair(c: Checker, key: string, cert: { path: string; text: string }, priv: { path: string; text: string }): void {
  let certKey: Buffer;
  try {
    certKey = createPublicKey(cert.text).export({ type: 'spki', format: 'der' });
  } catch (err) {
    c.fail(`${key}.cert`, `${cert.path} holds no readable PEM certificate: ${(err as Error).message}`);
  }
  let ownKey: Buffer;
  try {
    ownKey = createPublicKey(createPrivateKey(priv.text)).export({ type: 'spki', format: 'der' });
  } catch (err) {
    c.fail(`${key}.key`, `${priv.path} holds no readable PEM private key: ${(err as Error).message}`);
  }
  if (!certKey.equals(ownKey)) c.fail(`${key}.key`, `${priv.path} does not match the certificate in ${cert.path}`);
}

function parseRoute(c: Checker, v: unknown, key: string): RouteConfig {
  const r = c.object(v, key, ['path', 'upstream', 'trustDomain', 'ca']);
  const path = c.optString(r.path, `${key}.path`) ?? '/';
  if (!path.startsWith('/')) c.fail(`${key}.path`, 'expected a path prefix starting with "/"');
  const text = c.string(r.upstream, `${key}.upstream`);
  let upstream: URL;
  try {
    upstream = new URL(text);
  } catch {
    c.fail(`${key}.upstream`, `not a URL: ${JSON.stringify(text)}`);
  }
  if (upstream.protocol !== 'http:' && upstream.protocol !== 'https:') c.fail(`${key}.upstream`, `expected http:// or https://, got ${upstream.protocol}`);
  if (upstream.search || upstream.hash || upstream.username) c.fail(`${key}.upstream`, 'a base URL has no query, fragment or credentials');
  const ca = r.ca === undefined ? undefined : c.read(r.ca, `${key}.ca`).text;
  if (ca !== undefined && upstream.protocol !== 'https:') c.fail(`${key}.ca`, 'only for an https:// upstream');
  return { path, upstream, trustDomain: c.bool(r.trustDomain, `${key}.trustDomain`, false), ...(ca !== undefined ? { ca } : {}) };
}
