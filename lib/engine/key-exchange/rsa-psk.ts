/**
 * RSA_PSK key exchange (RFC 4279 4): the server certificate (keyEncipherment) as for RSA, an optional
 * ServerKeyExchange with the hint; the ClientKeyExchange carries psk_identity and the RSA-encrypted
 * 48-byte secret (version first, as RFC 2246 7.4.7.1). Premaster: len(48) || secret || len(psk) || psk.
 */
import { pkcs1Encrypt, decryptPremaster } from '../../crypto/rsa.js';
import { decodePskClientKeyExchange, decodePskServerKeyExchange, encodePskClientKeyExchange, encodePskServerKeyExchange, pskPremaster } from '../../messages/psk-key-exchange.js';
import { TLS_1_0 } from '../../record/constants.js';
import { concatBytes } from '../../util/bytes.js';
import { clientPsk, serverPsk, thenMaybe } from './psk-common.js';
import { serverKey, serverPrivateKey } from './rsa.js';
import type { KeyExchangeAlgorithm } from './types.js';

export const RSA_PSK_KEY_EXCHANGE: KeyExchangeAlgorithm = {
  name: 'RSA_PSK',
  serverCertificate: true,
  serverKeyExchange: 'optional',
  wire: { serverKeyExchange: ['psk_identity_hint'], clientKeyExchange: ['psk_identity', 'EncryptedPreMasterSecret'] },
  unusableFor: () => null,

  server: (inputs) => {
    const { provider, options, clientVersion } = inputs;
    return {
      serverKeyExchange: () => (options.pskIdentityHint ? encodePskServerKeyExchange(options.pskIdentityHint) : null),
      premaster: (body) => {
        const { identity, rest } = decodePskClientKeyExchange(body, 'EncryptedPreMasterSecret');
        // Bleichenbacher-safe as RSA: a bad block yields a random secret and the failure comes at Finished.
        const secret = decryptPremaster(provider, serverPrivateKey(inputs), rest!, clientVersion);
        return thenMaybe(serverPsk(options, provider, identity), (psk) => pskPremaster(secret, psk));
      },
    };
  },

  client: (inputs) => {
    const key = serverKey(inputs);
    let hint: string | null = null;
    return {
      onServerKeyExchange: (body) => {
        hint = decodePskServerKeyExchange(body, false).hint;
      },
      clientKeyExchange: () => {
        const { identity, psk } = clientPsk(inputs.options, hint);
        const secret = concatBytes(new Uint8Array([TLS_1_0 >> 8, TLS_1_0 & 0xff]), inputs.provider.random(46));
        const body = encodePskClientKeyExchange(identity, pkcs1Encrypt(inputs.provider, key, secret));
        return { body, preMaster: pskPremaster(secret, psk) };
      },
    };
  },
};
