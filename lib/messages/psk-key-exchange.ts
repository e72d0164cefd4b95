/**
 * The RFC 4279 key-exchange bodies (sections 2, 3, 4, 5.1):
 *
 *   PSK      ServerKeyExchange: opaque psk_identity_hint<0..2^16-1>;
 *            ClientKeyExchange: opaque psk_identity<0..2^16-1>;
 *   DHE_PSK  ServerKeyExchange: psk_identity_hint; ServerDHParams (dh_p, dh_g, dh_Ys; unsigned);
 *            ClientKeyExchange: psk_identity; ClientDiffieHellmanPublic (dh_Yc);
 *   RSA_PSK  ServerKeyExchange: psk_identity_hint;
 *            ClientKeyExchange: psk_identity; EncryptedPreMasterSecret (2-byte length, as RSA in TLS).
 *
 * Identities and hints are UTF-8 (RFC 4279 5.1). The wire allows 2^16-1 bytes; ut-tls accepts and
 * sends at most MAX_PSK_IDENTITY_BYTES (1024): RFC 4279 5.1 asks for at least 128, and a TS 33.220
 * B-TID (base64 of a 16-byte RAND, '@', a BSF domain name of up to 253 bytes) can exceed 128, so 128
 * would refuse real GBA identities. Longer is illegal_parameter; a malformed body or bad UTF-8 is
 * decode_error (the ByteReader's DecodeError).
 */
import { AlertDescription } from '../alerts.js';
import { TLSAlertError } from '../errors.js';
import { ByteReader, ByteWriter, DecodeError } from '../util/bytes.js';
import type { ServerDHParams } from './server-key-exchange.js';

/** The longest identity or hint ut-tls sends or accepts, in UTF-8 bytes (see above). */
export const MAX_PSK_IDENTITY_BYTES = 1024;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** The UTF-8 bytes of an identity or hint, refused (RangeError) beyond MAX_PSK_IDENTITY_BYTES. */
export function encodePskText(text: string, what: string): Uint8Array {
  const bytes = encoder.encode(text);
  if (bytes.length > MAX_PSK_IDENTITY_BYTES) throw new RangeError(`${what}: ${bytes.length} bytes of UTF-8; at most ${MAX_PSK_IDENTITY_BYTES} (RFC 4279 5.1)`);
  return bytes;
}

function readText(r: ByteReader, what: string): string {
  const bytes = r.vector(2, what, 0, 0xffff);
  if (bytes.length > MAX_PSK_IDENTITY_BYTES) throw new TLSAlertError(AlertDescription.illegal_parameter, `RFC 4279 5.1: ${what} of ${bytes.length} bytes; ut-tls accepts at most ${MAX_PSK_IDENTITY_BYTES}`);
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new DecodeError(`${what} is not UTF-8 (RFC 4279 5.1)`);
  }
}

export function encodePskServerKeyExchange(hint: string, dh?: ServerDHParams): Uint8Array {
  const w = new ByteWriter().vector(2, encodePskText(hint, 'psk_identity_hint'));
  if (dh) w.vector(2, dh.p).vector(2, dh.g).vector(2, dh.ys);
  return w.finish();
}

export interface PskServerKeyExchange {
  /** null when the hint is empty (node:tls passes null to the client callback then). */
  readonly hint: string | null;
  readonly dh: ServerDHParams | null;
}

export function decodePskServerKeyExchange(body: Uint8Array, withDh: boolean): PskServerKeyExchange {
  const r = new ByteReader(body, withDh ? 'ServerKeyExchange(DHE_PSK)' : 'ServerKeyExchange(PSK)');
  const hint = readText(r, 'psk_identity_hint');
  let dh: ServerDHParams | null = null;
  if (withDh) {
    const p = r.vector(2, 'dh_p', 1, 0xffff).slice();
    const g = r.vector(2, 'dh_g', 1, 0xffff).slice();
    const ys = r.vector(2, 'dh_Ys', 1, 0xffff).slice();
    dh = { p, g, ys };
  }
  r.end();
  return { hint: hint === '' ? null : hint, dh };
}

/** psk_identity followed by the algorithm's own part (dh_Yc or EncryptedPreMasterSecret), if any. */
export function encodePskClientKeyExchange(identity: string, rest?: Uint8Array): Uint8Array {
  const w = new ByteWriter().vector(2, encodePskText(identity, 'psk_identity'));
  if (rest) w.vector(2, rest);
  return w.finish();
}

/** The identity and the algorithm's second vector (null for plain PSK). */
export function decodePskClientKeyExchange(body: Uint8Array, restName: string | null): { identity: string; rest: Uint8Array | null } {
  const r = new ByteReader(body, 'ClientKeyExchange(PSK)');
  const identity = readText(r, 'psk_identity');
  // dh_Yc: an empty one is read as 0 and refused as out of range (illegal_parameter), as for DHE_RSA.
  const rest = restName === null ? null : r.vector(2, restName, 0, 0xffff).slice();
  r.end();
  return { identity, rest };
}

/** RFC 4279 2: uint16 len(other_secret) || other_secret || uint16 len(psk) || psk. */
export function pskPremaster(otherSecret: Uint8Array, psk: Uint8Array): Uint8Array {
  return new ByteWriter(otherSecret.length + psk.length + 4).vector(2, otherSecret).vector(2, psk).finish();
}
