/**
 * The identity a server (or a client with a certificate) is configured with, checked completely
 * before the first connection: every certificate parses, the chain is in order (leaf first, each
 * certificate followed by its issuer), the private key belongs to the leaf, and the leaf's keyUsage
 * allows at least one configured key exchange. Without these checks a wrong file shows up only as
 * bad_record_mac or bad_certificate on every handshake, far from the option that caused it (node:tls
 * refuses the same mistakes with "key values mismatch" when the context is made).
 *
 * Each error is a TLSConfigError whose `option` and message name the option, the PEM block (counted
 * from 1 over the BEGIN lines of the text, so it matches what an editor shows) and the fix.
 */
import type { RsaPrivateKey } from '../crypto/provider.js';
import { TLSConfigError } from '../errors.js';
import { IMPLEMENTED_KEY_EXCHANGES, serverKeyUsageOf } from '../suites.js';
import { bytesEqual } from '../util/bytes.js';
import { parseCertificate, type X509Certificate } from '../x509/certificate.js';
import { keyMatchesPublicKey } from '../x509/keys.js';
import { parsePrivateKey } from '../x509/keys.js';
import { pemDecodeBlocks } from '../x509/pem.js';

/** PEM text, or DER/PEM bytes. */
type PemInput = string | Uint8Array;

/** One certificate and where it came from, for messages ("cert PEM block #2", "cert[1] (DER)"). */
export interface PlacedCertificate {
  readonly der: Uint8Array;
  readonly where: string;
}

function asPemText(input: PemInput): string | null {
  if (typeof input === 'string') return input;
  const head = new TextDecoder('latin1').decode(input.subarray(0, Math.min(input.length, 256)));
  return head.includes('-----BEGIN') ? new TextDecoder().decode(input) : null;
}

/** Every CERTIFICATE of the option (PEM text with one or more blocks, DER bytes, or a list of them), with its place. */
export function loadPlacedCertificates(input: PemInput | readonly PemInput[] | undefined, option: string): PlacedCertificate[] {
  if (input === undefined) return [];
  const list = Array.isArray(input) ? (input as readonly PemInput[]) : [input as PemInput];
  const out: PlacedCertificate[] = [];
  list.forEach((item, i) => {
    const name = Array.isArray(input) ? `${option}[${i}]` : option;
    if (typeof item !== 'string' && !(item instanceof Uint8Array)) {
      throw new TLSConfigError(`${name}: expected PEM text or DER bytes, got ${describeValue(item)}`, option);
    }
    const text = asPemText(item);
    if (text === null) {
      out.push({ der: new Uint8Array(item as Uint8Array), where: `${name} (DER)` });
      return;
    }
    let blocks;
    try {
      blocks = pemDecodeBlocks(text);
    } catch (err) {
      throw new TLSConfigError(`${name}: ${(err as Error).message}`, option);
    }
    blocks.forEach((b, j) => {
      if (b.label === 'CERTIFICATE') out.push({ der: b.der, where: `${name} PEM block #${j + 1}` });
    });
    if (!blocks.some((b) => b.label === 'CERTIFICATE')) {
      const labels = blocks.map((b) => b.label).join(', ');
      throw new TLSConfigError(
        `${name}: no "BEGIN CERTIFICATE" block in the PEM text${labels ? ` (found: ${labels})` : ''}; pass the certificate file, not the key`,
        option,
      );
    }
  });
  return out;
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'an object';
  return typeof v;
}

function subjectOf(cert: X509Certificate): string {
  const cn = cert.subject.object.CN;
  return typeof cn === 'string' ? `CN=${cn}` : cert.subject.text.replace(/\n/g, ', ') || '(empty subject)';
}

/** Parses each certificate, naming the block that is not one. */
export function parsePlaced(certs: readonly PlacedCertificate[], option: string): X509Certificate[] {
  return certs.map((c) => {
    try {
      return parseCertificate(c.der);
    } catch (err) {
      throw new TLSConfigError(
        `${option}: ${c.where} is not an X.509 certificate (${(err as Error).message}); replace it with the PEM certificate file as issued`,
        option,
      );
    }
  });
}

export interface IdentityCheck {
  readonly certs: readonly PlacedCertificate[];
  readonly key: RsaPrivateKey;
  /** Option names for messages, e.g. 'cert' / 'key' or 'contexts[0].cert' / 'contexts[0].key'. */
  readonly certOption: string;
  readonly keyOption: string;
  readonly role: 'server' | 'client';
  /** Server: the key exchanges of the configured suites ('RSA', 'DHE_RSA'). */
  readonly keyExchanges?: readonly string[];
  /** false: only parsing and the key-to-leaf match (the `strictIdentity: false` option). */
  readonly strict?: boolean;
}

