/**
 * The native crypto provider: node:crypto (OpenSSL) behind the CryptoProvider interface, so the
 * engine, still pure TypeScript, runs as fast as the platform allows on Node.
 *
 * NODE-ONLY. This is the only file in lib/crypto allowed to import node:crypto. Nothing
 * runtime-neutral imports it: lib/socket (Node-only) does, and importing it registers the factory
 * with ./select.ts, which is how resolveProvider('auto' | 'native') finds it without ever importing
 * node:* itself (see the comment there).
 *
 * What stays ours: PKCS#1 padding and the Bleichenbacher-safe premaster handling (./rsa.ts) run on
 * top of the raw RSA operations here, exactly as on the pure provider. Node 20 refuses
 * privateDecrypt with RSA_PKCS1_PADDING (CVE-2023-46809, unless OpenSSL has implicit rejection);
 * that block does not apply to RSA_NO_PADDING, which is all this file uses.
 *
 * Algorithms this OpenSSL lacks (RC4 and single DES live in OpenSSL 3's legacy provider, which
 * Node loads only with --openssl-legacy-provider) run on the pure implementation instead, unless the
 * provider is strict, where that is a TLSConfigError. Availability is found by trying each
 * algorithm on a known answer, once per process: crypto.getCiphers() is no guide, since what it
 * lists and what the loaded OpenSSL providers accept can differ.
 *
 * Outputs are plain Uint8Array views over node's result buffers (no copy): nothing below the socket
 * layer gets a Buffer, whose slice() shares memory where Uint8Array's copies.
 */
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  hash as oneShotHash,
  privateDecrypt,
  publicEncrypt,
  randomFillSync,
  type KeyObject,
} from 'node:crypto';
import { md5 as nobleMd5, sha1 as nobleSha1 } from '@noble/hashes/legacy.js';
import { TLSConfigError } from '../errors.js';
import { bigIntToMinimalBytes, bytesToBigInt } from './bigint.js';
import { CIPHER_GEOMETRY } from './cipher-geometry.js';
import type { BulkCipher, BulkCipherName, CryptoProvider, HashName, Mac, RandomSource, RsaPrivateKey, RsaPublicKey } from './provider.js';
import { createPureProvider } from './pure.js';
import { registerNativeProvider, type NativeProviderOptions } from './select.js';

export type { NativeProviderOptions } from './select.js';

export type NativeAlgorithm = BulkCipherName | HashName;

export interface NativeCryptoProvider extends CryptoProvider {
  readonly name: 'native';
  /** The algorithms this provider runs on the pure implementation because node:crypto lacks them here. */
  readonly pureFallbacks: readonly NativeAlgorithm[];
}

interface CipherSpec {
  /** OpenSSL's name for it. */
  node: string;
  key: number;
  iv: number;
  /** 1 for the stream cipher. */
  block: number;
  /** A known answer: the first 8 output bytes for an all-zero key, IV and input (FIPS 197, FIPS 46, RFC 6229 style). */
  zeroAnswer: string;
}

/** OpenSSL's names and known answers; the sizes come from the one geometry table (./cipher-geometry.ts). */
const NODE_CIPHERS: Record<BulkCipherName, { node: string; zeroAnswer: string }> = {
  rc4: { node: 'rc4', zeroAnswer: 'de188941a3375d3a' },
  'des-cbc': { node: 'des-cbc', zeroAnswer: '8ca64de9c1b123a7' },
  // EDE with K1 = K2 = K3 = 0 is single DES under the zero key.
  '3des-cbc': { node: 'des-ede3-cbc', zeroAnswer: '8ca64de9c1b123a7' },
  'aes-128-cbc': { node: 'aes-128-cbc', zeroAnswer: '66e94bd4ef8a2c3b' },
  'aes-256-cbc': { node: 'aes-256-cbc', zeroAnswer: 'dc95c078a2408989' },
};
const CIPHERS = Object.fromEntries(
  (Object.keys(NODE_CIPHERS) as BulkCipherName[]).map((name) => {
    const g = CIPHER_GEOMETRY[name];
    return [name, { ...NODE_CIPHERS[name], key: g.key, iv: g.iv, block: g.type === 'stream' ? 1 : g.block }];
  }),
) as Record<BulkCipherName, CipherSpec>;
const CIPHER_NAMES = Object.keys(CIPHERS) as BulkCipherName[];

