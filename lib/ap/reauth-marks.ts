/**
 * TS 33.141 6.1.4: "If there is no response within a given time limit from a network initiated
 * re-authentication request an authentication failure has occurred ... The AP/Presence Server shall
 * then still assume that if a TLS session is still valid that it can be re-used by the UE at a later
 * time. Should then the UE re-use an existing session then the AP/Presence Server shall re-authenticate
 * the UE and not give access to the AP/Presence Server unless the authentication was successful."
 *
 * So the session is NOT invalidated: the AP remembers, per identity, when a network-initiated
 * re-authentication failed, and any authentication record (lib/ap/authenticators.ts) of that identity
 * made before that instant no longer grants access: the UE is authenticated again on its next request,
 * on a resumed session or on a connection still open. The GBA re-authentication itself (TS 33.220
 * 4.5.3) is out of scope; whatever runs it calls AuthenticationProxy#markReauthenticationFailed.
 *
 * A mark older than the longest session lifetime (TS 33.141 7.1, 24 hours) can be forgotten: every
 * record made before it belongs to a session that is obsolete by then.
 */
import { MAX_SESSION_LIFETIME_SECONDS } from '../policy/session-lifetime.js';

export const MARK_LIFETIME_MS = MAX_SESSION_LIFETIME_SECONDS * 1000;

export interface ReauthMarks {
  /** Identity `identity` failed a network-initiated re-authentication at `at` (ms). */
  mark(identity: string, at: number): Promise<void>;
  /** The latest mark of any of `identities`, or undefined. Rejects when the marks cannot be read. */
  latest(identities: readonly string[]): Promise<number | undefined>;
}

/** In-process marks (one node; a farm shares them through RedisSessionStore#marks). */
export class MemoryReauthMarks implements ReauthMarks {
  private readonly marks = new Map<string, number>();
  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 100_000,
  ) {}

  async mark(identity: string, at: number): Promise<void> {
    this.marks.delete(identity);
    this.marks.set(identity, Math.max(at, this.marks.get(identity) ?? 0));
    // Oldest first in insertion order: drop what no live session can predate, then enforce the bound.
    for (const [id, t] of this.marks) {
      if (this.marks.size <= this.maxEntries && t > this.now() - MARK_LIFETIME_MS) break;
      this.marks.delete(id);
    }
  }

  async latest(identities: readonly string[]): Promise<number | undefined> {
    let best: number | undefined;
    for (const id of identities) {
      const t = this.marks.get(id);
      if (t !== undefined && t > this.now() - MARK_LIFETIME_MS && (best === undefined || t > best)) best = t;
    }
    return best;
  }
}
