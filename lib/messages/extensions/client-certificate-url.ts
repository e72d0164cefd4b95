/**
 * client_certificate_url (RFC 3546 3.3): extension_data is empty in both hellos.
 * Once negotiated the client may send CertificateURL (see ../certificate-url.ts) instead of Certificate.
 */
import { decodeEmptyExtension, encodeEmptyExtension } from './empty.js';

export const encodeClientCertificateUrl = encodeEmptyExtension;
export function decodeClientCertificateUrl(data: Uint8Array): void {
  decodeEmptyExtension(data, 'client_certificate_url');
}
