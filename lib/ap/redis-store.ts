/**
 * RedisSessionStore: the TLS sessions of an AP farm in one Redis, so a UE that did its full
 * handshake on node A resumes on node B, with its authentication record (setAuthRecord, kept in the
 * session's appData, TS 33.141 6.1.4) and the failed re-authentication marks (reauth-marks.ts) shared.
 *
 *   <prefix>s:<hex session id>  the session (session/codec.ts bytes), SET ... PX <remaining lifetime>:
 *                               Redis forgets it when TS 33.141 7.1 says it is obsolete (never > 24 h)
 *   <prefix>m:<identity>        the instant (ms) its network-initiated re-authentication failed, PX 24 h
 *
 * Redis down or slow never holds a handshake: every operation has a deadline (timeoutMs, default
 * 50 ms); a get past it or failing is a miss (a full handshake follows), a set or delete is dropped.
 * Trouble is logged when it starts and at most once a minute while it lasts, and once when it ends;
 * the client reconnects on its own (resp.ts).
 */
import type { SessionData, SessionStore } from '../engine/types.js';
import { decodeSession, encodeSession } from '../session/codec.js';
import { MAX_SESSION_LIFETIME_SECONDS, sessionExpiresAt, withinLifetime } from '../policy/session-lifetime.js';
import { bytesEqual, toHex } from '../util/bytes.js';
import { MARK_LIFETIME_MS, type ReauthMarks } from './reauth-marks.js';
import { RedisError, RespClient, type RespValue } from './resp.js';

export interface RedisSessionStoreOptions {
  /** redis://[:password@]host[:port][/db], or rediss:// for Redis over TLS (then see `tls`). */
  url: string;
  /** rediss:// only: node:tls options (ca, cert, key, servername...); the system CAs when absent. */
  tls?: import('node:tls').ConnectionOptions;
  /** Key prefix, shared by the nodes of one farm (default 'ut-tls:ap:'). */
  prefix?: string;
  /** Deadline per operation, ms (default 50). */
  timeoutMs?: number;
  /** Problems (once a minute at most) and recovery; default stderr. */
  log?: (line: string) => void;
  now?: () => number;
}

const LOG_EVERY_MS = 60_000;

export class RedisSessionStore implements SessionStore {
  private readonly client: RespClient;
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private lastLog = 0;
  private failing = false;
  private suppressed = 0;
  /** The failed re-authentication marks of the farm, in the same Redis. */
  readonly marks: ReauthMarks;

  constructor(options: RedisSessionStoreOptions) {
    const url = new URL(options.url);
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new TypeError(`RedisSessionStore: expected a redis:// or rediss:// URL, got ${url.protocol}//`);
    if (url.protocol === 'redis:' && options.tls) throw new TypeError('RedisSessionStore: tls options need a rediss:// URL');
    const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
    if (!Number.isInteger(db) || db < 0) throw new TypeError(`RedisSessionStore: bad database number in ${options.url}`);
    this.prefix = options.prefix ?? 'ut-tls:ap:';
    this.timeoutMs = options.timeoutMs ?? 50;
    this.now = options.now ?? Date.now;
    this.log = options.log ?? ((line) => process.stderr.write(`ut-tls ap: ${line}\n`));
    this.client = new RespClient({
      host: url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
      port: Number(url.port) || 6379,
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      ...(db ? { db } : {}),
      timeoutMs: this.timeoutMs,
      connectTimeoutMs: Math.max(this.timeoutMs, 200),
      ...(url.protocol === 'rediss:' ? { tls: options.tls ?? {} } : {}),
      onStateChange: (up, reason) => {
        if (up && this.failing) {
          this.failing = false;
          this.log(`redis ${url.host} is back (${reason}); sessions shared again`);
        }
      },
    });
    // Connect now, so the first handshake does not pay for it (a failure here is silent: the first
    // operation that fails reports it).
    void this.client.command(['PING']).catch(() => undefined);
    this.marks = {
      mark: async (identity, at) => {
        await this.run(['SET', `${this.prefix}m:${identity}`, String(at), 'PX', MARK_LIFETIME_MS]);
      },
      latest: async (identities) => {
        if (identities.length === 0) return undefined;
        const got = await this.run(['MGET', ...identities.map((i) => `${this.prefix}m:${i}`)]);
        let best: number | undefined;
        for (const v of Array.isArray(got) ? got : []) {
          const t = v instanceof Buffer ? Number(v.toString()) : NaN;
          if (Number.isFinite(t) && (best === undefined || t > best)) best = t;
        }
        return best;
      },
    };
  }

  private key(id: Uint8Array): string {
    return `${this.prefix}s:${toHex(id)}`;
  }

  /** One command within the deadline (connect included); failures are logged (rate-limited) and rethrown. */
  private async run(args: (string | Uint8Array | number)[]): Promise<RespValue> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.client.command(args),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new RedisError('ETIMEDOUT', `no reply in ${this.timeoutMs} ms`)), this.timeoutMs);
        }),
      ]);
    } catch (err) {
      this.trouble(`${args[0]} failed: ${(err as Error).message}`);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  private trouble(what: string): void {
    this.failing = true;
    const now = Date.now();
    if (now - this.lastLog < LOG_EVERY_MS) {
      this.suppressed++;
      return;
    }
    const more = this.suppressed ? ` (${this.suppressed} more since the last report)` : '';
    this.lastLog = now;
    this.suppressed = 0;
    this.log(`redis session store: ${what}${more}; serving with full handshakes`);
  }

  async get(id: Uint8Array): Promise<SessionData | undefined> {
    let v: RespValue;
    try {
      v = await this.run(['GET', this.key(id)]);
    } catch {
      return undefined; // a miss: the handshake goes on as a full one
    }
    if (!(v instanceof Buffer)) return undefined;
    try {
      const s = decodeSession(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
      // Redis' TTL already expired it; the check here also covers clocks that differ between nodes.
      if (!bytesEqual(s.id, id) || !withinLifetime(s.createdAt, s.lifetime, this.now(), MAX_SESSION_LIFETIME_SECONDS)) return undefined;
      return s;
    } catch {
      return undefined;
    }
  }

  async set(session: SessionData): Promise<void> {
    const remaining = sessionExpiresAt(session.createdAt, session.lifetime, MAX_SESSION_LIFETIME_SECONDS) - this.now();
    if (!(remaining > 0)) return;
    try {
      await this.run(['SET', this.key(session.id), encodeSession(session), 'PX', Math.ceil(remaining)]);
    } catch {
      // Not shared: this session resumes nowhere, the UE does a full handshake next time.
    }
  }

  /** RFC 2246 7.2: a fatal alert voids the session, on every node. */
  async delete(id: Uint8Array): Promise<void> {
    try {
      await this.run(['DEL', this.key(id)]);
    } catch {
      // Left to its TTL.
    }
  }

  close(): void {
    this.client.close();
  }
}