/** Digests of the empty string (RFC 1321, FIPS 180) and HMAC of the empty string under an empty key. */
const HASHES: Record<HashName, { digest: string; hmac: string }> = {
  md5: { digest: 'd41d8cd98f00b204e9800998ecf8427e', hmac: '74e6f7298a9c2d168935f58c001bad88' },
  sha1: { digest: 'da39a3ee5e6b4b0d3255bfef95601890afd80709', hmac: 'fbdb1d1b18aa6c08324b7d64b71fb76370690e1d' },
};
const HASH_NAMES = Object.keys(HASHES) as HashName[];

const has = (table: object, name: string): boolean => Object.prototype.hasOwnProperty.call(table, name);

/** A plain Uint8Array over the same memory as node's Buffer (no copy). */
const u8 = (b: Uint8Array): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

const probed = new Map<NativeAlgorithm, boolean>();

function tryAlgorithm(name: NativeAlgorithm): boolean {
  if (has(HASHES, name)) {
    const h = name as HashName;
    return (
      createHash(h).digest('hex') === HASHES[h].digest &&
      createHmac(h, createSecretKey(new Uint8Array(0))).digest('hex') === HASHES[h].hmac
    );
  }
  const spec = CIPHERS[name as BulkCipherName];
  const c = createCipheriv(spec.node, new Uint8Array(spec.key), spec.iv ? new Uint8Array(spec.iv) : null);
  c.setAutoPadding(false);
  return Buffer.from(c.update(new Uint8Array(16))).toString('hex', 0, 8) === spec.zeroAnswer;
}

/** Whether this process's node:crypto runs `name` correctly (tried once, then remembered). */
export function nativeSupports(name: NativeAlgorithm): boolean {
  let ok = probed.get(name);
  if (ok === undefined) {
    try {
      ok = tryAlgorithm(name);
    } catch {
      ok = false; // e.g. ERR_OSSL_EVP_UNSUPPORTED for RC4 under OpenSSL 3's default provider
    }
    probed.set(name, ok);
  }
  return ok;
}

// ------------------------------------------------------------------ RSA

/**
 * KeyObjects per key object, made once (a JWK import costs about as much as one private operation).
 * Our keys are immutable values, so the object identity is a sound cache key and a WeakMap lets
 * them go with the key. null records a key OpenSSL refused to import.
 */
const publicKeyObjects = new WeakMap<RsaPublicKey, KeyObject | null>();
const privateKeyObjects = new WeakMap<RsaPrivateKey, KeyObject | null>();

const b64u = (x: bigint): string => Buffer.from(bigIntToMinimalBytes(x)).toString('base64url');

function importKey(key: RsaPublicKey, kind: 'public' | 'private'): KeyObject | null {
  try {
    if (kind === 'public') return createPublicKey({ key: { kty: 'RSA', n: b64u(key.n), e: b64u(key.e) }, format: 'jwk' });
    const k = key as RsaPrivateKey;
    const jwk = {
      kty: 'RSA',
      n: b64u(k.n),
      e: b64u(k.e),
      d: b64u(k.d),
      p: b64u(k.p),
      q: b64u(k.q),
      dp: b64u(k.dp),
      dq: b64u(k.dq),
      qi: b64u(k.qinv),
    };
    return createPrivateKey({ key: jwk, format: 'jwk' });
  } catch {
    return null;
  }
}

/**
 * The node:crypto KeyObject for one of our RSA keys (imported through JWK on first use, then
 * cached per key object), or null if OpenSSL refused to import or use the key: the provider then
 * runs the pure code for it, in strict mode too, since keys (unlike algorithms) come from peers.
 * Exported so an application can hand the same key to other node:crypto APIs.
 */
export function nativeRsaKey(key: RsaPrivateKey, kind: 'private'): KeyObject | null;
export function nativeRsaKey(key: RsaPublicKey, kind: 'public'): KeyObject | null;
export function nativeRsaKey(key: RsaPublicKey, kind: 'public' | 'private'): KeyObject | null {
  const cache: WeakMap<RsaPublicKey, KeyObject | null> = kind === 'public' ? publicKeyObjects : privateKeyObjects;
  let ko = cache.get(key);
  if (ko === undefined) {
    ko = importKey(key, kind);
    cache.set(key, ko);
  }
  return ko;
}

