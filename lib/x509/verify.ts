/**
 * Certificate chain verification for the WAP-211-WAPCert profile (TS 33.141 6): path building by DER
 * name equality, RSA PKCS#1 v1.5 signatures (MD5 refused, SHA-1 by option), validity dates from an
 * injected clock, CA basicConstraints / keyUsage keyCertSign / pathLenConstraint, RSA key sizes,
 * extendedKeyUsage by role, the leaf's keyUsage for the negotiated key exchange (RFC 2246 7.4.2),
 * critical extensions we do not understand, and the RFC 2818 3.1 server identity. The result is a
 * CertificateVerdict with node:tls / OpenSSL verify codes, so applications written for node:tls see
 * familiar values (docs/certificates.md lists each code, its alert and where we differ from Node).
 *
 * Each per-certificate rule is one small function in `checks`, so the profile grows by adding entries
 * rather than rewriting the walk.
 *
 * Runs in any JS runtime (no node:*): the socket layer supplies the default trust store.
 */
import { AlertDescription } from '../alerts.js';
import { pureProvider } from '../crypto/pure.js';
import { verifyPkcs1DigestInfo, type DigestInfoHash, type RsaOps } from '../crypto/rsa.js';
import type { CertificateVerdict } from './types.js';
import { serverKeyUsageOf } from '../suites.js';
import { bytesEqual } from '../util/bytes.js';
import { OID, certificateSignatureDigest, parseCertificate, parseIp, type KeyUsageName, type X509Certificate } from './certificate.js';

export interface VerifyOptions {
  /** Trust anchors, DER. Presenting one of them (or a certificate they issued) ends the path. */
  ca: readonly Uint8Array[];
  /** Check the leaf against this DNS name or IP literal (RFC 2818 3.1). Omit to skip the name check. */
  servername?: string;
  /** The time to judge validity at. */
  now: Date;
  /** RSA operations (default: the pure provider). */
  provider?: RsaOps;
  /** Most certificates in a path, leaf and anchor included. Default 10 (WAP-211 6.1 asks for at least 4). */
  maxDepth?: number;
  /**
   * Smallest RSA modulus, in bits, accepted for any certificate of the path, the anchor included.
   * Default 2048; a legacy device may be let in with 1024 (WAP-211 6.2.5: CA keys MUST be >= 1024).
   */
  minRSABits?: number;
  /**
   * Accept sha1WithRSAEncryption signatures. Default true: WAP-211 6.2.2 / 9.1 (Cert-TLS-C-001)
   * makes sha1WithRSAEncryption the one RSA signature algorithm a TLS client MUST support.
   */
  allowSHA1Signatures?: boolean;
  /**
   * The negotiated key exchange ('RSA', 'DHE_RSA'), which decides the keyUsage bit the server's leaf
   * needs (RFC 2246 7.4.2: keyEncipherment for RSA, digitalSignature for DHE_RSA). Absent: either bit.
   */
  keyExchange?: string;
}

/** WAP-211 sets 1024 as the floor; 2048 is what the CA/Browser Forum and NIST SP 800-131A ask today. */
export const DEFAULT_MIN_RSA_BITS = 2048;

/** What the chain is for: the server's (TLS client side) or the client's (TLS server side). */
export type CertificatePurpose = 'serverAuth' | 'clientAuth';

/** A failure: the OpenSSL/Node code, a message naming the rule, and the alert TLS sends for it. */
export interface VerifyFailure {
  code: string;
  message: string;
  alert: number;
}

const A = AlertDescription;

function failure(code: string, message: string, alert: number): VerifyFailure {
  return { code, message, alert };
}

function verdictOf(f: VerifyFailure | null): CertificateVerdict {
  return f ? { authorized: false, code: f.code, message: f.message, alert: f.alert } : { authorized: true };
}

