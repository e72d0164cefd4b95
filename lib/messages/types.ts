/**
 * Handshake-layer constants (RFC 2246 7.4 and A.4; certificate_url / certificate_status from RFC 3546 2.4).
 */

export const HandshakeType = {
  hello_request: 0,
  client_hello: 1,
  server_hello: 2,
  certificate: 11,
  server_key_exchange: 12,
  certificate_request: 13,
  server_hello_done: 14,
  certificate_verify: 15,
  client_key_exchange: 16,
  finished: 20,
  certificate_url: 21, // RFC 3546 2.4
  certificate_status: 22, // RFC 3546 2.4
} as const;
export type HandshakeType = (typeof HandshakeType)[keyof typeof HandshakeType];

const HANDSHAKE_NAMES = new Map<number, string>(Object.entries(HandshakeType).map(([k, v]) => [v, k]));

/** "client_hello" for 1; "unknown(99)" for a type no RFC we implement defines (for error messages). */
export function handshakeTypeName(t: number): string {
  return HANDSHAKE_NAMES.get(t) ?? `unknown(${t})`;
}

/** RFC 2246 6.1 / 7.4.1.2: null(0) is the only method defined, and MUST be offered. */
export const CompressionMethod = { null: 0 } as const;

/** RFC 2246 7.4.4 (CertificateRequest.certificate_types). */
export const ClientCertificateType = {
  rsa_sign: 1,
  dss_sign: 2,
  rsa_fixed_dh: 3,
  dss_fixed_dh: 4,
} as const;

/** ProtocolVersion as one uint16 ({3,1} = 0x0301). */
export const ProtocolVersion = { SSL3_0: 0x0300, TLS1_0: 0x0301 } as const;

/** RFC 2246 7.4.1.2: Random = uint32 gmt_unix_time + 28 random bytes. */
export const RANDOM_LENGTH = 32;
/** RFC 2246 7.4.1.2: SessionID<0..32>. */
export const MAX_SESSION_ID_LENGTH = 32;
