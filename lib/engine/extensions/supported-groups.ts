/**
 * supported_groups (RFC 7919): read by the server for the FFDHE groups, which the DHE key exchange
 * uses (key-exchange/dhe-rsa.ts); never answered in TLS 1.0 and not offered by the ut-tls client.
 */
import { SUPPORTED_GROUPS_EXTENSION, decodeSupportedGroups } from '../../messages/extensions/supported-groups.js';
import type { ExtensionModule } from './types.js';

export const supportedGroups: ExtensionModule = {
  type: SUPPORTED_GROUPS_EXTENSION,
  name: 'supported_groups',
  read(data, requests) {
    const ffdhe = decodeSupportedGroups(data).filter((g) => g >= 0x0100 && g <= 0x01ff);
    requests.ffdheGroups = ffdhe.length > 0 ? ffdhe : null;
  },
};