// Parsed anchors, by the identity of their DER array: the socket layer keeps one array per `ca`
// option, so a long-running client parses its trust store once, not per handshake.
const parsedAnchors = new WeakMap<Uint8Array, X509Certificate | null>();
function parseAnchor(der: Uint8Array): X509Certificate | null {
  let c = parsedAnchors.get(der);
  if (c === undefined) {
    try {
      c = parseCertificate(der);
    } catch {
      c = null; // an unparsable anchor cannot anchor anything; it is skipped, not fatal
    }
    parsedAnchors.set(der, c);
  }
  return c;
}

function describe(cert: X509Certificate): string {
  return cert.subject.text.replace(/\n/g, ', ') || '(empty subject)';
}

// ------------------------------------------------------------------------------------------------
// Signatures

const DIGEST_INFO_HASHES: ReadonlySet<string> = new Set(['sha1', 'sha256', 'sha384', 'sha512']);

/**
 * Checks that `issuer` signed `cert`; null when it did. MD5 and MD2 are always refused (chosen-prefix
 * collisions made a rogue CA in 2008), SHA-1 unless allowSHA1Signatures; OpenSSL names both
 * CA_MD_TOO_WEAK ("the CA's signature digest is too weak"), whichever certificate carries it.
 */
export function checkSignature(
  cert: X509Certificate,
  issuer: X509Certificate,
  ops: RsaOps = pureProvider,
  policy: { allowSHA1Signatures?: boolean } = {},
): VerifyFailure | null {
  const alg = cert.signatureAlgorithm;
  if (alg.hash === 'md5' || alg.hash === 'md2') {
    return failure('CA_MD_TOO_WEAK', `certificate signature algorithm ${alg.name} is refused (${describe(cert)})`, A.bad_certificate);
  }
  if (alg.hash === 'sha1' && policy.allowSHA1Signatures === false) {
    return failure('CA_MD_TOO_WEAK', `certificate signature algorithm ${alg.name} is refused: allowSHA1Signatures is off (${describe(cert)})`, A.bad_certificate);
  }
  const d = certificateSignatureDigest(cert);
  if (!d || !DIGEST_INFO_HASHES.has(d.hash)) {
    return failure('CERT_SIGNATURE_FAILURE', `unsupported certificate signature algorithm ${alg.name} (${describe(cert)})`, A.unsupported_certificate);
  }
  if (issuer.publicKey.algorithm !== 'rsa') {
    return failure('CERT_SIGNATURE_FAILURE', `issuer key of ${describe(cert)} is not RSA`, A.unsupported_certificate);
  }
  const ok = verifyPkcs1DigestInfo(ops, issuer.publicKey.rsa, d.hash as DigestInfoHash, d.digest, cert.signatureValue);
  return ok ? null : failure('CERT_SIGNATURE_FAILURE', `certificate signature failure: ${describe(cert)} is not signed by ${describe(issuer)}`, A.bad_certificate);
}

function signedBy(cert: X509Certificate, issuer: X509Certificate, ops: RsaOps): boolean {
  return checkSignature(cert, issuer, ops) === null;
}

// ------------------------------------------------------------------------------------------------
// Path building

interface Path {
  /** Leaf first; the last element is a trust anchor when `anchored`. */
  certs: X509Certificate[];
  anchored: boolean;
}

/**
 * From the leaf through the presented intermediates (any order) to a trust anchor, matching each
 * certificate's issuer name to a subject name (DER equality). Among several candidates the one whose
 * key verifies the signature wins; a lone candidate is taken as is (its signature is checked later,
 * giving CERT_SIGNATURE_FAILURE rather than an unknown issuer).
 */
