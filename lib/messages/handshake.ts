/**
 * The handshake header (RFC 2246 7.4): msg_type(1) + uint24 length + body.
 * Framing of incoming handshake bytes (reassembly across records) belongs to the engine;
 * this module only builds the header on the way out.
 */
import { ByteWriter } from '../util/bytes.js';

/** Largest body a uint24 length can describe. */
export const MAX_HANDSHAKE_BODY = 0xffffff;

export function encodeHandshake(type: number, body: Uint8Array): Uint8Array {
  if (!Number.isInteger(type) || type < 0 || type > 0xff) throw new RangeError(`handshake type ${type} is not a uint8`);
  // ByteWriter.vector throws RangeError for a body over 2^24-1: that is our bug, not peer input.
  return new ByteWriter(body.length + 4).u8(type).vector(3, body).finish();
}
