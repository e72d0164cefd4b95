/**
 * Extensions whose extension_data is empty (client_certificate_url, truncated_hmac, and the
 * ServerHello acknowledgements of server_name, trusted_ca_keys and status_request, RFC 3546 3.1-3.6).
 */
import { DecodeError } from '../../util/bytes.js';

export function encodeEmptyExtension(): Uint8Array {
  return new Uint8Array(0);
}

/** Throws DecodeError if `data` is not empty: the RFC gives these an empty body, so anything else is malformed. */
export function decodeEmptyExtension(data: Uint8Array, what: string): void {
  if (data.length !== 0) throw new DecodeError(`${what}: extension_data must be empty, got ${data.length} bytes`);
}
