/**
 * status_request (RFC 3546 3.6).
 *
 *   struct { CertificateStatusType status_type;
 *            select (status_type) { case ocsp: OCSPStatusRequest; } request; } CertificateStatusRequest;
 *   enum { ocsp(1), (255) } CertificateStatusType;
 *   struct { ResponderID responder_id_list<0..2^16-1>; Extensions request_extensions; } OCSPStatusRequest;
 *   opaque ResponderID<1..2^16-1>;
 *   opaque Extensions<0..2^16-1>;   (DER of the OCSP request extensions, kept undecoded)
 *
 * The ServerHello form is empty.
 */
import { ByteReader, ByteWriter } from '../../util/bytes.js';
import { decodeEmptyExtension, encodeEmptyExtension } from './empty.js';

export const CertificateStatusType = { ocsp: 1 } as const;

export interface OCSPStatusRequest {
  /** DER ResponderIDs the client trusts (may be empty: "the responders are implicitly known"). */
  responderIds: Uint8Array[];
  /** DER Extensions of the OCSP request, undecoded (may be empty). */
  requestExtensions: Uint8Array;
}

export interface CertificateStatusRequest {
  statusType: number;
  /** Set when statusType is ocsp(1). */
  ocsp: OCSPStatusRequest | null;
  /**
   * For a status type we do not know, the rest of extension_data, undecoded. RFC 3546 defines no other type,
   * and its body length is implied by extension_data, so an unknown type is kept (and ignored by a server,
   * as with unknown extensions) rather than refused. Empty for ocsp.
   */
  otherRequest: Uint8Array;
}

export function encodeStatusRequest(req: CertificateStatusRequest): Uint8Array {
  const w = new ByteWriter();
  w.u8(req.statusType);
  if (req.statusType === CertificateStatusType.ocsp) {
    if (!req.ocsp) throw new RangeError('status_request: ocsp status_type needs an OCSPStatusRequest');
    const ocsp = req.ocsp;
    w.nested(2, (list) => {
      for (const id of ocsp.responderIds) {
        if (id.length === 0) throw new RangeError('ResponderID<1..2^16-1> cannot be empty');
        list.vector(2, id);
      }
    });
    w.vector(2, ocsp.requestExtensions);
  } else {
    w.bytes(req.otherRequest);
  }
  return w.finish();
}

/** Convenience: the usual OCSP request (no responder list, no request extensions) has extension_data `01 00 00 00 00`. */
export function ocspStatusRequest(responderIds: Uint8Array[] = [], requestExtensions: Uint8Array = new Uint8Array(0)): CertificateStatusRequest {
  return { statusType: CertificateStatusType.ocsp, ocsp: { responderIds, requestExtensions }, otherRequest: new Uint8Array(0) };
}

export function decodeStatusRequest(data: Uint8Array): CertificateStatusRequest {
  const r = new ByteReader(data, 'status_request');
  const statusType = r.u8('status_type');
  if (statusType !== CertificateStatusType.ocsp) {
    return { statusType, ocsp: null, otherRequest: r.rest().slice() };
  }
  const list = r.sub(2, 'responder_id_list', 0, 0xffff);
  const responderIds: Uint8Array[] = [];
  while (!list.done) responderIds.push(list.vector(2, 'ResponderID', 1, 0xffff).slice());
  const requestExtensions = r.vector(2, 'request_extensions', 0, 0xffff).slice();
  r.end();
  return { statusType, ocsp: { responderIds, requestExtensions }, otherRequest: new Uint8Array(0) };
}

/** ServerHello form: empty. */
export const encodeStatusRequestAck = encodeEmptyExtension;
export function decodeStatusRequestAck(data: Uint8Array): void {
  decodeEmptyExtension(data, 'status_request (ServerHello)');
}

