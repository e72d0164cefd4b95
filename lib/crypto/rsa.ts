/**
 * PKCS#1 v1.5 (RFC 8017 7.2 and 8.2; RFC 2313 8.1 block types 1 and 2) as TLS 1.0 uses it:
 * RSA key exchange (EncryptedPreMasterSecret, RFC 2246 7.4.7.1), TLS 1.0 signatures over
 * MD5||SHA-1 without DigestInfo (RFC 2246 4.7, 7.4.3) and DigestInfo signatures for certificates.
 *
 * Every function takes an RsaOps object for the raw operations and randomness, so a CryptoProvider
 * (pure or native) plugs straight in.
 */
import type { RsaPrivateKey, RsaPublicKey } from './provider.js';
import { bytesToBigInt } from './bigint.js';

/** The subset of CryptoProvider that the padding code needs (a CryptoProvider satisfies it). */
export interface RsaOps {
  rsaPublicRaw(key: RsaPublicKey, input: Uint8Array): Uint8Array;
  rsaPrivateRaw(key: RsaPrivateKey, input: Uint8Array): Uint8Array;
  random(length: number): Uint8Array;
}

/** PKCS#1 v1.5 needs 11 bytes of overhead: 00 BT, at least 8 padding bytes, 00 separator. */
const MIN_PADDING = 8;
const OVERHEAD = 3 + MIN_PADDING;

/** The PreMasterSecret of RSA key exchange: client_version(2) || random(46) (RFC 2246 7.4.7.1). */
export const PREMASTER_LENGTH = 48;

/**
 * RSAES-PKCS1-v1_5 encryption: 00 02 PS 00 M with PS non-zero random bytes (at least 8).
 * RangeError if the message is longer than size − 11 (our own data, never the peer's).
 */
export function pkcs1Encrypt(ops: RsaOps, pub: RsaPublicKey, message: Uint8Array): Uint8Array {
  const k = pub.size;
  if (message.length > k - OVERHEAD) {
    throw new RangeError(`PKCS#1 v1.5: message of ${message.length} bytes too long for a ${k}-byte modulus`);
  }
  const psLength = k - 3 - message.length;
  const em = new Uint8Array(k);
  em[1] = 0x02;
  em.set(nonZeroRandom(ops, psLength), 2);
  // em[2 + psLength] stays 0: the separator.
  em.set(message, 3 + psLength);
  return ops.rsaPublicRaw(pub, em);
}

/** `length` random bytes, none of them zero (zeros are redrawn, which keeps the rest uniform). */
function nonZeroRandom(ops: RsaOps, length: number): Uint8Array {
  const out = ops.random(length).slice();
  for (let i = 0; i < length; i++) {
    while (out[i] === 0) {
      const more = ops.random(16);
      for (let j = 0; j < more.length && out[i] === 0; j++) out[i] = more[j]!;
    }
  }
  return out;
}

export interface DecryptPremasterOptions {
  /**
   * Require the first two decrypted bytes to equal ClientHello.client_version (default true).
   * RFC 5246 7.4.7.1 allows turning the check off for client_version <= TLS 1.0, because some old
   * clients put the negotiated version there; the decrypted bytes are then used as they are.
   */
  checkVersion?: boolean;
}

// Branch-free byte predicates (inputs 0..255): 1 if true, 0 if false.
const ctIsZero = (x: number): number => ((x - 1) >>> 31) & 1;
const ctEqual = (a: number, b: number): number => ctIsZero(a ^ b);

/**
 * The server's handling of an RSA EncryptedPreMasterSecret (RFC 2246 7.4.7.1 with the RFC 5246
 * 7.4.7.1 countermeasure against Bleichenbacher's attack). Always returns 48 bytes and never throws
 * for any ciphertext: a ciphertext that is badly padded, not 48 bytes long inside, carries the
 * wrong version, has the wrong length or is not smaller than n yields client_version || R with R
 * 46 random bytes drawn BEFORE decrypting. Checks are folded into one flag (no early exit that
 * depends on where the padding broke) and the result is chosen with masks, so the only difference a
 * peer can observe is at Finished, where a wrong premaster fails like any wrong key.
 */
