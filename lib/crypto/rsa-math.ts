/**
 * RSA primitives on BigInt: key constructors and the raw operations RSAEP/RSADP (RFC 8017 5.1).
 * Padding lives in rsa.ts; this file only does m^e mod n and c^d mod n.
 *
 * The private operation uses the Chinese Remainder Theorem, sliding-window exponentiation, base
 * blinding (BigInt arithmetic is not constant-time, so the exponentiation must not see the
 * attacker's ciphertext directly) and a final public-exponent check (a wrong CRT result would
 * leak a factor of n, as in Boneh-DeMillo-Lipton / Lenstra).
 */
import type { RandomSource, RsaPrivateKey, RsaPublicKey } from './provider.js';
import { bigIntToBytes, bitLength, bytesToBigInt, gcd, modInverse, modPow } from './bigint.js';

/** Builds a public key; RangeError for a modulus or exponent no RSA key can have. */
export function rsaPublicKey(n: bigint, e: bigint): RsaPublicKey {
  if (n < 3n || (n & 1n) === 0n) throw new RangeError('RSA modulus must be odd and > 2');
  if (e < 3n || (e & 1n) === 0n || e >= n) throw new RangeError('RSA public exponent must be odd and in [3, n)');
  return { n, e, size: (bitLength(n) + 7) >> 3 };
}

export interface RsaPrivateKeyParams {
  n: bigint;
  e: bigint;
  d: bigint;
  p: bigint;
  q: bigint;
  dp?: bigint;
  dq?: bigint;
  qinv?: bigint;
}

/**
 * Builds a private key, computing the CRT parameters that are missing and checking that the ones
 * given agree with p, q and e (a key whose CRT values disagree would produce wrong outputs).
 * RangeError on any inconsistency.
 */
export function rsaPrivateKey(params: RsaPrivateKeyParams): RsaPrivateKey {
  const { n, e, d, p, q } = params;
  const pub = rsaPublicKey(n, e);
  if (p < 3n || q < 3n || p === q || p * q !== n) throw new RangeError('RSA private key: n != p*q');
  if (d <= 0n || d >= n) throw new RangeError('RSA private key: d out of range');
  const p1 = p - 1n;
  const q1 = q - 1n;
  const dp = params.dp ?? d % p1;
  const dq = params.dq ?? d % q1;
  // e·d ≡ 1 mod lcm(p-1, q-1) is equivalent to these two (and holds whether d was made mod φ or λ).
  if ((e * dp) % p1 !== 1n || (e * dq) % q1 !== 1n || d % p1 !== dp || d % q1 !== dq) {
    throw new RangeError('RSA private key: d, dp, dq do not match e, p, q');
  }
  let qinv: bigint;
  try {
    qinv = modInverse(q, p);
  } catch {
    throw new RangeError('RSA private key: q not invertible mod p');
  }
  if (params.qinv !== undefined && params.qinv !== qinv) throw new RangeError('RSA private key: qinv != q^-1 mod p');
  return { ...pub, d, p, q, dp, dq, qinv };
}

/** m^e mod n, output left-padded to key.size bytes. RangeError if the input is not < n. */
export function rsaPublicRawOp(key: RsaPublicKey, input: Uint8Array): Uint8Array {
  const m = bytesToBigInt(input);
  if (m >= key.n) throw new RangeError('RSA input is not smaller than the modulus');
  return bigIntToBytes(modPow(m, key.e, key.n), key.size);
}

/** How many private operations share one blinding pair before a fresh random one is drawn (as OpenSSL). */
const BLINDING_REFRESH = 32;

interface Blinding {
  /** r^e mod n: multiplied into the input. */
  a: bigint;
  /** r^-1 mod n: multiplied into the output. */
  aInv: bigint;
  uses: number;
}

// Per key object; keys are immutable values, so a WeakMap keeps the state without touching them.
const blindings = new WeakMap<RsaPrivateKey, Blinding>();

const defaultRandom: RandomSource = (length) => {
  const out = new Uint8Array(length);
  globalThis.crypto.getRandomValues(out);
  return out;
};

function newBlinding(key: RsaPrivateKey, random: RandomSource): Blinding {
  for (;;) {
    const r = bytesToBigInt(random(key.size + 8)) % key.n;
    if (r < 2n || gcd(r, key.n) !== 1n) continue; // a non-invertible r would mean we had found a factor
    return { a: modPow(r, key.e, key.n), aInv: modInverse(r, key.n), uses: 0 };
  }
}

function nextBlinding(key: RsaPrivateKey, random: RandomSource): Blinding {
  let b = blindings.get(key);
  if (b === undefined || b.uses >= BLINDING_REFRESH) {
    b = newBlinding(key, random);
  } else {
    // Squaring both halves keeps them a matching pair ((r²)^e, (r²)^-1) for the price of two
    // multiplications, instead of a fresh inversion per operation.
    b = { a: (b.a * b.a) % key.n, aInv: (b.aInv * b.aInv) % key.n, uses: b.uses };
  }
  b.uses++;
  blindings.set(key, b);
  return b;
}

/**
 * c^d mod n by CRT (m1 = c^dp mod p, m2 = c^dq mod q, h = qinv·(m1 − m2) mod p, m = m2 + h·q),
 * blinded with a random r (from `random`, else the platform CSPRNG) and checked with m^e == c.
 * Output left-padded to key.size bytes. RangeError if the input is not < n; Error if the check
 * fails (an inconsistent key), which never depends on the input for a consistent one.
 */
export function rsaPrivateRawOp(key: RsaPrivateKey, input: Uint8Array, random: RandomSource = defaultRandom): Uint8Array {
  const { n, p, q } = key;
  const c = bytesToBigInt(input);
  if (c >= n) throw new RangeError('RSA input is not smaller than the modulus');
  const blind = nextBlinding(key, random);
  const cb = (c * blind.a) % n;
  const m1 = modPow(cb % p, key.dp, p);
  const m2 = modPow(cb % q, key.dq, q);
  let h = (key.qinv * (m1 - m2)) % p;
  if (h < 0n) h += p;
  const m = ((m2 + h * q) * blind.aInv) % n;
  if (modPow(m, key.e, n) !== c) throw new Error('RSA private operation failed its consistency check (bad key)');
  return bigIntToBytes(m, key.size);
}
