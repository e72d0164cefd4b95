/**
 * The UE's TLS session cache, shared by the Agent and the undici connector: bounded, oldest entry
 * out first (as https.Agent's maxCachedSessions, default 100). Keys name host, port and servername
 * (and the TLS options that matter), so a session of one virtual host is never offered to another.
 */
import type { SessionData } from '../engine/types.js';

export const DEFAULT_MAX_CACHED_SESSIONS = 100;

export class SessionCache {
  private readonly map = new Map<string, SessionData>();
  readonly max: number;

  constructor(max: number = DEFAULT_MAX_CACHED_SESSIONS) {
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 0) {
      throw new TypeError(`maxCachedSessions: expected a whole number >= 0, got ${String(max)}`);
    }
    this.max = max;
  }

  get(key: string): SessionData | undefined {
    return this.map.get(key);
  }

  set(key: string, session: SessionData): void {
    if (this.max === 0) return;
    if (!this.map.has(key)) {
      while (this.map.size >= this.max) this.map.delete(this.map.keys().next().value!);
    }
    this.map.set(key, session);
  }

  /** A failed or refused connection voids what we had for that peer (https.Agent evicts on error too). */
  delete(key: string): void {
    this.map.delete(key);
  }

  get size(): number {
    return this.map.size;
  }

  keys(): string[] {
    return [...this.map.keys()];
  }
}
