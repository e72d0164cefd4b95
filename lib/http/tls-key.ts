/**
 * The part of a pool / session-cache key made of TLS options: two requests share a socket or a
 * session only when everything that changes the handshake or its verdict is the same (https.Agent's
 * getName does the same for node:tls's options).
 */
import { createHash } from 'node:crypto';
import { CLIENT_PASSTHROUGH, type ClientSocketOptions } from '../socket/options.js';

/** Options that change the handshake or the verdict, in a fixed order. */
export const KEYED_OPTIONS = [
  'ca',
  'cert',
  'key',
  'ciphers',
  'cipherSuites',
  'rejectUnauthorized',
  'servername',
  'minRSABits',
  'allowSHA1Signatures',
  'crypto',
  'provider',
  'splitRecords',
  'checkServerIdentity',
  ...CLIENT_PASSTHROUGH, // every engine option a client passes through changes the handshake
  'maxHandshakeMessageLength',
  'now',
] as const satisfies readonly (keyof ClientSocketOptions)[];

const identities = new WeakMap<object, number>();
let nextIdentity = 1;

/** Strings and bytes by value; functions and other objects by identity (a cheap, stable token). */
function part(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('latin1');
  if (Array.isArray(value)) return value.map(part).join('\u0001');
  if (typeof value === 'object' || typeof value === 'function') {
    let id = identities.get(value as object);
    if (id === undefined) identities.set(value as object, (id = nextIdentity++));
    return `#${id}`;
  }
  return String(value);
}

/** Long values (PEM text) are replaced by their digest, so keys stay short and readable. */
function short(text: string): string {
  return text.length <= 64 ? text : createHash('sha256').update(text, 'latin1').digest('base64url').slice(0, 22);
}

export function tlsOptionsKey(options: Record<string, unknown>): string {
  return KEYED_OPTIONS.map((k) => short(part(options[k]))).join(':');
}
