/**
 * RFC 4279 options in node:tls's shape (docs/psk.md), checked and turned into the engine's:
 *
 *   client  pskCallback(hint: string | null) => { psk: Buffer | Uint8Array, identity: string } | null
 *           (node's signature; passed to the engine unchanged)
 *   server  pskCallback(socket, identity) => psk | null | undefined | Promise<...>
 *           (node's, plus a Promise: a GBA key lookup is asynchronous); bound to the socket here
 *   server  pskIdentityHint: string (node's name), sent in ServerKeyExchange
 *
 * PSK suites are offered and accepted only when pskCallback is set (policy/suite-selection.ts).
 */
import { TLSConfigError } from '../errors.js';
import type { ServerPskLookup } from '../engine/types.js';
import { encodePskText } from '../messages/psk-key-exchange.js';
import type { TLSSocket } from './tls-socket.js';

/** The server's pskCallback: the key for the identity the client sent, or null/undefined when unknown. */
export type ServerPskCallback = (socket: TLSSocket, identity: string) => Uint8Array | null | undefined | Promise<Uint8Array | null | undefined>;

export function checkPskCallback(value: unknown): void {
  if (value !== undefined && typeof value !== 'function') throw new TLSConfigError('pskCallback: expected a function', 'pskCallback');
}

export function checkPskIdentityHint(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new TLSConfigError('pskIdentityHint: expected a string', 'pskIdentityHint');
  try {
    encodePskText(value, 'pskIdentityHint');
  } catch (err) {
    throw new TLSConfigError((err as Error).message, 'pskIdentityHint');
  }
  return value;
}

/** The engine's lookup for one connection: the socket's callback with the socket bound. */
export function bindServerPsk(callback: ServerPskCallback, socket: TLSSocket, seen: (identity: string) => void): ServerPskLookup {
  return (identity) => {
    seen(identity);
    return callback(socket, identity);
  };
}

/** Stands in the resolved server options until a socket binds the application's callback. */
export const unboundServerPsk: ServerPskLookup = () => {
  throw new Error('ut-tls bug: pskCallback used before a socket bound it');
};
