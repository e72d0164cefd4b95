/**
 * The identity rules of the Authentication Proxy, as pure functions over header maps.
 *
 * TS 24.109 clause 7.2 (Authentication Proxy, Authentication): "The UE may indicate the user identity
 * intended to be used with the AS by adding a HTTP header to the outgoing HTTP requests. The HTTP header
 * name shall be "X-3GPP-Intended-Identity" and it shall contain the user identity surrounded by
 * quotation marks ("). If the HTTP header has been added, the AP may verify that the user identity
 * belongs to the subscriber." We always verify: an identity that is not one of the authenticated
 * UE's is refused with 403 (TS 33.141 6.1.3: the AP checks the identity the UE claims).
 * The same clause: the AP "shall remove the "Authorization" header" from requests forwarded to the AS.
 *
 * TS 33.141 5.1.4 / 6.1.3 and TS 33.222 (AP): the AP passes the asserted identity of the UE to the
 * AS; 5.1.4: "activation of transfer of asserted user identity shall be configurable in the
 * Authentication Proxy on a per AS base". The header is X-3GPP-Asserted-Identity (TS 24.109 clause 7,
 * the AP procedures after 7.2, and TS 33.222; the exact subclause number was not confirmed from the
 * normative text, see docs/ap.md), with the same quoted syntax as the intended identity:
 *   X-3GPP-Asserted-Identity: "sip:alice@example.test"
 * Whatever X-3GPP-Asserted-Identity the UE sends is removed, always: only the AP may assert.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

export const INTENDED_IDENTITY = 'x-3gpp-intended-identity';
export const ASSERTED_IDENTITY = 'x-3gpp-asserted-identity';

/** What an authenticator established about the UE. */
export interface AuthenticatedUser {
  /** Every identity (SIP/TEL URI) the UE is allowed to use. */
  readonly identities: readonly string[];
  /** The identity asserted when the UE names none (TS 24.109 7.2: the header is optional). */
  readonly default: string;
}

export type IdentityDecision =
  | { readonly ok: true; readonly asserted: string; readonly intended: boolean }
  | { readonly ok: false; readonly status: 400 | 403; readonly reason: string };

/** `"sip:a@b"` -> `sip:a@b`; null for anything else (no quotes, inner quotes, a list, control characters). */
export function parseQuotedIdentity(value: string): string | null {
  const m = /^\s*"([^"\\\x00-\x1f\x7f]+)"\s*$/.exec(value);
  return m ? m[1]! : null;
}

/** The quoted form the AP sends (identities never hold quotes or control characters: see isValidIdentity). */
export function formatQuotedIdentity(identity: string): string {
  if (!isValidIdentity(identity)) throw new TypeError(`not a usable identity: ${JSON.stringify(identity)}`);
  return `"${identity}"`;
}

/** A SIP, SIPS or TEL URI without quotes, backslashes or control characters. */
export function isValidIdentity(identity: string): boolean {
  return /^(sips?|tel):[^"\\\x00-\x20\x7f]+$/i.test(identity);
}

/**
 * The identity to assert for this request, or why it is refused: 400 for a malformed
 * X-3GPP-Intended-Identity, 403 for one that is not the authenticated UE's (TS 24.109 7.2).
 */
export function decideIdentity(headers: IncomingHttpHeaders, user: AuthenticatedUser): IdentityDecision {
  const raw = headers[INTENDED_IDENTITY];
  if (raw === undefined) return { ok: true, asserted: user.default, intended: false };
  const value = Array.isArray(raw) ? raw.join(', ') : raw;
  const intended = parseQuotedIdentity(value);
  if (intended === null) {
    return { ok: false, status: 400, reason: 'TS 24.109 7.2: X-3GPP-Intended-Identity must hold one identity in quotation marks' };
  }
  if (!user.identities.includes(intended)) {
    return { ok: false, status: 403, reason: 'TS 24.109 7.2: X-3GPP-Intended-Identity is not an identity of the authenticated UE' };
  }
  return { ok: true, asserted: intended, intended: true };
}

/**
 * Rewrites the identity headers of a request going to an AS, in place: the UE's X-3GPP-Asserted-
 * Identity, X-3GPP-Intended-Identity and Authorization are removed; X-3GPP-Asserted-Identity is set
 * only when the AS is in the trust domain. Returns whether an identity was asserted.
 */
export function applyIdentityHeaders(headers: OutgoingHttpHeaders, asserted: string, trustDomain: boolean): boolean {
  for (const name of Object.keys(headers)) {
    const lower = name.toLowerCase();
    if (lower === ASSERTED_IDENTITY || lower === INTENDED_IDENTITY || lower === 'authorization') delete headers[name];
  }
  if (!trustDomain) return false;
  headers[ASSERTED_IDENTITY] = formatQuotedIdentity(asserted);
  return true;
}
