/**
 * PSK key exchange (RFC 4279 2): no certificate; an optional ServerKeyExchange carries the
 * psk_identity_hint; the ClientKeyExchange carries psk_identity. The premaster is
 * len(N) || N zero bytes || len(N) || psk, N the key's length.
 */
import { decodePskClientKeyExchange, decodePskServerKeyExchange, encodePskClientKeyExchange, encodePskServerKeyExchange, pskPremaster } from '../../messages/psk-key-exchange.js';
import { clientPsk, serverPsk, thenMaybe } from './psk-common.js';
import type { KeyExchangeAlgorithm } from './types.js';

export const PSK_KEY_EXCHANGE: KeyExchangeAlgorithm = {
  name: 'PSK',
  serverCertificate: false,
  serverKeyExchange: 'optional',
  wire: { serverKeyExchange: ['psk_identity_hint'], clientKeyExchange: ['psk_identity'] },
  unusableFor: () => null,

  server: ({ provider, options }) => ({
    // RFC 4279 2: "If no hint is provided, the ServerKeyExchange message is omitted."
    serverKeyExchange: () => (options.pskIdentityHint ? encodePskServerKeyExchange(options.pskIdentityHint) : null),
    premaster: (body) => {
      const { identity } = decodePskClientKeyExchange(body, null);
      return thenMaybe(serverPsk(options, provider, identity), (psk) => pskPremaster(new Uint8Array(psk.length), psk));
    },
  }),

  client: ({ options }) => {
    let hint: string | null = null;
    return {
      onServerKeyExchange: (body) => {
        hint = decodePskServerKeyExchange(body, false).hint;
      },
      clientKeyExchange: () => {
        const { identity, psk } = clientPsk(options, hint);
        return { body: encodePskClientKeyExchange(identity), preMaster: pskPremaster(new Uint8Array(psk.length), psk) };
      },
    };
  },
};
