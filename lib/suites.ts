/**
 * THE cipher-suite table: every suite of RFC 2246 (Appendix A.5) and RFC 3268, one row each,
 * with the facts the rest of the code base needs. Nothing else hard-codes suite properties:
 * the record layer, key schedule and policy all read this table.
 *
 * Cipher facts come from RFC 2246 Appendix C (key material, expanded key material, effective bits,
 * IV size, block size) and RFC 3268 section 3.
 */
import { CIPHER_GEOMETRY } from './crypto/cipher-geometry.js';
import type { BulkCipherName, HashName } from './crypto/provider.js';

export type KeyExchange =
  | 'NULL'
  | 'RSA'
  | 'RSA_EXPORT'
  | 'DH_DSS'
  | 'DH_DSS_EXPORT'
  | 'DH_RSA'
  | 'DH_RSA_EXPORT'
  | 'DHE_DSS'
  | 'DHE_DSS_EXPORT'
  | 'DHE_RSA'
  | 'DHE_RSA_EXPORT'
  | 'DH_anon'
  | 'DH_anon_EXPORT'
  | 'PSK'
  | 'DHE_PSK'
  | 'RSA_PSK';

export type CipherAlgorithm =
  | 'NULL'
  | 'RC4_40'
  | 'RC4_128'
  | 'RC2_CBC_40'
  | 'IDEA_CBC'
  | 'DES40_CBC'
  | 'DES_CBC'
  | '3DES_EDE_CBC'
  | 'AES_128_CBC'
  | 'AES_256_CBC';

export type MacAlgorithm = 'NULL' | 'MD5' | 'SHA';

export interface CipherInfo {
  readonly type: 'stream' | 'block' | 'null';
  /** Bytes of key taken from the key block (RFC 2246 App. C "Key Material"). */
  readonly keyMaterial: number;
  /** Bytes of key after export expansion ("Expanded Key Material"). */
  readonly expandedKeyMaterial: number;
  /** Effective key bits (used by TS 33.141 7.2(d)). */
  readonly effectiveKeyBits: number;
  readonly ivSize: number;
  readonly blockSize: number;
  /** The provider cipher that runs it, or null when ut-tls has no implementation. */
  readonly provider: BulkCipherName | null;
}

/** A cipher a provider runs: its sizes come from the one geometry table (crypto/cipher-geometry.ts). */
function provided(provider: BulkCipherName): CipherInfo {
  const g = CIPHER_GEOMETRY[provider];
  return { type: g.type, keyMaterial: g.key, expandedKeyMaterial: g.key, effectiveKeyBits: g.effectiveKeyBits, ivSize: g.iv, blockSize: g.block, provider };
}

/**
 * Ciphers with a provider take their sizes from the geometry table; the others (no provider, never
 * negotiated) keep their RFC 2246 Appendix C facts here only so the table can describe and refuse them.
 */
export const CIPHERS: Readonly<Record<CipherAlgorithm, CipherInfo>> = {
  NULL: { type: 'null', keyMaterial: 0, expandedKeyMaterial: 0, effectiveKeyBits: 0, ivSize: 0, blockSize: 0, provider: null },
  RC4_40: { type: 'stream', keyMaterial: 5, expandedKeyMaterial: 16, effectiveKeyBits: 40, ivSize: 0, blockSize: 0, provider: null },
  RC4_128: provided('rc4'),
  RC2_CBC_40: { type: 'block', keyMaterial: 5, expandedKeyMaterial: 16, effectiveKeyBits: 40, ivSize: 8, blockSize: 8, provider: null },
  IDEA_CBC: { type: 'block', keyMaterial: 16, expandedKeyMaterial: 16, effectiveKeyBits: 128, ivSize: 8, blockSize: 8, provider: null },
  DES40_CBC: { type: 'block', keyMaterial: 5, expandedKeyMaterial: 8, effectiveKeyBits: 40, ivSize: 8, blockSize: 8, provider: null },
  DES_CBC: provided('des-cbc'),
  '3DES_EDE_CBC': provided('3des-cbc'),
  AES_128_CBC: provided('aes-128-cbc'),
  AES_256_CBC: provided('aes-256-cbc'),
};

export const MACS: Readonly<Record<MacAlgorithm, { hash: HashName | null; length: number }>> = {
  NULL: { hash: null, length: 0 },
  MD5: { hash: 'md5', length: 16 },
  SHA: { hash: 'sha1', length: 20 },
};

