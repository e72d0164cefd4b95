/**
 * server_name (RFC 3546 3.1).
 *
 *   struct { NameType name_type; select (name_type) { case host_name: HostName; } name; } ServerName;
 *   enum { host_name(0), (255) } NameType;
 *   opaque HostName<1..2^16-1>;
 *   struct { ServerName server_name_list<1..2^16-1> } ServerNameList;
 *
 * The ServerHello form is empty (sent only when the server used the name).
 */
import { ByteReader, ByteWriter, utf8 } from '../../util/bytes.js';
import { TLSAlertError } from '../../errors.js';
import { AlertDescription } from '../../alerts.js';
import { decodeEmptyExtension, encodeEmptyExtension } from './empty.js';

export const NameType = { host_name: 0 } as const;

export interface ServerNameEntry {
  type: number;
  name: Uint8Array;
}

export interface ServerNameList {
  /** The host_name entry as text, if there is one. */
  hostName?: string;
  /** Every entry in wire order, including name types we do not know. */
  names: ServerNameEntry[];
}

const lenientUtf8 = new TextDecoder('utf-8');

/** ClientHello extension_data for the given host names (normally exactly one). */
export function encodeServerNameList(hostnames: readonly string[]): Uint8Array {
  if (hostnames.length === 0) throw new RangeError('server_name_list<1..2^16-1> needs at least one name');
  if (hostnames.length > 1) {
    // RFC 6066 3 forbids two names of one name_type; RFC 3546 is silent but peers following 6066 reject it.
    throw new RangeError('server_name: only one host_name may be sent (RFC 6066 3)');
  }
  const w = new ByteWriter();
  w.nested(2, (list) => {
    for (const h of hostnames) {
      const bytes = utf8(h);
      if (bytes.length === 0) throw new RangeError('HostName<1..2^16-1> cannot be empty');
      list.u8(NameType.host_name).vector(2, bytes);
    }
  });
  return w.finish();
}

/**
 * Parses the ClientHello form.
 * - An entry of an unknown name_type is read as opaque<1..2^16-1>: RFC 3546 cannot say how long it is, and
 *   RFC 4366 3.1 / RFC 6066 3 fix that every future name type starts with a 16-bit length, which is what
 *   deployed clients do.
 * - A second host_name entry: RFC 6066 3 says the list MUST NOT contain more than one name of the same
 *   name_type; we refuse it with illegal_parameter (47), the alert for a well-formed but forbidden value.
 * - A host_name is decoded leniently (hostName); the raw bytes are kept in `names` for the server to judge.
 * Whether the name is one we serve is the engine's question (unrecognized_name, 112).
 */
export function decodeServerNameList(data: Uint8Array): ServerNameList {
  const r = new ByteReader(data, 'server_name');
  const list = r.sub(2, 'server_name_list', 1, 0xffff);
  r.end();
  const names: ServerNameEntry[] = [];
  let hostName: string | undefined;
  const seen = new Set<number>();
  while (!list.done) {
    const type = list.u8('name_type');
    const name = list.vector(2, type === NameType.host_name ? 'HostName' : 'name', 1, 0xffff).slice();
    if (seen.has(type)) {
      throw new TLSAlertError(
        AlertDescription.illegal_parameter,
        `RFC 6066 3: server_name_list has more than one name of name_type ${type}`,
      );
    }
    seen.add(type);
    if (type === NameType.host_name) {
      // Not refused here: the raw bytes stay in `names` and the server decides (see
      // engine/extensions/server-name.ts: ASCII host names only, illegal_parameter otherwise).
      hostName = lenientUtf8.decode(name);
    }
    names.push({ type, name });
  }
  return hostName === undefined ? { names } : { hostName, names };
}

/** ServerHello form: empty. */
export const encodeServerNameAck = encodeEmptyExtension;
export function decodeServerNameAck(data: Uint8Array): void {
  decodeEmptyExtension(data, 'server_name (ServerHello)');
}

const LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;

/**
 * Whether we may SEND `name` as a host_name (RFC 3546 3.1): a DNS name in ASCII, labels separated by
 * dots, no trailing dot, no IPv4 or IPv6 literal ("Literal IPv4 and IPv6 addresses are not permitted").
 * Internationalised names must be given in their punycoded (xn--) form: we only send ASCII, since
 * RFC 6066 (which every current server follows) made HostName ASCII-only.
 * Letters, digits, hyphen (not at either end of a label) and underscore (found in real internal host names);
 * labels 1..63 characters, total at most 253 (RFC 1035 2.3.4).
 * A name whose last label is all digits is refused: no top-level domain is numeric (RFC 3696 2), and
 * such names ("10.1", "127.0.0.1") are IPv4 literals to every URL parser.
 */
export function isValidHostName(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split('.');
  for (const l of labels) if (!LABEL.test(l)) return false; // also catches empty labels and a trailing dot
  if (/^[0-9]+$/.test(labels[labels.length - 1]!)) return false;
  return true;
}
