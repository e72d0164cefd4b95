/**
 * The generic key derivation function of TS 33.220 Annex B.2:
 *
 *   derived key = HMAC-SHA-256(Key, S),  S = FC || P0 || L0 || P1 || L1 || ... || Pn || Ln
 *
 * FC is one octet that tells the derivations apart; every Pi is an octet string (character strings
 * are UTF-8, B.2.1) and Li is its length in octets as a 2-byte big-endian number, so a Pi is at most
 * 65535 octets. Runtime-neutral: @noble/hashes only, no node: module.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { GbaError } from './errors.js';

/** A KDF parameter: bytes as they are, or a character string (UTF-8 encoded, TS 33.220 B.2.1). */
export type KdfParameter = Uint8Array | string;

const utf8 = new TextEncoder();

function octets(p: KdfParameter): Uint8Array {
  return typeof p === 'string' ? utf8.encode(p) : p;
}

/** S = FC || P0 || L0 || ... || Pn || Ln (TS 33.220 B.2.1). */
export function kdfInput(fc: number, params: readonly KdfParameter[]): Uint8Array {
  if (!Number.isInteger(fc) || fc < 0 || fc > 0xff) throw new GbaError('ERR_GBA_BAD_PARAMETER', `TS 33.220 B.2: FC must be one octet, got ${fc}`);
  const parts = params.map(octets);
  let total = 1;
  for (const [i, p] of parts.entries()) {
    if (p.length > 0xffff) throw new GbaError('ERR_GBA_BAD_PARAMETER', `TS 33.220 B.2: P${i} is ${p.length} octets; its length L${i} has 2 octets (at most 65535)`);
    total += p.length + 2;
  }
  const s = new Uint8Array(total);
  s[0] = fc;
  let o = 1;
  for (const p of parts) {
    s.set(p, o);
    o += p.length;
    s[o++] = p.length >>> 8;
    s[o++] = p.length & 0xff;
  }
  return s;
}

/** TS 33.220 B.2: HMAC-SHA-256(key, FC || P0 || L0 || ...), 32 octets. */
export function gbaKdf(key: Uint8Array, fc: number, params: readonly KdfParameter[]): Uint8Array {
  if (!(key instanceof Uint8Array) || key.length === 0) throw new GbaError('ERR_GBA_BAD_KEY', 'TS 33.220 B.2: the KDF key must be a non-empty Uint8Array');
  return hmac(sha256, key, kdfInput(fc, params));
}
