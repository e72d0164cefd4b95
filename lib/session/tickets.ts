/**
 * RFC 5077 session tickets, the server's keys and seal: the whole session state goes to the client,
 * encrypted and authenticated, so resuming it needs no server-side store (AP nodes that share the
 * keys resume each other's sessions).
 *
 * Ticket layout (RFC 5077 4, its recommended construction; SHA-256 for the MAC):
 *   key_name[16] | iv[16] | encrypted_state<2> | mac[32]
 *   encrypted_state = AES-128-CBC(aes_key, iv, encodeSession(session) || PKCS#7 padding)
 *   mac             = HMAC-SHA-256(hmac_key, key_name | iv | encrypted_state<2>)
 * The MAC is checked before anything is decrypted (encrypt-then-MAC: no padding oracle), and any
 * ticket that fails a check is simply not resumed (RFC 5077 3.4: a full handshake, no alert).
 *
 * Keys have node:tls's `ticketKeys` shape: 48 bytes = key_name(16) | hmac_key(16) | aes_key(16).
 *
 * Rotation: keys this module makes itself are replaced every `rotateAfterSeconds` (default 12 h). A
 * key still opens tickets until `rotateAfterSeconds + 24 h` after it was made: a ticket sealed just
 * before the key retired can be used for the rest of its session's lifetime (TS 33.141 7.1: at most
 * 24 hours from the full handshake, which resumption checks on the decoded session), never longer.
 * Keys the application supplies (ticketKeys / setTicketKeys) are never rotated here: the application
 * rotates them (on every node at once, for a farm); the two keys before the current one still open
 * tickets, so a rotation does not send every client through a full handshake.
 */
import type { CryptoProvider, Mac, RandomSource } from '../crypto/provider.js';
import { createMac } from '../crypto/hash.js';
import { MAX_SESSION_LIFETIME_SECONDS } from '../policy/session-lifetime.js';
import { ByteReader, ByteWriter, DecodeError, bytesEqual, concatBytes, constantTimeEqual } from '../util/bytes.js';
import { decodeSession, encodeSession } from './codec.js';
import type { SessionData } from './types.js';

/** node:tls's ticketKeys length: key name, HMAC key, AES key, 16 bytes each. */
export const TICKET_KEYS_LENGTH = 48;
const NAME = 16;
const IV = 16;
const MAC = 32;
const BLOCK = 16;
/** Supplied keys kept for opening tickets after the current one: two previous rotations. */
const SUPPLIED_KEPT = 3;
const DEFAULT_ROTATION_SECONDS = 12 * 3600;

interface TicketKey {
  readonly name: Uint8Array;
  readonly hmacKey: Uint8Array;
  readonly aesKey: Uint8Array;
  /** HMAC-SHA-256 keyed once with hmacKey (its pads hashed once per key, not per ticket). */
  readonly mac: Mac;
  /** ms, for rotation of the keys made here. */
  readonly createdAt: number;
}

export interface TicketKeysOptions {
  /** 48 bytes (node:tls ticketKeys); absent: random keys, rotated. */
  keys?: Uint8Array;
  /** Where random keys and IVs come from. */
  random: RandomSource;
  /** Clock in ms (default Date.now). */
  now?: () => number;
  /** Rotation period of self-made keys, in seconds (default 12 hours). */
  rotateAfterSeconds?: number;
}

export class TicketKeys {
  /** Newest first; the first seals. */
  private keys: TicketKey[] = [];
  private readonly supplied: boolean;
  private readonly random: RandomSource;
  private readonly now: () => number;
  private readonly rotateAfterMs: number;

  constructor(options: TicketKeysOptions) {
    this.random = options.random;
    this.now = options.now ?? Date.now;
    const rotate = options.rotateAfterSeconds ?? DEFAULT_ROTATION_SECONDS;
    if (!(rotate > 0 && rotate <= MAX_SESSION_LIFETIME_SECONDS)) {
      throw new RangeError(`ticket key rotation ${rotate}: expected 1 to ${MAX_SESSION_LIFETIME_SECONDS} seconds`);
    }
    this.rotateAfterMs = rotate * 1000;
    this.supplied = options.keys !== undefined;
    if (options.keys !== undefined) this.set(options.keys);
    else this.keys = [this.makeKey(this.random(TICKET_KEYS_LENGTH))];
  }