export interface CipherSuite {
  readonly id: number;
  /** The RFC name, e.g. TLS_RSA_WITH_3DES_EDE_CBC_SHA. */
  readonly name: string;
  /** The OpenSSL name, e.g. DES-CBC3-SHA. */
  readonly openssl: string;
  readonly keyExchange: KeyExchange;
  readonly cipher: CipherAlgorithm;
  readonly mac: MacAlgorithm;
  readonly anonymous: boolean;
  readonly exportable: boolean;
  readonly nullCipher: boolean;
  readonly nullMac: boolean;
  /** The RFC that defines it. */
  readonly rfc: 'RFC 2246' | 'RFC 3268' | 'RFC 4279';
  /**
   * RFC 4279: the key exchange uses a pre-shared key, so the suite is offered and accepted only when the
   * application configured pskCallback (policy/suite-selection.ts; secure default: no PSK).
   */
  readonly psk: boolean;
  /** True when ut-tls can negotiate it (key exchange and cipher both implemented). */
  readonly implemented: boolean;
  /**
   * RFC 2246 7.4.2: the keyUsage bit the server certificate's key needs for this key exchange
   * (keyEncipherment to receive an RSA premaster, digitalSignature to sign DH parameters), or null when
   * ut-tls does not implement the key exchange. On the row so x509 and the socket layer, below the
   * engine's key-exchange strategies (engine/key-exchange/), read it without knowing names. Also null
   * for a key exchange without server certificate (RFC 4279 PSK, DHE_PSK).
   */
  readonly serverKeyUsage: ServerKeyUsage | null;
}

export type ServerKeyUsage = 'keyEncipherment' | 'digitalSignature';

/**
 * The key exchanges ut-tls implements (each has its strategy in engine/key-exchange/, registered in
 * its index.ts; test/engine/key-exchange.test.ts checks the two agree) and what each needs of the
 * server certificate. A new key exchange adds its line here.
 */
const IMPLEMENTED_KX: Readonly<Partial<Record<KeyExchange, { readonly serverKeyUsage: ServerKeyUsage | null }>>> = {
  RSA: { serverKeyUsage: 'keyEncipherment' },
  DHE_RSA: { serverKeyUsage: 'digitalSignature' },
  // RFC 4279: PSK and DHE_PSK send no certificate (null); RSA_PSK receives an RSA-encrypted secret.
  PSK: { serverKeyUsage: null },
  DHE_PSK: { serverKeyUsage: null },
  RSA_PSK: { serverKeyUsage: 'keyEncipherment' },
};

/**
 * The keyUsage bit an implemented key exchange (by name, as in the row) needs of the server key: null
 * when it uses no server certificate, undefined when ut-tls does not implement it.
 */
export function serverKeyUsageOf(keyExchange: string): ServerKeyUsage | null | undefined {
  return Object.prototype.hasOwnProperty.call(IMPLEMENTED_KX, keyExchange) ? IMPLEMENTED_KX[keyExchange as KeyExchange]?.serverKeyUsage : undefined;
}

/** The names of the implemented key exchanges. */
export const IMPLEMENTED_KEY_EXCHANGES: readonly KeyExchange[] = Object.keys(IMPLEMENTED_KX) as KeyExchange[];

function suite(id: number, name: string, openssl: string): CipherSuite {
  const m = /^TLS_(.+)_WITH_(.+)_(NULL|MD5|SHA)$/.exec(name);
  if (!m) throw new Error(`suite table: cannot parse ${name}`);
  const keyExchange = m[1] as KeyExchange;
  const cipher = m[2] as CipherAlgorithm;
  const mac = m[3] as MacAlgorithm;
  if (!(cipher in CIPHERS)) throw new Error(`suite table: unknown cipher in ${name}`);
  const info = CIPHERS[cipher];
  return Object.freeze({
    id,
    name,
    openssl,
    keyExchange,
    cipher,
    mac,
    anonymous: keyExchange.startsWith('DH_anon'),
    exportable: keyExchange.endsWith('_EXPORT'),
    nullCipher: cipher === 'NULL',
    nullMac: mac === 'NULL',
    rfc: id >= 0x8a ? 'RFC 4279' : id >= 0x2f ? 'RFC 3268' : 'RFC 2246',
    psk: keyExchange.endsWith('PSK'),
    implemented: serverKeyUsageOf(keyExchange) !== undefined && mac !== 'NULL' && (cipher === 'NULL' || info.provider !== null),
    serverKeyUsage: serverKeyUsageOf(keyExchange) ?? null,
  });
}

