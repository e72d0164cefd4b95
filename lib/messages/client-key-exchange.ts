/**
 * ClientKeyExchange (RFC 2246 7.4.7).
 *
 * RSA: struct { public-key-encrypted PreMasterSecret pre_master_secret; } EncryptedPreMasterSecret;
 *   In TLS a public-key-encrypted element is opaque<0..2^16-1> (RFC 2246 4.7), so the RSA block carries a
 *   2-byte length. SSL 3.0 sent it bare; RFC 5246 7.4.7.1's implementation note confirms TLS requires the prefix.
 *   A length mismatch is decode_error; what the block decrypts to is never reported early (Bleichenbacher
 *   countermeasure, RFC 2246 7.4.7.1), which is the engine's job.
 *
 * DH: struct { select (PublicValueEncoding) { case implicit: struct {}; case explicit: opaque dh_Yc<1..2^16-1>; }
 *   dh_public; } ClientDiffieHellmanPublic;
 *   Only the explicit form is implemented: the implicit (empty) form goes with fixed-DH client certificates,
 *   which ut-tls does not support.
 */
import { ByteReader, ByteWriter } from '../util/bytes.js';

export function encodeRsaClientKeyExchange(encryptedPremaster: Uint8Array): Uint8Array {
  return new ByteWriter(encryptedPremaster.length + 2).vector(2, encryptedPremaster).finish();
}

export function decodeRsaClientKeyExchange(body: Uint8Array): Uint8Array {
  const r = new ByteReader(body, 'ClientKeyExchange(RSA)');
  const v = r.vector(2, 'EncryptedPreMasterSecret', 0, 0xffff).slice();
  r.end();
  return v;
}

export function encodeDhClientKeyExchange(yc: Uint8Array): Uint8Array {
  if (yc.length === 0) throw new RangeError('dh_Yc<1..2^16-1> cannot be empty');
  return new ByteWriter(yc.length + 2).vector(2, yc).finish();
}

export function decodeDhClientKeyExchange(body: Uint8Array): Uint8Array {
  const r = new ByteReader(body, 'ClientKeyExchange(DH)');
  // RFC 2246: dh_Yc<1..2^16-1>, so an empty vector (body 00 00) is malformed: decode_error, as OpenSSL
  // answers and tlsfuzzer expects. Yc = 0 sent as one zero byte is well formed and is refused later as
  // out of range (illegal_parameter), like 1, p-1 and p.
  const v = r.vector(2, 'dh_Yc', 1, 0xffff).slice();
  r.end();
  return v;
}