export function decryptPremaster(
  ops: RsaOps,
  priv: RsaPrivateKey,
  encryptedPremaster: Uint8Array,
  clientVersion: number,
  options: DecryptPremasterOptions = {},
): Uint8Array {
  const k = priv.size;
  const fallback = ops.random(PREMASTER_LENGTH - 2);
  const versionHi = (clientVersion >>> 8) & 0xff;
  const versionLo = clientVersion & 0xff;

  // Length and range are public facts about the ciphertext (n is public), so branching on them
  // reveals nothing; an all-zero block then fails the checks below like any bad padding.
  // A modulus too small for 48 bytes plus 11 of overhead can never carry a premaster.
  let em: Uint8Array;
  if (encryptedPremaster.length === k && k >= PREMASTER_LENGTH + OVERHEAD && bytesToBigInt(encryptedPremaster) < priv.n) {
    em = ops.rsaPrivateRaw(priv, encryptedPremaster);
  } else {
    em = new Uint8Array(Math.max(k, PREMASTER_LENGTH + OVERHEAD));
  }
  const size = em.length;
  const sep = size - PREMASTER_LENGTH - 1; // the separator must sit exactly here for a 48-byte message

  let good = ctIsZero(em[0]!) & ctEqual(em[1]!, 0x02);
  // em[2..sep-1] is the padding string: all non-zero, and at least 8 bytes since sep >= 10.
  for (let i = 2; i < sep; i++) good &= 1 ^ ctIsZero(em[i]!);
  good &= ctIsZero(em[sep]!);
  const versionOk = ctEqual(em[sep + 1]!, versionHi) & ctEqual(em[sep + 2]!, versionLo);
  const checkVersion = options.checkVersion ?? true;
  good &= versionOk | (checkVersion ? 0 : 1);

  // Byte-wise select: mask is 0xff when good, 0x00 otherwise.
  const mask = -good & 0xff;
  const out = new Uint8Array(PREMASTER_LENGTH);
  out[0] = (em[sep + 1]! & mask) | (versionHi & ~mask);
  out[1] = (em[sep + 2]! & mask) | (versionLo & ~mask);
  for (let i = 2; i < PREMASTER_LENGTH; i++) out[i] = (em[sep + 1 + i]! & mask) | (fallback[i - 2]! & ~mask);
  return out;
}

/** EMSA-PKCS1-v1_5 block type 1: 00 01 FF..FF 00 payload (at least 8 FF bytes). */
function type1Block(size: number, payload: Uint8Array): Uint8Array {
  if (payload.length > size - OVERHEAD) {
    throw new RangeError(`PKCS#1 v1.5: ${payload.length}-byte payload too long for a ${size}-byte modulus`);
  }
  const em = new Uint8Array(size);
  em[1] = 0x01;
  em.fill(0xff, 2, size - payload.length - 1);
  em.set(payload, size - payload.length);
  return em;
}

/**
 * Verifies by re-encoding: the whole recovered block must equal the block we would have made
 * (RFC 8017 8.2.2 step 4), so no garbage can hide after a short DigestInfo or in loosely parsed
 * padding (Bleichenbacher 2006 signature forgery). A signature one or more bytes shorter than the
 * modulus is accepted if its value is in range (some signers drop leading zero bytes, and OpenSSL
 * accepts it); longer ones are rejected.
 */
function verifyBlock(ops: RsaOps, pub: RsaPublicKey, expected: readonly Uint8Array[], signature: Uint8Array): boolean {
  const k = pub.size;
  if (signature.length === 0 || signature.length > k) return false;
  let s = signature;
  if (s.length < k) {
    s = new Uint8Array(k);
    s.set(signature, k - signature.length);
  }
  if (bytesToBigInt(s) >= pub.n) return false;
  let em: Uint8Array;
  try {
    em = ops.rsaPublicRaw(pub, s);
  } catch {
    return false;
  }
  if (em.length !== k) return false;
  let ok = 0;
  for (const e of expected) {
    let diff = 0;
    for (let i = 0; i < k; i++) diff |= em[i]! ^ e[i]!;
    ok |= ctIsZero(diff);
  }
  return ok === 1;
}

/** The TLS 1.0 signature payload: MD5(x) || SHA-1(x) (RFC 2246 4.7). */
export const TLS_SIGNATURE_DIGEST_LENGTH = 36;

