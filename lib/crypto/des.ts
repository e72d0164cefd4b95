/**
 * DES and 3DES-EDE (FIPS 46-3, SP 800-67) in CBC mode, for TLS_RSA_WITH_3DES_EDE_CBC_SHA (the suite
 * RFC 2246 9 makes mandatory) and TLS_RSA_WITH_DES_CBC_SHA.
 *
 * Speed comes from the classic layout (Eric Young's libdes and its descendants): the S-boxes and
 * the P permutation are folded into eight 64-entry "SP" tables built once at load time, the block
 * halves are kept rotated left by one bit during the rounds so that the E expansion becomes two
 * word rotations, and the key schedule is computed once per key in that same layout. The tables
 * are derived here from the FIPS 46-3 S-boxes and permutations rather than pasted in, so every
 * number below can be checked against the standard.
 *
 * Parity bits (the low bit of each key byte) are ignored, as PC-1 ignores them.
 */

// ---------------------------------------------------------------------------------------------
// FIPS 46-3 tables (1-based bit numbers, bit 1 = most significant)

const PC1 = [
  57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18, 10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60, 52, 44,
  36, 63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22, 14, 6, 61, 53, 45, 37, 29, 21, 13, 5, 28, 20,
  12, 4,
];
const PC2 = [
  14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10, 23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2, 41, 52, 31, 37,
  47, 55, 30, 40, 51, 45, 33, 48, 44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32,
];
const SHIFTS = [1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1];
const P = [16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10, 2, 8, 24, 14, 32, 27, 3, 9, 19, 13, 30, 6, 22, 11, 4, 25];
/** S1..S8, each 4 rows of 16, row = outer bits b1b6, column = inner bits b2..b5. */
const S = [
  [
    14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7, 0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3, 8,
    4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0, 15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6, 13,
  ],
  [
    15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10, 3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10, 6, 9, 11, 5,
    0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15, 13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5, 14, 9,
  ],
  [
    10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8, 13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15, 1,
    13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7, 1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2, 12,
  ],
  [
    7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15, 13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14, 9,
    10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4, 3, 15, 0, 6, 10, 1, 13, 8, 9, 4, 5, 11, 12, 7, 2, 14,
  ],
  [
    2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9, 14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8, 6,
    4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14, 11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4, 5, 3,
  ],
  [
    12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11, 10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3, 8,
    9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6, 4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8, 13,
  ],
  [
    4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1, 13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8, 6,
    1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2, 6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3, 12,
  ],
  [
    13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7, 1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9, 2,
    7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8, 2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6, 11,
  ],
];

/** For tests: the raw FIPS 46-3 S-boxes (each row must be a permutation of 0..15). */
export const DES_SBOXES: readonly (readonly number[])[] = S;

// ---------------------------------------------------------------------------------------------
// Derived tables

/**
 * SP[64*i + v] = P(S_{i+1}(v) in output nibble i), rotated left by one bit (the round state is kept
 * rotated, see the file comment). v is the 6-bit S-box input, first E bit most significant.
 */
const SP = /* @__PURE__ */ (() => {
  const sp = new Int32Array(512);
  for (let box = 0; box < 8; box++) {
    for (let v = 0; v < 64; v++) {
      const row = ((v >>> 4) & 2) | (v & 1);
      const col = (v >>> 1) & 15;
      const sOut = S[box]![row * 16 + col]! << (28 - 4 * box);
      let p = 0;
      for (let j = 0; j < 32; j++) {
        // output bit j+1 takes input bit P[j]
        if ((sOut >>> (32 - P[j]!)) & 1) p |= 1 << (31 - j);
      }
      sp[box * 64 + v] = (p << 1) | (p >>> 31);
    }
  }
  return sp;
})();

/**
 * The 16 round keys of one DES key, two words per round in the SP layout:
 * word 0 holds the 6-bit chunks for S2, S4, S6, S8 (XORed with the state itself), word 1 those
 * for S1, S3, S5, S7 (XORed with the state rotated right by 4).
 */
function desKeySchedule(key: Uint8Array, offset: number): Int32Array {
  // PC-1: 56 key bits into C (28) and D (28).
  let c = 0;
  let d = 0;
  for (let i = 0; i < 56; i++) {
    const bit = PC1[i]! - 1;
    const v = (key[offset + (bit >>> 3)]! >>> (7 - (bit & 7))) & 1;
    if (i < 28) c |= v << (27 - i);
    else d |= v << (55 - i);
  }
  const ks = new Int32Array(32);
  for (let round = 0; round < 16; round++) {
    const sh = SHIFTS[round]!;
    c = ((c << sh) | (c >>> (28 - sh))) & 0x0fffffff;
    d = ((d << sh) | (d >>> (28 - sh))) & 0x0fffffff;
    // PC-2: 48 bits out of C||D, as eight 6-bit chunks.
    const chunks = [0, 0, 0, 0, 0, 0, 0, 0];
    for (let j = 0; j < 48; j++) {
      const b = PC2[j]! - 1; // 0..55 over C||D
      const v = b < 28 ? (c >>> (27 - b)) & 1 : (d >>> (55 - b)) & 1;
      chunks[(j / 6) | 0] |= v << (5 - (j % 6));
    }
    ks[2 * round] = (chunks[1]! << 24) | (chunks[3]! << 16) | (chunks[5]! << 8) | chunks[7]!;
    ks[2 * round + 1] = (chunks[0]! << 24) | (chunks[2]! << 16) | (chunks[4]! << 8) | chunks[6]!;
  }
  return ks;
}

