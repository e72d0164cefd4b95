/**
 * ServerKeyExchange for DHE_DSS / DHE_RSA (RFC 2246 7.4.3).
 *
 *   struct { opaque dh_p<1..2^16-1>; opaque dh_g<1..2^16-1>; opaque dh_Ys<1..2^16-1>; } ServerDHParams;
 *   struct { ServerDHParams params; Signature signed_params; } ServerKeyExchange;
 *   digitally-signed elements are opaque<0..2^16-1> (RFC 2246 4.7).
 *
 * The signature covers client_random + server_random + the params exactly as they appear on the wire,
 * so the decoder hands those bytes back (paramsBytes) instead of letting the caller re-encode them.
 * Not implemented: ServerRSAParams (RSA_EXPORT; ut-tls has no export cipher) and the unsigned DH_anon form
 * (anonymous key exchange is forbidden by TS 33.141 6.3).
 */
import { ByteReader, ByteWriter } from '../util/bytes.js';

export interface ServerDHParams {
  p: Uint8Array;
  g: Uint8Array;
  ys: Uint8Array;
}

export interface DheServerKeyExchange {
  params: ServerDHParams;
  /** The exact wire bytes of ServerDHParams (what is signed). */
  paramsBytes: Uint8Array;
  signature: Uint8Array;
}

/** The ServerDHParams bytes: what is signed and what goes first in the message. */
export function encodeServerDHParams(params: ServerDHParams): Uint8Array {
  for (const [name, v] of [['dh_p', params.p], ['dh_g', params.g], ['dh_Ys', params.ys]] as const) {
    if (v.length === 0) throw new RangeError(`${name}<1..2^16-1> cannot be empty`);
  }
  return new ByteWriter().vector(2, params.p).vector(2, params.g).vector(2, params.ys).finish();
}

export function encodeDheServerKeyExchange(params: ServerDHParams, signature: Uint8Array): Uint8Array {
  return new ByteWriter().bytes(encodeServerDHParams(params)).vector(2, signature).finish();
}

export function decodeDheServerKeyExchange(body: Uint8Array): DheServerKeyExchange {
  const r = new ByteReader(body, 'ServerKeyExchange(DHE)');
  const p = r.vector(2, 'dh_p', 1, 0xffff).slice();
  const g = r.vector(2, 'dh_g', 1, 0xffff).slice();
  const ys = r.vector(2, 'dh_Ys', 1, 0xffff).slice();
  const paramsBytes = body.slice(0, r.offset);
  const signature = r.vector(2, 'signature', 0, 0xffff).slice();
  r.end();
  return { params: { p, g, ys }, paramsBytes, signature };
}
