/**
 * The TLS 1.0 pseudo-random function and the key schedule built on it (RFC 2246 sections 5, 6.3,
 * 8.1 and 7.4.9). HMAC comes from ./hash.js unless a provider's createMac is given (the engine
 * passes its provider, so the native HMAC runs the PRF on Node); the construction is always ours.
 */
import { concatBytes, utf8 } from '../util/bytes.js';
import { createMac } from './hash.js';
import type { CryptoProvider, Mac } from './provider.js';

/** Where the PRF gets its HMACs. */
export type MacSource = Pick<CryptoProvider, 'createMac'>;
const ownMacs: MacSource = { createMac };

/**
 * RFC 2246 5: S1 is the first and S2 the last ceil(len/2) bytes of the secret; they share the
 * middle byte when the length is odd.
 */
export function splitSecret(secret: Uint8Array): [Uint8Array, Uint8Array] {
  const half = Math.ceil(secret.length / 2);
  return [secret.subarray(0, half), secret.subarray(secret.length - half)];
}

/** P_hash(secret, seed) truncated to `length`: HMAC(A(1)+seed) + HMAC(A(2)+seed) + ..., A(i) = HMAC(A(i-1)). */
function pHash(mac: Mac, seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let a = seed;
  for (let off = 0; off < length; ) {
    a = mac.mac(a);
    const block = mac.mac(a, seed);
    const take = Math.min(block.length, length - off);
    out.set(take === block.length ? block : block.subarray(0, take), off);
    off += take;
  }
  return out;
}

function checkLength(length: number): void {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`PRF: bad output length ${length}`);
}

/** PRF(secret, label, seed) = P_MD5(S1, label + seed) XOR P_SHA-1(S2, label + seed), `length` bytes. */
export function prf(secret: Uint8Array, label: string, seed: Uint8Array, length: number, macs: MacSource = ownMacs): Uint8Array {
  checkLength(length);
  const [s1, s2] = splitSecret(secret);
  // Labels are ASCII with no length byte and no terminator (e.g. "master secret").
  const labelSeed = concatBytes(utf8(label), seed);
  const out = pHash(macs.createMac('md5', s1), labelSeed, length);
  const sha = pHash(macs.createMac('sha1', s2), labelSeed, length);
  for (let i = 0; i < length; i++) out[i] ^= sha[i]!;
  return out;
}

function checkRandom(r: Uint8Array, which: string): void {
  if (!(r instanceof Uint8Array) || r.length !== 32) throw new RangeError(`${which} must be 32 bytes`);
}

/** master_secret = PRF(pre_master_secret, "master secret", ClientHello.random + ServerHello.random)[0..47]. */
export function masterSecret(preMaster: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array, macs?: MacSource): Uint8Array {
  checkRandom(clientRandom, 'client random');
  checkRandom(serverRandom, 'server random');
  return prf(preMaster, 'master secret', concatBytes(clientRandom, serverRandom), 48, macs);
}

/**
 * RFC 7627 4: master_secret = PRF(pre_master_secret, "extended master secret", session_hash)[0..47],
 * session_hash = MD5(handshake_messages) + SHA-1(handshake_messages) at TLS 1.0, the messages through
 * ClientKeyExchange (CertificateVerify excluded).
 */
export function extendedMasterSecret(preMaster: Uint8Array, sessionHash: Uint8Array, macs?: MacSource): Uint8Array {
  if (sessionHash.length !== 36) throw new RangeError('RFC 7627 4: the TLS 1.0 session hash is MD5 || SHA-1, 36 bytes');
  return prf(preMaster, 'extended master secret', sessionHash, 48, macs);
}

/** key_block = PRF(master_secret, "key expansion", server_random + client_random) — note the order. */
export function keyBlock(master: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array, length: number, macs?: MacSource): Uint8Array {
  checkRandom(clientRandom, 'client random');
  checkRandom(serverRandom, 'server random');
  return prf(master, 'key expansion', concatBytes(serverRandom, clientRandom), length, macs);
}

export type FinishedLabel = 'client finished' | 'server finished';

/** verify_data = PRF(master_secret, finished_label, MD5(handshake_messages) + SHA-1(handshake_messages))[0..11]. */
export function finishedVerifyData(
  master: Uint8Array,
  label: FinishedLabel,
  md5Hash: Uint8Array,
  sha1Hash: Uint8Array,
  macs?: MacSource,
): Uint8Array {
  if (label !== 'client finished' && label !== 'server finished') throw new TypeError(`bad Finished label ${String(label)}`);
  if (md5Hash.length !== 16) throw new RangeError('Finished: MD5 hash must be 16 bytes');
  if (sha1Hash.length !== 20) throw new RangeError('Finished: SHA-1 hash must be 20 bytes');
  return prf(master, label, concatBytes(md5Hash, sha1Hash), 12, macs);
}
