/**
 * TS 33.141 7.1: a session lives at most 24 hours. A session dated after "now" (from an external store
 * or a saved session file, or a clock that jumped) cannot be measured against that limit, so it is
 * never offered nor resumed: otherwise a date a year ahead would keep it alive for a year.
 */
export function withinLifetime(createdAt: number, lifetimeSeconds: number, now: number): boolean {
  if (!Number.isFinite(createdAt) || createdAt > now) return false;
  return now < createdAt + lifetimeSeconds * 1000;
}
