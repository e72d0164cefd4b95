/**
 * What a ClientHello asks for through RFC 3546 / RFC 5746 extensions, read once so the server flow
 * can decide. Unknown extensions are ignored (RFC 5746 3.6); a malformed known one is decode_error
 * (or illegal_parameter where RFC 3546 says so).
 */
import type { ClientHello } from '../messages/client-hello.js';
import { decodeClientCertificateUrl } from '../messages/extensions/client-certificate-url.js';
import { decodeMaxFragmentLength, type MaxFragmentLengthCode } from '../messages/extensions/max-fragment-length.js';
import { decodeRenegotiationInfo } from '../messages/extensions/renegotiation-info.js';
import { AlertDescription } from '../alerts.js';
import { ByteReader, DecodeError } from '../util/bytes.js';
import { TLSAlertError } from '../errors.js';
import { NameType, decodeServerNameList, type ServerNameList } from '../messages/extensions/server-name.js';
import { CertificateStatusType, decodeStatusRequest } from '../messages/extensions/status-request.js';
import { decodeTrustedCaKeys, type TrustedAuthority } from '../messages/extensions/trusted-ca-keys.js';
import { decodeTruncatedHmac } from '../messages/extensions/truncated-hmac.js';
import { ExtensionType } from '../messages/extensions/types.js';

export interface ClientRequests {
  /** The hello had an extension block (RFC 3546 4: only then may the new alerts be sent). */
  extended: boolean;
  servername: string | null;
  maxFragmentLength: MaxFragmentLengthCode | null;
  truncatedHmac: boolean;
  /** status_request with status_type ocsp. */
  ocsp: boolean;
  trustedAuthorities: TrustedAuthority[] | null;
  clientCertificateUrl: boolean;
  renegotiationInfo: Uint8Array | null;
  /** RFC 7919: the FFDHE groups (0x0100-0x01FF) listed in supported_groups, or null when none is. */
  ffdheGroups: number[] | null;
}

/** RFC 4492 / RFC 7919 supported_groups (named "elliptic_curves" before RFC 7919). */
const SUPPORTED_GROUPS = 10;
/** RFC 7919 ffdhe2048: the one FFDHE group ut-tls offers. */
export const FFDHE2048_ID = 0x0100;

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

/** NamedGroup named_group_list<2..2^16-1>, u16 each. */
function decodeSupportedGroups(data: Uint8Array): number[] {
  const r = new ByteReader(data, 'supported_groups');
  const list = r.sub(2, 'named_group_list', 2, 0xffff);
  r.end();
  if (list.remaining % 2 !== 0) throw new DecodeError('supported_groups: odd list length');
  const out: number[] = [];
  while (!list.done) out.push(list.u16('named_group'));
  return out;
}

/** What a ClientHello asks for when it carries none of the extensions below. */
export function noClientRequests(extended: boolean): ClientRequests {
  return {
    extended,
    servername: null,
    maxFragmentLength: null,
    truncatedHmac: false,
    ocsp: false,
    trustedAuthorities: null,
    clientCertificateUrl: false,
    renegotiationInfo: null,
    ffdheGroups: null,
  };
}

export function readClientRequests(hello: ClientHello): ClientRequests {
  const requests = noClientRequests(hello.extensions !== null);
  for (const ext of hello.extensions ?? []) {
    switch (ext.type) {
      case ExtensionType.server_name:
        requests.servername = checkedHostName(decodeServerNameList(ext.data));
        break;
      case ExtensionType.max_fragment_length:
        requests.maxFragmentLength = decodeMaxFragmentLength(ext.data);
        break;
      case ExtensionType.truncated_hmac:
        decodeTruncatedHmac(ext.data);
        requests.truncatedHmac = true;
        break;
      case ExtensionType.status_request:
        requests.ocsp = decodeStatusRequest(ext.data).statusType === CertificateStatusType.ocsp;
        break;
      case ExtensionType.trusted_ca_keys:
        requests.trustedAuthorities = decodeTrustedCaKeys(ext.data);
        break;
      case ExtensionType.client_certificate_url:
        decodeClientCertificateUrl(ext.data);
        requests.clientCertificateUrl = true;
        break;
      case ExtensionType.renegotiation_info:
        requests.renegotiationInfo = decodeRenegotiationInfo(ext.data);
        break;
      case SUPPORTED_GROUPS: {
        const ffdhe = decodeSupportedGroups(ext.data).filter((g) => g >= 0x0100 && g <= 0x01ff);
        requests.ffdheGroups = ffdhe.length > 0 ? ffdhe : null;
        break;
      }
      default:
        break; // RFC 5746 3.6 / RFC 2246 7.4.1.2: unknown extensions are ignored
    }
  }
  return requests;
}