/** Throws TLSConfigError for the first thing wrong with this certificate chain and key. */
export function checkIdentity(o: IdentityCheck): void {
  const { certOption, keyOption } = o;
  if (o.certs.length === 0) throw new TLSConfigError(`${certOption}: no certificate given`, certOption);
  const chain = parsePlaced(o.certs, certOption);
  const leaf = chain[0]!;
  const first = o.certs[0]!.where;
  if (leaf.publicKey.algorithm !== 'rsa') {
    throw new TLSConfigError(
      `${certOption}: ${first} (${subjectOf(leaf)}) has a ${leaf.publicKey.algorithm} key; ut-tls's TLS 1.0 suites need an RSA certificate`,
      certOption,
    );
  }
  if (!keyMatchesPublicKey(o.key, leaf.publicKey.rsa)) {
    const other = chain.findIndex((c, i) => i > 0 && c.publicKey.algorithm === 'rsa' && keyMatchesPublicKey(o.key, c.publicKey.rsa));
    const fix =
      other > 0
        ? `the key belongs to ${o.certs[other]!.where} (${subjectOf(chain[other]!)}): put that certificate first (leaf first)`
        : `pass the private key issued with this certificate, or the certificate of this key`;
    throw new TLSConfigError(
      `${keyOption}: key values mismatch: the private key does not match the public key of the leaf certificate ${first} (${subjectOf(leaf)}) in ${certOption}; ${fix}`,
      keyOption,
    );
  }
  if (o.strict === false) return;
  for (let i = 1; i < chain.length; i++) {
    const child = chain[i - 1]!;
    const parent = chain[i]!;
    if (bytesEqual(child.issuer.der, parent.subject.der)) continue;
    const issuerAt = chain.findIndex((c) => bytesEqual(child.issuer.der, c.subject.der));
    const fix =
      issuerAt >= 0 && issuerAt !== i - 1
        ? `its issuer is ${o.certs[issuerAt]!.where}; order the chain leaf first, each certificate followed by its issuer`
        : `remove ${o.certs[i]!.where} or add the missing issuer (${child.issuer.text.replace(/\n/g, ', ')}) before it; the chain goes leaf first, each certificate followed by its issuer`;
    throw new TLSConfigError(
      `${certOption}: chain out of order: ${o.certs[i]!.where} (${subjectOf(parent)}) did not issue ${o.certs[i - 1]!.where} (${subjectOf(child)}); ${fix}`,
      certOption,
    );
  }
  checkKeyUsage(o, leaf, first);
}

/** RFC 2246 7.4.2: the bit each key exchange needs (suites.ts serverKeyUsage), digitalSignature for client certificates. */
function checkKeyUsage(o: IdentityCheck, leaf: X509Certificate, first: string): void {
  const ku = leaf.extensions.keyUsage;
  if (!ku) return;
  const has = (u: string) => ku.usages.includes(u as never);
  const usages = ku.usages.join(', ') || 'none';
  if (o.role === 'client') {
    if (has('digitalSignature')) return;
    throw new TLSConfigError(
      `${o.certOption}: ${first} keyUsage (${usages}) lacks digitalSignature, which a client certificate needs to sign CertificateVerify (RFC 2246 7.4.8); use a certificate issued for client authentication`,
      o.certOption,
    );
  }
  // Key exchanges without a server certificate (RFC 4279 PSK, DHE_PSK: usage null) ask nothing of it.
  const certified = (kx: string): boolean => serverKeyUsageOf(kx) !== null;
  const kxs = (o.keyExchanges ?? IMPLEMENTED_KEY_EXCHANGES).filter(certified);
  if (kxs.length === 0) return;
  const usable = kxs.filter((kx) => has(serverKeyUsageOf(kx) ?? 'keyEncipherment'));
  if (usable.length > 0) return;
  const needs = IMPLEMENTED_KEY_EXCHANGES.filter(certified).map((kx, i) => `${kx}${i === 0 ? ' needs' : ''} ${serverKeyUsageOf(kx)!}`).join(', ');
  throw new TLSConfigError(
    `${o.certOption}: ${first} keyUsage (${usages}) allows none of the configured key exchanges (${[...new Set(kxs)].join(', ')}): ${needs} (RFC 2246 7.4.2); use a TLS server certificate or choose suites its key can serve`,
    o.certOption,
  );
}

/** The private key option (PEM PKCS#1 or PKCS#8, or DER bytes), parsed. */
export function loadKey(input: unknown, option: string): RsaPrivateKey {
  if (Array.isArray(input)) throw new TLSConfigError(`${option}: one key expected, got a list`, option);
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) {
    throw new TLSConfigError(`${option}: expected a PEM private key, got ${describeValue(input)}`, option);
  }
  try {
    return parsePrivateKey(input);
  } catch (err) {
    throw new TLSConfigError(`${option}: ${(err as Error).message}; pass the RSA private key (PEM, PKCS#1 or PKCS#8)`, option);
  }
}

/** key + cert options resolved and checked together: what the engine (and a virtual host) needs. */
export function loadIdentity(
  key: unknown,
  cert: PemInput | readonly PemInput[] | undefined,
  o: { prefix: string; role: 'server' | 'client'; keyExchanges?: readonly string[]; strict?: boolean },
): { certificateChain: Uint8Array[]; privateKey: RsaPrivateKey } {
  const certOption = `${o.prefix}cert`;
  const keyOption = `${o.prefix}key`;
  const certs = loadPlacedCertificates(cert, certOption);
  const privateKey = loadKey(key, keyOption);
  checkIdentity({ certs, key: privateKey, certOption, keyOption, role: o.role, strict: o.strict !== false, ...(o.keyExchanges ? { keyExchanges: o.keyExchanges } : {}) });
  return { certificateChain: certs.map((c) => c.der), privateKey };
}
