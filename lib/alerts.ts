/**
 * TLS alert protocol constants (RFC 2246 7.2, plus RFC 3546 4 and RFC 7507).
 */

export const AlertLevel = { warning: 1, fatal: 2 } as const;
export type AlertLevel = (typeof AlertLevel)[keyof typeof AlertLevel];

export const AlertDescription = {
  close_notify: 0,
  unexpected_message: 10,
  bad_record_mac: 20,
  decryption_failed: 21,
  record_overflow: 22,
  decompression_failure: 30,
  handshake_failure: 40,
  no_certificate: 41, // SSL 3.0 only; listed so a peer's use of it gets a name
  bad_certificate: 42,
  unsupported_certificate: 43,
  certificate_revoked: 44,
  certificate_expired: 45,
  certificate_unknown: 46,
  illegal_parameter: 47,
  unknown_ca: 48,
  access_denied: 49,
  decode_error: 50,
  decrypt_error: 51,
  export_restriction: 60,
  protocol_version: 70,
  insufficient_security: 71,
  internal_error: 80,
  inappropriate_fallback: 86,
  user_canceled: 90,
  no_renegotiation: 100,
  unsupported_extension: 110,
  certificate_unobtainable: 111,
  unrecognized_name: 112,
  bad_certificate_status_response: 113,
  bad_certificate_hash_value: 114,
  no_application_protocol: 120, // RFC 7301 3.2
} as const;
export type AlertDescription = (typeof AlertDescription)[keyof typeof AlertDescription];

const NAMES = new Map<number, string>(Object.entries(AlertDescription).map(([k, v]) => [v, k]));

/** "handshake_failure" for 40; "unknown(123)" for a code no RFC we implement defines. */
export function alertName(code: number): string {
  return NAMES.get(code) ?? `unknown(${code})`;
}

/** Alerts that RFC 2246 says are always fatal. */
export const ALWAYS_FATAL: ReadonlySet<number> = new Set([10, 20, 21, 22, 30, 40, 47, 48, 49, 50, 60, 70, 71, 80, 86]);

/** Alerts introduced by RFC 3546: only sent to a peer that sent an extended hello (RFC 3546 4). */
export const EXTENSION_ALERTS: ReadonlySet<number> = new Set([110, 111, 112, 113, 114]);
