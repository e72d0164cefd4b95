/** HelloRequest (RFC 2246 7.4.1.1): struct { } HelloRequest; never included in the handshake hashes. */
import { decodeEmptyBody, encodeEmptyBody } from './empty-body.js';

export const encodeHelloRequest = encodeEmptyBody;
export function decodeHelloRequest(body: Uint8Array): void {
  decodeEmptyBody(body, 'HelloRequest');
}
