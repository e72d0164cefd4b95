/**
 * `ut-tls/crypto`: the primitives under the TLS engine, usable on their own (e.g. to decrypt a
 * captured TLS 1.0 session, or to check a peer's key schedule).
 */
export type {
  BulkCipher,
  BulkCipherName,
  CryptoProvider,
  HashName,
  Mac,
  RandomSource,
  RsaPrivateKey,
  RsaPublicKey,
} from './provider.js';

export { RC4, rc4 } from './rc4.js';
export { desCbc, des3Cbc, desEcb, des3Ecb, type CbcCipher, type EcbCipher } from './des.js';
export { aesCbc } from './aes.js';
export {
  createHash,
  createMac,
  hash,
  hashLength,
  hmac,
  hmacMd5,
  hmacSha1,
  hmacSha256,
  md5,
  sha1,
  sha256,
  type AnyHashName,
  type IncrementalHash,
} from './hash.js';
export { prf, masterSecret, keyBlock, finishedVerifyData, splitSecret, type FinishedLabel } from './prf.js';
export { systemRandom, seededRandom } from './random.js';
export { createPureProvider, pureProvider, type PureProviderOptions } from './pure.js';
export { rsaPublicKey, rsaPrivateKey, rsaPublicRawOp, rsaPrivateRawOp, type RsaPrivateKeyParams } from './rsa-math.js';
export * from './rsa.js';
export * from './dh.js';

// Provider selection ('auto' | 'pure' | 'native'); runtime-neutral. The node:crypto provider itself
// (./native.js) is not exported here, so this entry point never pulls in node:crypto.
export {
  resolveProvider,
  registerNativeProvider,
  isNodeRuntime,
  nativeProviderAvailable,
  type CryptoChoice,
  type NativeProviderOptions,
  type NativeProviderFactory,
} from './select.js';