/**
 * Marks a key OpenSSL failed to use (e.g. a peer's certificate key above OpenSSL's 16384-bit
 * modulus limit, "modulus too large"), so it goes straight to the pure code from then on. Falling
 * back is safe here: with no padding and the input already checked against n, OpenSSL's failures
 * depend on the key, never on the input's content, so they reveal nothing about a ciphertext.
 */
function refuseKey(key: RsaPublicKey, kind: 'public' | 'private'): void {
  (kind === 'public' ? publicKeyObjects : privateKeyObjects).set(key, null);
}

/**
 * The input as exactly key.size bytes, which OpenSSL's no-padding operations demand; the interface
 * takes any length whose value is below n (as the pure provider does). RangeError otherwise.
 */
function fitToModulus(key: RsaPublicKey, input: Uint8Array): Uint8Array {
  if (bytesToBigInt(input) >= key.n) throw new RangeError('RSA input is not smaller than the modulus');
  if (input.length === key.size) return input;
  if (input.length > key.size) return input.subarray(input.length - key.size); // the extra leading bytes are zero
  const out = new Uint8Array(key.size);
  out.set(input, key.size - input.length);
  return out;
}

/**
 * OpenSSL returns RSA_size(key) bytes for both no-padding operations, left-padded with zeros
 * (RSA_padding_check_none copies the whole block), which equals key.size; padded here anyway so the
 * interface's promise does not rest on that detail.
 */
function toModulusLength(key: RsaPublicKey, out: Uint8Array): Uint8Array {
  if (out.length === key.size) return u8(out);
  const padded = new Uint8Array(key.size);
  padded.set(out, key.size - out.length);
  return padded;
}

// ------------------------------------------------------------------ provider

function checkCipherArgs(name: BulkCipherName, key: Uint8Array, iv: Uint8Array | null): CipherSpec {
  if (!has(CIPHERS, name)) throw new TypeError(`unknown bulk cipher ${String(name)}`);
  const spec = CIPHERS[name];
  if (!(key instanceof Uint8Array) || key.length !== spec.key) throw new RangeError(`${name}: key must be ${spec.key} bytes`);
  if (spec.iv === 0) {
    if (iv !== null && iv.length !== 0) throw new RangeError(`${name}: takes no IV`);
  } else if (!(iv instanceof Uint8Array) || iv.length !== spec.iv) {
    throw new RangeError(`${name}: IV must be ${spec.iv} bytes`);
  }
  return spec;
}

/**
 * One long-lived node Cipher/Decipher per direction carries the CBC chaining value (or the RC4
 * keystream) across records. With auto padding off, update() on whole blocks returns exactly as
 * many bytes in both directions: OpenSSL holds a block back in decryption only when it must strip
 * padding (checked in test/crypto/native.test.ts), so no record is ever delayed.
 */
function nativeCipher(name: BulkCipherName, spec: CipherSpec, key: Uint8Array, iv: Uint8Array | null, encrypt: boolean): BulkCipher {
  const nodeIv = spec.iv === 0 ? null : iv;
  const c = encrypt ? createCipheriv(spec.node, key, nodeIv) : createDecipheriv(spec.node, key, nodeIv);
  if (spec.block === 1) return { update: (data) => u8(c.update(data)) };
  c.setAutoPadding(false);
  const block = spec.block;
  return {
    update(data: Uint8Array): Uint8Array {
      // node would quietly buffer a partial block and shift every later record: refuse it, as the pure ciphers do.
      if (data.length % block !== 0) throw new RangeError(`${name}: data length ${data.length} is not a multiple of ${block}`);
      return u8(c.update(data));
    },
  };
}

/** MD5 and SHA-1 block length: the HMAC key pads are one block (RFC 2104). */
const HMAC_BLOCK = 64;

/**
 * The inner hash's whole input for one mac() call: ipad block, then the parts. One per process:
 * mac() is synchronous and never re-entered, so every key shares it. It grows to the largest
 * message (a full record: 64 + 13 + 2^14 bytes) and keeps the last message's bytes, as node's own
 * freed buffers do.
 */
