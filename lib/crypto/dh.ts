/**
 * Finite-field Diffie-Hellman for the DHE_RSA suites (RFC 2246 7.4.3 ServerDHParams, 7.4.7.2
 * ClientDiffieHellmanPublic, 8.1.2 premaster): named groups for our server, validation of the
 * groups and public values a peer sends, key generation and the shared secret.
 */
import type { RandomSource } from './provider.js';
import { bigIntToMinimalBytes, bitLength, bytesToBigInt, modPow } from './bigint.js';
import { AlertDescription } from '../alerts.js';
import { TLSAlertError } from '../errors.js';

export interface DhGroup {
  readonly p: bigint;
  readonly g: bigint;
  /** Bit length of p. */
  readonly bits: number;
  /**
   * Private exponent length in bits for a group whose structure we know (a safe prime from an RFC).
   * Absent for a group a peer chose: the exponent is then full size, because a short exponent is
   * only safe when p − 1 has no small factors besides 2, which we cannot check cheaply.
   */
  readonly exponentBits?: number;
}

function hexPrime(text: string): bigint {
  return BigInt('0x' + text.replace(/\s+/g, ''));
}

/**
 * RFC 3526 section 3, the 2048-bit MODP group (IKE group 14), generator 2.
 * p = 2^2048 − 2^1984 − 1 + 2^64 · ([2^1918 π] + 124476). The same prime node:crypto calls 'modp14'.
 * Exponent: RFC 3526 section 8 puts the group's strength at 110–160 bits and asks for an exponent
 * of twice that; 320 bits covers the upper estimate.
 */
export const MODP_GROUP_14: DhGroup = Object.freeze({
  p: hexPrime(`
    FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1
    29024E08 8A67CC74 020BBEA6 3B139B22 514A0879 8E3404DD
    EF9519B3 CD3A431B 302B0A6D F25F1437 4FE1356D 6D51C245
    E485B576 625E7EC6 F44C42E9 A637ED6B 0BFF5CB6 F406B7ED
    EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE45B3D
    C2007CB8 A163BF05 98DA4836 1C55D39A 69163FA8 FD24CF5F
    83655D23 DCA3AD96 1C62F356 208552BB 9ED52907 7096966D
    670C354E 4ABC9804 F1746C08 CA18217C 32905E46 2E36CE3B
    E39E772C 180E8603 9B2783A2 EC07A28F B5C55DF0 6F4C52C9
    DE2BCBF6 95581718 3995497C EA956AE5 15D22618 98FA0510
    15728E5A 8AACAA68 FFFFFFFF FFFFFFFF`),
  g: 2n,
  bits: 2048,
  exponentBits: 320,
});

/**
 * RFC 7919 appendix A.1, ffdhe2048, generator 2.
 * p = 2^2048 − 2^1984 + ([2^1918 · e] + 560316) · 2^64 − 1, a safe prime.
 * Exponent: RFC 7919 section 5.2 asks for at least 225 bits for this group; we use 256.
 */
export const FFDHE2048: DhGroup = Object.freeze({
  p: hexPrime(`
    FFFFFFFF FFFFFFFF ADF85458 A2BB4A9A AFDC5620 273D3CF1
    D8B9C583 CE2D3695 A9E13641 146433FB CC939DCE 249B3EF9
    7D2FE363 630C75D8 F681B202 AEC4617A D3DF1ED5 D5FD6561
    2433F51F 5F066ED0 85636555 3DED1AF3 B557135E 7F57C935
    984F0C70 E0E68B77 E2A689DA F3EFE872 1DF158A1 36ADE735
    30ACCA4F 483A797A BC0AB182 B324FB61 D108A94B B2C8E3FB
    B96ADAB7 60D7F468 1D4F42A3 DE394DF4 AE56EDE7 6372BB19
    0B07A7C8 EE0A6D70 9E02FCE1 CDF7E2EC C03404CD 28342F61
    9172FE9C E98583FF 8E4F1232 EEF28183 C3FE3B1B 4C6FAD73
    3BB5FCBC 2EC22005 C58EF183 7D1683B2 C6F34A26 C1B2EFFA
    886B4238 61285C97 FFFFFFFF FFFFFFFF`),
  g: 2n,
  bits: 2048,
  exponentBits: 256,
});