export const CIPHER_SUITES: readonly CipherSuite[] = [
  suite(0x0000, 'TLS_NULL_WITH_NULL_NULL', 'NULL-NULL'),
  suite(0x0001, 'TLS_RSA_WITH_NULL_MD5', 'NULL-MD5'),
  suite(0x0002, 'TLS_RSA_WITH_NULL_SHA', 'NULL-SHA'),
  suite(0x0003, 'TLS_RSA_EXPORT_WITH_RC4_40_MD5', 'EXP-RC4-MD5'),
  suite(0x0004, 'TLS_RSA_WITH_RC4_128_MD5', 'RC4-MD5'),
  suite(0x0005, 'TLS_RSA_WITH_RC4_128_SHA', 'RC4-SHA'),
  suite(0x0006, 'TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5', 'EXP-RC2-CBC-MD5'),
  suite(0x0007, 'TLS_RSA_WITH_IDEA_CBC_SHA', 'IDEA-CBC-SHA'),
  suite(0x0008, 'TLS_RSA_EXPORT_WITH_DES40_CBC_SHA', 'EXP-DES-CBC-SHA'),
  suite(0x0009, 'TLS_RSA_WITH_DES_CBC_SHA', 'DES-CBC-SHA'),
  suite(0x000a, 'TLS_RSA_WITH_3DES_EDE_CBC_SHA', 'DES-CBC3-SHA'),
  suite(0x000b, 'TLS_DH_DSS_EXPORT_WITH_DES40_CBC_SHA', 'EXP-DH-DSS-DES-CBC-SHA'),
  suite(0x000c, 'TLS_DH_DSS_WITH_DES_CBC_SHA', 'DH-DSS-DES-CBC-SHA'),
  suite(0x000d, 'TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA', 'DH-DSS-DES-CBC3-SHA'),
  suite(0x000e, 'TLS_DH_RSA_EXPORT_WITH_DES40_CBC_SHA', 'EXP-DH-RSA-DES-CBC-SHA'),
  suite(0x000f, 'TLS_DH_RSA_WITH_DES_CBC_SHA', 'DH-RSA-DES-CBC-SHA'),
  suite(0x0010, 'TLS_DH_RSA_WITH_3DES_EDE_CBC_SHA', 'DH-RSA-DES-CBC3-SHA'),
  suite(0x0011, 'TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA', 'EXP-EDH-DSS-DES-CBC-SHA'),
  suite(0x0012, 'TLS_DHE_DSS_WITH_DES_CBC_SHA', 'EDH-DSS-DES-CBC-SHA'),
  suite(0x0013, 'TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA', 'EDH-DSS-DES-CBC3-SHA'),
  suite(0x0014, 'TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA', 'EXP-EDH-RSA-DES-CBC-SHA'),
  suite(0x0015, 'TLS_DHE_RSA_WITH_DES_CBC_SHA', 'EDH-RSA-DES-CBC-SHA'),
  suite(0x0016, 'TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA', 'EDH-RSA-DES-CBC3-SHA'),
  suite(0x0017, 'TLS_DH_anon_EXPORT_WITH_RC4_40_MD5', 'EXP-ADH-RC4-MD5'),
  suite(0x0018, 'TLS_DH_anon_WITH_RC4_128_MD5', 'ADH-RC4-MD5'),
  suite(0x0019, 'TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA', 'EXP-ADH-DES-CBC-SHA'),
  suite(0x001a, 'TLS_DH_anon_WITH_DES_CBC_SHA', 'ADH-DES-CBC-SHA'),
  suite(0x001b, 'TLS_DH_anon_WITH_3DES_EDE_CBC_SHA', 'ADH-DES-CBC3-SHA'),
  suite(0x002f, 'TLS_RSA_WITH_AES_128_CBC_SHA', 'AES128-SHA'),
  suite(0x0030, 'TLS_DH_DSS_WITH_AES_128_CBC_SHA', 'DH-DSS-AES128-SHA'),
  suite(0x0031, 'TLS_DH_RSA_WITH_AES_128_CBC_SHA', 'DH-RSA-AES128-SHA'),
  suite(0x0032, 'TLS_DHE_DSS_WITH_AES_128_CBC_SHA', 'DHE-DSS-AES128-SHA'),
  suite(0x0033, 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA', 'DHE-RSA-AES128-SHA'),
  suite(0x0034, 'TLS_DH_anon_WITH_AES_128_CBC_SHA', 'ADH-AES128-SHA'),
  suite(0x0035, 'TLS_RSA_WITH_AES_256_CBC_SHA', 'AES256-SHA'),
  suite(0x0036, 'TLS_DH_DSS_WITH_AES_256_CBC_SHA', 'DH-DSS-AES256-SHA'),
  suite(0x0037, 'TLS_DH_RSA_WITH_AES_256_CBC_SHA', 'DH-RSA-AES256-SHA'),
  suite(0x0038, 'TLS_DHE_DSS_WITH_AES_256_CBC_SHA', 'DHE-DSS-AES256-SHA'),
  suite(0x0039, 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA', 'DHE-RSA-AES256-SHA'),
  suite(0x003a, 'TLS_DH_anon_WITH_AES_256_CBC_SHA', 'ADH-AES256-SHA'),
  // RFC 4279 section 6 (IANA values), OpenSSL names as `openssl ciphers -V PSK`.
  suite(0x008a, 'TLS_PSK_WITH_RC4_128_SHA', 'PSK-RC4-SHA'),
  suite(0x008b, 'TLS_PSK_WITH_3DES_EDE_CBC_SHA', 'PSK-3DES-EDE-CBC-SHA'),
  suite(0x008c, 'TLS_PSK_WITH_AES_128_CBC_SHA', 'PSK-AES128-CBC-SHA'),
  suite(0x008d, 'TLS_PSK_WITH_AES_256_CBC_SHA', 'PSK-AES256-CBC-SHA'),
  suite(0x008e, 'TLS_DHE_PSK_WITH_RC4_128_SHA', 'DHE-PSK-RC4-SHA'),
  suite(0x008f, 'TLS_DHE_PSK_WITH_3DES_EDE_CBC_SHA', 'DHE-PSK-3DES-EDE-CBC-SHA'),
  suite(0x0090, 'TLS_DHE_PSK_WITH_AES_128_CBC_SHA', 'DHE-PSK-AES128-CBC-SHA'),
  suite(0x0091, 'TLS_DHE_PSK_WITH_AES_256_CBC_SHA', 'DHE-PSK-AES256-CBC-SHA'),
  suite(0x0092, 'TLS_RSA_PSK_WITH_RC4_128_SHA', 'RSA-PSK-RC4-SHA'),
  suite(0x0093, 'TLS_RSA_PSK_WITH_3DES_EDE_CBC_SHA', 'RSA-PSK-3DES-EDE-CBC-SHA'),
  suite(0x0094, 'TLS_RSA_PSK_WITH_AES_128_CBC_SHA', 'RSA-PSK-AES128-CBC-SHA'),
  suite(0x0095, 'TLS_RSA_PSK_WITH_AES_256_CBC_SHA', 'RSA-PSK-AES256-CBC-SHA'),
];

/** Signalling cipher-suite values: never negotiable. */
export const TLS_EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff; // RFC 5746 3.3
export const TLS_FALLBACK_SCSV = 0x5600; // RFC 7507

const BY_ID = new Map(CIPHER_SUITES.map((s) => [s.id, s]));
const BY_NAME = new Map<string, CipherSuite>();
for (const s of CIPHER_SUITES) {
  BY_NAME.set(s.name.toUpperCase(), s);
  BY_NAME.set(s.openssl.toUpperCase(), s);
}

export function suiteById(id: number): CipherSuite | undefined {
  return BY_ID.get(id);
}

/** Accepts RFC names (TLS_RSA_WITH_3DES_EDE_CBC_SHA) and OpenSSL names (DES-CBC3-SHA), any case. */
export function suiteByName(name: string): CipherSuite | undefined {
  return BY_NAME.get(name.trim().toUpperCase());
}

export function cipherInfo(s: CipherSuite): CipherInfo {
  return CIPHERS[s.cipher];
}

export function macInfo(s: CipherSuite): { hash: HashName | null; length: number } {
  return MACS[s.mac];
}

/** "0x000A" for display. */
export function suiteHex(id: number): string {
  return '0x' + id.toString(16).toUpperCase().padStart(4, '0');
}
