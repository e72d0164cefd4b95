/**
 * trusted_ca_keys (RFC 3546 3.4): the server answers (empty) when it chose its certificate context
 * by the client's list (server-context.ts contextForAuthorities).
 */
import { decodeTrustedCaKeys, decodeTrustedCaKeysAck, encodeTrustedCaKeys, encodeTrustedCaKeysAck } from '../../messages/extensions/trusted-ca-keys.js';
import { ExtensionType } from '../../messages/extensions/types.js';
import type { ExtensionModule } from './types.js';

export const trustedCaKeys: ExtensionModule = {
  type: ExtensionType.trusted_ca_keys,
  name: 'trusted_ca_keys',
  read(data, requests) {
    requests.trustedAuthorities = decodeTrustedCaKeys(data);
  },
  answer: (ctx) => (ctx.chosenBy.authorities ? encodeTrustedCaKeysAck() : null),
  offer: ({ options }) => (options.trustedCaKeys && options.trustedCaKeys.length > 0 ? encodeTrustedCaKeys(options.trustedCaKeys) : null),
  check: (data) => decodeTrustedCaKeysAck(data),
};
