/**
 * GBA as the AP's authenticator (TS 33.222 5.4, TS 33.141 6.1.1): the UE is authenticated by the
 * shared-key TLS handshake itself. The TLS layer's pskCallback is ut-tls/gba's gbaPskCallback (the
 * psk_identity is the B-TID, the key Ks_NAF from the operator's lookup); this authenticator takes the
 * B-TID that handshake authenticated on the request's connection as the authenticated identity and
 * maps it to the UE's public identities (IMPUs) with a pluggable lookup (a BSF's USS, a database).
 *
 * The authenticator brings the TLS options it needs (`serverOptions`: pskCallback and the
 * "3GPP-bootstrapping" hint), which createProxy adds to the AP's TLS server.
 *
 * A resumed session carries no PSK exchange, so nothing of this handshake names a B-TID: with
 * reauthentication 'authenticate' (the default) such a UE is refused (403) and comes back with a full
 * handshake, which is GBA's re-authentication (TS 33.141 6.1.4); with 'trust' the session's record
 * keeps granting access. A bootstrapping session that expires while the connection is open stops
 * authenticating new requests that are not covered by the record.
 */
import type { IncomingMessage } from 'node:http';
import { gbaPskCallback, GBA_ME_HINT, GBA_U_HINT, type GbaAuthentication, type GbaServerOptions, type GbaServerPskCallback } from '../gba/index.js';
import type { Authenticator } from './authenticators.js';
import { isValidIdentity, type AuthenticatedUser } from './identity.js';

/** The UE's IMPUs for an authenticated B-TID; null when it has none (not authenticated). */
export type ImpuLookup = (btid: string, authentication: GbaAuthentication) => AuthenticatedUser | readonly string[] | null | undefined | Promise<AuthenticatedUser | readonly string[] | null | undefined>;

export interface GbaAuthenticatorOptions extends GbaServerOptions {
  /** The identities of the subscriber behind the B-TID. */
  identities: ImpuLookup;
  /** GBA_ME ("3GPP-bootstrapping", default) or GBA_U ("3GPP-bootstrapping-uicc"). */
  mode?: 'GBA_ME' | 'GBA_U';
}

export interface GbaAuthenticator extends Authenticator {
  readonly serverOptions: { pskCallback: GbaServerPskCallback; pskIdentityHint: string };
}

function userOf(answer: AuthenticatedUser | readonly string[] | null | undefined): AuthenticatedUser | null {
  if (!answer) return null;
  const list = Array.isArray(answer) ? (answer as readonly string[]) : (answer as AuthenticatedUser).identities;
  const usable = list.filter(isValidIdentity);
  if (usable.length === 0) return null;
  const dflt = Array.isArray(answer) ? undefined : (answer as AuthenticatedUser).default;
  return { identities: usable, default: dflt !== undefined && usable.includes(dflt) ? dflt : usable[0]! };
}

export function gbaAuthenticator(options: GbaAuthenticatorOptions): GbaAuthenticator {
  const now = options.now ?? Date.now;
  const psk = gbaPskCallback(options);
  return {
    serverOptions: { pskCallback: psk, pskIdentityHint: options.mode === 'GBA_U' ? GBA_U_HINT : GBA_ME_HINT },
    async authenticate(req: IncomingMessage) {
      const auth = psk.authenticationOf(req.socket);
      if (!auth) return null;
      if (auth.expiresAt !== undefined && !(now() < auth.expiresAt)) return null;
      try {
        return userOf(await options.identities(auth.btid, auth));
      } catch {
        return null;
      }
    },
  };
}
