/**
 * DHE_PSK key exchange (RFC 4279 3): no certificate; the ServerKeyExchange always comes, with the hint
 * (possibly empty) and unsigned ServerDHParams (the PSK authenticates them: a changed Ys makes the
 * Finished fail). Not anonymous (TS 33.141 7.2(a) concerns DH_anon only). Premaster:
 * len(Z) || Z || len(psk) || psk, Z the DH shared secret with leading zeros stripped (RFC 2246 8.1.2).
 * The group is chosen as for DHE_RSA (RFC 7919 when the client names groups).
 */
import { dhGroupBytes, dhSharedSecret, generateDhKeyPair, validateDhParams, validateDhPublic, type DhGroup } from '../../crypto/dh.js';
import { decodePskClientKeyExchange, decodePskServerKeyExchange, encodePskClientKeyExchange, encodePskServerKeyExchange, pskPremaster } from '../../messages/psk-key-exchange.js';
import type { ServerDHParams } from '../../messages/server-key-exchange.js';
import { chooseGroup, unusableForDhe } from './dhe-rsa.js';
import { clientPsk, serverPsk, thenMaybe } from './psk-common.js';
import type { KeyExchangeAlgorithm } from './types.js';

export const DHE_PSK_KEY_EXCHANGE: KeyExchangeAlgorithm = {
  name: 'DHE_PSK',
  serverCertificate: false,
  serverKeyExchange: 'required',
  wire: { serverKeyExchange: ['psk_identity_hint', 'dh_p', 'dh_g', 'dh_Ys'], clientKeyExchange: ['psk_identity', 'dh_Yc'] },
  unusableFor: unusableForDhe,

  server: ({ provider, options, requests }) => {
    const group = chooseGroup(requests, options);
    let privateKey: bigint | null = null;
    return {
      serverKeyExchange: () => {
        const pair = generateDhKeyPair(group, provider.random);
        privateKey = pair.privateKey;
        return encodePskServerKeyExchange(options.pskIdentityHint ?? '', { ...dhGroupBytes(group), ys: pair.publicKey });
      },
      premaster: (body) => {
        const { identity, rest } = decodePskClientKeyExchange(body, 'dh_Yc');
        if (privateKey === null) throw new Error('engine bug: ClientKeyExchange before ServerKeyExchange');
        // dhSharedSecret checks 1 < Yc < p-1 first (illegal_parameter), before any key lookup.
        const z = dhSharedSecret(group, privateKey, rest!);
        return thenMaybe(serverPsk(options, provider, identity), (psk) => pskPremaster(z, psk));
      },
    };
  },

  client: ({ provider, options }) => {
    let server: { group: DhGroup; params: ServerDHParams; hint: string | null } | null = null;
    return {
      onServerKeyExchange: (body) => {
        const ske = decodePskServerKeyExchange(body, true);
        const params = ske.dh!;
        const group = validateDhParams(params.p, params.g, options.minDHSize ?? 1024);
        validateDhPublic(group.p, params.ys);
        server = { group, params, hint: ske.hint };
      },
      clientKeyExchange: () => {
        if (!server) throw new Error('engine bug: ClientKeyExchange before ServerKeyExchange');
        const { identity, psk } = clientPsk(options, server.hint);
        const pair = generateDhKeyPair(server.group, provider.random);
        const z = dhSharedSecret(server.group, pair.privateKey, server.params.ys);
        return { body: encodePskClientKeyExchange(identity, pair.publicKey), preMaster: pskPremaster(z, psk) };
      },
    };
  },
};
