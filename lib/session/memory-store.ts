/**
 * The AP's default session cache: in-process, bounded (least recently used entries evicted first),
 * with expiry from an injectable clock (TS 33.141 7.1: at most 24 hours).
 */
import type { SessionData, SessionStore } from './types.js';
import { toHex } from '../util/bytes.js';
import { withinLifetime } from '../policy/session-lifetime.js';

/**
 * The Map key for a session ID: one character per byte, a flat string half the size of hex (a 32-byte
 * ID makes a 32-character one-byte string). IDs are at most 32 bytes on the wire; a longer one (only
 * an application can pass it) is keyed by its hex, whose length (over 256 characters) no one-char-
 * per-byte key has, so the two forms never collide.
 */
function keyOf(id: Uint8Array): string {
  return id.length <= 128 ? String.fromCharCode.apply(null, id as unknown as number[]) : toHex(id);
}

export interface MemorySessionStoreOptions {
  /** Most sessions kept; the least recently used go first. Default 100,000. */
  maxEntries?: number;
  now?: () => number;
}

export class MemorySessionStore implements SessionStore {
  private readonly entries = new Map<string, SessionData>();
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: MemorySessionStoreOptions = {}) {
    this.maxEntries = options.maxEntries ?? 100_000;
    this.now = options.now ?? Date.now;
    if (!(this.maxEntries >= 1)) throw new RangeError('maxEntries must be at least 1');
  }

  get size(): number {
    return this.entries.size;
  }

  get(id: Uint8Array): SessionData | undefined {
    const key = keyOf(id);
    const session = this.entries.get(key);
    if (!session) return undefined;
    if (!withinLifetime(session.createdAt, session.lifetime, this.now())) {
      this.entries.delete(key);
      return undefined;
    }
    // Refresh its place in the LRU order.
    this.entries.delete(key);
    this.entries.set(key, session);
    return session;
  }

  set(session: SessionData): void {
    const key = keyOf(session.id);
    this.entries.delete(key);
    this.entries.set(key, session);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  delete(id: Uint8Array): void {
    this.entries.delete(keyOf(id));
  }
}