let innerInput = new Uint8Array(HMAC_BLOCK + 13 + 16384 + 64);
/** The outer hash's working state per hash, cloned from a Mac's keyed state per call (shared the same way). */
const outerScratch: { md5?: OuterState; sha1?: OuterState } = {};
type OuterState = ReturnType<typeof nobleSha1.create>;

/**
 * Where Mac.compress() runs, one per hash for the whole process: a hash never finalised that only
 * absorbs whole 64-byte zero blocks, so each block is one compression call inside OpenSSL, in a
 * single update() whatever the count. Its input is constant, so sharing it reveals nothing, and an
 * idle connection keeps no node Hash object of its own.
 */
const compressSinks: Partial<Record<HashName, ReturnType<typeof createHash>>> = {};

/**
 * HMAC with a fixed key (RFC 2104) and no node:crypto object per call or per key. A node Hmac per
 * record cost the Hmac constructor, two update()s and digest() (6% of the socket profile, plus one
 * native object of garbage per record). Here the inner hash is one call of crypto.hash() (one-shot,
 * no object) over ipad || parts assembled in `innerInput`; the outer hash is the 20 (or 16) digest
 * bytes after the opad block, one compression, which noble's SHA-1/MD5 runs in JavaScript from a
 * state keyed once per Mac. What a Mac keeps: its ipad block and that keyed state.
 * Measured on the 2-core machine (CPU time per 1 KiB record MAC): ~3.3 us -> ~2.8 us. Hash.copy()
 * of keyed ipad/opad states was no faster than a fresh Hmac (it makes an object per call as well);
 * crypto.hash() for the outer hash too (a Mac keeping only its pads, ~450 B less) made a 1 KiB
 * record's seal+open ~9% slower.
 */
function nativeMac(name: HashName, key: Uint8Array): Mac {
  // RFC 2104: keys longer than a block are hashed first (TLS MAC keys are 16 or 20 bytes; PRF halves may be long).
  const k = key.length > HMAC_BLOCK ? u8(oneShotHash(name, key, 'buffer')) : key;
  const ipad = new Uint8Array(HMAC_BLOCK).fill(0x36);
  const opad = new Uint8Array(HMAC_BLOCK).fill(0x5c);
  for (let i = 0; i < k.length; i++) {
    ipad[i]! ^= k[i]!;
    opad[i]! ^= k[i]!;
  }
  // Both noble classes have the same shape; the cast only joins their types.
  const outerKeyed = (name === 'md5' ? nobleMd5 : nobleSha1).create().update(opad) as OuterState;
  opad.fill(0);
  return {
    outputLength: name === 'md5' ? 16 : 20,
    mac(...parts: Uint8Array[]): Uint8Array {
      let total = HMAC_BLOCK;
      for (const p of parts) total += p.length;
      if (innerInput.length < total) innerInput = new Uint8Array(Math.max(total, 2 * innerInput.length));
      const input = innerInput;
      input.set(ipad, 0);
      let offset = HMAC_BLOCK;
      for (const p of parts) {
        input.set(p, offset);
        offset += p.length;
      }
      const inner = oneShotHash(name, input.subarray(0, offset), 'buffer');
      const outer = (outerScratch[name] = outerKeyed._cloneInto(outerScratch[name]));
      outer.update(inner);
      return outer.digest();
    },
    compress(blocks: number): void {
      const sink = (compressSinks[name] ??= createHash(name));
      const bytes = blocks * 64;
      // One update() even for 0 blocks: the call's own cost must not depend on the count either.
      let done = 0;
      do {
        const n = Math.min(DUMMY_BLOCKS.length, bytes - done);
        sink.update(DUMMY_BLOCKS.subarray(0, n));
        done += n;
      } while (done < bytes);
    },
  };
}

/** Dummy input for Mac.compress: 16 blocks of 64 bytes (more are fed in pieces). */
const DUMMY_BLOCKS = new Uint8Array(16 * 64);

function nativeHash(name: HashName, parts: Uint8Array[]): Uint8Array {
  const h = createHash(name);
  for (const p of parts) h.update(p);
  return u8(h.digest());
}

const nodeRandom: RandomSource = (length: number): Uint8Array => {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`random: bad length ${length}`);
  return randomFillSync(new Uint8Array(length));
};