/** The same round keys in reverse round order (decryption). */
function reverseSchedule(ks: Int32Array): Int32Array {
  const out = new Int32Array(32);
  for (let r = 0; r < 16; r++) {
    out[2 * r] = ks[30 - 2 * r]!;
    out[2 * r + 1] = ks[31 - 2 * r]!;
  }
  return out;
}

function concatSchedules(...parts: Int32Array[]): Int32Array {
  const out = new Int32Array(32 * parts.length);
  parts.forEach((p, i) => out.set(p, 32 * i));
  return out;
}

// ---------------------------------------------------------------------------------------------
// The block function

/** Output of cryptBlock (two words; a module-level scratch avoids an allocation per block). */
const halves = new Int32Array(2);

/**
 * Runs one block through IP, `ks.length / 32` DES passes (16 rounds each; consecutive passes need
 * no FP/IP between them, as FP then IP is the identity) and FP. Input and output are the two
 * big-endian 32-bit halves of the block.
 */
function cryptBlock(ks: Int32Array, left: number, right: number): void {
  let l = left;
  let r = right;
  let t: number;
  // Initial permutation, as five masked swaps.
  t = ((l >>> 4) ^ r) & 0x0f0f0f0f; r ^= t; l ^= t << 4;
  t = ((l >>> 16) ^ r) & 0x0000ffff; r ^= t; l ^= t << 16;
  t = ((r >>> 2) ^ l) & 0x33333333; l ^= t; r ^= t << 2;
  t = ((r >>> 8) ^ l) & 0x00ff00ff; l ^= t; r ^= t << 8;
  t = ((l >>> 1) ^ r) & 0x55555555; r ^= t; l ^= t << 1;
  l = (l << 1) | (l >>> 31);
  r = (r << 1) | (r >>> 31);

  const sp = SP;
  const n = ks.length;
  for (let k = 0; k < n; k += 32) {
    const end = k + 32;
    for (let i = k; i < end; i += 4) {
      let u = r ^ ks[i]!;
      let v = ((r >>> 4) | (r << 28)) ^ ks[i + 1]!;
      l ^=
        sp[64 + ((u >>> 24) & 63)]! | sp[192 + ((u >>> 16) & 63)]! | sp[320 + ((u >>> 8) & 63)]! | sp[448 + (u & 63)]! |
        sp[(v >>> 24) & 63]! | sp[128 + ((v >>> 16) & 63)]! | sp[256 + ((v >>> 8) & 63)]! | sp[384 + (v & 63)]!;
      u = l ^ ks[i + 2]!;
      v = ((l >>> 4) | (l << 28)) ^ ks[i + 3]!;
      r ^=
        sp[64 + ((u >>> 24) & 63)]! | sp[192 + ((u >>> 16) & 63)]! | sp[320 + ((u >>> 8) & 63)]! | sp[448 + (u & 63)]! |
        sp[(v >>> 24) & 63]! | sp[128 + ((v >>> 16) & 63)]! | sp[256 + ((v >>> 8) & 63)]! | sp[384 + (v & 63)]!;
    }
    // The pass ends with R16 L16 (the halves swapped).
    t = l; l = r; r = t;
  }

  l = (l >>> 1) | (l << 31);
  r = (r >>> 1) | (r << 31);
  // Final permutation (inverse of the above).
  t = ((l >>> 1) ^ r) & 0x55555555; r ^= t; l ^= t << 1;
  t = ((r >>> 8) ^ l) & 0x00ff00ff; l ^= t; r ^= t << 8;
  t = ((r >>> 2) ^ l) & 0x33333333; l ^= t; r ^= t << 2;
  t = ((l >>> 16) ^ r) & 0x0000ffff; r ^= t; l ^= t << 16;
  t = ((l >>> 4) ^ r) & 0x0f0f0f0f; r ^= t; l ^= t << 4;
  halves[0] = l;
  halves[1] = r;
}

// ---------------------------------------------------------------------------------------------
// Modes

