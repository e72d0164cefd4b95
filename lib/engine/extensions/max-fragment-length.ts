/**
 * max_fragment_length (RFC 3546 3.2): the server always agrees to the size asked for and echoes it;
 * the agreed size holds for the session's resumptions.
 */
import { AlertDescription } from '../../alerts.js';
import { TLSAlertError, TLSConfigError } from '../../errors.js';
import {
  decodeMaxFragmentLength,
  encodeMaxFragmentLength,
  maxFragmentLengthBytes,
  maxFragmentLengthCode,
} from '../../messages/extensions/max-fragment-length.js';
import { ExtensionType } from '../../messages/extensions/types.js';
import type { ExtensionModule } from './types.js';

export const maxFragmentLength: ExtensionModule = {
  type: ExtensionType.max_fragment_length,
  name: 'max_fragment_length',
  read(data, requests) {
    requests.maxFragmentLength = decodeMaxFragmentLength(data);
  },
  answer({ requests, agreement }) {
    if (requests.maxFragmentLength === null) return null;
    agreement.maxFragmentLength = maxFragmentLengthBytes(requests.maxFragmentLength);
    return encodeMaxFragmentLength(requests.maxFragmentLength);
  },
  checkOptions(options) {
    if (options.maxFragmentLength !== undefined && maxFragmentLengthCode(options.maxFragmentLength) === undefined) {
      throw new TLSConfigError(`maxFragmentLength ${options.maxFragmentLength}: RFC 3546 3.2 allows 512, 1024, 2048 or 4096`);
    }
  },
  offer({ options }) {
    const code = options.maxFragmentLength === undefined ? undefined : maxFragmentLengthCode(options.maxFragmentLength);
    return code === undefined ? null : encodeMaxFragmentLength(code);
  },
  check(data, { options, agreement }) {
    const code = decodeMaxFragmentLength(data);
    // Called only when we offered it, so the option is set.
    if (code !== maxFragmentLengthCode(options.maxFragmentLength!)) {
      throw new TLSAlertError(AlertDescription.illegal_parameter, 'RFC 3546 3.2: server answered a different max_fragment_length');
    }
    agreement.maxFragmentLength = options.maxFragmentLength;
  },
  toSession: (agreement) => (agreement.maxFragmentLength ? { maxFragmentLength: agreement.maxFragmentLength } : {}),
  fromSession(session, agreement) {
    agreement.maxFragmentLength = session.maxFragmentLength;
  },
};
