/**
 * Hashes and HMAC over @noble/hashes: MD5 and SHA-1 (TLS 1.0 MACs, PRF, Finished, signatures),
 * SHA-256 (certificate signatures, the GBA KDF).
 *
 * createMac() keys HMAC once: the inner and outer states after absorbing the padded key are kept,
 * and each mac() call clones them, so per-record MACs never re-hash the key pads.
 */
import { hmac as nobleHmac } from '@noble/hashes/hmac.js';
import { md5 as nobleMd5, sha1 as nobleSha1 } from '@noble/hashes/legacy.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import type { HashName, Mac } from './provider.js';

/** Every hash this module offers: the provider's HashName plus SHA-256. */
export type AnyHashName = HashName | 'sha256';

/** A running hash that can be forked (Finished needs the hash so far while the handshake goes on). */
export interface IncrementalHash {
  readonly outputLength: number;
  update(data: Uint8Array): IncrementalHash;
  /** Finalises; the object cannot be used afterwards. */
  digest(): Uint8Array;
  /** An independent copy of the current state. */
  clone(): IncrementalHash;
}

interface NobleHashState {
  update(data: Uint8Array): unknown;
  digest(): Uint8Array;
  clone(): NobleHashState;
  outputLen: number;
}
interface NobleHashFn {
  (data: Uint8Array): Uint8Array;
  create(): NobleHashState;
  outputLen: number;
  blockLen: number;
}

const FUNCTIONS: Record<AnyHashName, NobleHashFn> = {
  md5: nobleMd5 as unknown as NobleHashFn,
  sha1: nobleSha1 as unknown as NobleHashFn,
  sha256: nobleSha256 as unknown as NobleHashFn,
};

function hashFn(name: AnyHashName): NobleHashFn {
  const fn = Object.prototype.hasOwnProperty.call(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
  if (!fn) throw new TypeError(`unknown hash ${String(name)}`);
  return fn;
}

/** Output length in bytes of a hash (16, 20 or 32). */
export function hashLength(name: AnyHashName): number {
  return hashFn(name).outputLen;
}

/** The hash of the concatenation of `parts` (without copying them together). */
export function hash(name: AnyHashName, ...parts: Uint8Array[]): Uint8Array {
  const fn = hashFn(name);
  if (parts.length === 1) return fn(parts[0]!);
  const h = fn.create();
  for (const p of parts) h.update(p);
  return h.digest();
}

export const md5 = (...parts: Uint8Array[]): Uint8Array => hash('md5', ...parts);
export const sha1 = (...parts: Uint8Array[]): Uint8Array => hash('sha1', ...parts);
export const sha256 = (...parts: Uint8Array[]): Uint8Array => hash('sha256', ...parts);

class Incremental implements IncrementalHash {
  constructor(private readonly h: NobleHashState) {}
  get outputLength(): number {
    return this.h.outputLen;
  }
  update(data: Uint8Array): IncrementalHash {
    this.h.update(data);
    return this;
  }
  digest(): Uint8Array {
    return this.h.digest();
  }
  clone(): IncrementalHash {
    return new Incremental(this.h.clone());
  }
}

/** A running hash (e.g. the handshake-message hashes for Finished and CertificateVerify). */
export function createHash(name: AnyHashName): IncrementalHash {
  return new Incremental(hashFn(name).create());
}

/** The slice of noble's HMAC state object that createMac uses. */
interface NobleHmacState {
  update(data: Uint8Array): unknown;
  digest(): Uint8Array;
  _cloneInto(to?: NobleHmacState): NobleHmacState;
  outputLen: number;
}

/** MD5, SHA-1 and SHA-256 all compress 64-byte blocks. */
const fnBlockLength = 64;
/** Dummy input for Mac.compress (16 blocks; more are fed in pieces). */
const DUMMY_BLOCKS = new Uint8Array(16 * fnBlockLength);

class PrecomputedHmac implements Mac {
  readonly outputLength: number;
  /** Keyed but never finalised: the state right after the inner and outer key pads. */
  private readonly keyed: NobleHmacState;
  /** Reused working copy (mac() is synchronous, so one scratch per key is enough). */
  private scratch: NobleHmacState | undefined;

  /** A hash that only ever absorbs whole zero blocks (never finalised): where compress() runs. */
  private readonly sink: NobleHashState;

  constructor(fn: NobleHashFn, key: Uint8Array) {
    this.keyed = nobleHmac.create(fn as never, key) as unknown as NobleHmacState;
    this.outputLength = this.keyed.outputLen;
    this.sink = fn.create();
  }

  /** `blocks` compression calls: the sink stays block-aligned, so each 64 bytes is one call. */
  compress(blocks: number): void {
    const bytes = blocks * fnBlockLength;
    // One update() even for 0 blocks: the call's own cost must not depend on the count either.
    let done = 0;
    do {
      const n = Math.min(DUMMY_BLOCKS.length, bytes - done);
      this.sink.update(DUMMY_BLOCKS.subarray(0, n));
      done += n;
    } while (done < bytes);
  }

  mac(...parts: Uint8Array[]): Uint8Array {
    const h = this.keyed._cloneInto(this.scratch);
    this.scratch = h;
    for (const p of parts) h.update(p);
    return h.digest();
  }
}

/** HMAC with a fixed key: keyed once, then cheap per message. */
export function createMac(name: AnyHashName, key: Uint8Array): Mac {
  if (!(key instanceof Uint8Array)) throw new TypeError('HMAC: key must be a Uint8Array');
  return new PrecomputedHmac(hashFn(name), key);
}

/** One-shot HMAC over the concatenation of `parts`. */
export function hmac(name: AnyHashName, key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  return createMac(name, key).mac(...parts);
}

export const hmacMd5 = (key: Uint8Array, ...parts: Uint8Array[]): Uint8Array => hmac('md5', key, ...parts);
export const hmacSha1 = (key: Uint8Array, ...parts: Uint8Array[]): Uint8Array => hmac('sha1', key, ...parts);
export const hmacSha256 = (key: Uint8Array, ...parts: Uint8Array[]): Uint8Array => hmac('sha256', key, ...parts);
