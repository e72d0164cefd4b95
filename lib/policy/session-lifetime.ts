/**
 * TS 33.141 7.1: a TLS session is obsolete after 24 hours, on both sides. This file is the one home of
 * that rule: the limit, the range check for a configured lifetime, the expiry instant and the
 * "may this session still be resumed" test. Engine, session store, socket options, CLI and AP config
 * import it instead of re-stating 86400.
 */

/** The longest a session may be resumed for, in seconds (24 hours). */
export const MAX_SESSION_LIFETIME_SECONDS = 86_400;

/**
 * Whether `seconds` is an allowed session lifetime (0, meaning no resumption, to 24 hours). Written
 * as two comparisons so NaN and Infinity fail it like any other out-of-range value.
 */
export function isAllowedLifetime(seconds: number): boolean {
  return seconds >= 0 && seconds <= MAX_SESSION_LIFETIME_SECONDS;
}

/**
 * The instant (ms, the clock of `createdAt`) after which a session is obsolete: its own lifetime,
 * capped by `limitSeconds` when given (the local configuration: a server's sessionTimeout, or 24 hours
 * on a client, whatever a stored session claims).
 */
export function sessionExpiresAt(createdAt: number, lifetimeSeconds: number, limitSeconds = lifetimeSeconds): number {
  return createdAt + Math.min(lifetimeSeconds, limitSeconds) * 1000;
}

/**
 * TS 33.141 7.1: a session lives at most 24 hours. A session dated after "now" (from an external store
 * or a saved session file, or a clock that jumped) cannot be measured against that limit, so it is
 * never offered nor resumed: otherwise a date a year ahead would keep it alive for a year.
 */
export function withinLifetime(createdAt: number, lifetimeSeconds: number, now: number, limitSeconds = lifetimeSeconds): boolean {
  if (!Number.isFinite(createdAt) || createdAt > now) return false;
  return now < sessionExpiresAt(createdAt, lifetimeSeconds, limitSeconds);
}
