/**
 * The RFC 3546 extensions a client asks for, and the checks on what the server answers
 * (RFC 3546 2.3: only what was asked; each answer in the form its section prescribes).
 */
import { AlertDescription } from '../alerts.js';
import { TLSAlertError } from '../errors.js';
import { decodeClientCertificateUrl, encodeClientCertificateUrl } from '../messages/extensions/client-certificate-url.js';
import { decodeMaxFragmentLength, encodeMaxFragmentLength, maxFragmentLengthCode } from '../messages/extensions/max-fragment-length.js';
import { decodeServerNameAck } from '../messages/extensions/server-name.js';
import { decodeStatusRequestAck, encodeStatusRequest, ocspStatusRequest } from '../messages/extensions/status-request.js';
import { decodeTrustedCaKeysAck, encodeTrustedCaKeys } from '../messages/extensions/trusted-ca-keys.js';
import { decodeTruncatedHmac, encodeTruncatedHmac } from '../messages/extensions/truncated-hmac.js';
import { ExtensionType, type Extension } from '../messages/extensions/types.js';
import { TLSConfigError } from '../errors.js';
import type { ClientEngineOptions } from './types.js';
import { SESSION_TICKET_EXTENSION, checkSessionTicketAck } from './session-ticket.js';

/** Everything but server_name and renegotiation_info, which the flow adds itself. */
export function requestedExtensions(options: ClientEngineOptions): Extension[] {
  const out: Extension[] = [];
  if (options.maxFragmentLength !== undefined) {
    const code = maxFragmentLengthCode(options.maxFragmentLength);
    if (code === undefined) throw new TLSConfigError(`maxFragmentLength ${options.maxFragmentLength}: RFC 3546 3.2 allows 512, 1024, 2048 or 4096`);
    out.push({ type: ExtensionType.max_fragment_length, data: encodeMaxFragmentLength(code) });
  }
  if (options.certificateUrl) out.push({ type: ExtensionType.client_certificate_url, data: encodeClientCertificateUrl() });
  if (options.trustedCaKeys && options.trustedCaKeys.length > 0) {
    out.push({ type: ExtensionType.trusted_ca_keys, data: encodeTrustedCaKeys(options.trustedCaKeys) });
  }
  if (options.truncatedHmac) out.push({ type: ExtensionType.truncated_hmac, data: encodeTruncatedHmac() });
  if (options.requestOCSP) out.push({ type: ExtensionType.status_request, data: encodeStatusRequest(ocspStatusRequest()) });
  return out;
}

/** Checks one ServerHello extension the client did send (the flow has checked that it did). */
export function checkServerAck(ext: Extension, options: ClientEngineOptions): void {
  switch (ext.type) {
    case ExtensionType.server_name:
      return decodeServerNameAck(ext.data);
    case ExtensionType.max_fragment_length: {
      const code = decodeMaxFragmentLength(ext.data);
      if (code !== maxFragmentLengthCode(options.maxFragmentLength!)) {
        throw new TLSAlertError(AlertDescription.illegal_parameter, 'RFC 3546 3.2: server answered a different max_fragment_length');
      }
      return;
    }
    case ExtensionType.client_certificate_url:
      return decodeClientCertificateUrl(ext.data);
    case ExtensionType.trusted_ca_keys:
      return decodeTrustedCaKeysAck(ext.data);
    case ExtensionType.truncated_hmac:
      return decodeTruncatedHmac(ext.data);
    case ExtensionType.status_request:
      return decodeStatusRequestAck(ext.data);
    case SESSION_TICKET_EXTENSION:
      return checkSessionTicketAck(ext.data);
    default:
      return;
  }
}