  /** The current keys, 48 bytes (node:tls getTicketKeys). */
  get(): Uint8Array {
    const k = this.currentKey();
    return concatBytes(k.name, k.hmacKey, k.aesKey);
  }

  /** New current keys (node:tls setTicketKeys); the previous ones still open tickets (see above). */
  set(keys: Uint8Array): void {
    if (!(keys instanceof Uint8Array) || keys.length !== TICKET_KEYS_LENGTH) {
      throw new TypeError(`ticketKeys must be ${TICKET_KEYS_LENGTH} bytes (key name, HMAC key, AES key: 16 bytes each)`);
    }
    const key = this.makeKey(keys);
    this.keys = [key, ...this.keys.filter((k) => !bytesEqual(k.name, key.name))].slice(0, SUPPLIED_KEPT);
  }

  /** The ticket for `session` (its own `ticket` field is not sealed). */
  seal(session: SessionData, provider: CryptoProvider): Uint8Array {
    const key = this.currentKey();
    const { ticket: _ticket, ...state } = session;
    const plain = encodeSession(state);
    const pad = BLOCK - (plain.length % BLOCK);
    const padded = new Uint8Array(plain.length + pad);
    padded.set(plain);
    padded.fill(pad, plain.length);
    const iv = this.random(IV);
    const encrypted = provider.createCipher('aes-128-cbc', key.aesKey, iv, true).update(padded);
    const body = new ByteWriter(NAME + IV + 2 + encrypted.length + MAC).bytes(key.name).bytes(iv).vector(2, encrypted).finish();
    return concatBytes(body, key.mac.mac(body));
  }

  /** The session in `ticket`, or null for anything this server did not seal with a key it still holds. */
  open(ticket: Uint8Array, provider: CryptoProvider): SessionData | null {
    if (ticket.length < NAME + IV + 2 + BLOCK + MAC) return null;
    const body = ticket.subarray(0, ticket.length - MAC);
    const key = this.openingKeys().find((k) => bytesEqual(k.name, body.subarray(0, NAME)));
    if (!key || !constantTimeEqual(key.mac.mac(body), ticket.subarray(body.length))) return null;
    try {
      const r = new ByteReader(body.subarray(NAME), 'ticket');
      const iv = r.bytes(IV, 'iv');
      const encrypted = r.vector(2, 'encrypted_state', BLOCK);
      r.end();
      if (encrypted.length % BLOCK !== 0) return null;
      const padded = provider.createCipher('aes-128-cbc', key.aesKey, iv, false).update(encrypted);
      const pad = padded[padded.length - 1]!;
      if (pad < 1 || pad > BLOCK) return null;
      for (let i = padded.length - pad; i < padded.length; i++) if (padded[i] !== pad) return null;
      return decodeSession(padded.subarray(0, padded.length - pad));
    } catch (err) {
      // Only our own MAC-checked bytes get here; a decode failure means an incompatible version.
      if (err instanceof DecodeError) return null;
      throw err;
    }
  }

  private makeKey(bytes: Uint8Array): TicketKey {
    const b = bytes.slice();
    const hmacKey = b.subarray(NAME, 2 * NAME);
    return { name: b.subarray(0, NAME), hmacKey, aesKey: b.subarray(2 * NAME), mac: createMac('sha256', hmacKey), createdAt: this.now() };
  }

  /** Self-made keys: a new one once the current is older than the rotation period. */
  private currentKey(): TicketKey {
    const current = this.keys[0]!;
    if (!this.supplied && this.now() - current.createdAt >= this.rotateAfterMs) {
      this.keys = [this.makeKey(this.random(TICKET_KEYS_LENGTH)), ...this.openingKeys()];
    }
    return this.keys[0]!;
  }

  /** Keys that may still open a ticket (self-made: made within rotation + 24 h). */
  private openingKeys(): TicketKey[] {
    if (this.supplied) return this.keys;
    const oldest = this.now() - this.rotateAfterMs - MAX_SESSION_LIFETIME_SECONDS * 1000;
    return this.keys.filter((k, i) => i === 0 || k.createdAt > oldest);
  }
}
