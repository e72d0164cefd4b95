/**
 * Who is on this connection: the authentication record kept with the TLS session (setAuthRecord,
 * TS 33.141 6.1.4) when it still grants access, else the authenticator, whose answer becomes the
 * session's new record. The rules, by ap.json `reauthentication`:
 *   - 'authenticate' (default): a resumed session's record never grants access (the engine marks it
 *     needsReauthentication, reauthenticateResumed true): the UE is authenticated again, TS 33.141
 *     6.1.4's "re-authenticate the UE and not give access ... unless the authentication was successful".
 *   - 'trust': a resumed session keeps its record (operator policy, 6.1.1: "the UE is considered as
 *     authenticated already"), except a record made before a failed network-initiated
 *     re-authentication of one of its identities (reauth-marks.ts): then as 'authenticate'.
 *   - 'refuse': as 'trust', but a record that needs re-authentication is answered 403 with
 *     `Connection: close` and its session removed from the store, so the UE comes back with a full
 *     handshake (and authenticates on it).
 * On a connection that authenticated in this handshake the record is fresh and grants access to the
 * following requests too, unless a mark made after it says otherwise (a failure while connected).
 */
import type { IncomingMessage } from 'node:http';
import type { SessionStore } from '../engine/types.js';
import type { TLSSocket } from '../socket/tls-socket.js';
import { encodeAuthRecord, readAuthRecord, type Authenticator, type TlsFacts } from './authenticators.js';
import type { AuthenticatedUser } from './identity.js';
import type { ReauthMarks } from './reauth-marks.js';

export type ReauthenticationMode = 'authenticate' | 'refuse' | 'trust';

export type WhoResult =
  | { readonly ok: true; readonly user: AuthenticatedUser; readonly via: 'record' | 'authenticator' }
  | { readonly ok: false; readonly status: 401 | 403; readonly reason: string; readonly headers: Record<string, string>; readonly close: boolean };

export interface SessionAuthContext {
  readonly authenticator: Authenticator;
  readonly mode: ReauthenticationMode;
  readonly marks: ReauthMarks;
  readonly store: SessionStore;
  readonly now: () => number;
  /** Where problems with the marks or the store go (they never decide against the UE silently). */
  readonly log: (line: string) => void;
}

/** Whether the record on `sock` grants access now: 'yes', 'no' (authenticate), or 'refuse'. */
async function recordVerdict(sock: TLSSocket, ctx: SessionAuthContext): Promise<{ verdict: 'yes' | 'no' | 'refuse'; user?: AuthenticatedUser }> {
  const rec = sock.authRecord;
  const stored = rec ? readAuthRecord(rec.data) : null;
  if (!rec || !stored) return { verdict: 'no' };
  if (rec.needsReauthentication) return { verdict: 'no' };
  let marked: number | undefined;
  try {
    marked = await ctx.marks.latest(stored.user.identities);
  } catch (err) {
    // Unknown whether a re-authentication failed: do not trust the record (fail closed), authenticate.
    ctx.log(`reauthentication marks unreadable (${(err as Error).message}); authenticating`);
    return { verdict: 'no' };
  }
  if (marked === undefined || marked < stored.at) return { verdict: 'yes', user: stored.user };
  return { verdict: ctx.mode === 'refuse' ? 'refuse' : 'no' };
}

export async function whoIsOn(req: IncomingMessage, sock: TLSSocket, tls: TlsFacts, ctx: SessionAuthContext): Promise<WhoResult> {
  const { verdict, user: recorded } = await recordVerdict(sock, ctx);
  if (verdict === 'yes') return { ok: true, user: recorded!, via: 'record' };
  if (verdict === 'refuse') {
    const id = sock.getSession()?.id;
    if (id) await Promise.resolve(ctx.store.delete(id)).catch((err: Error) => ctx.log(`session store delete failed: ${err.message}`));
    return { ok: false, status: 403, reason: 're-authentication required: reconnect without resuming (TS 33.141 6.1.4)', headers: { connection: 'close' }, close: true };
  }
  const user = await ctx.authenticator.authenticate(req, tls);
  if (!user) {
    const challenge = ctx.authenticator.challenge;
    return { ok: false, status: challenge ? 401 : 403, reason: 'not authenticated', headers: challenge ? { 'www-authenticate': challenge } : {}, close: false };
  }
  try {
    await sock.setAuthRecord(encodeAuthRecord(user, ctx.now()));
  } catch (err) {
    // The request is authenticated; only the record for later resumptions is lost (they authenticate again).
    ctx.log(`authentication record not stored: ${(err as Error).message}`);
  }
  return { ok: true, user, via: 'authenticator' };
}
