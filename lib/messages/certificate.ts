/**
 * Certificate (RFC 2246 7.4.2 / 7.4.6): opaque ASN.1Cert<1..2^24-1>; struct { ASN.1Cert certificate_list<0..2^24-1>; }
 * An empty list is valid: it is the client's "no certificate" answer (TS 33.141 6.1.4). A.4.2 prints <1..>,
 * 7.4.2 and 7.4.6 say <0..>; the latter is what every stack does.
 * Certificates stay DER bytes here; parsing them is lib/x509's job.
 */
import { ByteReader, ByteWriter } from '../util/bytes.js';

/** Leaf first, as on the wire. */
export function encodeCertificate(chain: readonly Uint8Array[]): Uint8Array {
  const w = new ByteWriter();
  w.nested(3, (list) => {
    for (const cert of chain) {
      if (cert.length === 0) throw new RangeError('ASN.1Cert<1..2^24-1> cannot be empty');
      list.vector(3, cert);
    }
  });
  return w.finish();
}

export function decodeCertificate(body: Uint8Array): Uint8Array[] {
  const r = new ByteReader(body, 'Certificate');
  const list = r.sub(3, 'certificate_list', 0, 0xffffff);
  r.end();
  const chain: Uint8Array[] = [];
  while (!list.done) chain.push(list.vector(3, 'ASN.1Cert', 1, 0xffffff).slice());
  return chain;
}
