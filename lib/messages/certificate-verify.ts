/**
 * CertificateVerify (RFC 2246 7.4.8): struct { Signature signature; } CertificateVerify;
 * with the signature a digitally-signed element, opaque<0..2^16-1> (RFC 2246 4.7).
 * For RSA it is the PKCS#1 type-1 signature over MD5(handshake_messages) + SHA(handshake_messages).
 */
import { ByteReader, ByteWriter } from '../util/bytes.js';

export function encodeCertificateVerify(signature: Uint8Array): Uint8Array {
  return new ByteWriter(signature.length + 2).vector(2, signature).finish();
}

/** The signature bytes (a copy). */
export function decodeCertificateVerify(body: Uint8Array): Uint8Array {
  const r = new ByteReader(body, 'CertificateVerify');
  const sig = r.vector(2, 'signature', 0, 0xffff).slice();
  r.end();
  return sig;
}
