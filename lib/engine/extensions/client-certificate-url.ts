/**
 * client_certificate_url (RFC 3546 3.3): the server agrees when it asks for a client certificate
 * and can fetch URLs (`fetchCertificateUrl`); the client then may send CertificateURL.
 */
import { decodeClientCertificateUrl, encodeClientCertificateUrl } from '../../messages/extensions/client-certificate-url.js';
import { ExtensionType } from '../../messages/extensions/types.js';
import type { ExtensionModule } from './types.js';

export const clientCertificateUrl: ExtensionModule = {
  type: ExtensionType.client_certificate_url,
  name: 'client_certificate_url',
  read(data, requests) {
    decodeClientCertificateUrl(data);
    requests.clientCertificateUrl = true;
  },
  answer: ({ requests, options }) =>
    requests.clientCertificateUrl && options.requestCert && options.fetchCertificateUrl ? encodeClientCertificateUrl() : null,
  offer: ({ options }) => (options.certificateUrl ? encodeClientCertificateUrl() : null),
  check: (data) => decodeClientCertificateUrl(data),
};
