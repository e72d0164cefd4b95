/**
 * truncated_hmac (RFC 3546 3.5): extension_data is empty in both hellos.
 * If negotiated, the record MAC is cut to 10 bytes (the MAC secret keeps its full length; see spec.md 1.4).
 */
import { decodeEmptyExtension, encodeEmptyExtension } from './empty.js';

export const encodeTruncatedHmac = encodeEmptyExtension;
export function decodeTruncatedHmac(data: Uint8Array): void {
  decodeEmptyExtension(data, 'truncated_hmac');
}
