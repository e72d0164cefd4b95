/**
 * Certificate verification in the core (issue 19 item 5; docs/verification.md). The engine judges the
 * peer's chain itself, from the trust anchors and the WAP-211 policy in its options, with the path
 * rules of x509/verify.ts; the socket layer only supplies Node's root store and the node-shaped
 * checkServerIdentity. Secure by default: a client with neither trust anchors nor an explicit
 * `insecureSkipVerify` (nor its own `verifyPeer`) is a configuration error, never a silent accept.
 *
 * Sessions keep what resumption needs to judge the verification again (issue 21 item 4): the verdict,
 * the window in which the whole path is valid, the SHA-256 of the anchor that ended it, the leaf
 * (bounded by maxSessionLeafSize) and a digest of the chain; not the chain itself.
 *
 * The flows call: `PeerVerifier.forClient/forServer` at construction, `verify` on a Certificate
 * message, `recheck` before resuming, `sessionFields` when the session is made.
 */
import { AlertDescription } from '../alerts.js';
import type { RsaOps } from '../crypto/rsa.js';
import { hash } from '../crypto/hash.js';
import { TLSConfigError } from '../errors.js';
import { toHex } from '../util/bytes.js';
import { parseCertificate, type X509Certificate } from '../x509/certificate.js';
import { checkHostname, DEFAULT_MIN_RSA_BITS, verifyPath, type CertificatePurpose } from '../x509/verify.js';
import type {
  CertificateVerdict,
  ClientEngineOptions,
  PeerVerificationOptions,
  ServerEngineOptions,
  SessionData,
  SessionPeerVerification,
  TrustAnchor,
} from './types.js';

/** A session keeps the peer's leaf up to this many bytes (a typical leaf is 1-2 KB; docs/bounds.md). */
export const DEFAULT_MAX_SESSION_LEAF_SIZE = 16384;
/** The verdict code a session keeps is cut to this length (it comes from the application with verifyPeer). */
const MAX_STORED_CODE = 64;

/** The verdict of a client that was told not to verify. */
export const SKIPPED_VERDICT: CertificateVerdict = Object.freeze({
  authorized: false,
  code: 'ERR_TLS_VERIFICATION_SKIPPED',
  message: 'insecureSkipVerify: the server certificate was not verified',
});

/** What the flow hands over for one check. */
export interface VerifyContext {
  now: number;
  provider: RsaOps;
  /** The negotiated key exchange (RFC 2246 7.4.2 leaf keyUsage); absent: either bit. */
  keyExchange?: string;
  /** Server: the selected virtual host's anchors, which win over the options'. */
  anchors?: readonly Uint8Array[];
}

/** A verdict plus the record a session keeps of it. */
export interface Judgement {
  verdict: CertificateVerdict;
  record: SessionPeerVerification;
}

// One DER array per anchor list object: the socket layer passes the same list to every connection.
const derLists = new WeakMap<readonly TrustAnchor[], readonly Uint8Array[]>();
function anchorDers(list: readonly TrustAnchor[]): readonly Uint8Array[] {
  let ders = derLists.get(list);
  if (!ders) {
    ders = list.map((a) => (a instanceof Uint8Array ? a : a.raw));
    derLists.set(list, ders);
  }
  return ders;
}

// SHA-256 of each anchor, per list object, for the resumption re-check (computed on first resumption).
const digestSets = new WeakMap<readonly Uint8Array[], Set<string>>();
function anchorDigests(ders: readonly Uint8Array[]): Set<string> {
  let set = digestSets.get(ders);
  if (!set) {
    set = new Set(ders.map((d) => toHex(hash('sha256', d))));
    digestSets.set(ders, set);
  }
  return set;
}

/** SHA-256 over the chain as the Certificate message lists it (u24 length || DER, each). */
export function chainDigest(chain: readonly Uint8Array[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const der of chain) {
    parts.push(new Uint8Array([(der.length >>> 16) & 0xff, (der.length >>> 8) & 0xff, der.length & 0xff]), der);
  }
  return hash('sha256', ...parts);
}

function failed(code: string, message: string, alert: number = AlertDescription.bad_certificate): CertificateVerdict {
  return { authorized: false, code, message, alert };
}

