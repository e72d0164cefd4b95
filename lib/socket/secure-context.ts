/**
 * Virtual-host identities the node:tls way: `createSecureContext({ key, cert, ca?, ocspResponse? })`
 * parses and checks PEM (or DER) once, and every place that takes a context (`contexts`,
 * `server.addContext()`, `SNICallback`, `selectContext`, `secureContext`) accepts that object, the same
 * options unparsed, or the engine form ({ certificateChain, privateKey }). Everything becomes the
 * engine's ServerContext (engine/server-context.ts) here, checked by config-check.ts.
 *
 * A node:tls SecureContext holds OpenSSL state that ut-tls cannot read, so it is refused with the fix.
 */
import type { ServerContext as EngineContext } from '../engine/server-context.js';
import { TLSConfigError } from '../errors.js';
import { checkIdentity, loadIdentity, loadPlacedCertificates } from './config-check.js';
import { checkKnownOptions } from './known-options.js';

type PemInput = string | Uint8Array;

/** What createSecureContext() and the node-shaped contexts take. */
export interface SecureContextOptions {
  /** The private key (PEM PKCS#1/PKCS#8, or DER). */
  key: PemInput;
  /** The certificate chain, leaf first (PEM with one or more blocks, DER, or a list of them). */
  cert: PemInput | readonly PemInput[];
  /** Trust anchors for client certificates of this virtual host (requestCert); default: the server's `ca`. */
  ca?: PemInput | readonly PemInput[];
  /** A DER OCSPResponse to staple for this certificate (RFC 3546 3.6). */
  ocspResponse?: Uint8Array;
  /** The host name (or names; "*.example.org" wildcards) this context serves; default: the certificate's names. */
  servername?: string | readonly string[];
  /** As the server option: false skips the chain-order and keyUsage checks. */
  strictIdentity?: boolean;
}

/** A parsed, checked identity: what createSecureContext() returns. */
export class SecureContext {
  /** The engine form (DER chain, parsed key, names, OCSP response). */
  readonly context: EngineContext;
  constructor(context: EngineContext) {
    this.context = context;
  }
}

/** Parse and check once; pass the result to `contexts`, `addContext`, `SNICallback` or `secureContext`. */
export function createSecureContext(options: SecureContextOptions): SecureContext {
  checkKnownOptions(options, 'context');
  return new SecureContext(fromOptions(options, '', undefined));
}

/** Anything a context option accepts. */
export type ContextInput = SecureContext | SecureContextOptions | EngineContext;

function fromOptions(o: SecureContextOptions, prefix: string, keyExchanges: readonly string[] | undefined): EngineContext {
  if (o.key === undefined || o.cert === undefined) {
    throw new TLSConfigError(`${prefix || 'createSecureContext: '}${o.key === undefined ? 'key' : 'cert'} is required (a virtual host needs both key and cert)`, `${prefix}${o.key === undefined ? 'key' : 'cert'}`);
  }
  const identity = loadIdentity(o.key, o.cert, { prefix, role: 'server', strict: o.strictIdentity, ...(keyExchanges ? { keyExchanges } : {}) });
  const names = o.servername === undefined ? undefined : typeof o.servername === 'string' ? [o.servername] : [...o.servername];
  if (names?.some((n) => typeof n !== 'string' || n === '')) throw new TLSConfigError(`${prefix}servername: expected host names`, `${prefix}servername`);
  if (o.ocspResponse !== undefined && !(o.ocspResponse instanceof Uint8Array)) {
    throw new TLSConfigError(`${prefix}ocspResponse: expected the DER OCSPResponse bytes`, `${prefix}ocspResponse`);
  }
  const ca = o.ca === undefined ? undefined : loadPlacedCertificates(o.ca, `${prefix}ca`).map((c) => c.der);
  return {
    ...identity,
    ...(names ? { names } : {}),
    ...(o.ocspResponse ? { ocspResponse: o.ocspResponse } : {}),
    ...(ca ? { trustAnchors: ca } : {}),
  };
}

/** Engine-form contexts already checked (an application may hand the same object to every handshake). */
const checked = new WeakSet<EngineContext>();
/** Node-shaped option objects already converted (SNICallback answers often reuse one object). */
const converted = new WeakMap<object, EngineContext>();

function isNodeSecureContext(v: object): boolean {
  // node:tls's createSecureContext() returns an internal SecureContext whose `context` is native.
  return !(v instanceof SecureContext) && v.constructor?.name === 'SecureContext' && 'context' in v;
}

export function refuseNodeSecureContext(option: string): never {
  throw new TLSConfigError(
    `${option}: a node:tls SecureContext (tls.createSecureContext()) holds OpenSSL state ut-tls cannot use; pass { key, cert } (PEM or DER) or ut-tls's createSecureContext({ key, cert })`,
    option,
  );
}

/** Any accepted context form → the engine's, checked (option names the place for messages). */
export function toEngineContext(input: unknown, option: string, keyExchanges?: readonly string[]): EngineContext {
  if (typeof input !== 'object' || input === null) {
    throw new TLSConfigError(`${option}: expected { key, cert } or a createSecureContext() result, got ${input === null ? 'null' : typeof input}`, option);
  }
  if (input instanceof SecureContext) return input.context;
  if (isNodeSecureContext(input)) refuseNodeSecureContext(option);
  const o = input as Partial<EngineContext> & Partial<SecureContextOptions>;
  if (o.certificateChain !== undefined || o.privateKey !== undefined) {
    const engine = input as EngineContext;
    if (checked.has(engine)) return engine;
    if (!Array.isArray(engine.certificateChain) || !engine.privateKey || typeof engine.privateKey.n !== 'bigint') {
      throw new TLSConfigError(`${option}: the engine form needs certificateChain (DER list) and privateKey (parsed RSA key); or pass { key, cert } as PEM`, option);
    }
    const certs = engine.certificateChain.map((der, i) => ({ der, where: `${option}.certificateChain[${i}]` }));
    checkIdentity({ certs, key: engine.privateKey, certOption: `${option}.certificateChain`, keyOption: `${option}.privateKey`, role: 'server', ...(keyExchanges ? { keyExchanges } : {}) });
    checked.add(engine);
    return engine;
  }
  let hit = converted.get(input);
  if (!hit) {
    checkKnownOptions(input, 'context', `${option}.`);
    hit = fromOptions(o as SecureContextOptions, `${option}.`, keyExchanges);
    converted.set(input, hit);
  }
  return hit;
}
