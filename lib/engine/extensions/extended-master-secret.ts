/**
 * extended_master_secret (RFC 7627): offered by the client and accepted by the server by default
 * (`extendedMasterSecret: false` turns it off, `requireExtendedMasterSecret` refuses peers without
 * it). Once agreed, the master secret comes from the session hash (4), binding it to this handshake
 * (the triple-handshake fix); the session records it and resumption follows 5.3 exactly.
 */
import { AlertDescription } from '../../alerts.js';
import { extendedMasterSecret as deriveExtended } from '../../crypto/prf.js';
import { TLSAlertError } from '../../errors.js';
import { decodeEmptyExtension, encodeEmptyExtension } from '../../messages/extensions/empty.js';
import { ExtensionType } from '../../messages/extensions/types.js';
import { concatBytes } from '../../util/bytes.js';
import type { ClientEngineOptions, ServerEngineOptions } from '../types.js';
import type { ExtensionModule } from './types.js';

const NAME = 'extended_master_secret';

function enabled(options: ClientEngineOptions | ServerEngineOptions): boolean {
  return options.extendedMasterSecret !== false;
}

function required(options: ClientEngineOptions | ServerEngineOptions): boolean {
  return enabled(options) && options.requireExtendedMasterSecret === true;
}

export const extendedMasterSecret: ExtensionModule = {
  type: ExtensionType.extended_master_secret,
  name: NAME,
  read(data, requests) {
    decodeEmptyExtension(data, NAME);
    requests.extendedMasterSecret = true;
  },
  // RFC 7627 5.3: a server resuming an EMS session answers with the extension too.
  answeredOn: 'always',
  answer({ requests, options, resumed, agreement }) {
    if (resumed) {
      // resumable() below let only matching sessions through; the session's value holds.
      return agreement.extendedMasterSecret ? encodeEmptyExtension() : null;
    }
    if (!requests.extendedMasterSecret || !enabled(options)) {
      // RFC 7627 5.2: a server that requires it MAY abort a full handshake without it.
      if (required(options)) {
        throw new TLSAlertError(AlertDescription.handshake_failure, 'RFC 7627 5.2: the client did not offer extended_master_secret, which this server requires');
      }
      agreement.extendedMasterSecret = false;
      return null;
    }
    agreement.extendedMasterSecret = true;
    return encodeEmptyExtension();
  },
  resumable(session, requests, options) {
    const used = session.extendedMasterSecret === true;
    const asked = requests.extendedMasterSecret && enabled(options);
    // RFC 7627 5.3: original session with EMS, new hello without it: MUST abort the abbreviated handshake.
    if (used && !requests.extendedMasterSecret) {
      throw new TLSAlertError(AlertDescription.handshake_failure, 'RFC 7627 5.3: the session used extended_master_secret and the ClientHello to resume it does not offer it');
    }
    // Original session without EMS, new hello with it: MUST NOT resume; continue with a full handshake.
    if (!used && asked) return false;
    // Neither: resumption without EMS, which a server requiring it refuses (5.3: full handshake instead).
    return used || !required(options);
  },
  offer: ({ options }) => (enabled(options) ? encodeEmptyExtension() : null),
  check(data, { agreement }) {
    decodeEmptyExtension(data, NAME);
    agreement.extendedMasterSecret = true;
  },
  absent({ options, agreement }) {
    if (required(options)) {
      throw new TLSAlertError(AlertDescription.handshake_failure, 'RFC 7627 5.2: the server did not agree to extended_master_secret, which this client requires');
    }
    agreement.extendedMasterSecret = false;
  },
  toSession: (agreement) => (agreement.extendedMasterSecret ? { extendedMasterSecret: true } : {}),
  fromSession(session, agreement) {
    const used = session.extendedMasterSecret === true;
    // Client: the ServerHello was checked first, so the agreement says what the server answered.
    // RFC 7627 5.3: a resumption whose answer differs from the original session MUST be aborted.
    if (agreement.extendedMasterSecret !== undefined && agreement.extendedMasterSecret !== used) {
      throw new TLSAlertError(
        AlertDescription.handshake_failure,
        used
          ? 'RFC 7627 5.3: the server resumed a session that used extended_master_secret without it'
          : 'RFC 7627 5.3: the server resumed a session without extended_master_secret and answered with it',
      );
    }
    agreement.extendedMasterSecret = used;
  },
  masterSecret(agreement, inputs) {
    if (!agreement.extendedMasterSecret) return null;
    const h = inputs.sessionHash();
    return deriveExtended(inputs.preMaster, concatBytes(h.md5, h.sha1), inputs.provider);
  },
};