function readU32(b: Uint8Array, i: number): number {
  return (b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!;
}
function writeU32(b: Uint8Array, i: number, v: number): void {
  b[i] = v >>> 24;
  b[i + 1] = v >>> 16;
  b[i + 2] = v >>> 8;
  b[i + 3] = v;
}

function checkBlocks(data: Uint8Array, what: string): void {
  if (!(data instanceof Uint8Array)) throw new TypeError(`${what}: data must be a Uint8Array`);
  if (data.length % 8 !== 0) throw new RangeError(`${what}: data length ${data.length} is not a multiple of 8`);
}

/** A CBC cipher with its chaining value kept across calls (TLS 1.0 implicit IV). */
export interface CbcCipher {
  encrypt(data: Uint8Array): Uint8Array;
  decrypt(data: Uint8Array): Uint8Array;
}

/**
 * CBC over a DES-family block function. One chaining value is shared by both directions, as one
 * object is used for one direction of one connection; consecutive calls in the same direction
 * behave exactly like one long call.
 */
class DesCbc implements CbcCipher {
  private iv0: number;
  private iv1: number;
  constructor(
    private readonly encKs: Int32Array,
    private readonly decKs: Int32Array,
    iv: Uint8Array,
    private readonly what: string,
  ) {
    if (!(iv instanceof Uint8Array) || iv.length !== 8) throw new RangeError(`${what}: IV must be 8 bytes`);
    this.iv0 = readU32(iv, 0);
    this.iv1 = readU32(iv, 4);
  }

  encrypt(data: Uint8Array): Uint8Array {
    checkBlocks(data, this.what);
    const out = new Uint8Array(data.length);
    const ks = this.encKs;
    let c0 = this.iv0;
    let c1 = this.iv1;
    for (let i = 0; i < data.length; i += 8) {
      cryptBlock(ks, readU32(data, i) ^ c0, readU32(data, i + 4) ^ c1);
      c0 = halves[0]!;
      c1 = halves[1]!;
      writeU32(out, i, c0);
      writeU32(out, i + 4, c1);
    }
    this.iv0 = c0;
    this.iv1 = c1;
    return out;
  }

  decrypt(data: Uint8Array): Uint8Array {
    checkBlocks(data, this.what);
    const out = new Uint8Array(data.length);
    const ks = this.decKs;
    let c0 = this.iv0;
    let c1 = this.iv1;
    for (let i = 0; i < data.length; i += 8) {
      const x0 = readU32(data, i);
      const x1 = readU32(data, i + 4);
      cryptBlock(ks, x0, x1);
      writeU32(out, i, halves[0]! ^ c0);
      writeU32(out, i + 4, halves[1]! ^ c1);
      c0 = x0;
      c1 = x1;
    }
    this.iv0 = c0;
    this.iv1 = c1;
    return out;
  }
}

function checkKey(key: Uint8Array, length: number, what: string): void {
  if (!(key instanceof Uint8Array) || key.length !== length) throw new RangeError(`${what}: key must be ${length} bytes`);
}

/** Single DES in CBC mode, no padding; 8-byte key (parity ignored), 8-byte IV. */
export function desCbc(key: Uint8Array, iv: Uint8Array): CbcCipher {
  checkKey(key, 8, 'DES-CBC');
  const ks = desKeySchedule(key, 0);
  return new DesCbc(ks, reverseSchedule(ks), iv, 'DES-CBC');
}

/** Schedules for 3DES-EDE with K1||K2||K3: encrypt = E(K3, D(K2, E(K1, x))). */
function des3Schedules(key: Uint8Array): { enc: Int32Array; dec: Int32Array } {
  const k1 = desKeySchedule(key, 0);
  const k2 = desKeySchedule(key, 8);
  const k3 = desKeySchedule(key, 16);
  return {
    enc: concatSchedules(k1, reverseSchedule(k2), k3),
    dec: concatSchedules(reverseSchedule(k3), k2, reverseSchedule(k1)),
  };
}

/** Triple DES (EDE, three independent keys K1||K2||K3, 24 bytes) in CBC mode, no padding. */
export function des3Cbc(key: Uint8Array, iv: Uint8Array): CbcCipher {
  checkKey(key, 24, '3DES-CBC');
  const { enc, dec } = des3Schedules(key);
  return new DesCbc(enc, dec, iv, '3DES-CBC');
}

/** A raw block cipher for ECB known-answer tests: encrypt/decrypt any number of whole blocks. */
export interface EcbCipher {
  encrypt(data: Uint8Array): Uint8Array;
  decrypt(data: Uint8Array): Uint8Array;
}

function ecb(encKs: Int32Array, decKs: Int32Array, what: string): EcbCipher {
  const run = (ks: Int32Array, data: Uint8Array): Uint8Array => {
    checkBlocks(data, what);
    const out = new Uint8Array(data.length);
    for (let i = 0; i < data.length; i += 8) {
      cryptBlock(ks, readU32(data, i), readU32(data, i + 4));
      writeU32(out, i, halves[0]!);
      writeU32(out, i + 4, halves[1]!);
    }
    return out;
  };
  return { encrypt: (d) => run(encKs, d), decrypt: (d) => run(decKs, d) };
}

/** DES in ECB mode (tests and vectors only; TLS never uses ECB). */
export function desEcb(key: Uint8Array): EcbCipher {
  checkKey(key, 8, 'DES-ECB');
  const ks = desKeySchedule(key, 0);
  return ecb(ks, reverseSchedule(ks), 'DES-ECB');
}

/** 3DES-EDE in ECB mode (tests and vectors only). */
export function des3Ecb(key: Uint8Array): EcbCipher {
  checkKey(key, 24, '3DES-ECB');
  const { enc, dec } = des3Schedules(key);
  return ecb(enc, dec, '3DES-ECB');
}
