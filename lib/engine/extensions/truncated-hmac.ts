/**
 * truncated_hmac (RFC 3546 3.5): opt-in on the server (`truncatedHmac: true`), never with a NULL
 * cipher; once agreed the record MAC is cut to 10 bytes, for the session's resumptions too.
 */
import { decodeTruncatedHmac, encodeTruncatedHmac } from '../../messages/extensions/truncated-hmac.js';
import { ExtensionType } from '../../messages/extensions/types.js';
import type { ExtensionModule } from './types.js';

export const truncatedHmac: ExtensionModule = {
  type: ExtensionType.truncated_hmac,
  name: 'truncated_hmac',
  read(data, requests) {
    decodeTruncatedHmac(data);
    requests.truncatedHmac = true;
  },
  answer({ requests, options, suite, agreement }) {
    if (!requests.truncatedHmac || options.truncatedHmac !== true || suite.cipher === 'NULL') return null;
    agreement.truncatedHmac = true;
    return encodeTruncatedHmac();
  },
  offer: ({ options }) => (options.truncatedHmac ? encodeTruncatedHmac() : null),
  check(data, { agreement }) {
    decodeTruncatedHmac(data);
    agreement.truncatedHmac = true;
  },
  toSession: (agreement) => (agreement.truncatedHmac ? { truncatedHmac: true } : {}),
  fromSession(session, agreement) {
    agreement.truncatedHmac = session.truncatedHmac === true;
  },
  recordOptions: (agreement) => ({ truncatedMac: agreement.truncatedHmac === true }),
};
