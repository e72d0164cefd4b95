/**
 * renegotiation_info (RFC 5746 3.2): struct { opaque renegotiated_connection<0..255>; } RenegotiationInfo;
 * The same shape in both hellos. In an initial handshake renegotiated_connection is empty, so the whole
 * extension is `ff 01 00 01 00`. Checking its content (empty, or the saved verify_data; handshake_failure
 * otherwise, RFC 5746 3.4 / 3.6 / 3.7) is the engine's job: this module only parses.
 */
import { ByteReader, ByteWriter } from '../../util/bytes.js';

export function encodeRenegotiationInfo(renegotiatedConnection: Uint8Array = new Uint8Array(0)): Uint8Array {
  return new ByteWriter(renegotiatedConnection.length + 1).vector(1, renegotiatedConnection).finish();
}

/** The renegotiated_connection bytes (a copy); DecodeError unless the 1-byte length covers the data exactly. */
export function decodeRenegotiationInfo(data: Uint8Array): Uint8Array {
  const r = new ByteReader(data, 'renegotiation_info');
  const v = r.vector(1, 'renegotiated_connection', 0, 255).slice();
  r.end();
  return v;
}
