/**
 * What the three RFC 4279 key exchanges share: asking the application for the key, on each side.
 *
 * Unknown identity vs. wrong key (RFC 4279 5.1/5.2 allow unknown_psk_identity or decrypt_error): ut-tls
 * sends neither early. An unknown identity gets a random key of the same length as a real one and the
 * handshake goes on, so it fails exactly where a wrong key fails: the client's Finished record does not
 * decrypt/authenticate under the keys derived from the wrong premaster (bad_record_mac), after the same
 * work (one lookup, one PRF). An attacker learns nothing about which identities exist.
 */
import { AlertDescription } from '../../alerts.js';
import type { CryptoProvider } from '../../crypto/provider.js';
import { TLSAlertError, TLSConfigError } from '../../errors.js';
import type { ClientEngineOptions, ServerEngineOptions } from '../types.js';

/** The length of the stand-in key for an unknown identity (a typical Ks_NAF is 32 bytes). */
const STAND_IN_KEY_BYTES = 32;

function checkKey(psk: unknown, who: string): Uint8Array {
  if (!(psk instanceof Uint8Array) || psk.length === 0 || psk.length > 0xffff) {
    throw new TLSConfigError(`${who}: the PSK must be a non-empty Buffer/Uint8Array of at most 65535 bytes (RFC 4279 2)`, 'pskCallback');
  }
  return psk;
}

/** Client: the identity and key for this hint; null from the callback refuses the handshake. */
export function clientPsk(options: ClientEngineOptions, hint: string | null): { identity: string; psk: Uint8Array } {
  const callback = options.pskCallback;
  if (!callback) throw new Error('engine bug: a PSK suite without pskCallback');
  const answer = callback(hint);
  if (answer === null || answer === undefined) {
    throw new TLSAlertError(AlertDescription.handshake_failure, `RFC 4279: pskCallback gave no key for hint ${JSON.stringify(hint)}`);
  }
  if (typeof answer.identity !== 'string') throw new TLSConfigError('pskCallback: identity must be a string (UTF-8, RFC 4279 5.1)', 'pskCallback');
  return { identity: answer.identity, psk: checkKey(answer.psk, 'pskCallback') };
}

/** Server: the key for an identity, or a random stand-in when it is unknown (see above); may be a Promise. */
export function serverPsk(options: ServerEngineOptions, provider: CryptoProvider, identity: string): Uint8Array | Promise<Uint8Array> {
  const lookup = options.pskCallback;
  if (!lookup) throw new Error('engine bug: a PSK suite without pskCallback');
  const settle = (psk: Uint8Array | null | undefined): Uint8Array =>
    psk === null || psk === undefined ? provider.random(STAND_IN_KEY_BYTES) : checkKey(psk, 'pskCallback');
  const answer = lookup(identity);
  return answer instanceof Promise ? answer.then(settle) : settle(answer);
}

/** Runs `next` on a value that may arrive later, without making the synchronous path async. */
export function thenMaybe<T, U>(value: T | Promise<T>, next: (v: T) => U): U | Promise<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}
