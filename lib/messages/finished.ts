/**
 * Finished (RFC 2246 7.4.9): struct { opaque verify_data[12]; } Finished;
 * A fixed-size field: the body is exactly 12 bytes in TLS 1.0. Whether they are the right 12 bytes
 * (decrypt_error, constant-time compare) is the engine's job.
 */
import { DecodeError } from '../util/bytes.js';

export const VERIFY_DATA_LENGTH = 12;

export function encodeFinished(verifyData: Uint8Array): Uint8Array {
  if (verifyData.length !== VERIFY_DATA_LENGTH) throw new RangeError(`verify_data must be ${VERIFY_DATA_LENGTH} bytes`);
  return verifyData.slice();
}

/** The verify_data (a copy); DecodeError for any other body length. */
export function decodeFinished(body: Uint8Array): Uint8Array {
  if (body.length !== VERIFY_DATA_LENGTH) {
    throw new DecodeError(`Finished: verify_data must be ${VERIFY_DATA_LENGTH} bytes, got ${body.length}`);
  }
  return body.slice();
}
