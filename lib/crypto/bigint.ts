/**
 * Big-integer helpers over the built-in BigInt: byte conversion (big-endian, unsigned) and modular
 * arithmetic for RSA and finite-field Diffie-Hellman.
 *
 * Timing: BigInt arithmetic is not constant-time in any engine, so nothing here is either. RSA private
 * operations add blinding on top (see rsa-math.ts) so the timing of these routines does not depend on
 * the attacker's ciphertext.
 */

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Big-endian unsigned bytes to a non-negative bigint; an empty array is 0. */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  // One hex string and one BigInt parse beats shifting byte by byte (which allocates a BigInt per byte).
  let hex = '0x';
  for (let i = 0; i < bytes.length; i++) hex += HEX[bytes[i]!];
  return BigInt(hex);
}

/** x as exactly `length` big-endian bytes, left-padded with zeros; RangeError if x < 0 or does not fit. */
export function bigIntToBytes(x: bigint, length: number): Uint8Array {
  if (x < 0n) throw new RangeError('bigIntToBytes: negative value');
  if (!Number.isInteger(length) || length < 0) throw new RangeError('bigIntToBytes: bad length');
  const out = new Uint8Array(length);
  if (x === 0n) return out;
  const hex = x.toString(16);
  const nbytes = (hex.length + 1) >> 1;
  if (nbytes > length) throw new RangeError(`bigIntToBytes: value needs ${nbytes} bytes, only ${length} allowed`);
  // Walk the hex string from its end so an odd-length string needs no padding copy.
  let pos = hex.length;
  for (let i = length - 1; pos > 0; i--) {
    const start = pos >= 2 ? pos - 2 : 0;
    out[i] = parseInt(hex.slice(start, pos), 16);
    pos = start;
  }
  return out;
}

/** The shortest big-endian encoding of x (no leading zero bytes); 0 encodes as an empty array. */
export function bigIntToMinimalBytes(x: bigint): Uint8Array {
  if (x < 0n) throw new RangeError('bigIntToMinimalBytes: negative value');
  return bigIntToBytes(x, (bitLength(x) + 7) >> 3);
}

/** Number of significant bits of a non-negative x (0 for 0). */
export function bitLength(x: bigint): number {
  if (x < 0n) throw new RangeError('bitLength: negative value');
  if (x === 0n) return 0;
  // toString(16) is linear; the first digit gives the last few bits.
  const hex = x.toString(16);
  return (hex.length - 1) * 4 + (32 - Math.clz32(parseInt(hex[0]!, 16)));
}

/**
 * Window width for sliding-window exponentiation, by exponent size (the thresholds OpenSSL's
 * BN_window_bits_for_exponent_size uses): for a 1024-bit CRT half-exponent, width 6 costs
 * ~1024 squarings + ~150 multiplications + 32 precomputed odd powers, against ~512 multiplications
 * for plain square-and-multiply.
 */
function windowBits(expBits: number): number {
  if (expBits > 671) return 6;
  if (expBits > 239) return 5;
  if (expBits > 79) return 4;
  if (expBits > 23) return 3;
  return 1;
}

/** base^exp mod mod, for exp >= 0 and mod >= 1; sliding-window exponentiation over precomputed odd powers. */
export function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  if (mod <= 0n) throw new RangeError('modPow: modulus must be positive');
  if (exp < 0n) throw new RangeError('modPow: negative exponent');
  if (mod === 1n) return 0n;
  let b = base % mod;
  if (b < 0n) b += mod;
  if (exp === 0n) return 1n;
  if (b === 0n || b === 1n) return b;

  const bits = exp.toString(2); // most significant bit first; bits[0] is '1'
  const len = bits.length;
  const w = windowBits(len);

  // table[i] = b^(2i+1) mod m: every window is trimmed to end in a 1 bit, so only odd powers occur.
  const table: bigint[] = new Array<bigint>(1 << (w - 1));
  table[0] = b;
  if (table.length > 1) {
    const b2 = (b * b) % mod;
    for (let i = 1; i < table.length; i++) table[i] = (table[i - 1]! * b2) % mod;
  }

  let result = 1n;
  let started = false; // skip squaring the initial 1
  let i = 0;
  while (i < len) {
    if (bits.charCodeAt(i) === 48 /* '0' */) {
      if (started) result = (result * result) % mod;
      i++;
      continue;
    }
    // Longest window of at most w bits starting at i and ending in a 1 bit.
    let j = Math.min(i + w, len) - 1;
    while (bits.charCodeAt(j) === 48) j--;
    let value = 0;
    for (let k = i; k <= j; k++) value = (value << 1) | (bits.charCodeAt(k) - 48);
    if (started) {
      for (let k = i; k <= j; k++) result = (result * result) % mod;
      result = (result * table[value >> 1]!) % mod;
    } else {
      result = table[value >> 1]!;
      started = true;
    }
    i = j + 1;
  }
  return result;
}

/** a^-1 mod m (extended Euclid); RangeError if gcd(a, m) != 1. */
export function modInverse(a: bigint, m: bigint): bigint {
  if (m <= 0n) throw new RangeError('modInverse: modulus must be positive');
  let r0 = a % m;
  if (r0 < 0n) r0 += m;
  let r1 = m;
  let s0 = 1n;
  let s1 = 0n;
  // Invariant: r0 ≡ s0·a, r1 ≡ s1·a (mod m).
  while (r1 !== 0n) {
    const q = r0 / r1;
    const r2 = r0 - q * r1;
    r0 = r1;
    r1 = r2;
    const s2 = s0 - q * s1;
    s0 = s1;
    s1 = s2;
  }
  if (r0 !== 1n) throw new RangeError('modInverse: value is not invertible');
  s0 %= m;
  return s0 < 0n ? s0 + m : s0;
}

/** Greatest common divisor of |a| and |b|. */
export function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  while (b !== 0n) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}
