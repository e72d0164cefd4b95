/**
 * The crypto provider interface: the only way the engine and record layer reach cryptography.
 * The pure provider (./pure.ts) implements it in TypeScript; a native one (node:crypto) can be added
 * without touching the engine. Primitives are small and stateful where TLS 1.0 needs state
 * (RC4 keystream, CBC chaining across records).
 */

export type BulkCipherName = 'rc4' | '3des-cbc' | 'des-cbc' | 'aes-128-cbc' | 'aes-256-cbc';
export type HashName = 'md5' | 'sha1';

/**
 * A keyed bulk cipher in one direction. For CBC ciphers: no padding, input length a multiple of the
 * block size, and the chaining value carries across calls (TLS 1.0 implicit IV: the last ciphertext
 * block of one record is the IV of the next). For RC4: a running keystream.
 */
export interface BulkCipher {
  update(data: Uint8Array): Uint8Array;
}

/** HMAC with a fixed key; `mac` over the concatenation of `parts`, without copying them together. */
export interface Mac {
  readonly outputLength: number;
  mac(...parts: Uint8Array[]): Uint8Array;
  /**
   * Runs exactly `blocks` compression-function calls of the MAC's hash (64-byte blocks for MD5 and
   * SHA-1) on dummy data and changes nothing else. The record layer's Lucky 13 countermeasure: a CBC
   * record's MAC covers fewer blocks when its padding is long, and these calls make up the difference
   * so every record of one length costs the same hashing (see record/protection.ts openBlock).
   * Optional: without it the record layer runs one extra HMAC over dummy bytes instead (slower).
   */
  compress?(blocks: number): void;
}

export interface RsaPublicKey {
  readonly n: bigint;
  readonly e: bigint;
  /** Modulus length in bytes. */
  readonly size: number;
}

export interface RsaPrivateKey extends RsaPublicKey {
  readonly d: bigint;
  readonly p: bigint;
  readonly q: bigint;
  readonly dp: bigint;
  readonly dq: bigint;
  readonly qinv: bigint;
}

/** Source of randomness; injectable so tests and vector replay are deterministic. */
export interface RandomSource {
  (length: number): Uint8Array;
}

export interface CryptoProvider {
  readonly name: string;
  createCipher(name: BulkCipherName, key: Uint8Array, iv: Uint8Array | null, encrypt: boolean): BulkCipher;
  createMac(hash: HashName, key: Uint8Array): Mac;
  hash(name: HashName, ...parts: Uint8Array[]): Uint8Array;
  /** m^e mod n; input and output are big-endian, output left-padded to key.size. Input must be < n. */
  rsaPublicRaw(key: RsaPublicKey, input: Uint8Array): Uint8Array;
  /** c^d mod n (with CRT); input and output as above. */
  rsaPrivateRaw(key: RsaPrivateKey, input: Uint8Array): Uint8Array;
  random: RandomSource;
}