/**
 * RFC 7919 appendix A.2, ffdhe3072, generator 2.
 * p = 2^3072 − 2^3008 + ([2^2942 · e] + 2625351) · 2^64 − 1, a safe prime.
 * Exponent: RFC 7919 section 5.2 asks for at least 275 bits; we use 320.
 */
export const FFDHE3072: DhGroup = Object.freeze({
  p: hexPrime(`
    FFFFFFFF FFFFFFFF ADF85458 A2BB4A9A AFDC5620 273D3CF1
    D8B9C583 CE2D3695 A9E13641 146433FB CC939DCE 249B3EF9
    7D2FE363 630C75D8 F681B202 AEC4617A D3DF1ED5 D5FD6561
    2433F51F 5F066ED0 85636555 3DED1AF3 B557135E 7F57C935
    984F0C70 E0E68B77 E2A689DA F3EFE872 1DF158A1 36ADE735
    30ACCA4F 483A797A BC0AB182 B324FB61 D108A94B B2C8E3FB
    B96ADAB7 60D7F468 1D4F42A3 DE394DF4 AE56EDE7 6372BB19
    0B07A7C8 EE0A6D70 9E02FCE1 CDF7E2EC C03404CD 28342F61
    9172FE9C E98583FF 8E4F1232 EEF28183 C3FE3B1B 4C6FAD73
    3BB5FCBC 2EC22005 C58EF183 7D1683B2 C6F34A26 C1B2EFFA
    886B4238 611FCFDC DE355B3B 6519035B BC34F4DE F99C0238
    61B46FC9 D6E6C907 7AD91D26 91F7F7EE 598CB0FA C186D91C
    AEFE1309 85139270 B4130C93 BC437944 F4FD4452 E2D74DD3
    64F2E21E 71F54BFF 5CAE82AB 9C9DF69E E86D2BC5 22363A0D
    ABC52197 9B0DEADA 1DBF9A42 D5C4484E 0ABCD06B FA53DDEF
    3C1B20EE 3FD59D7C 25E41D2B 66C62E37 FFFFFFFF FFFFFFFF`),
  g: 2n,
  bits: 3072,
  exponentBits: 320,
});

/**
 * RFC 7919 appendix A.3, ffdhe4096, generator 2.
 * p = 2^4096 − 2^4032 + ([2^3966 · e] + 5736041) · 2^64 − 1, a safe prime.
 * Exponent: RFC 7919 section 5.2 asks for at least 325 bits; we use 384.
 */