function checkTlsDigest(digest36: Uint8Array): void {
  if (digest36.length !== TLS_SIGNATURE_DIGEST_LENGTH) {
    throw new RangeError(`TLS 1.0 RSA signature: digest must be 36 bytes (MD5||SHA-1), got ${digest36.length}`);
  }
}

/** TLS 1.0 RSA signature (RFC 2246 4.7, 7.4.3): block type 1 over the raw 36 bytes, no DigestInfo. */
export function signTls(ops: RsaOps, priv: RsaPrivateKey, digest36: Uint8Array): Uint8Array {
  checkTlsDigest(digest36);
  return ops.rsaPrivateRaw(priv, type1Block(priv.size, digest36));
}

/** Checks a TLS 1.0 RSA signature over MD5||SHA-1; false for any bad signature, never throws on it. */
export function verifyTls(ops: RsaOps, pub: RsaPublicKey, digest36: Uint8Array, signature: Uint8Array): boolean {
  checkTlsDigest(digest36);
  if (pub.size < TLS_SIGNATURE_DIGEST_LENGTH + OVERHEAD) return false;
  return verifyBlock(ops, pub, [type1Block(pub.size, digest36)], signature);
}

export type DigestInfoHash = 'md5' | 'sha1' | 'sha256' | 'sha384' | 'sha512';

/** Algorithm OIDs (DER content bytes) and digest lengths; RFC 8017 9.2 note 1, RFC 1321, FIPS 180-4. */
const DIGEST_ALGORITHMS: Record<DigestInfoHash, { oid: readonly number[]; length: number }> = {
  md5: { oid: [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x05], length: 16 },
  sha1: { oid: [0x2b, 0x0e, 0x03, 0x02, 0x1a], length: 20 },
  sha256: { oid: [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01], length: 32 },
  sha384: { oid: [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02], length: 48 },
  sha512: { oid: [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03], length: 64 },
};

/**
 * DER DigestInfo ::= SEQUENCE { AlgorithmIdentifier { OID, parameters }, OCTET STRING digest }.
 * `nullParams` picks the standard form with explicit NULL parameters (what every signer emits,
 * RFC 8017 9.2 note 1); without it, the parameters are absent (a form RFC 8017 B.1 notes some
 * implementations produce for SHA-2; accepted on verification only).
 */
export function digestInfo(hash: DigestInfoHash, digest: Uint8Array, nullParams = true): Uint8Array {
  const alg = DIGEST_ALGORITHMS[hash];
  if (alg === undefined) throw new RangeError(`DigestInfo: unknown hash ${String(hash)}`);
  if (digest.length !== alg.length) {
    throw new RangeError(`DigestInfo: ${hash} digest must be ${alg.length} bytes, got ${digest.length}`);
  }
  const params = nullParams ? [0x05, 0x00] : [];
  const algId = [0x06, alg.oid.length, ...alg.oid, ...params];
  // Every length here is < 128, so each DER length is one byte.
  const body = [0x30, algId.length, ...algId, 0x04, digest.length];
  const out = new Uint8Array(2 + body.length + digest.length);
  out[0] = 0x30;
  out[1] = body.length + digest.length;
  out.set(body, 2);
  out.set(digest, 2 + body.length);
  return out;
}

/** RSASSA-PKCS1-v1_5 signature (RFC 8017 8.2.1) over an already computed digest. */
export function signPkcs1DigestInfo(ops: RsaOps, priv: RsaPrivateKey, hash: DigestInfoHash, digest: Uint8Array): Uint8Array {
  return ops.rsaPrivateRaw(priv, type1Block(priv.size, digestInfo(hash, digest)));
}

/**
 * RSASSA-PKCS1-v1_5 verification (RFC 8017 8.2.2) by comparing the whole re-encoded block.
 * RangeError only for a digest of the wrong length (our own input); false for any bad signature.
 */
export function verifyPkcs1DigestInfo(
  ops: RsaOps,
  pub: RsaPublicKey,
  hash: DigestInfoHash,
  digest: Uint8Array,
  signature: Uint8Array,
): boolean {
  const withNull = digestInfo(hash, digest, true);
  const withoutParams = digestInfo(hash, digest, false);
  if (pub.size < withNull.length + OVERHEAD) return false;
  return verifyBlock(ops, pub, [type1Block(pub.size, withNull), type1Block(pub.size, withoutParams)], signature);
}
