/**
 * DHE_RSA key exchange (RFC 2246 7.4.3, 7.4.7.2): the server sends ephemeral DH parameters signed
 * with MD5 || SHA-1 under its certificate's RSA key; the client answers with its public value.
 * The group choice of RFC 7919 lives here: a client listing FFDHE groups gets the first of the server's
 * preference it listed (ffdhe-groups.ts), or no DHE.
 */
import { AlertDescription } from '../../alerts.js';
import { MODP_GROUP_14, dhGroupBytes, dhSharedSecret, generateDhKeyPair, validateDhParams, validateDhPublic, type DhGroup } from '../../crypto/dh.js';
import { signTls, verifyTls } from '../../crypto/rsa.js';
import { TLSAlertError } from '../../errors.js';
import { decodeDhClientKeyExchange, encodeDhClientKeyExchange } from '../../messages/client-key-exchange.js';
import { decodeDheServerKeyExchange, encodeDheServerKeyExchange, encodeServerDHParams, type ServerDHParams } from '../../messages/server-key-exchange.js';
import { bitLength } from '../../crypto/bigint.js';
import { concatBytes } from '../../util/bytes.js';
import type { ClientRequests } from '../extensions/index.js';
import type { ServerEngineOptions } from '../types.js';
import { ffdhePreference, pickFfdheGroup } from './ffdhe-groups.js';
import { serverKey, serverPrivateKey } from './rsa.js';
import type { KeyExchangeAlgorithm, KeyExchangeInputs } from './types.js';

/** RFC 7919 4: a client that lists FFDHE groups, none of them in the server's preference, gets no DHE suite. */
export function unusableForDhe(requests: ClientRequests, options: ServerEngineOptions): string | null {
  const groups = requests.ffdheGroups;
  return groups === null || pickFfdheGroup(groups, ffdhePreference(options)) ? null : 'RFC 7919 4: no FFDHE group in common for the DHE suites offered';
}

/** RFC 7919: the server's preferred group among those the client listed, else the configured one (RFC 3526 group 14 by default). */
export function chooseGroup(requests: ClientRequests, options: ServerEngineOptions): DhGroup {
  const named = requests.ffdheGroups ? pickFfdheGroup(requests.ffdheGroups, ffdhePreference(options)) : null;
  return named?.group ?? options.dhGroup ?? MODP_GROUP_14;
}

/** RFC 2246 7.4.3: the signed hash is MD5 || SHA-1 over client_random + server_random + ServerDHParams. */
function paramsDigest({ provider, clientRandom, serverRandom }: KeyExchangeInputs, paramsBytes: Uint8Array): Uint8Array {
  const signed = concatBytes(clientRandom, serverRandom, paramsBytes);
  return concatBytes(provider.hash('md5', signed), provider.hash('sha1', signed));
}

export const DHE_RSA_KEY_EXCHANGE: KeyExchangeAlgorithm = {
  name: 'DHE_RSA',
  serverCertificate: true,
  serverKeyExchange: 'required',
  wire: { serverKeyExchange: ['dh_p', 'dh_g', 'dh_Ys', 'signature'], clientKeyExchange: ['dh_Yc'] },
  unusableFor: unusableForDhe,

  server: (inputs) => {
    const group = chooseGroup(inputs.requests, inputs.options);
    let privateKey: bigint | null = null;
    return {
      serverKeyExchange: () => {
        const pair = generateDhKeyPair(group, inputs.provider.random);
        privateKey = pair.privateKey;
        const params = { ...dhGroupBytes(group), ys: pair.publicKey };
        const signature = signTls(inputs.provider, serverPrivateKey(inputs), paramsDigest(inputs, encodeServerDHParams(params)));
        return encodeDheServerKeyExchange(params, signature);
      },
      premaster: (body) => {
        const yc = decodeDhClientKeyExchange(body);
        if (privateKey === null) throw new Error('engine bug: ClientKeyExchange before ServerKeyExchange');
        // dhSharedSecret checks 1 < Yc < p-1 first (illegal_parameter).
        return dhSharedSecret(group, privateKey, yc);
      },
    };
  },

  client: (inputs) => {
    const key = serverKey(inputs);
    let server: { group: DhGroup; params: ServerDHParams } | null = null;
    return {
      onServerKeyExchange: (body) => {
        const ske = decodeDheServerKeyExchange(body);
        if (!verifyTls(inputs.provider, key, paramsDigest(inputs, ske.paramsBytes), ske.signature)) {
          throw new TLSAlertError(AlertDescription.decrypt_error, 'RFC 2246 7.4.3: ServerKeyExchange signature does not verify');
        }
        const group = validateDhParams(ske.params.p, ske.params.g, inputs.options.minDHSize ?? 1024);
        validateDhPublic(group.p, ske.params.ys);
        server = { group, params: ske.params };
      },
      clientKeyExchange: () => {
        if (!server) throw new Error('engine bug: ClientKeyExchange before ServerKeyExchange');
        const pair = generateDhKeyPair(server.group, inputs.provider.random);
        const preMaster = dhSharedSecret(server.group, pair.privateKey, server.params.ys);
        return { body: encodeDhClientKeyExchange(pair.publicKey), preMaster };
      },
      ephemeralKey: () => (server ? { type: 'DH', size: bitLength(server.group.p) } : null),
    };
  },
};
