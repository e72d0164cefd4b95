/**
 * RSA key exchange (RFC 2246 7.4.7.1): no ServerKeyExchange; the client encrypts a random premaster
 * (its offered version first) under the server certificate's key.
 */
import { pkcs1Encrypt, decryptPremaster } from '../../crypto/rsa.js';
import type { RsaPrivateKey, RsaPublicKey } from '../../crypto/provider.js';
import { decodeRsaClientKeyExchange, encodeRsaClientKeyExchange } from '../../messages/client-key-exchange.js';
import { TLS_1_0 } from '../../record/constants.js';
import { concatBytes } from '../../util/bytes.js';
import type { ClientKeyExchangeInputs, KeyExchangeAlgorithm, ServerKeyExchangeInputs } from './types.js';

/** The server key an algorithm with `serverCertificate: true` always has by the time its half is made. */
export function serverKey(inputs: ClientKeyExchangeInputs): RsaPublicKey {
  if (!inputs.serverPublicKey) throw new Error('engine bug: key exchange needs the server certificate key');
  return inputs.serverPublicKey;
}

/** The private key an algorithm with `serverCertificate: true` always has (the server refuses such suites without one). */
export function serverPrivateKey(inputs: ServerKeyExchangeInputs): RsaPrivateKey {
  if (!inputs.privateKey) throw new Error('engine bug: key exchange needs the server private key');
  return inputs.privateKey;
}

export const RSA_KEY_EXCHANGE: KeyExchangeAlgorithm = {
  name: 'RSA',
  serverCertificate: true,
  serverKeyExchange: 'none',
  wire: { serverKeyExchange: [], clientKeyExchange: ['EncryptedPreMasterSecret'] },
  unusableFor: () => null,

  server: (inputs) => ({
    serverKeyExchange: () => null,
    // Bleichenbacher-safe: any failure yields a random premaster and the handshake fails at Finished.
    premaster: (body) => decryptPremaster(inputs.provider, serverPrivateKey(inputs), decodeRsaClientKeyExchange(body), inputs.clientVersion),
  }),

  client: (inputs) => {
    const key = serverKey(inputs);
    return {
      onServerKeyExchange: () => {
        throw new Error('engine bug: ServerKeyExchange for RSA');
      },
      clientKeyExchange: () => {
        const { provider } = inputs;
        // RFC 2246 7.4.7.1: client_version is the version offered in the ClientHello.
        const preMaster = concatBytes(new Uint8Array([TLS_1_0 >> 8, TLS_1_0 & 0xff]), provider.random(46));
        return { body: encodeRsaClientKeyExchange(pkcs1Encrypt(provider, key, preMaster)), preMaster };
      },
    };
  },
};