function validityWindow(path: readonly X509Certificate[]): { validFrom: number; validUntil: number } {
  let validFrom = -Infinity;
  let validUntil = Infinity;
  for (const c of path) {
    validFrom = Math.max(validFrom, c.notBefore.getTime());
    validUntil = Math.min(validUntil, c.notAfter.getTime());
  }
  return { validFrom, validUntil };
}

/** What a stricter minRSABits / allowSHA1Signatures would judge again (the path is not kept). */
function strengthOf(path: readonly X509Certificate[]): NonNullable<SessionPeerVerification['strength']> {
  const bits = path.filter((c) => c.publicKey.algorithm === 'rsa').map((c) => c.publicKeyBits);
  // The anchor's own signature is never judged (x509/verify.ts checkIssuerSignature).
  const sha1Signed = path.slice(0, -1).some((c) => c.signatureAlgorithm.hash === 'sha1');
  return { minKeyBits: bits.length > 0 ? Math.min(...bits) : 0, sha1Signed };
}

function recordOf(
  verdict: CertificateVerdict,
  window: { validFrom: number; validUntil: number },
  anchor?: Uint8Array,
  strength?: SessionPeerVerification['strength'],
): SessionPeerVerification {
  return {
    authorized: verdict.authorized,
    ...(!verdict.authorized ? { code: (verdict.code ?? 'ERR_TLS_CERT_UNTRUSTED').slice(0, MAX_STORED_CODE) } : {}),
    validFrom: window.validFrom,
    validUntil: window.validUntil,
    ...(anchor ? { anchor } : {}),
    ...(strength ? { strength } : {}),
  };
}

function checkNumber(value: number | undefined, name: string, min: number, max: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new TLSConfigError(`${name}: expected a whole number from ${min} to ${max}, got ${String(value)}`, name);
  }
}

export class PeerVerifier {
  private constructor(
    private readonly purpose: CertificatePurpose,
    private readonly options: PeerVerificationOptions,
    /** Does an unauthorized verdict end the handshake (and keep a session from being resumed)? */
    readonly rejecting: boolean,
    private readonly skip: boolean,
    private readonly identity: { name: string | undefined; check: ClientEngineOptions['checkServerIdentity'] } | null,
  ) {
    checkNumber(options.minRSABits, 'minRSABits', 1, 16384);
    checkNumber(options.maxChainDepth, 'maxChainDepth', 1, 64);
    checkNumber(options.maxSessionLeafSize, 'maxSessionLeafSize', 0, 1 << 24);
    if (options.trustAnchors !== undefined && !Array.isArray(options.trustAnchors)) {
      throw new TLSConfigError('trustAnchors: expected a list of DER certificates or parsed certificates', 'trustAnchors');
    }
  }

  /**
   * The client's verifier. Refuses (TLSConfigError) a configuration that would accept any server:
   * no trustAnchors, no verifyPeer and no explicit insecureSkipVerify.
   */
  /** certificates: whether any offered suite has a server certificate to verify (false: PSK suites only). */
  static forClient(options: ClientEngineOptions, certificates = true): PeerVerifier {
    const skip = options.insecureSkipVerify === true;
    // Only RFC 4279 PSK / DHE_PSK suites: no certificate will come, so nothing to verify or check it against.
    if (!certificates) return new PeerVerifier('serverAuth', options, false, true, { name: options.serverIdentity ?? options.servername, check: options.checkServerIdentity });
    if (skip && options.trustAnchors !== undefined) {
      throw new TLSConfigError('insecureSkipVerify and trustAnchors: choose one (rejectUnauthorized: false verifies and reports without refusing)', 'insecureSkipVerify');
    }
    if (!skip && options.trustAnchors === undefined && !options.verifyPeer) {
      throw new TLSConfigError(
        'a client Connection needs trustAnchors to verify the server (or insecureSkipVerify: true to accept any certificate, explicitly)',
        'trustAnchors',
      );
    }
    const name = options.serverIdentity ?? options.servername;
    // Anchors alone prove only that some CA vouched for the key, not for whom: without a name to check
    // (or the application's own checkServerIdentity) any certificate of any trusted CA would pass.
    if (!skip && !options.verifyPeer && name === undefined && !options.checkServerIdentity) {
      throw new TLSConfigError(
        'a verifying client Connection needs the name to check the server certificate against: servername or serverIdentity (or checkServerIdentity)',
        'servername',
      );
    }
    return new PeerVerifier('serverAuth', options, !skip && options.rejectUnauthorized !== false, skip, { name, check: options.checkServerIdentity });
  }

