/**
 * RFC 3546 3.3 on the server: turn a CertificateURL message into a certificate chain through the
 * application's fetch function, checking each optional SHA-1 hash.
 *   - a fetch that fails (or returns nothing)  -> certificate_unobtainable (111)
 *   - a hash that does not match               -> bad_certificate_hash_value (114)
 * PkiPath (RFC 3546 3.3 / X.509: SEQUENCE OF Certificate, the certificate nearest the trust anchor
 * first) is reversed into TLS order (leaf first).
 */
import { AlertDescription } from '../alerts.js';
import { sha1 } from '../crypto/hash.js';
import { TLSAlertError } from '../errors.js';
import { CertChainType, type CertificateUrl } from '../messages/certificate-url.js';
import { ByteReader, constantTimeEqual, DecodeError } from '../util/bytes.js';

export type CertificateUrlFetcher = (url: string) => Uint8Array | Promise<Uint8Array>;

/** Splits a DER SEQUENCE OF into the DER of each element (definite lengths only, as DER requires). */
export function splitDerSequence(der: Uint8Array): Uint8Array[] {
  const outer = readTlv(new ByteReader(der, 'PkiPath'));
  if (outer.tag !== 0x30) throw new DecodeError('PkiPath: not a SEQUENCE');
  const items: Uint8Array[] = [];
  const r = new ByteReader(outer.content, 'PkiPath');
  while (!r.done) items.push(readTlv(r).whole);
  return items;
}

function readTlv(r: ByteReader): { tag: number; content: Uint8Array; whole: Uint8Array } {
  const start = r.offset;
  const tag = r.u8('tag');
  let length = r.u8('length');
  if (length & 0x80) {
    const n = length & 0x7f;
    if (n === 0 || n > 3) throw new DecodeError('DER length form not supported');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + r.u8('length');
  }
  const content = r.bytes(length, 'content');
  return { tag, content, whole: r.since(start) };
}

export async function fetchCertificateChain(message: CertificateUrl, fetch: CertificateUrlFetcher): Promise<Uint8Array[]> {
  const chain: Uint8Array[] = [];
  for (const entry of message.urls) {
    let body: Uint8Array;
    try {
      body = await fetch(entry.url);
    } catch (err) {
      throw new TLSAlertError(AlertDescription.certificate_unobtainable, `RFC 3546 3.3: cannot fetch ${entry.url}`, { cause: err });
    }
    if (!(body instanceof Uint8Array) || body.length === 0) {
      throw new TLSAlertError(AlertDescription.certificate_unobtainable, `RFC 3546 3.3: nothing fetched from ${entry.url}`);
    }
    if (entry.hash && !constantTimeEqual(sha1(body), entry.hash)) {
      throw new TLSAlertError(AlertDescription.bad_certificate_hash_value, `RFC 3546 3.3: SHA-1 of ${entry.url} does not match`);
    }
    if (message.chainType === CertChainType.pkipath) {
      try {
        chain.push(...splitDerSequence(body).reverse());
      } catch (err) {
        throw new TLSAlertError(AlertDescription.bad_certificate, `RFC 3546 3.3: ${entry.url} is not a PkiPath`, { cause: err });
      }
    } else {
      chain.push(body);
    }
  }
  return chain;
}
