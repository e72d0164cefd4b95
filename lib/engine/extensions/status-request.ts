/**
 * status_request (RFC 3546 3.6): answered when the chosen context has an OCSP response to staple;
 * the flows then send / expect CertificateStatus (they test `agreement.acked`).
 */
import {
  CertificateStatusType,
  decodeStatusRequest,
  decodeStatusRequestAck,
  encodeStatusRequest,
  encodeStatusRequestAck,
  ocspStatusRequest,
} from '../../messages/extensions/status-request.js';
import { ExtensionType } from '../../messages/extensions/types.js';
import type { ExtensionModule } from './types.js';

export const statusRequest: ExtensionModule = {
  type: ExtensionType.status_request,
  name: 'status_request',
  read(data, requests) {
    requests.ocsp = decodeStatusRequest(data).statusType === CertificateStatusType.ocsp;
  },
  answer: ({ requests, context }) => (requests.ocsp && context.ocspResponse ? encodeStatusRequestAck() : null),
  offer: ({ options }) => (options.requestOCSP ? encodeStatusRequest(ocspStatusRequest()) : null),
  check: (data) => decodeStatusRequestAck(data),
};