export const FFDHE4096: DhGroup = Object.freeze({
  p: hexPrime(`
    FFFFFFFF FFFFFFFF ADF85458 A2BB4A9A AFDC5620 273D3CF1
    D8B9C583 CE2D3695 A9E13641 146433FB CC939DCE 249B3EF9
    7D2FE363 630C75D8 F681B202 AEC4617A D3DF1ED5 D5FD6561
    2433F51F 5F066ED0 85636555 3DED1AF3 B557135E 7F57C935
    984F0C70 E0E68B77 E2A689DA F3EFE872 1DF158A1 36ADE735
    30ACCA4F 483A797A BC0AB182 B324FB61 D108A94B B2C8E3FB
    B96ADAB7 60D7F468 1D4F42A3 DE394DF4 AE56EDE7 6372BB19
    0B07A7C8 EE0A6D70 9E02FCE1 CDF7E2EC C03404CD 28342F61
    9172FE9C E98583FF 8E4F1232 EEF28183 C3FE3B1B 4C6FAD73
    3BB5FCBC 2EC22005 C58EF183 7D1683B2 C6F34A26 C1B2EFFA
    886B4238 611FCFDC DE355B3B 6519035B BC34F4DE F99C0238
    61B46FC9 D6E6C907 7AD91D26 91F7F7EE 598CB0FA C186D91C
    AEFE1309 85139270 B4130C93 BC437944 F4FD4452 E2D74DD3
    64F2E21E 71F54BFF 5CAE82AB 9C9DF69E E86D2BC5 22363A0D
    ABC52197 9B0DEADA 1DBF9A42 D5C4484E 0ABCD06B FA53DDEF
    3C1B20EE 3FD59D7C 25E41D2B 669E1EF1 6E6F52C3 164DF4FB
    7930E9E4 E58857B6 AC7D5F42 D69F6D18 7763CF1D 55034004
    87F55BA5 7E31CC7A 7135C886 EFB4318A ED6A1E01 2D9E6832
    A907600A 918130C4 6DC778F9 71AD0038 092999A3 33CB8B7A
    1A1DB93D 7140003C 2A4ECEA9 F98D0ACC 0A8291CD CEC97DCF
    8EC9B55A 7F88A46B 4DB5A851 F44182E1 C68A007E 5E655F6A
    FFFFFFFF FFFFFFFF`),
  g: 2n,
  bits: 4096,
  exponentBits: 384,
});

/**
 * RFC 7919 appendix A.4, ffdhe6144, generator 2.
 * p = 2^6144 − 2^6080 + ([2^6014 · e] + 15705020) · 2^64 − 1, a safe prime.
 * Exponent: RFC 7919 section 5.2 asks for at least 375 bits; we use 448.
 */
export const FFDHE6144: DhGroup = Object.freeze({
  p: hexPrime(`
    FFFFFFFF FFFFFFFF ADF85458 A2BB4A9A AFDC5620 273D3CF1
    D8B9C583 CE2D3695 A9E13641 146433FB CC939DCE 249B3EF9
    7D2FE363 630C75D8 F681B202 AEC4617A D3DF1ED5 D5FD6561
    2433F51F 5F066ED0 85636555 3DED1AF3 B557135E 7F57C935
    984F0C70 E0E68B77 E2A689DA F3EFE872 1DF158A1 36ADE735
    30ACCA4F 483A797A BC0AB182 B324FB61 D108A94B B2C8E3FB
    B96ADAB7 60D7F468 1D4F42A3 DE394DF4 AE56EDE7 6372BB19
    0B07A7C8 EE0A6D70 9E02FCE1 CDF7E2EC C03404CD 28342F61
    9172FE9C E98583FF 8E4F1232 EEF28183 C3FE3B1B 4C6FAD73
    3BB5FCBC 2EC22005 C58EF183 7D1683B2 C6F34A26 C1B2EFFA
    886B4238 611FCFDC DE355B3B 6519035B BC34F4DE F99C0238
    61B46FC9 D6E6C907 7AD91D26 91F7F7EE 598CB0FA C186D91C
    AEFE1309 85139270 B4130C93 BC437944 F4FD4452 E2D74DD3
    64F2E21E 71F54BFF 5CAE82AB 9C9DF69E E86D2BC5 22363A0D
    ABC52197 9B0DEADA 1DBF9A42 D5C4484E 0ABCD06B FA53DDEF
    3C1B20EE 3FD59D7C 25E41D2B 669E1EF1 6E6F52C3 164DF4FB
    7930E9E4 E58857B6 AC7D5F42 D69F6D18 7763CF1D 55034004
    87F55BA5 7E31CC7A 7135C886 EFB4318A ED6A1E01 2D9E6832
    A907600A 918130C4 6DC778F9 71AD0038 092999A3 33CB8B7A
    1A1DB93D 7140003C 2A4ECEA9 F98D0ACC 0A8291CD CEC97DCF
    8EC9B55A 7F88A46B 4DB5A851 F44182E1 C68A007E 5E0DD902
    0BFD64B6 45036C7A 4E677D2C 38532A3A 23BA4442 CAF53EA6
    3BB45432 9B7624C8 917BDD64 B1C0FD4C B38E8C33 4C701C3A
    CDAD0657 FCCFEC71 9B1F5C3E 4E46041F 388147FB 4CFDB477
    A52471F7 A9A96910 B855322E DB6340D8 A00EF092 350511E3
    0ABEC1FF F9E3A26E 7FB29F8C 183023C3 587E38DA 0077D9B4
    763E4E4B 94B2BBC1 94C6651E 77CAF992 EEAAC023 2A281BF6
    B3A739C1 22611682 0AE8DB58 47A67CBE F9C9091B 462D538C
    D72B0374 6AE77F5E 62292C31 1562A846 505DC82D B854338A
    E49F5235 C95B9117 8CCF2DD5 CACEF403 EC9D1810 C6272B04
    5B3B71F9 DC6B80D6 3FDD4A8E 9ADB1E69 62A69526 D43161C1
    A41D570D 7938DAD4 A40E329C D0E40E65 FFFFFFFF FFFFFFFF`),
  g: 2n,
  bits: 6144,
  exponentBits: 448,
});

