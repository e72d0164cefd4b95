/**
 * The pure-TypeScript crypto provider: RC4 and (3)DES of our own, AES over @noble/ciphers,
 * MD5/SHA-1/HMAC over @noble/hashes, RSA on BigInt. Runs in any JS runtime.
 */
import { aesCbc } from './aes.js';
import { cipherGeometry } from './cipher-geometry.js';
import { des3Cbc, desCbc, type CbcCipher } from './des.js';
import { createMac, hash } from './hash.js';
import type { BulkCipher, BulkCipherName, CryptoProvider, HashName, Mac, RandomSource, RsaPrivateKey, RsaPublicKey } from './provider.js';
import { systemRandom } from './random.js';
import { rc4 } from './rc4.js';
import { rsaPrivateRawOp, rsaPublicRawOp } from './rsa-math.js';

export interface PureProviderOptions {
  /** Randomness for the provider's `random` and RSA blinding; defaults to systemRandom. */
  random?: RandomSource;
}


function direction(c: CbcCipher, encrypt: boolean): BulkCipher {
  return encrypt ? { update: (d) => c.encrypt(d) } : { update: (d) => c.decrypt(d) };
}

function createCipher(name: BulkCipherName, key: Uint8Array, iv: Uint8Array | null, encrypt: boolean): BulkCipher {
  const size = cipherGeometry(name);
  if (!size) throw new TypeError(`unknown bulk cipher ${String(name)}`);
  if (!(key instanceof Uint8Array) || key.length !== size.key) {
    throw new RangeError(`${name}: key must be ${size.key} bytes`);
  }
  if (name === 'rc4') {
    if (iv !== null && iv.length !== 0) throw new RangeError('rc4: takes no IV');
    // RC4 is its own inverse: the direction only matters for which keystream is used.
    const r = rc4(key);
    return { update: (d) => r.update(d) };
  }
  if (!(iv instanceof Uint8Array) || iv.length !== size.iv) throw new RangeError(`${name}: IV must be ${size.iv} bytes`);
  switch (name) {
    case 'des-cbc':
      return direction(desCbc(key, iv), encrypt);
    case '3des-cbc':
      return direction(des3Cbc(key, iv), encrypt);
    case 'aes-128-cbc':
    case 'aes-256-cbc':
      return direction(aesCbc(key, iv), encrypt);
  }
}

export function createPureProvider(options: PureProviderOptions = {}): CryptoProvider {
  const random = options.random ?? systemRandom;
  return {
    name: 'pure',
    createCipher,
    createMac: (name: HashName, key: Uint8Array): Mac => createMac(name, key),
    hash: (name: HashName, ...parts: Uint8Array[]): Uint8Array => hash(name, ...parts),
    rsaPublicRaw: (key: RsaPublicKey, input: Uint8Array): Uint8Array => rsaPublicRawOp(key, input),
    rsaPrivateRaw: (key: RsaPrivateKey, input: Uint8Array): Uint8Array => rsaPrivateRawOp(key, input, random),
    random,
  };
}

/** The pure provider with system randomness. */
export const pureProvider: CryptoProvider = createPureProvider();
