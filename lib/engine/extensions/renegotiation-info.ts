/**
 * renegotiation_info (RFC 5746): the one extension answered on resumption too. Server: the signal
 * (SCSV or the extension) is judged by `serverSecureRenegotiation`, and answered with both saved
 * verify_data on a renegotiation, empty otherwise. Client: sent only when renegotiating (the initial
 * hello carries the SCSV instead), and the server may answer it unasked.
 */
import { AlertDescription } from '../../alerts.js';
import { TLSAlertError } from '../../errors.js';
import type { ClientHello } from '../../messages/client-hello.js';
import { decodeRenegotiationInfo, encodeRenegotiationInfo } from '../../messages/extensions/renegotiation-info.js';
import { ExtensionType } from '../../messages/extensions/types.js';
import { TLS_EMPTY_RENEGOTIATION_INFO_SCSV } from '../../suites.js';
import { concatBytes, constantTimeEqual } from '../../util/bytes.js';
import type { RenegotiationContext } from '../types.js';
import type { ClientRequests, ExtensionModule } from './types.js';

/** What both sides expect in the ServerHello's renegotiated_connection (RFC 5746 3.4 / 3.5). */
function serverValue(previous: RenegotiationContext | null): Uint8Array {
  return previous ? concatBytes(previous.clientVerifyData, previous.serverVerifyData) : new Uint8Array(0);
}

/** Server, RFC 5746 3.6 (initial handshake) and 3.7 (secure renegotiation): whether the client signalled. */
export function serverSecureRenegotiation(hello: ClientHello, requests: ClientRequests, previous: RenegotiationContext | null): boolean {
  const scsv = hello.cipherSuites.includes(TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
  const info = requests.renegotiationInfo;
  if (!previous) {
    if (info !== null && info.length !== 0) {
      throw new TLSAlertError(AlertDescription.handshake_failure, 'RFC 5746 3.6: non-empty renegotiation_info in the initial handshake');
    }
    return scsv || info !== null;
  }
  if (scsv) throw new TLSAlertError(AlertDescription.handshake_failure, 'RFC 5746 3.7: SCSV in a renegotiating ClientHello');
  if (info === null) throw new TLSAlertError(AlertDescription.handshake_failure, 'RFC 5746 3.7: renegotiating ClientHello without renegotiation_info');
  if (!constantTimeEqual(info, previous.clientVerifyData)) {
    throw new TLSAlertError(AlertDescription.handshake_failure, 'RFC 5746 3.7: renegotiation_info does not match client_verify_data');
  }
  return true;
}

export const renegotiationInfo: ExtensionModule = {
  type: ExtensionType.renegotiation_info,
  name: 'renegotiation_info',
  read(data, requests) {
    requests.renegotiationInfo = decodeRenegotiationInfo(data);
  },
  // RFC 5746 3.6: always answer the signal, even when renegotiation itself is refused.
  answeredOn: 'always',
  answer: ({ secureRenegotiation, previous }) => (secureRenegotiation ? encodeRenegotiationInfo(serverValue(previous)) : null),
  // RFC 5746 3.5: a renegotiating ClientHello carries client_verify_data, never the SCSV.
  offer: ({ previous }) => (previous ? encodeRenegotiationInfo(previous.clientVerifyData) : null),
  unsolicited: true,
  check(data, { previous }) {
    if (!constantTimeEqual(decodeRenegotiationInfo(data), serverValue(previous))) {
      throw new TLSAlertError(
        AlertDescription.handshake_failure,
        previous ? 'RFC 5746 3.5: renegotiation_info does not match the previous Finished values' : 'RFC 5746 3.4: non-empty renegotiation_info in the initial handshake',
      );
    }
  },
  absent({ previous }) {
    if (previous) throw new TLSAlertError(AlertDescription.handshake_failure, 'RFC 5746 3.5: renegotiating server did not send renegotiation_info');
  },
};
