/** ServerHelloDone (RFC 2246 7.4.5): struct { } ServerHelloDone; */
import { decodeEmptyBody, encodeEmptyBody } from './empty-body.js';

export const encodeServerHelloDone = encodeEmptyBody;
export function decodeServerHelloDone(body: Uint8Array): void {
  decodeEmptyBody(body, 'ServerHelloDone');
}
