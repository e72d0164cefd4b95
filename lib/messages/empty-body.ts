/** Handshake messages whose body is empty (HelloRequest, ServerHelloDone). */
import { DecodeError } from '../util/bytes.js';

export function encodeEmptyBody(): Uint8Array {
  return new Uint8Array(0);
}

/** Any byte in the body is malformed (decode_error): the structure is `struct { }`. */
export function decodeEmptyBody(body: Uint8Array, what: string): void {
  if (body.length !== 0) throw new DecodeError(`${what}: body must be empty, got ${body.length} bytes`);
}