/**
 * RFC 7919 appendix A.5, ffdhe8192, generator 2.
 * p = 2^8192 − 2^8128 + ([2^8062 · e] + 10965728) · 2^64 − 1, a safe prime.
 * Exponent: RFC 7919 section 5.2 asks for at least 400 bits; we use 512.
 */
export const FFDHE8192: DhGroup = Object.freeze({
  p: hexPrime(`
    FFFFFFFF FFFFFFFF ADF85458 A2BB4A9A AFDC5620 273D3CF1
    D8B9C583 CE2D3695 A9E13641 146433FB CC939DCE 249B3EF9
    7D2FE363 630C75D8 F681B202 AEC4617A D3DF1ED5 D5FD6561
    2433F51F 5F066ED0 85636555 3DED1AF3 B557135E 7F57C935
    984F0C70 E0E68B77 E2A689DA F3EFE872 1DF158A1 36ADE735
    30ACCA4F 483A797A BC0AB182 B324FB61 D108A94B B2C8E3FB
    B96ADAB7 60D7F468 1D4F42A3 DE394DF4 AE56EDE7 6372BB19
    0B07A7C8 EE0A6D70 9E02FCE1 CDF7E2EC C03404CD 28342F61
    9172FE9C E98583FF 8E4F1232 EEF28183 C3FE3B1B 4C6FAD73
    3BB5FCBC 2EC22005 C58EF183 7D1683B2 C6F34A26 C1B2EFFA
    886B4238 611FCFDC DE355B3B 6519035B BC34F4DE F99C0238
    61B46FC9 D6E6C907 7AD91D26 91F7F7EE 598CB0FA C186D91C
    AEFE1309 85139270 B4130C93 BC437944 F4FD4452 E2D74DD3
    64F2E21E 71F54BFF 5CAE82AB 9C9DF69E E86D2BC5 22363A0D
    ABC52197 9B0DEADA 1DBF9A42 D5C4484E 0ABCD06B FA53DDEF
    3C1B20EE 3FD59D7C 25E41D2B 669E1EF1 6E6F52C3 164DF4FB
    7930E9E4 E58857B6 AC7D5F42 D69F6D18 7763CF1D 55034004
    87F55BA5 7E31CC7A 7135C886 EFB4318A ED6A1E01 2D9E6832
    A907600A 918130C4 6DC778F9 71AD0038 092999A3 33CB8B7A
    1A1DB93D 7140003C 2A4ECEA9 F98D0ACC 0A8291CD CEC97DCF
    8EC9B55A 7F88A46B 4DB5A851 F44182E1 C68A007E 5E0DD902
    0BFD64B6 45036C7A 4E677D2C 38532A3A 23BA4442 CAF53EA6
    3BB45432 9B7624C8 917BDD64 B1C0FD4C B38E8C33 4C701C3A
    CDAD0657 FCCFEC71 9B1F5C3E 4E46041F 388147FB 4CFDB477
    A52471F7 A9A96910 B855322E DB6340D8 A00EF092 350511E3
    0ABEC1FF F9E3A26E 7FB29F8C 183023C3 587E38DA 0077D9B4
    763E4E4B 94B2BBC1 94C6651E 77CAF992 EEAAC023 2A281BF6
    B3A739C1 22611682 0AE8DB58 47A67CBE F9C9091B 462D538C
    D72B0374 6AE77F5E 62292C31 1562A846 505DC82D B854338A
    E49F5235 C95B9117 8CCF2DD5 CACEF403 EC9D1810 C6272B04
    5B3B71F9 DC6B80D6 3FDD4A8E 9ADB1E69 62A69526 D43161C1
    A41D570D 7938DAD4 A40E329C CFF46AAA 36AD004C F600C838
    1E425A31 D951AE64 FDB23FCE C9509D43 687FEB69 EDD1CC5E
    0B8CC3BD F64B10EF 86B63142 A3AB8829 555B2F74 7C932665
    CB2C0F1C C01BD702 29388839 D2AF05E4 54504AC7 8B758282
    2846C0BA 35C35F5C 59160CC0 46FD8251 541FC68C 9C86B022
    BB709987 6A460E74 51A8A931 09703FEE 1C217E6C 3826E52C
    51AA691E 0E423CFC 99E9E316 50C1217B 624816CD AD9A95F9
    D5B80194 88D9C0A0 A1FE3075 A577E231 83F81D4A 3F2FA457
    1EFC8CE0 BA8A4FE8 B6855DFE 72B0A66E DED2FBAB FBE58A30
    FAFABE1C 5D71A87E 2F741EF8 C1FE86FE A6BBFDE5 30677F0D
    97D11D49 F7A8443D 0822E506 A9F4614E 011E2A94 838FF88C
    D68C8BB7 C5C6424C FFFFFFFF FFFFFFFF`),
  g: 2n,
  bits: 8192,
  exponentBits: 512,
});

