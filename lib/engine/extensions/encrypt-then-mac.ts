/**
 * encrypt_then_mac (RFC 7366): offered by the client and accepted by the server by default for CBC
 * suites (`encryptThenMac: false` turns it off); never with RC4 or NULL (2: the server MUST NOT answer
 * it for a stream cipher, and a client that sees such an answer aborts). Once agreed, the record
 * layer MACs the ciphertext (lib/record/protection.ts). RFC 7366 3.1: the session's choice holds for
 * its resumptions: a session with EtM resumes only with EtM, one without it keeps MAC-then-encrypt.
 */
import { AlertDescription } from '../../alerts.js';
import { TLSAlertError } from '../../errors.js';
import { decodeEmptyExtension, encodeEmptyExtension } from '../../messages/extensions/empty.js';
import { ExtensionType } from '../../messages/extensions/types.js';
import { cipherInfo, type CipherSuite } from '../../suites.js';
import type { ExtensionModule } from './types.js';

const NAME = 'encrypt_then_mac';

function isBlockSuite(suite: CipherSuite): boolean {
  return cipherInfo(suite).type === 'block';
}

export const encryptThenMac: ExtensionModule = {
  type: ExtensionType.encrypt_then_mac,
  name: NAME,
  read(data, requests) {
    decodeEmptyExtension(data, NAME);
    requests.encryptThenMac = true;
  },
  answeredOn: 'always',
  answer({ requests, options, suite, resumed, agreement }) {
    if (resumed) return agreement.encryptThenMac ? encodeEmptyExtension() : null;
    const agreed = requests.encryptThenMac && options.encryptThenMac !== false && isBlockSuite(suite);
    agreement.encryptThenMac = agreed;
    return agreed ? encodeEmptyExtension() : null;
  },
  resumable(session, requests) {
    // 3.1: no downgrade from EtM on resumption; the client gets a full handshake instead.
    return session.encryptThenMac !== true || requests.encryptThenMac;
  },
  offer: ({ options }) => (options.encryptThenMac !== false ? encodeEmptyExtension() : null),
  check(data, { suite, agreement }) {
    decodeEmptyExtension(data, NAME);
    if (suite && !isBlockSuite(suite)) {
      throw new TLSAlertError(AlertDescription.illegal_parameter, `RFC 7366 2: the server answered encrypt_then_mac for ${suite.name}, which has no block cipher`);
    }
    agreement.encryptThenMac = true;
  },
  absent({ agreement }) {
    agreement.encryptThenMac = false;
  },
  toSession: (agreement) => (agreement.encryptThenMac ? { encryptThenMac: true } : {}),
  fromSession(session, agreement) {
    const used = session.encryptThenMac === true;
    // Client (the ServerHello already checked): 3.1, the resumed session must keep its choice.
    if (agreement.encryptThenMac !== undefined && agreement.encryptThenMac !== used) {
      throw new TLSAlertError(AlertDescription.handshake_failure, `RFC 7366 3.1: the server resumed a session ${used ? 'with' : 'without'} encrypt-then-MAC and answered ${used ? 'without' : 'with'} it`);
    }
    agreement.encryptThenMac = used;
  },
  recordOptions: (agreement) => ({ encryptThenMac: agreement.encryptThenMac === true }),
};