function buildPath(leaf: X509Certificate, intermediates: X509Certificate[], anchors: X509Certificate[], ops: RsaOps, maxDepth: number): Path | VerifyFailure {
  const certs = [leaf];
  const unused = [...intermediates];
  for (;;) {
    const current = certs[certs.length - 1]!;
    // The certificate itself is trusted (a pinned leaf, or the root sent along in the chain).
    if (anchors.some((a) => bytesEqual(a.raw, current.raw))) return { certs, anchored: true };
    if (certs.length >= maxDepth) {
      return failure('CERT_CHAIN_TOO_LONG', `certificate chain longer than ${maxDepth}`, A.bad_certificate);
    }
    const anchor = pick(anchors.filter((a) => bytesEqual(a.subject.der, current.issuer.der)), current, ops);
    if (anchor) {
      certs.push(anchor);
      return { certs, anchored: true };
    }
    if (!current.selfIssued) {
      const next = pick(unused.filter((c) => bytesEqual(c.subject.der, current.issuer.der)), current, ops);
      if (next) {
        unused.splice(unused.indexOf(next), 1);
        certs.push(next);
        continue;
      }
    }
    if (current.selfIssued) {
      return certs.length === 1
        ? failure('DEPTH_ZERO_SELF_SIGNED_CERT', `self-signed certificate ${describe(current)} is not a trust anchor`, A.unknown_ca)
        : failure('SELF_SIGNED_CERT_IN_CHAIN', `self-signed certificate ${describe(current)} in the chain is not a trust anchor`, A.unknown_ca);
    }
    return certs.length === 1
      ? failure('UNABLE_TO_VERIFY_LEAF_SIGNATURE', `unable to verify the first certificate: issuer of ${describe(current)} not found`, A.unknown_ca)
      : failure('UNABLE_TO_GET_ISSUER_CERT_LOCALLY', `unable to get local issuer certificate for ${describe(current)}`, A.unknown_ca);
  }
}

function pick(candidates: X509Certificate[], child: X509Certificate, ops: RsaOps): X509Certificate | undefined {
  if (candidates.length <= 1) return candidates[0];
  return candidates.find((c) => signedBy(child, c, ops)) ?? candidates[0];
}

// ------------------------------------------------------------------------------------------------
// Per-certificate checks (index 0 is the leaf; the last element of an anchored path is the anchor)

interface Policy {
  now: Date;
  ops: RsaOps;
  purpose: CertificatePurpose;
  minRSABits: number;
  allowSHA1Signatures: boolean;
  keyExchange: string | undefined;
}

type Check = (cert: X509Certificate, index: number, path: Path, policy: Policy) => VerifyFailure | null;

function isAnchor(index: number, path: Path): boolean {
  return path.anchored && index === path.certs.length - 1;
}

/** RFC 5280 4.1.2.5; TLS alert certificate_expired covers "expired or not currently valid" (RFC 2246 7.2.2). */
const checkValidity: Check = (cert, _i, _p, { now }) => {
  if (now.getTime() < cert.notBefore.getTime()) {
    return failure('CERT_NOT_YET_VALID', `certificate ${describe(cert)} is not yet valid (notBefore ${cert.notBefore.toISOString()})`, A.certificate_expired);
  }
  if (now.getTime() > cert.notAfter.getTime()) {
    return failure('CERT_HAS_EXPIRED', `certificate ${describe(cert)} has expired (notAfter ${cert.notAfter.toISOString()})`, A.certificate_expired);
  }
  return null;
};

/**
 * RFC 5280 4.2.1.9 / WAP-211 6.6.6: an issuing certificate must be a CA (basicConstraints cA); its
 * pathLenConstraint bounds the intermediates below it; keyUsage, when present, must allow keyCertSign
 * (RFC 5280 4.2.1.3; OpenSSL's KEYUSAGE_NO_CERTSIGN). A trust anchor without basicConstraints (a
 * version 1 root) is accepted as a CA, as OpenSSL does outside its strict mode: it is trusted by
 * configuration.
 */
const checkCa: Check = (cert, index, path) => {
  if (index === 0) return null;
  const bc = cert.extensions.basicConstraints;
  if (!bc) {
    if (isAnchor(index, path)) return null;
    return failure('INVALID_CA', `issuer ${describe(cert)} has no basicConstraints (RFC 5280 4.2.1.9)`, A.bad_certificate);
  }
  if (!bc.cA) return failure('INVALID_CA', `issuer ${describe(cert)} is not a CA (basicConstraints cA false)`, A.bad_certificate);
  const ku = cert.extensions.keyUsage;
  if (ku && !ku.usages.includes('keyCertSign')) {
    return failure('KEYUSAGE_NO_CERTSIGN', `issuer ${describe(cert)} keyUsage lacks keyCertSign (RFC 5280 4.2.1.3)`, A.bad_certificate);
  }
  // Non-self-issued intermediates between this CA and the leaf (RFC 5280 6.1.4 (l)/(m)).
  if (bc.pathLength !== undefined) {
    let below = 0;
    for (let j = 1; j < index; j++) if (!path.certs[j]!.selfIssued) below++;
    if (below > bc.pathLength) {
      return failure('PATH_LENGTH_EXCEEDED', `pathLenConstraint ${bc.pathLength} of ${describe(cert)} exceeded`, A.bad_certificate);
    }
  }
  return null;
};

