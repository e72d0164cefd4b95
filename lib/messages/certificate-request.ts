/**
 * CertificateRequest (RFC 2246 7.4.4).
 *
 *   struct { ClientCertificateType certificate_types<1..2^8-1>;
 *            DistinguishedName certificate_authorities<3..2^16-1>; } CertificateRequest;
 *   opaque DistinguishedName<1..2^16-1>;
 *
 * RFC 2246 writes certificate_authorities<3..2^16-1>, but real servers send an empty list (and TLS 1.1 made the
 * bound <0..>): we accept, and may send, an empty list. A non-empty list shorter than 3 bytes cannot hold one
 * DistinguishedName anyway, so nothing else is lost.
 */
import { ByteReader, ByteWriter } from '../util/bytes.js';

export interface CertificateRequest {
  /** ClientCertificateType values (see types.ts), 1..255 of them. */
  certificateTypes: number[];
  /** DER-encoded DistinguishedNames of acceptable CAs; may be empty. */
  certificateAuthorities: Uint8Array[];
}

export function encodeCertificateRequest(req: CertificateRequest): Uint8Array {
  if (req.certificateTypes.length === 0) throw new RangeError('certificate_types<1..2^8-1> needs at least one type');
  const w = new ByteWriter();
  w.vector(1, Uint8Array.from(req.certificateTypes));
  w.nested(2, (list) => {
    for (const dn of req.certificateAuthorities) {
      if (dn.length === 0) throw new RangeError('DistinguishedName<1..2^16-1> cannot be empty');
      list.vector(2, dn);
    }
  });
  return w.finish();
}

export function decodeCertificateRequest(body: Uint8Array): CertificateRequest {
  const r = new ByteReader(body, 'CertificateRequest');
  const certificateTypes = Array.from(r.vector(1, 'certificate_types', 1, 0xff));
  const list = r.sub(2, 'certificate_authorities', 0, 0xffff);
  r.end();
  const certificateAuthorities: Uint8Array[] = [];
  while (!list.done) certificateAuthorities.push(list.vector(2, 'DistinguishedName', 1, 0xffff).slice());
  return { certificateTypes, certificateAuthorities };
}
