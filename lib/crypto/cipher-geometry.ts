/**
 * THE cipher geometry table: key, IV and block sizes of every bulk cipher a provider runs
 * (RFC 2246 Appendix C, RFC 3268 section 3). The suite table (../suites.ts), the pure provider
 * (./pure.ts) and the native provider (./native.ts) all read these numbers from here, so a size
 * cannot drift between the key schedule and the cipher that consumes the key block.
 */
import type { BulkCipherName } from './provider.js';

export interface CipherGeometry {
  readonly type: 'stream' | 'block';
  /** Key bytes (for these non-export ciphers also the key bytes taken from the key block). */
  readonly key: number;
  /** IV bytes (0 for the stream cipher). */
  readonly iv: number;
  /** Block bytes (0 for the stream cipher). */
  readonly block: number;
  /** Effective key bits (TS 33.141 7.2(d) reads them through the suite table). */
  readonly effectiveKeyBits: number;
}

export const CIPHER_GEOMETRY: Readonly<Record<BulkCipherName, CipherGeometry>> = {
  rc4: { type: 'stream', key: 16, iv: 0, block: 0, effectiveKeyBits: 128 },
  'des-cbc': { type: 'block', key: 8, iv: 8, block: 8, effectiveKeyBits: 56 },
  '3des-cbc': { type: 'block', key: 24, iv: 8, block: 8, effectiveKeyBits: 168 },
  'aes-128-cbc': { type: 'block', key: 16, iv: 16, block: 16, effectiveKeyBits: 128 },
  'aes-256-cbc': { type: 'block', key: 32, iv: 16, block: 16, effectiveKeyBits: 256 },
};

/** The geometry of `name`, or undefined for a name that is not a bulk cipher (own properties only). */
export function cipherGeometry(name: string): CipherGeometry | undefined {
  return Object.prototype.hasOwnProperty.call(CIPHER_GEOMETRY, name) ? CIPHER_GEOMETRY[name as BulkCipherName] : undefined;
}
