/**
 * application_layer_protocol_negotiation (RFC 7301 3.1), extension type 16:
 *
 *   opaque ProtocolName<1..2^8-1>;
 *   struct { ProtocolName protocol_name_list<2..2^16-1> } ProtocolNameList;
 *
 * The ClientHello carries the list; the ServerHello carries a list of exactly one name. Names are
 * opaque bytes (RFC 7301 3.1: "protocol names ... as opaque non-empty byte strings"); ut-tls keeps
 * them as latin1 strings, so every byte round-trips (node:tls does the same).
 */
import { ByteReader, ByteWriter, DecodeError } from '../../util/bytes.js';

export const ALPN_EXTENSION_TYPE = 16;

const latin1 = (b: Uint8Array): string => String.fromCharCode(...b);
const bytesOf = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** True for a name that fits ProtocolName<1..2^8-1> as latin1 bytes. */
export function isProtocolName(name: unknown): name is string {
  return typeof name === 'string' && name.length >= 1 && name.length <= 255 && !/[^\x00-\xff]/.test(name);
}

export function encodeProtocolNameList(names: readonly string[]): Uint8Array {
  if (names.length === 0) throw new RangeError('protocol_name_list<2..2^16-1> cannot be empty');
  const w = new ByteWriter();
  w.nested(2, (list) => {
    for (const n of names) {
      if (!isProtocolName(n)) throw new RangeError(`ProtocolName<1..2^8-1>: ${JSON.stringify(n)}`);
      list.vector(1, bytesOf(n));
    }
  });
  return w.finish();
}

/** The names, in the sender's order. Empty names, an empty list or trailing bytes: decode_error. */
export function decodeProtocolNameList(data: Uint8Array): string[] {
  const r = new ByteReader(data, 'application_layer_protocol_negotiation');
  const list = r.sub(2, 'protocol_name_list', 2, 0xffff);
  r.end();
  const out: string[] = [];
  while (!list.done) out.push(latin1(list.vector(1, 'ProtocolName', 1, 0xff)));
  return out;
}

/** The ServerHello form: one name (RFC 7301 3.1: "exactly one ProtocolName"). */
export function decodeSelectedProtocol(data: Uint8Array): string {
  const names = decodeProtocolNameList(data);
  if (names.length !== 1) throw new DecodeError(`application_layer_protocol_negotiation: the server must select exactly one protocol, got ${names.length}`);
  return names[0]!;
}

/**
 * node:tls's ALPNProtocols forms: an array of strings (or Buffers), or one Buffer/Uint8Array in the
 * wire form (each name prefixed by its 1-byte length, no outer length). Returns the names, or
 * throws TypeError naming what is wrong.
 */
export function alpnProtocolList(value: readonly (string | Uint8Array)[] | Uint8Array, option = 'ALPNProtocols'): string[] {
  let names: string[];
  if (value instanceof Uint8Array) {
    names = [];
    for (let i = 0; i < value.length; ) {
      const len = value[i]!;
      if (len === 0 || i + 1 + len > value.length) throw new TypeError(`${option}: malformed wire-form list at byte ${i}`);
      names.push(latin1(value.subarray(i + 1, i + 1 + len)));
      i += 1 + len;
    }
  } else if (Array.isArray(value)) {
    names = value.map((v) => (v instanceof Uint8Array ? latin1(v) : v));
  } else {
    throw new TypeError(`${option} must be an array of strings or a Buffer in wire form`);
  }
  for (const n of names) if (!isProtocolName(n)) throw new TypeError(`${option}: protocol names are 1 to 255 bytes, got ${JSON.stringify(n)}`);
  return names;
}