/** RFC 5280 4.2 / WAP-211 6.4.7: a critical extension we do not process makes the certificate unusable. */
const checkCriticalExtensions: Check = (cert) => {
  const unknown = cert.extensions.all.find((e) => e.critical && !e.understood);
  return unknown
    ? failure('UNHANDLED_CRITICAL_EXTENSION', `unhandled critical extension ${unknown.name} in ${describe(cert)}`, A.unsupported_certificate)
    : null;
};

/**
 * RFC 5280 4.2.1.12: when extendedKeyUsage is present the certificate may only be used for the
 * purposes listed; id-kp-serverAuth for a TLS server, id-kp-clientAuth for a TLS client (WAP-211
 * 6.4.7), or anyExtendedKeyUsage. Applied to the CAs of the path as well, as OpenSSL, NSS and
 * Windows do (an intermediate restricted to clientAuth cannot vouch for a server).
 */
const checkExtendedKeyUsage: Check = (cert, index, _p, { purpose }) => {
  const eku = cert.extensions.extKeyUsage;
  if (!eku) return null;
  const wanted = purpose === 'serverAuth' ? OID.serverAuth : OID.clientAuth;
  if (eku.oids.includes(wanted) || eku.oids.includes(OID.anyExtendedKeyUsage)) return null;
  const who = index === 0 ? 'certificate' : 'issuer';
  return failure('INVALID_PURPOSE', `${who} ${describe(cert)} extendedKeyUsage (${eku.names.join(', ')}) does not allow ${purpose} (RFC 5280 4.2.1.12)`, A.unsupported_certificate);
};

/**
 * RFC 2246 7.4.2 (WAP-211 6.4.7 points there): the server's key must be usable for the key exchange
 * (keyEncipherment to receive the RSA premaster, digitalSignature to sign DHE parameters); when the
 * key exchange is not known either bit will do. A client certificate signs CertificateVerify
 * (RFC 2246 7.4.8, WAP-211 6.2.6), so it needs digitalSignature. No keyUsage extension: any use.
 */
const checkLeafKeyUsage: Check = (cert, index, _p, { purpose, keyExchange }) => {
  if (index !== 0) return null;
  const ku = cert.extensions.keyUsage;
  if (!ku) return null;
  let needed: KeyUsageName[];
  if (purpose === 'clientAuth') needed = ['digitalSignature'];
  else {
    const usage = keyExchange === undefined ? undefined : serverKeyUsageOf(keyExchange);
    needed = usage ? [usage] : ['keyEncipherment', 'digitalSignature'];
  }
  if (needed.some((u) => ku.usages.includes(u))) return null;
  const forWhat = purpose === 'clientAuth' ? 'a client certificate' : keyExchange ? `the ${keyExchange} key exchange` : 'a TLS server';
  return failure(
    'INVALID_PURPOSE',
    `certificate ${describe(cert)} keyUsage (${ku.usages.join(', ') || 'none'}) lacks ${needed.join(' or ')} needed for ${forWhat} (RFC 2246 7.4.2)`,
    A.unsupported_certificate,
  );
};

/**
 * WAP-211 6.2.5 / 6.6.5: RSA keys below minRSABits are refused anywhere in the path, the anchor
 * included (OpenSSL's EE_KEY_TOO_SMALL / CA_KEY_TOO_SMALL, which Node reports as UNSPECIFIED).
 */