/**
 * Largest prime we accept from a peer: exponentiation cost grows with the cube of the size, so an
 * unbounded p is a denial of service. 10000 bits is OpenSSL's OPENSSL_DH_MAX_MODULUS_BITS.
 */
export const DH_MAX_PRIME_BITS = 10000;

/**
 * Checks the dh_p and dh_g a server sent in ServerKeyExchange and returns them as a group.
 * - p shorter than minBits: insufficient_security (71). RFC 2246 has no alert for "your DH group is
 *   too weak"; insufficient_security ("requires ciphers more secure than those supported",
 *   7.2.2) is the nearest, and the alert RFC 7919 (section 4) uses when no acceptable FFDHE
 *   group can be agreed.
 * - p longer than maxBits, p even, or g outside 1 < g < p − 1: illegal_parameter (47).
 */
export function validateDhParams(p: Uint8Array, g: Uint8Array, minBits: number, maxBits = DH_MAX_PRIME_BITS): DhGroup {
  const pv = bytesToBigInt(p);
  const bits = bitLength(pv);
  if (bits < minBits) {
    throw new TLSAlertError(
      AlertDescription.insufficient_security,
      `DH prime of ${bits} bits is below the minimum of ${minBits} bits`,
      { rule: 'ut-tls-dh-prime-too-small' },
    );
  }
  if (bits > maxBits) {
    throw new TLSAlertError(AlertDescription.illegal_parameter, `DH prime of ${bits} bits exceeds the limit of ${maxBits} bits`, { rule: 'ut-tls-dh-prime-too-large' });
  }
  if ((pv & 1n) === 0n || pv < 5n) {
    throw new TLSAlertError(AlertDescription.illegal_parameter, 'DH prime must be odd (RFC 2631 2.2: p is a large prime)', { rule: 'RFC2631-2.2-prime-odd' });
  }
  const gv = bytesToBigInt(g);
  if (gv <= 1n || gv >= pv - 1n) {
    throw new TLSAlertError(
      AlertDescription.illegal_parameter,
      'DH generator must satisfy 1 < g < p-1 (NIST SP 800-56A 5.5.2; g = 0, 1 or p-1 yields a trivial secret)',
      { rule: 'SP800-56A-5.5.2-generator-range' },
    );
  }
  return { p: pv, g: gv, bits };
}

