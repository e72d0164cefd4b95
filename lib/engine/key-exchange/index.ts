/**
 * The key exchanges ut-tls runs, by the name in the suite row (suites.ts `keyExchange`). Adding one:
 * its file here (types.ts explains the halves), one line below, and its rows in suites.ts.
 */
import type { CipherSuite, KeyExchange } from '../../suites.js';
import { DHE_PSK_KEY_EXCHANGE } from './dhe-psk.js';
import { DHE_RSA_KEY_EXCHANGE } from './dhe-rsa.js';
import { PSK_KEY_EXCHANGE } from './psk.js';
import { RSA_PSK_KEY_EXCHANGE } from './rsa-psk.js';
import { RSA_KEY_EXCHANGE } from './rsa.js';
import type { KeyExchangeAlgorithm } from './types.js';

export type * from './types.js';

export const KEY_EXCHANGES: Readonly<Partial<Record<KeyExchange, KeyExchangeAlgorithm>>> = {
  RSA: RSA_KEY_EXCHANGE,
  DHE_RSA: DHE_RSA_KEY_EXCHANGE,
  PSK: PSK_KEY_EXCHANGE,
  DHE_PSK: DHE_PSK_KEY_EXCHANGE,
  RSA_PSK: RSA_PSK_KEY_EXCHANGE,
};

/** The key exchange of a suite the engine negotiates (resolveSuites lets only implemented ones through). */
export function keyExchangeOf(suite: CipherSuite): KeyExchangeAlgorithm {
  const kx = KEY_EXCHANGES[suite.keyExchange];
  if (!kx) throw new Error(`engine bug: no key exchange ${suite.keyExchange} for ${suite.name}`);
  return kx;
}

/** The key exchange of a suite, or undefined when ut-tls does not implement it (for tools that describe any suite). */
export function findKeyExchange(suite: CipherSuite): KeyExchangeAlgorithm | undefined {
  return KEY_EXCHANGES[suite.keyExchange];
}
