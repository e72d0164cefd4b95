/**
 * What a ClientHello asks for through RFC 3546 / RFC 5746 extensions, read once so the server flow
 * can decide. Unknown extensions are ignored (RFC 5746 3.6); a malformed known one is decode_error
 * (or illegal_parameter where RFC 3546 says so).
 */
import type { ClientHello } from '../messages/client-hello.js';
import { decodeClientCertificateUrl } from '../messages/extensions/client-certificate-url.js';
import { decodeMaxFragmentLength, type MaxFragmentLengthCode } from '../messages/extensions/max-fragment-length.js';
import { decodeRenegotiationInfo } from '../messages/extensions/renegotiation-info.js';
import { decodeServerNameList } from '../messages/extensions/server-name.js';
import { CertificateStatusType, decodeStatusRequest } from '../messages/extensions/status-request.js';
import { decodeTrustedCaKeys, type TrustedAuthority } from '../messages/extensions/trusted-ca-keys.js';
import { decodeTruncatedHmac } from '../messages/extensions/truncated-hmac.js';
import { ExtensionType } from '../messages/extensions/types.js';

export interface ClientRequests {
  /** The hello had an extension block (RFC 3546 4: only then may the new alerts be sent). */
  extended: boolean;
  servername: string | null;
  maxFragmentLength: MaxFragmentLengthCode | null;
  truncatedHmac: boolean;
  /** status_request with status_type ocsp. */
  ocsp: boolean;
  trustedAuthorities: TrustedAuthority[] | null;
  clientCertificateUrl: boolean;
  renegotiationInfo: Uint8Array | null;
}

export function readClientRequests(hello: ClientHello): ClientRequests {
  const requests: ClientRequests = {
    extended: hello.extensions !== null,
    servername: null,
    maxFragmentLength: null,
    truncatedHmac: false,
    ocsp: false,
    trustedAuthorities: null,
    clientCertificateUrl: false,
    renegotiationInfo: null,
  };
  for (const ext of hello.extensions ?? []) {
    switch (ext.type) {
      case ExtensionType.server_name:
        requests.servername = decodeServerNameList(ext.data).hostName ?? null;
        break;
      case ExtensionType.max_fragment_length:
        requests.maxFragmentLength = decodeMaxFragmentLength(ext.data);
        break;
      case ExtensionType.truncated_hmac:
        decodeTruncatedHmac(ext.data);
        requests.truncatedHmac = true;
        break;
      case ExtensionType.status_request:
        requests.ocsp = decodeStatusRequest(ext.data).statusType === CertificateStatusType.ocsp;
        break;
      case ExtensionType.trusted_ca_keys:
        requests.trustedAuthorities = decodeTrustedCaKeys(ext.data);
        break;
      case ExtensionType.client_certificate_url:
        decodeClientCertificateUrl(ext.data);
        requests.clientCertificateUrl = true;
        break;
      case ExtensionType.renegotiation_info:
        requests.renegotiationInfo = decodeRenegotiationInfo(ext.data);
        break;
      default:
        break; // RFC 5746 3.6 / RFC 2246 7.4.1.2: unknown extensions are ignored
    }
  }
  return requests;
}