/**
 * Checks a peer's public value (dh_Ys or dh_Yc) and returns it: 1 < Y < p − 1 (RFC 7919 5.1,
 * NIST SP 800-56A 5.6.2.3.1). Y = 0, 1 or p − 1 would force the shared secret into {0, 1, p − 1}.
 * Throws TLSAlertError illegal_parameter (47).
 */
export function validateDhPublic(p: bigint | Uint8Array, y: Uint8Array): bigint {
  const pv = typeof p === 'bigint' ? p : bytesToBigInt(p);
  const yv = bytesToBigInt(y);
  if (yv <= 1n || yv >= pv - 1n) {
    throw new TLSAlertError(AlertDescription.illegal_parameter, 'DH public value must satisfy 1 < Y < p-1 (RFC 7919 5.1)', { rule: 'RFC7919-5.1-public-value-range' });
  }
  return yv;
}

export interface DhKeyPair {
  /** The secret exponent x. */
  readonly privateKey: bigint;
  /** Y = g^x mod p as minimal big-endian bytes (dh_Ys / dh_Yc). */
  readonly publicKey: Uint8Array;
}

/**
 * A fresh key pair. The exponent has exactly `group.exponentBits` bits (top bit set) for a named
 * group, else bits(p) − 1 bits, so 2 <= x < p − 1 always holds. TLSAlertError illegal_parameter
 * if the group yields a degenerate public value (possible only for a peer's broken group).
 */
export function generateDhKeyPair(group: DhGroup, random: RandomSource): DhKeyPair {
  const expBits = Math.max(2, Math.min(group.exponentBits ?? group.bits - 1, group.bits - 1));
  const raw = bytesToBigInt(random((expBits + 7) >> 3));
  const top = 1n << BigInt(expBits - 1);
  const x = (raw & (top - 1n)) | top;
  const y = modPow(group.g, x, group.p);
  if (y <= 1n || y >= group.p - 1n) {
    throw new TLSAlertError(AlertDescription.illegal_parameter, 'DH group yields a degenerate public value (g has tiny order)', { rule: 'ut-tls-dh-degenerate-group' });
  }
  return { privateKey: x, publicKey: bigIntToMinimalBytes(y) };
}

/**
 * Z = Y^x mod p with leading zero bytes stripped: the TLS premaster for DH (RFC 5246 8.1.2;
 * RFC 2246 is silent on leading zeros, and every interoperating stack strips them).
 * Validates the peer's value first (TLSAlertError illegal_parameter), and rejects Z = 1, which a
 * peer can only cause with a value of small order.
 */
export function dhSharedSecret(group: DhGroup, privateKey: bigint, peerPublic: Uint8Array): Uint8Array {
  const y = validateDhPublic(group.p, peerPublic);
  const z = modPow(y, privateKey, group.p);
  if (z <= 1n) {
    throw new TLSAlertError(AlertDescription.illegal_parameter, 'DH shared secret is 1: peer public value has small order', { rule: 'RFC7919-5.1-small-order' });
  }
  return bigIntToMinimalBytes(z);
}

/** dh_p and dh_g as minimal big-endian bytes, for ServerDHParams. */
export function dhGroupBytes(group: DhGroup): { p: Uint8Array; g: Uint8Array } {
  return { p: bigIntToMinimalBytes(group.p), g: bigIntToMinimalBytes(group.g) };
}
