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
import { readFileSync } from 'node:fs';
import { gbaPskCallback, ksNaf, parseBtid, GbaError, GBA_ME_HINT, GBA_U_HINT, type GbaAuthentication, type GbaServerOptions, type GbaServerPskCallback } from '../gba/index.js';
import type { Authenticator } from './authenticators.js';
import { ApConfigError } from './config.js';
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

interface LabSession {
  ks: Uint8Array;
  rand: Uint8Array;
  impi: string;
  expiresAt: number;
  user: AuthenticatedUser;
}

/**
 * ap.json `"authenticator": {"type": "gba", "file": "gba.json"}`: a lab file of bootstrapping sessions
 * that stands in for the BSF (labs and tests; a real AP passes its own lookup to gbaAuthenticator):
 *   {"sessions": [{"btid": "<base64 RAND>@<BSF domain>", "ks": "<64 hex: CK || IK>",
 *                  "impi": "...", "expiresAt": "2027-01-01T00:00:00Z",
 *                  "identities": ["sip:alice@example.test"], "default": "sip:alice@example.test"}]}
 * The AP derives Ks_NAF itself (TS 33.220 B.3) for the NAF_Id of each handshake. Ks is a secret: the
 * file is for labs only.
 */
export function gbaFileAuthenticator(file: string): GbaAuthenticator {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ApConfigError(`${file}: ${(err as Error).message}`);
  }
  const list = (json as { sessions?: unknown })?.sessions;
  if (!Array.isArray(list)) throw new ApConfigError(`${file}: sessions: expected a list of bootstrapping sessions`);
  const sessions = new Map<string, LabSession>();
  for (const [i, entry] of list.entries()) {
    const e = entry as { btid?: unknown; ks?: unknown; impi?: unknown; expiresAt?: unknown; identities?: unknown; default?: unknown };
    const key = `${file}: sessions[${i}]`;
    let rand: Uint8Array;
    try {
      rand = parseBtid(e?.btid as string).rand;
    } catch (err) {
      throw new ApConfigError(`${key}.btid: ${err instanceof GbaError ? err.message : 'expected a B-TID'}`);
    }
    if (typeof e.ks !== 'string' || !/^[0-9a-fA-F]{64}$/.test(e.ks)) throw new ApConfigError(`${key}.ks: expected 64 hex digits (CK || IK)`);
    if (typeof e.impi !== 'string' || e.impi === '') throw new ApConfigError(`${key}.impi: expected a string`);
    const expiresAt = typeof e.expiresAt === 'string' ? Date.parse(e.expiresAt) : NaN;
    if (!Number.isFinite(expiresAt)) throw new ApConfigError(`${key}.expiresAt: expected a date (ISO 8601)`);
    const user = Array.isArray(e.identities) ? userOf(e.default === undefined ? (e.identities as string[]) : { identities: e.identities as string[], default: e.default as string }) : null;
    if (!user || user.identities.length !== (e.identities as unknown[]).length) throw new ApConfigError(`${key}.identities: expected a non-empty list of sip:, sips: or tel: URIs`);
    const ks = Uint8Array.from(e.ks.match(/../g)!.map((h) => parseInt(h, 16)));
    sessions.set(e.btid as string, { ks, rand, impi: e.impi, expiresAt, user });
  }
  return gbaAuthenticator({
    lookup: (btid, id) => {
      const s = sessions.get(btid);
      return s ? { key: ksNaf({ ks: s.ks, rand: s.rand, impi: s.impi, nafId: id }), expiresAt: s.expiresAt } : null;
    },
    identities: (btid) => sessions.get(btid)?.user ?? null,
  });
}
