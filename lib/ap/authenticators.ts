/**
 * Who the UE is. An authenticator looks at one HTTP request and the TLS facts of its connection and
 * answers with the UE's identities, or null (not authenticated). The GBA / HTTP Digest AKA exchange of
 * TS 33.222 is out of scope; two authenticators ship:
 *   - clientCertificateAuthenticator: the subjectAltName URIs (sip:, sips:, tel:) of a client
 *     certificate the TLS layer verified (TS 33.141 6.1.4: certificate-based UE authentication);
 *   - staticAuthenticator: HTTP Basic credentials (RFC 7617) checked against a JSON file, for labs.
 * The proxy keeps the result with the TLS session (setAuthRecord, TS 33.141 6.1.4), see proxy.ts.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { readFileSync } from 'node:fs';
import { parseCertificate } from '../x509/certificate.js';
import { ApConfigError } from './config.js';
import type { ServerOptions } from '../http/server.js';
import { isValidIdentity, type AuthenticatedUser } from './identity.js';

/** What the TLS layer knows about the connection a request came on. */
export interface TlsFacts {
  readonly servername: string | null;
  /** The client certificate chain verified against tls.ca. */
  readonly authorized: boolean;
  /** DER certificates the UE presented (leaf first), also on a resumed session. */
  readonly peerCertificates: readonly Uint8Array[];
  readonly resumed: boolean;
}

export interface Authenticator {
  /** The UE's identities, or null. May be async (a database, a BSF). */
  authenticate(req: IncomingMessage, tls: TlsFacts): AuthenticatedUser | null | Promise<AuthenticatedUser | null>;
  /** WWW-Authenticate value sent with 401 when authenticate gives null; absent: 403. */
  readonly challenge?: string;
  /** TLS server options the authenticator needs (GBA: pskCallback and pskIdentityHint, gba-authenticator.ts). */
  readonly serverOptions?: Partial<ServerOptions>;
}

function userFrom(identities: readonly string[], dflt?: string): AuthenticatedUser | null {
  const usable = identities.filter(isValidIdentity);
  if (usable.length === 0) return null;
  return { identities: usable, default: dflt !== undefined && usable.includes(dflt) ? dflt : usable[0]! };
}

/** Identities from the verified client certificate's subjectAltName URIs (first URI is the default). */
export function clientCertificateAuthenticator(): Authenticator {
  return {
    authenticate(_req, tls) {
      const leaf = tls.peerCertificates[0];
      if (!tls.authorized || !leaf) return null;
      try {
        return userFrom(parseCertificate(leaf).extensions.subjectAltName?.uris ?? []);
      } catch {
        return null;
      }
    },
  };
}

interface StaticUser {
  passwordDigest: Buffer;
  user: AuthenticatedUser;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * users.json: {"users": {"alice": {"password": "...", "identities": ["sip:alice@example.test"],
 * "default": "sip:alice@example.test"}}}. Lab use only: the passwords are in the clear.
 */
export function staticAuthenticator(file: string): Authenticator {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ApConfigError(`${file}: ${(err as Error).message}`);
  }
  const users = new Map<string, StaticUser>();
  const list = (json as { users?: unknown })?.users;
  if (typeof list !== 'object' || list === null) throw new ApConfigError(`${file}: users: expected an object of user names`);
  for (const [name, entry] of Object.entries(list as Record<string, unknown>)) {
    const e = entry as { password?: unknown; identities?: unknown; default?: unknown };
    if (typeof e?.password !== 'string') throw new ApConfigError(`${file}: users.${name}.password: expected a string`);
    if (!Array.isArray(e.identities) || e.identities.length === 0) throw new ApConfigError(`${file}: users.${name}.identities: expected a non-empty list`);
    for (const [i, id] of e.identities.entries()) {
      if (typeof id !== 'string' || !isValidIdentity(id)) throw new ApConfigError(`${file}: users.${name}.identities[${i}]: expected a sip:, sips: or tel: URI`);
    }
    if (e.default !== undefined && !e.identities.includes(e.default)) throw new ApConfigError(`${file}: users.${name}.default: not one of its identities`);
    users.set(name, { passwordDigest: digest(e.password), user: userFrom(e.identities as string[], e.default as string | undefined)! });
  }
  return {
    challenge: 'Basic realm="ut-tls AP", charset="UTF-8"',
    authenticate(req) {
      const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.authorization ?? '');
      if (!m) return null;
      const text = Buffer.from(m[1]!, 'base64').toString('utf8');
      const colon = text.indexOf(':');
      if (colon < 0) return null;
      const found = users.get(text.slice(0, colon));
      // Compare digests (equal lengths) in constant time, and do the work for unknown users too.
      const given = digest(text.slice(colon + 1));
      const ok = timingSafeEqual(given, found?.passwordDigest ?? digest('\0unknown'));
      return found && ok ? found.user : null;
    },
  };
}

/**
 * Record kept with the TLS session (setAuthRecord, TS 33.141 6.1.4): the authenticated user and when
 * the authentication happened (`at`, ms), so a later failed network-initiated re-authentication of one
 * of its identities (lib/ap/reauth-marks.ts) can tell an older record from a newer one.
 */
export function encodeAuthRecord(user: AuthenticatedUser, at: number = Date.now()): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ v: 1, identities: user.identities, default: user.default, at }));
}

/** The user and time of a record; null for bytes this module did not write. A record without `at` dates from 0. */
export function readAuthRecord(data: Uint8Array): { user: AuthenticatedUser; at: number } | null {
  try {
    const o = JSON.parse(new TextDecoder().decode(data)) as { v?: unknown; identities?: unknown; default?: unknown; at?: unknown };
    if (o.v !== 1 || !Array.isArray(o.identities) || typeof o.default !== 'string') return null;
    const user = userFrom(o.identities.filter((x): x is string => typeof x === 'string'), o.default);
    return user ? { user, at: typeof o.at === 'number' && Number.isFinite(o.at) ? o.at : 0 } : null;
  } catch {
    return null;
  }
}

export function decodeAuthRecord(data: Uint8Array): AuthenticatedUser | null {
  return readAuthRecord(data)?.user ?? null;
}
