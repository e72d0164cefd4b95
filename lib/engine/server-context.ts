/**
 * Which certificate chain and key the AP answers with: per server_name (RFC 3546 3.1; TS 33.141
 * Annex A option 1, virtual hosts on one AP) or per trusted_ca_keys (RFC 3546 3.4), else the default.
 */
import { sha1 } from '../crypto/hash.js';
import type { RsaPrivateKey } from '../crypto/provider.js';
import type { TrustedAuthority } from '../messages/extensions/trusted-ca-keys.js';
import { bigIntToMinimalBytes } from '../crypto/bigint.js';
import { bytesEqual } from '../util/bytes.js';
import { parseCertificate, type X509Certificate } from '../x509/certificate.js';

export interface ServerContext {
  /** Leaf first, as sent in the Certificate message. */
  readonly certificateChain: readonly Uint8Array[];
  readonly privateKey: RsaPrivateKey;
  /** Host names this context serves ("*.example.org" matches one left-most label). */
  readonly names?: readonly string[];
  /** A DER OCSPResponse stapled in CertificateStatus when the client asks (RFC 3546 3.6). */
  readonly ocspResponse?: Uint8Array;
  /** DER trust anchors for client certificates of this virtual host; win over the options' trustAnchors. */
  readonly trustAnchors?: readonly Uint8Array[];
}

/** RFC 3546 3.1: ASCII case-insensitive; a wildcard stands for exactly one left-most label. */
export function nameMatches(pattern: string, name: string): boolean {
  const p = pattern.toLowerCase().replace(/\.$/, '');
  const n = name.toLowerCase().replace(/[\u3002\uff0e\uff61]/g, '.').replace(/\.$/, '');
  if (p.startsWith('*.')) {
    const dot = n.indexOf('.');
    return dot > 0 && n.slice(dot + 1) === p.slice(2);
  }
  return p === n;
}

/** The names a context answers to: its `names`, else the leaf certificate's DNS names (RFC 2818: CN only without them). */
export function contextNames(context: ServerContext): readonly string[] {
  if (context.names) return context.names;
  const leaf = parsedChain(context)[0];
  if (!leaf) return [];
  const dns = leaf.extensions.subjectAltName?.dnsNames ?? [];
  if (dns.length > 0) return dns;
  const cn = leaf.subject.object.CN;
  return typeof cn === 'string' ? [cn] : [];
}

export function contextForName(contexts: readonly ServerContext[], name: string): ServerContext | undefined {
  return contexts.find((c) => contextNames(c).some((p) => nameMatches(p, name)));
}

const parsedChains = new WeakMap<ServerContext, X509Certificate[]>();
function parsedChain(context: ServerContext): X509Certificate[] {
  let chain = parsedChains.get(context);
  if (!chain) {
    chain = context.certificateChain.map((der) => parseCertificate(der));
    parsedChains.set(context, chain);
  }
  return chain;
}

/** RFC 3546 3.4: does any certificate of this chain (or the CA that issued its top) match the authority? */
function chainMatches(context: ServerContext, authority: TrustedAuthority): boolean {
  const chain = parsedChain(context);
  switch (authority.type) {
    case 0:
      return true; // pre_agreed: the client knows what we have
    case 1:
      // SHA-1 of the RSA modulus, big-endian, no leading zero bytes.
      return chain.some((c) => c.publicKey.algorithm === 'rsa' && bytesEqual(sha1(bigIntToMinimalBytes(c.publicKey.rsa.n)), authority.sha1Hash));
    case 2:
      return chain.some((c) => bytesEqual(c.subject.der, authority.distinguishedName) || bytesEqual(c.issuer.der, authority.distinguishedName));
    case 3:
      return chain.some((c) => bytesEqual(sha1(c.raw), authority.sha1Hash));
  }
}

export function contextForAuthorities(contexts: readonly ServerContext[], authorities: readonly TrustedAuthority[]): ServerContext | undefined {
  for (const authority of authorities) {
    const found = contexts.find((c) => chainMatches(c, authority));
    if (found) return found;
  }
  return undefined;
}
