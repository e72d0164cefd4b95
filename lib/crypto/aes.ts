/**
 * AES-CBC without padding for the RFC 3268 suites (TLS_RSA_WITH_AES_128_CBC_SHA, ..._256_...),
 * on top of @noble/ciphers. The chaining value is kept across calls (TLS 1.0 implicit IV).
 *
 * Fast path: noble exports its block function and key expansion as `unsafe` (documented as
 * "may change at any time"), which lets us expand the key once per connection direction instead
 * of once per record as noble's own cbc() does. When those exports are missing (a future noble)
 * or the platform is big-endian, we fall back to noble's public cbc() per call, carrying the last
 * ciphertext block forward as the next IV. Both paths are tested against SP 800-38A.
 */
import * as nobleAes from '@noble/ciphers/aes.js';
import type { CbcCipher } from './des.js';

export type { CbcCipher } from './des.js';

type Block = { s0: number; s1: number; s2: number; s3: number };
interface NobleUnsafe {
  expandKeyLE(key: Uint8Array): Uint32Array;
  expandKeyDecLE(key: Uint8Array): Uint32Array;
  encrypt(xk: Uint32Array, s0: number, s1: number, s2: number, s3: number): Block;
  decrypt(xk: Uint32Array, s0: number, s1: number, s2: number, s3: number): Block;
}

const isLE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function findUnsafe(): NobleUnsafe | null {
  const u = (nobleAes as { unsafe?: Partial<NobleUnsafe> }).unsafe;
  if (!u || !isLE) return null;
  const { expandKeyLE, expandKeyDecLE, encrypt, decrypt } = u;
  if (typeof expandKeyLE !== 'function' || typeof expandKeyDecLE !== 'function') return null;
  if (typeof encrypt !== 'function' || typeof decrypt !== 'function') return null;
  return u as NobleUnsafe;
}
const fast = findUnsafe();

function checkArgs(key: Uint8Array, iv: Uint8Array): void {
  if (!(key instanceof Uint8Array) || (key.length !== 16 && key.length !== 24 && key.length !== 32)) {
    throw new RangeError('AES-CBC: key must be 16, 24 or 32 bytes');
  }
  if (!(iv instanceof Uint8Array) || iv.length !== 16) throw new RangeError('AES-CBC: IV must be 16 bytes');
}

function checkBlocks(data: Uint8Array): void {
  if (!(data instanceof Uint8Array)) throw new TypeError('AES-CBC: data must be a Uint8Array');
  if (data.length % 16 !== 0) throw new RangeError(`AES-CBC: data length ${data.length} is not a multiple of 16`);
}

/** Fast path: key expanded once; blocks processed in place on an aligned copy of the input. */
class AesCbcExpanded implements CbcCipher {
  private readonly encKey: Uint32Array;
  private readonly decKey: Uint32Array;
  // Chaining value as four little-endian words, the layout noble's block function uses.
  private readonly chain: Uint32Array;

  constructor(
    private readonly u: NobleUnsafe,
    key: Uint8Array,
    iv: Uint8Array,
  ) {
    this.encKey = u.expandKeyLE(key);
    this.decKey = u.expandKeyDecLE(key);
    this.chain = new Uint32Array(iv.slice().buffer);
  }

  encrypt(data: Uint8Array): Uint8Array {
    checkBlocks(data);
    const out = data.slice(); // a fresh, 4-byte-aligned buffer we may overwrite
    const w = new Uint32Array(out.buffer, 0, out.length >>> 2);
    const xk = this.encKey;
    const enc = this.u.encrypt;
    const c = this.chain;
    let s0 = c[0]!, s1 = c[1]!, s2 = c[2]!, s3 = c[3]!;
    for (let i = 0; i < w.length; i += 4) {
      const o = enc(xk, s0 ^ w[i]!, s1 ^ w[i + 1]!, s2 ^ w[i + 2]!, s3 ^ w[i + 3]!);
      s0 = o.s0; s1 = o.s1; s2 = o.s2; s3 = o.s3;
      w[i] = s0; w[i + 1] = s1; w[i + 2] = s2; w[i + 3] = s3;
    }
    c[0] = s0; c[1] = s1; c[2] = s2; c[3] = s3;
    return out;
  }

  decrypt(data: Uint8Array): Uint8Array {
    checkBlocks(data);
    const out = data.slice();
    const w = new Uint32Array(out.buffer, 0, out.length >>> 2);
    const xk = this.decKey;
    const dec = this.u.decrypt;
    const c = this.chain;
    let p0 = c[0]!, p1 = c[1]!, p2 = c[2]!, p3 = c[3]!;
    for (let i = 0; i < w.length; i += 4) {
      const x0 = w[i]!, x1 = w[i + 1]!, x2 = w[i + 2]!, x3 = w[i + 3]!;
      const o = dec(xk, x0, x1, x2, x3);
      w[i] = o.s0 ^ p0; w[i + 1] = o.s1 ^ p1; w[i + 2] = o.s2 ^ p2; w[i + 3] = o.s3 ^ p3;
      p0 = x0; p1 = x1; p2 = x2; p3 = x3;
    }
    c[0] = p0; c[1] = p1; c[2] = p2; c[3] = p3;
    return out;
  }
}

/** Portable path: noble's public cbc() per call, the last ciphertext block carried as the next IV. */
class AesCbcPortable implements CbcCipher {
  private iv: Uint8Array;
  constructor(
    private readonly key: Uint8Array,
    iv: Uint8Array,
  ) {
    this.key = key.slice();
    this.iv = iv.slice();
  }

  encrypt(data: Uint8Array): Uint8Array {
    checkBlocks(data);
    if (data.length === 0) return new Uint8Array(0);
    const out = nobleAes.cbc(this.key, this.iv, { disablePadding: true }).encrypt(data);
    this.iv = out.slice(out.length - 16);
    return out;
  }

  decrypt(data: Uint8Array): Uint8Array {
    checkBlocks(data);
    if (data.length === 0) return new Uint8Array(0);
    const out = nobleAes.cbc(this.key, this.iv, { disablePadding: true }).decrypt(data);
    this.iv = data.slice(data.length - 16);
    return out;
  }
}

/** AES-CBC (128/192/256 by key length), no padding, chaining kept across calls. */
export function aesCbc(key: Uint8Array, iv: Uint8Array): CbcCipher {
  checkArgs(key, iv);
  return fast ? new AesCbcExpanded(fast, key, iv) : new AesCbcPortable(key, iv);
}

/** The portable path, exported so tests cover it even where the fast path is taken. */
export function aesCbcPortable(key: Uint8Array, iv: Uint8Array): CbcCipher {
  checkArgs(key, iv);
  return new AesCbcPortable(key, iv);
}

/** Which implementation aesCbc() uses here ('expanded-key' or 'noble-cbc'), for tests and benchmarks. */
export const aesImplementation: 'expanded-key' | 'noble-cbc' = fast ? 'expanded-key' : 'noble-cbc';