const checkKeySize: Check = (cert, index, _p, { minRSABits }) => {
  if (cert.publicKey.algorithm !== 'rsa' || cert.publicKeyBits >= minRSABits) return null;
  return failure(
    index === 0 ? 'EE_KEY_TOO_SMALL' : 'CA_KEY_TOO_SMALL',
    `${index === 0 ? 'certificate' : 'CA certificate'} ${describe(cert)} has a ${cert.publicKeyBits}-bit RSA key; at least ${minRSABits} bits are required (minRSABits)`,
    A.bad_certificate,
  );
};

/**
 * Each certificate is signed by the next one. The anchor is trusted by configuration, not by its
 * signature, so neither its signature nor its signature algorithm is looked at (as OpenSSL).
 */
const checkIssuerSignature: Check = (cert, index, path, { ops, allowSHA1Signatures }) => {
  const issuer = path.certs[index + 1];
  if (!issuer) return null;
  return checkSignature(cert, issuer, ops, { allowSHA1Signatures });
};

/** Applied to every certificate of the path, from the anchor down to the leaf (OpenSSL's order). */
const checks: readonly Check[] = [
  checkCriticalExtensions,
  checkCa,
  checkExtendedKeyUsage,
  checkLeafKeyUsage,
  checkKeySize,
  checkIssuerSignature,
  checkValidity,
];

// ------------------------------------------------------------------------------------------------
// RFC 2818 3.1 server identity

