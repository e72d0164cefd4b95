/**
 * Record-layer constants (RFC 2246 section 6.2 and Appendix A.1).
 */

/** ContentType (RFC 2246 6.2.1). */
export const ContentType = { change_cipher_spec: 20, alert: 21, handshake: 22, application_data: 23 } as const;
export type ContentType = (typeof ContentType)[keyof typeof ContentType];

/** ProtocolVersion {3, 1} as it appears on the wire (RFC 2246 A.1). */
export const TLS_1_0 = 0x0301;

/** TLSPlaintext.length limit: 2^14 (RFC 2246 6.2.1). */
export const MAX_PLAINTEXT = 16384;
/** TLSCompressed.length limit: 2^14 + 1024 (RFC 2246 6.2.2). */
export const MAX_COMPRESSED = 16384 + 1024;
/** TLSCiphertext.length limit: 2^14 + 2048 (RFC 2246 6.2.3). */
export const MAX_CIPHERTEXT = 16384 + 2048;

/** type(1) + version(2) + length(2). */
export const RECORD_HEADER_LENGTH = 5;

/** A ContentType this implementation understands (20..23). */
export function isKnownContentType(type: number): type is ContentType {
  return type >= 20 && type <= 23;
}