function missingMessage(missing: readonly NativeAlgorithm[]): string {
  const openssl = process.versions.openssl ?? 'unknown';
  const legacy = missing.some((a) => a === 'rc4' || a === 'des-cbc')
    ? ' (OpenSSL 3 keeps RC4 and single DES in its legacy provider: start Node with --openssl-legacy-provider)'
    : '';
  return (
    `crypto: 'native' cannot run ${missing.join(', ')} on this node:crypto (OpenSSL ${openssl})${legacy}; ` +
    `use crypto: 'auto' to run those in pure TypeScript, or leave them out of the cipher suites`
  );
}

/**
 * A provider over node:crypto. Not strict (the default): algorithms this OpenSSL lacks run on the
 * pure implementation. Strict: TLSConfigError now for any of `options.ciphers` (default: all) or
 * hash that is missing, and from createCipher for any other missing cipher.
 * `options.random` feeds the provider's `random` only: OpenSSL blinds RSA with its own generator.
 */
export function createNativeProvider(options: NativeProviderOptions = {}): NativeCryptoProvider {
  const strict = options.strict ?? false;
  const excluded = new Set<NativeAlgorithm>(options.exclude ?? []);
  const native = (a: NativeAlgorithm): boolean => !excluded.has(a) && nativeSupports(a);
  const pureFallbacks = [...CIPHER_NAMES, ...HASH_NAMES].filter((a) => !native(a));

  if (strict) {
    const required = [...(options.ciphers ?? CIPHER_NAMES), ...HASH_NAMES];
    const missing = required.filter((a, i) => !native(a) && required.indexOf(a) === i);
    if (missing.length > 0) throw new TLSConfigError(missingMessage(missing));
  }

  const random = options.random ?? nodeRandom;
  // Only built when something falls back; its RSA blinding draws from the same `random`.
  let pure: CryptoProvider | undefined;
  const fallback = (): CryptoProvider => (pure ??= createPureProvider({ random }));

  return {
    name: 'native',
    pureFallbacks,
    createCipher(name: BulkCipherName, key: Uint8Array, iv: Uint8Array | null, encrypt: boolean): BulkCipher {
      const spec = checkCipherArgs(name, key, iv);
      if (native(name)) return nativeCipher(name, spec, key, iv, encrypt);
      if (strict) throw new TLSConfigError(missingMessage([name]));
      return fallback().createCipher(name, key, iv, encrypt);
    },
    createMac(name: HashName, key: Uint8Array): Mac {
      if (!has(HASHES, name)) throw new TypeError(`unknown hash ${String(name)}`);
      return native(name) ? nativeMac(name, key) : fallback().createMac(name, key);
    },
    hash(name: HashName, ...parts: Uint8Array[]): Uint8Array {
      if (!has(HASHES, name)) throw new TypeError(`unknown hash ${String(name)}`);
      return native(name) ? nativeHash(name, parts) : fallback().hash(name, ...parts);
    },
    rsaPublicRaw(key: RsaPublicKey, input: Uint8Array): Uint8Array {
      const block = fitToModulus(key, input);
      const ko = nativeRsaKey(key, 'public');
      if (ko !== null) {
        try {
          return toModulusLength(key, publicEncrypt({ key: ko, padding: constants.RSA_NO_PADDING }, block));
        } catch {
          refuseKey(key, 'public');
        }
      }
      return fallback().rsaPublicRaw(key, block);
    },
    rsaPrivateRaw(key: RsaPrivateKey, input: Uint8Array): Uint8Array {
      const block = fitToModulus(key, input);
      const ko = nativeRsaKey(key, 'private');
      if (ko !== null) {
        try {
          // m = c^d mod n with OpenSSL's CRT, blinding and result check; no padding is looked at.
          return toModulusLength(key, privateDecrypt({ key: ko, padding: constants.RSA_NO_PADDING }, block));
        } catch {
          refuseKey(key, 'private');
        }
      }
      return fallback().rsaPrivateRaw(key, block);
    },
    random,
  };
}

/** The native provider with node:crypto's randomness and pure fallbacks where OpenSSL lacks an algorithm. */
export const nativeProvider: NativeCryptoProvider = createNativeProvider();

// Importing this file is what makes 'auto' and 'native' mean node:crypto (see ./select.ts).
registerNativeProvider((options) =>
  options.random === undefined && !options.strict && (options.exclude?.length ?? 0) === 0 ? nativeProvider : createNativeProvider(options),
);