function normalizeDns(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** One dNSName (or CN) pattern against a host name; '*' only as the whole left-most label. */
function dnsMatches(pattern: string, host: string): boolean {
  const p = normalizeDns(pattern);
  if (p === '' || host === '') return false;
  if (!p.includes('*')) return p === host;
  const pl = p.split('.');
  const hl = host.split('.');
  // "*.example.com" matches exactly one label; "f*.example.com", "*.*.com", "*.com" never match.
  if (pl[0] !== '*' || pl.slice(1).some((l) => l.includes('*'))) return false;
  if (pl.length < 3 || pl.length !== hl.length) return false;
  if (hl[0] === '') return false;
  return pl.slice(1).join('.') === hl.slice(1).join('.');
}

/**
 * RFC 2818 3.1: dNSName subjectAltNames when there are any, else the most specific (last) Common
 * Name; an IP address only against iPAddress subjectAltNames. Null when the name matches.
 */
export function checkHostname(cert: X509Certificate, name: string): VerifyFailure | null {
  const san = cert.extensions.subjectAltName;
  const ip = parseIp(name.replace(/^\[(.*)\]$/, '$1'));
  let ok: boolean;
  let tried: string;
  if (ip) {
    const ips = san?.ipAddressBytes ?? [];
    ok = ips.some((b) => bytesEqual(b, ip));
    tried = (san?.ipAddresses ?? []).map((a) => `IP Address:${a}`).join(', ');
  } else {
    const host = normalizeDns(name);
    const dns = san?.dnsNames ?? [];
    if (dns.length > 0) {
      ok = dns.some((d) => dnsMatches(d, host));
      tried = dns.map((d) => `DNS:${d}`).join(', ');
    } else {
      const cns = cert.subject.attributes.filter((a) => a.shortName === 'CN');
      const cn = cns[cns.length - 1]?.value;
      ok = cn !== undefined && dnsMatches(cn, host);
      tried = cn !== undefined ? `CN:${cn}` : '';
    }
  }
  if (ok) return null;
  return failure(
    'ERR_TLS_CERT_ALTNAME_INVALID',
    `RFC 2818 3.1: Hostname/IP does not match certificate's altnames: Host: ${name} is not in the cert's altnames: ${tried || '(none)'}`,
    A.certificate_unknown,
  );
}

// ------------------------------------------------------------------------------------------------
// Entry points

function parseChain(chain: readonly Uint8Array[]): X509Certificate[] | VerifyFailure {
  const out: X509Certificate[] = [];
  for (let i = 0; i < chain.length; i++) {
    try {
      out.push(parseCertificate(chain[i]!));
    } catch (err) {
      return failure('CERT_DECODE_ERROR', `certificate ${i} of the chain does not parse: ${(err as Error).message}`, A.bad_certificate);
    }
  }
  return out;
}

function parseAnchors(ca: readonly Uint8Array[]): X509Certificate[] {
  return ca.map(parseAnchor).filter((c): c is X509Certificate => c !== null);
}

function policyOf(opts: VerifyOptions, purpose: CertificatePurpose): Policy {
  return {
    now: opts.now,
    ops: opts.provider ?? pureProvider,
    purpose,
    minRSABits: opts.minRSABits ?? DEFAULT_MIN_RSA_BITS,
    allowSHA1Signatures: opts.allowSHA1Signatures ?? true,
    keyExchange: opts.keyExchange,
  };
}

/**
 * Path and per-certificate checks, without the name check. `purpose` picks the extendedKeyUsage and
 * the leaf keyUsage rules (default serverAuth: the chain of a TLS server).
 */
export function verifyPath(
  chain: readonly Uint8Array[],
  opts: VerifyOptions,
  purpose: CertificatePurpose = 'serverAuth',
): VerifyFailure | { path: X509Certificate[] } {
  if (chain.length === 0) return failure('ERR_TLS_NO_PEER_CERTIFICATE', 'the peer sent no certificate', A.handshake_failure);
  const parsed = parseChain(chain);
  if (!Array.isArray(parsed)) return parsed;
  const policy = policyOf(opts, purpose);
  const built = buildPath(parsed[0]!, parsed.slice(1), parseAnchors(opts.ca), policy.ops, opts.maxDepth ?? 10);
  if (!('certs' in built)) return built;
  for (let i = built.certs.length - 1; i >= 0; i--) {
    for (const check of checks) {
      const f = check(built.certs[i]!, i, built, policy);
      if (f) return f;
    }
  }
  return { path: built.certs };
}

/** The client's check of a server chain (leaf first): the path to a trust anchor, then the name. */
export function verifyServerChain(chain: readonly Uint8Array[], opts: VerifyOptions): CertificateVerdict {
  const r = verifyPath(chain, opts, 'serverAuth');
  if (!('path' in r)) return verdictOf(r);
  if (opts.servername !== undefined) return verdictOf(checkHostname(r.path[0]!, opts.servername));
  return verdictOf(null);
}

/**
 * The server's check of a client chain (TS 33.141 6.1.4, WAP-219 6.4): the same path rules with
 * clientAuth in place of serverAuth and digitalSignature for the leaf; there is no name to check.
 */
export function verifyClientChain(chain: readonly Uint8Array[], opts: Omit<VerifyOptions, 'servername' | 'keyExchange'>): CertificateVerdict {
  const r = verifyPath(chain, opts, 'clientAuth');
  return verdictOf('path' in r ? null : r);
}

/**
 * The peer's certificates in issuer order for display (node:tls getPeerCertificate(true)): from the
 * leaf through the certificates it sent, in whatever order it sent them, and on to the trust anchor
 * that issued the last one when `ca` has it, as Node adds the root from its store. No check is made
 * (a chain that failed verification is shown as far as it links); certificates that do not parse
 * are left out. Empty when the leaf does not parse.
 */
export function peerCertificatePath(chain: readonly Uint8Array[], ca: readonly Uint8Array[] = [], provider: RsaOps = pureProvider): X509Certificate[] {
  const parsed: X509Certificate[] = [];
  for (const der of chain) {
    try {
      parsed.push(parseCertificate(der));
    } catch {
      if (parsed.length === 0) return [];
    }
  }
  if (parsed.length === 0) return [];
  const path = [parsed[0]!];
  const unused = parsed.slice(1);
  let anchors: X509Certificate[] | undefined;
  for (let current = path[0]!; !current.selfIssued && path.length < 32; ) {
    const issuedBy = (c: X509Certificate) => bytesEqual(c.subject.der, current.issuer.der);
    let next = pick(unused.filter(issuedBy), current, provider);
    if (next) unused.splice(unused.indexOf(next), 1);
    else next = pick((anchors ??= parseAnchors(ca)).filter(issuedBy), current, provider);
    if (!next) break;
    path.push(next);
    current = next;
  }
  return path;
}
