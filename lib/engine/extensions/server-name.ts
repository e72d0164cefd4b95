/**
 * server_name (RFC 3546 3.1 / RFC 6066 3). Server: the ASCII host name asked for; answered (empty)
 * when a virtual host was chosen by it. Client: offered when `servername` is a valid DNS name.
 */
import { AlertDescription } from '../../alerts.js';
import { TLSAlertError } from '../../errors.js';
import {
  NameType,
  decodeServerNameAck,
  decodeServerNameList,
  encodeServerNameAck,
  encodeServerNameList,
  isValidHostName,
  type ServerNameList,
} from '../../messages/extensions/server-name.js';
import { ExtensionType } from '../../messages/extensions/types.js';
import type { ExtensionModule } from './types.js';

/**
 * RFC 6066 3: HostName is an ASCII (A-label) DNS name. A name with control characters, spaces or
 * bytes above 0x7E is refused with illegal_parameter, as tlsfuzzer's test-invalid-server-name-extension
 * expects; it never reaches the application or a session cache key.
 */
function checkedHostName(list: ServerNameList): string | null {
  const entry = list.names.find((n) => n.type === NameType.host_name);
  if (!entry) return null;
  for (const b of entry.name) {
    if (b < 0x21 || b > 0x7e) {
      throw new TLSAlertError(AlertDescription.illegal_parameter, 'RFC 6066 3: server_name HostName must be an ASCII DNS name');
    }
  }
  return list.hostName ?? null;
}

export const serverName: ExtensionModule = {
  type: ExtensionType.server_name,
  name: 'server_name',
  read(data, requests) {
    requests.servername = checkedHostName(decodeServerNameList(data));
  },
  answer: (ctx) => (ctx.chosenBy.name ? encodeServerNameAck() : null),
  offer({ options }) {
    const name = options.servername;
    return name && isValidHostName(name) ? encodeServerNameList([name]) : null;
  },
  check: (data) => decodeServerNameAck(data),
};
