/**
 * CertificateStatus (handshake type 22), RFC 3546 3.6:
 *
 *   struct { CertificateStatusType status_type;
 *            select (status_type) { case ocsp: OCSPResponse; } response; } CertificateStatus;
 *   opaque OCSPResponse<1..2^24-1>;   (one DER OCSPResponse, RFC 2560)
 *
 * Whether the response is good is for the client to decide (bad_certificate_status_response, 113).
 */
import { ByteReader, ByteWriter, DecodeError } from '../util/bytes.js';
import { CertificateStatusType } from './extensions/status-request.js';

export interface CertificateStatus {
  statusType: number;
  /** DER OCSPResponse. */
  response: Uint8Array;
}

export function encodeCertificateStatus(msg: CertificateStatus): Uint8Array {
  if (msg.statusType !== CertificateStatusType.ocsp) throw new RangeError(`CertificateStatusType ${msg.statusType} is not defined`);
  if (msg.response.length === 0) throw new RangeError('OCSPResponse<1..2^24-1> cannot be empty');
  return new ByteWriter(msg.response.length + 4).u8(msg.statusType).vector(3, msg.response).finish();
}

/** DecodeError for a status_type other than ocsp(1): the select has no other case, so the body cannot be read. */
export function decodeCertificateStatus(body: Uint8Array): CertificateStatus {
  const r = new ByteReader(body, 'CertificateStatus');
  const statusType = r.u8('status_type');
  if (statusType !== CertificateStatusType.ocsp) throw new DecodeError(`CertificateStatus: status_type ${statusType} is not ocsp(1)`);
  const response = r.vector(3, 'OCSPResponse', 1, 0xffffff).slice();
  r.end();
  return { statusType, response };
}