  /** The server's verifier for client certificates (requestCert); rejectUnauthorized is off unless set. */
  static forServer(options: ServerEngineOptions): PeerVerifier {
    return new PeerVerifier('clientAuth', options, options.rejectUnauthorized === true, false, null);
  }

  private anchors(ctx: { anchors?: readonly Uint8Array[] }): readonly Uint8Array[] | undefined {
    if (ctx.anchors) return ctx.anchors;
    return this.options.trustAnchors ? anchorDers(this.options.trustAnchors) : undefined;
  }

  /** The verdict on a chain the peer just presented (leaf first, non-empty, leaf already parsed). */
  verify(chain: readonly Uint8Array[], ctx: VerifyContext): Judgement {
    if (this.skip) return { verdict: SKIPPED_VERDICT, record: recordOf(SKIPPED_VERDICT, { validFrom: 0, validUntil: 0 }) };
    if (this.options.verifyPeer) {
      // The application's verdict; the session can only re-check the leaf's dates.
      const verdict = this.options.verifyPeer(chain);
      return { verdict, record: recordOf(verdict, validityWindow([parseCertificate(chain[0]!)])) };
    }
    const anchors = this.anchors(ctx);
    if (!anchors) {
      // Server without any anchors for client certificates: nothing can verify them.
      const verdict = failed('UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'no trust anchors configured for client certificates', AlertDescription.unknown_ca);
      return { verdict, record: recordOf(verdict, { validFrom: 0, validUntil: 0 }) };
    }
    const r = verifyPath(
      chain,
      {
        ca: anchors,
        now: new Date(ctx.now),
        provider: ctx.provider,
        ...(this.options.minRSABits !== undefined ? { minRSABits: this.options.minRSABits } : {}),
        ...(this.options.allowSHA1Signatures !== undefined ? { allowSHA1Signatures: this.options.allowSHA1Signatures } : {}),
        ...(this.options.maxChainDepth !== undefined ? { maxDepth: this.options.maxChainDepth } : {}),
        ...(ctx.keyExchange !== undefined ? { keyExchange: ctx.keyExchange } : {}),
      },
      this.purpose,
    );
    if (!('path' in r)) {
      const verdict: CertificateVerdict = { authorized: false, code: r.code, message: r.message, alert: r.alert };
      return { verdict, record: recordOf(verdict, { validFrom: 0, validUntil: 0 }) };
    }
    const window = validityWindow(r.path);
    const anchor = hash('sha256', r.path[r.path.length - 1]!.raw);
    const verdict = this.checkIdentity(chain) ?? { authorized: true };
    return { verdict, record: recordOf(verdict, window, anchor, strengthOf(r.path)) };
  }

  /** RFC 2818 3.1 (or the application's checkServerIdentity) for a client; null when it holds. */
  private checkIdentity(chain: readonly Uint8Array[]): CertificateVerdict | null {
    const id = this.identity;
    if (!id) return null;
    if (id.check) {
      const err = id.check(id.name ?? '', chain);
      if (!err) return null;
      const code = (err as { code?: unknown }).code;
      return failed(typeof code === 'string' ? code : 'ERR_TLS_CERT_ALTNAME_INVALID', err.message, AlertDescription.certificate_unknown);
    }
    if (id.name === undefined) return null;
    const f = checkHostname(parseCertificate(chain[0]!), id.name);
    return f ? { authorized: false, code: f.code, message: f.message, alert: f.alert } : null;
  }

  /**
   * The stored verification of a session judged again now: the verdict it had, every certificate of
   * the path still in date, the anchor that ended the path still trusted, and (client) the name still
   * matching the stored leaf. A session stored without a record counts as unverified.
   */
  recheck(session: SessionData, ctx: { now: number; anchors?: readonly Uint8Array[] }): CertificateVerdict {
    if (this.skip) return SKIPPED_VERDICT;
    const v = session.peerVerification;
    if (!v) return failed('ERR_TLS_SESSION_UNVERIFIED', 'the session holds no verification of the peer certificate', AlertDescription.certificate_unknown);
    if (!v.authorized) return failed(v.code ?? 'ERR_TLS_CERT_UNTRUSTED', `the session's peer certificate did not verify (${v.code ?? 'unknown'})`);
    if (ctx.now < v.validFrom) return failed('CERT_NOT_YET_VALID', "a certificate of the session's peer chain is not yet valid", AlertDescription.certificate_expired);
    if (ctx.now > v.validUntil) return failed('CERT_HAS_EXPIRED', "a certificate of the session's peer chain has expired since the session was made", AlertDescription.certificate_expired);
    if (v.anchor) {
      const anchors = this.anchors(ctx);
      if (this.options.verifyPeer || !anchors || !anchorDigests(anchors).has(toHex(v.anchor))) {
        return failed('UNABLE_TO_GET_ISSUER_CERT_LOCALLY', "the trust anchor that verified the session's peer chain is no longer trusted", AlertDescription.unknown_ca);
      }
      const weaker = this.weakerThanPolicy(v);
      if (weaker) return weaker;
    } else if (!this.options.verifyPeer) {
      return failed('ERR_TLS_SESSION_UNVERIFIED', "the session was verified by a verifyPeer callback this connection does not have", AlertDescription.certificate_unknown);
    }
    if (this.identity && (this.identity.check || this.identity.name !== undefined)) {
      const leaf = session.peerCertificates[0];
      if (!leaf) return failed('ERR_TLS_SESSION_UNVERIFIED', 'the session keeps no leaf certificate to check the server name against', AlertDescription.certificate_unknown);
      const f = this.checkIdentity([leaf]);
      if (f) return f;
    }
    return { authorized: true };
  }

  /**
   * The session's path judged against today's minRSABits / allowSHA1Signatures: a session made under
   * a laxer policy is not resumed under a stricter one (the full handshake judges the chain again).
   * A record without strength (written before it was kept) cannot be judged, so it is refused too.
   */
  private weakerThanPolicy(v: SessionPeerVerification): CertificateVerdict | null {
    const s = v.strength;
    if (!s) return failed('ERR_TLS_SESSION_UNVERIFIED', "the session does not record its path's key sizes and signatures", AlertDescription.certificate_unknown);
    const minRSABits = this.options.minRSABits ?? DEFAULT_MIN_RSA_BITS;
    if (s.minKeyBits < minRSABits) {
      return failed('CA_KEY_TOO_SMALL', `the session's peer chain has a ${s.minKeyBits}-bit RSA key; at least ${minRSABits} bits are required now (minRSABits)`, AlertDescription.bad_certificate);
    }
    if (s.sha1Signed && this.options.allowSHA1Signatures === false) {
      return failed('CA_MD_TOO_WEAK', "the session's peer chain has a SHA-1 signature and allowSHA1Signatures is off now", AlertDescription.bad_certificate);
    }
    return null;
  }

  /** The record of a verdict reached without a chain (the server's "client sent no certificate"). */
  failedRecord(verdict: CertificateVerdict): SessionPeerVerification {
    return recordOf(verdict, { validFrom: 0, validUntil: 0 });
  }

  /** What a session keeps of the peer's chain and its verification (issue 21 item 4). */
  sessionFields(chain: readonly Uint8Array[], record: SessionPeerVerification | null): Pick<SessionData, 'peerCertificates' | 'peerChainDigest' | 'peerVerification'> {
    const limit = this.options.maxSessionLeafSize ?? DEFAULT_MAX_SESSION_LEAF_SIZE;
    const leaf = chain[0];
    return {
      peerCertificates: leaf && leaf.length <= limit ? [leaf] : [],
      ...(chain.length > 0 ? { peerChainDigest: chainDigest(chain) } : {}),
      ...(record ? { peerVerification: record } : {}),
    };
  }
}
