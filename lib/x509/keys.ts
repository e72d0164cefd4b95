/**
 * RSA key formats: PKCS#1 RSAPrivateKey / RSAPublicKey (RFC 8017 A.1), PKCS#8 PrivateKeyInfo
 * (RFC 5208) and X.509 SubjectPublicKeyInfo (RFC 5280 4.1.2.7), read and written with asn1js.
 *
 * Two kinds of input, two error types:
 * - private keys come from the application's configuration → TLSConfigError with a message that
 *   says what to do (decrypt the key, use an RSA key, ...);
 * - public keys come from the peer's certificate → DecodeError, which the engine turns into an alert.
 */
import * as asn1js from 'asn1js';
import { bitLength, bytesToBigInt } from '../crypto/bigint.js';
import type { RsaPrivateKey, RsaPublicKey } from '../crypto/provider.js';
import { TLSConfigError } from '../errors.js';
import { DecodeError } from '../util/bytes.js';
import { looksLikePem, pemDecodeBlocks, pemEncode } from './pem.js';

export const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1';

/** Key algorithms we recognise only to refuse them with a clear message. */
const OTHER_KEY_ALGORITHMS: Record<string, string> = {
  '1.2.840.10045.2.1': 'EC',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.10040.4.1': 'DSA',
  '1.2.840.113549.1.3.1': 'DH',
  '1.3.101.110': 'X25519',
  '1.3.101.111': 'X448',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
};

export function keyAlgorithmName(oid: string): string {
  return oid === OID_RSA_ENCRYPTION ? 'RSA' : (OTHER_KEY_ALGORITHMS[oid] ?? oid);
}

/** Modulus length in bytes (RsaPublicKey.size). */
const byteLength = (x: bigint): number => (bitLength(x) + 7) >> 3;

// ---- asn1js access with our own errors ----

type Fail = (message: string) => Error;
const configFail: Fail = (m) => new TLSConfigError(m);
const decodeFail: Fail = (m) => new DecodeError(m);

function derRoot(der: Uint8Array, what: string, fail: Fail): asn1js.AsnType {
  const parsed = asn1js.fromBER(der, { parseEmbedded: false });
  if (parsed.offset === -1) throw fail(`${what}: malformed DER (${parsed.result.error || 'parse error'})`);
  if (parsed.offset !== der.length) throw fail(`${what}: ${der.length - parsed.offset} trailing bytes after the DER structure`);
  return parsed.result;
}

function children(block: asn1js.AsnType, what: string, fail: Fail, min: number, max = min): asn1js.AsnType[] {
  if (!(block instanceof asn1js.Sequence)) throw fail(`${what}: expected a SEQUENCE`);
  const items = block.valueBlock.value as asn1js.AsnType[];
  if (items.length < min || items.length > max) throw fail(`${what}: expected ${min === max ? min : `${min}..${max}`} elements, found ${items.length}`);
  return items;
}

/** A non-negative INTEGER as bigint (keys have no negative fields). */
function uint(block: asn1js.AsnType | undefined, what: string, fail: Fail): bigint {
  if (!(block instanceof asn1js.Integer)) throw fail(`${what}: expected an INTEGER`);
  const bytes = block.valueBlock.valueHexView;
  if (bytes.length === 0) throw fail(`${what}: empty INTEGER`);
  if (bytes[0]! & 0x80) throw fail(`${what}: negative INTEGER`);
  return bytesToBigInt(bytes);
}

function oid(block: asn1js.AsnType | undefined, what: string, fail: Fail): string {
  if (!(block instanceof asn1js.ObjectIdentifier)) throw fail(`${what}: expected an OBJECT IDENTIFIER`);
  return block.valueBlock.toString();
}

/** AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL } → the OID. */
function algorithmOid(block: asn1js.AsnType | undefined, what: string, fail: Fail): string {
  if (!block) throw fail(`${what}: missing AlgorithmIdentifier`);
  const [id] = children(block, `${what} AlgorithmIdentifier`, fail, 1, 2);
  return oid(id, `${what} algorithm`, fail);
}

function publicKeyChecks(n: bigint, e: bigint, what: string, fail: Fail): void {
  // An even or tiny modulus, or e outside 3..n-1 / even, is not an RSA key; refusing it here keeps
  // the raw RSA operations from ever seeing such values.
  if (n < 0xffffn || (n & 1n) === 0n) throw fail(`${what}: modulus is not a plausible RSA modulus`);
  if (e < 3n || e >= n || (e & 1n) === 0n) throw fail(`${what}: public exponent ${e} is not valid`);
}

// ---- public keys (peer input → DecodeError) ----

/** PKCS#1 RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }. */
export function parseRsaPublicKey(der: Uint8Array): RsaPublicKey {
  const what = 'RSAPublicKey';
  const [nBlock, eBlock] = children(derRoot(der, what, decodeFail), what, decodeFail, 2);
  const n = uint(nBlock, `${what} modulus`, decodeFail);
  const e = uint(eBlock, `${what} publicExponent`, decodeFail);
  publicKeyChecks(n, e, what, decodeFail);
  return { n, e, size: byteLength(n) };
}

/** The algorithm OID and key bytes of a SubjectPublicKeyInfo, whatever the algorithm. */
export function parseSubjectPublicKeyInfo(spki: Uint8Array): { algorithm: string; parameters?: string; key: Uint8Array } {
  const what = 'SubjectPublicKeyInfo';
  const [alg, bits] = children(derRoot(spki, what, decodeFail), what, decodeFail, 2);
  const algItems = children(alg!, `${what} algorithm`, decodeFail, 1, 2);
  const algorithm = oid(algItems[0], `${what} algorithm`, decodeFail);
  const params = algItems[1];
  if (!(bits instanceof asn1js.BitString) || bits.valueBlock.isConstructed) throw new DecodeError(`${what}: subjectPublicKey is not a primitive BIT STRING`);
  if (bits.valueBlock.unusedBits !== 0) throw new DecodeError(`${what}: subjectPublicKey has unused bits`);
  const out: { algorithm: string; parameters?: string; key: Uint8Array } = { algorithm, key: bits.valueBlock.valueHexView.slice() };
  if (params instanceof asn1js.ObjectIdentifier) out.parameters = params.valueBlock.toString();
  return out;
}

/** SubjectPublicKeyInfo with rsaEncryption → RsaPublicKey. DecodeError for anything else. */
export function parseRsaPublicKeyInfo(spki: Uint8Array): RsaPublicKey {
  const info = parseSubjectPublicKeyInfo(spki);
  if (info.algorithm !== OID_RSA_ENCRYPTION) {
    throw new DecodeError(`SubjectPublicKeyInfo: ${keyAlgorithmName(info.algorithm)} key, not rsaEncryption`);
  }
  return parseRsaPublicKey(info.key);
}

// ---- private keys (configuration → TLSConfigError) ----

function rsaPrivateFromPkcs1(der: Uint8Array): RsaPrivateKey {
  const what = 'RSA private key (PKCS#1)';
  const items = children(derRoot(der, what, configFail), what, configFail, 9, 10);
  const version = uint(items[0], `${what} version`, configFail);
  if (version !== 0n || items.length !== 9) throw new TLSConfigError(`${what}: multi-prime RSA keys are not supported`);
  const [n, e, d, p, q, dp, dq, qinv] = items.slice(1).map((b, i) => uint(b, `${what} field ${i + 1}`, configFail)) as [
    bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint,
  ];
  publicKeyChecks(n, e, what, configFail);
  // Cheap consistency checks: a damaged key would otherwise give wrong signatures and decryptions
  // that only show up as a failed handshake on the peer's side.
  if (p * q !== n || p < 2n || q < 2n) throw new TLSConfigError(`${what}: modulus is not the product of its primes`);
  if (dp !== d % (p - 1n) || dq !== d % (q - 1n) || (qinv * q) % p !== 1n) {
    throw new TLSConfigError(`${what}: CRT parameters do not match the key`);
  }
  return { n, e, d, p, q, dp, dq, qinv, size: byteLength(n) };
}

function rsaPrivateFromPkcs8(der: Uint8Array): RsaPrivateKey {
  const what = 'private key (PKCS#8)';
  const items = children(derRoot(der, what, configFail), what, configFail, 2, 5);
  if (items[0] instanceof asn1js.Sequence) {
    // EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm AlgorithmIdentifier, encryptedData OCTET STRING }
    throw new TLSConfigError('encrypted private keys are not supported: decrypt it first (openssl pkey -in key.pem -out key-plain.pem)');
  }
  if (items.length < 3) throw new TLSConfigError(`${what}: expected at least 3 elements`);
  const version = uint(items[0], `${what} version`, configFail);
  if (version > 1n) throw new TLSConfigError(`${what}: unknown version ${version}`);
  const algorithm = algorithmOid(items[1], what, configFail);
  if (algorithm !== OID_RSA_ENCRYPTION) {
    throw new TLSConfigError(`${keyAlgorithmName(algorithm)} private keys are not supported: ut-tls needs an RSA key (rsaEncryption)`);
  }
  const inner = items[2];
  if (!(inner instanceof asn1js.OctetString) || inner.valueBlock.isConstructed) throw new TLSConfigError(`${what}: privateKey is not an OCTET STRING`);
  return rsaPrivateFromPkcs1(inner.valueBlock.valueHexView);
}

/** The DER bytes and format of the one private key in a PEM text. */
function privateKeyFromPem(input: string | Uint8Array): { der: Uint8Array; format: 'pkcs1' | 'pkcs8' } {
  const keys = pemDecodeBlocks(input).filter((b) => b.label.endsWith('PRIVATE KEY'));
  if (keys.length === 0) throw new TLSConfigError('no PEM private key found (expected "RSA PRIVATE KEY" or "PRIVATE KEY")');
  if (keys.length > 1) throw new TLSConfigError(`found ${keys.length} private keys in one PEM text; give exactly one`);
  const block = keys[0]!;
  if (block.label === 'ENCRYPTED PRIVATE KEY' || /ENCRYPTED/i.test(block.headers['Proc-Type'] ?? '')) {
    throw new TLSConfigError('encrypted private keys are not supported: decrypt it first (openssl pkey -in key.pem -out key-plain.pem)');
  }
  if (block.label === 'RSA PRIVATE KEY') return { der: block.der, format: 'pkcs1' };
  if (block.label === 'PRIVATE KEY') return { der: block.der, format: 'pkcs8' };
  const kind = block.label.replace(/ ?PRIVATE KEY$/, '') || block.label;
  throw new TLSConfigError(`${kind} private keys are not supported: ut-tls needs an RSA key ("RSA PRIVATE KEY" or "PRIVATE KEY" with rsaEncryption)`);
}

/**
 * An RSA private key from PEM (PKCS#1 "RSA PRIVATE KEY" or PKCS#8 "PRIVATE KEY") or DER (either form;
 * PKCS#8 is recognised by its AlgorithmIdentifier). Throws TLSConfigError for encrypted keys,
 * non-RSA keys and malformed input.
 */
export function parsePrivateKey(pemOrDer: string | Uint8Array): RsaPrivateKey {
  if (typeof pemOrDer !== 'string' && pemOrDer[0] === 0x30 && !looksLikePem(pemOrDer)) {
    // DER: PKCS#8 has an AlgorithmIdentifier SEQUENCE as its second element, PKCS#1 an INTEGER.
    const items = children(derRoot(pemOrDer, 'private key (DER)', configFail), 'private key (DER)', configFail, 2, 10);
    return items[1] instanceof asn1js.Sequence || items[0] instanceof asn1js.Sequence ? rsaPrivateFromPkcs8(pemOrDer) : rsaPrivateFromPkcs1(pemOrDer);
  }
  const { der, format } = privateKeyFromPem(pemOrDer);
  return format === 'pkcs1' ? rsaPrivateFromPkcs1(der) : rsaPrivateFromPkcs8(der);
}

export function rsaPublicKeyOf(key: RsaPrivateKey): RsaPublicKey {
  return { n: key.n, e: key.e, size: key.size };
}

/** True if the private key belongs to this public key (e.g. a configured key and its certificate). */
export function keyMatchesPublicKey(key: RsaPrivateKey, pub: RsaPublicKey): boolean {
  return key.n === pub.n && key.e === pub.e;
}

// ---- encoders ----

function int(x: bigint): asn1js.Integer {
  return asn1js.Integer.fromBigInt(x);
}

function rsaAlgorithmIdentifier(): asn1js.Sequence {
  return new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OID_RSA_ENCRYPTION }), new asn1js.Null()] });
}

function der(block: asn1js.AsnType): Uint8Array {
  return new Uint8Array(block.toBER(false));
}

/** PKCS#1 RSAPublicKey DER. */
export function encodeRsaPublicKey(key: RsaPublicKey): Uint8Array {
  return der(new asn1js.Sequence({ value: [int(key.n), int(key.e)] }));
}

/** SubjectPublicKeyInfo DER with rsaEncryption (what certificates carry). */
export function encodeRsaPublicKeyInfo(key: RsaPublicKey): Uint8Array {
  return der(new asn1js.Sequence({ value: [rsaAlgorithmIdentifier(), new asn1js.BitString({ valueHex: encodeRsaPublicKey(key) })] }));
}

/** PKCS#1 RSAPrivateKey DER (two-prime, version 0). */
export function encodeRsaPrivateKeyPkcs1(key: RsaPrivateKey): Uint8Array {
  const fields = [0n, key.n, key.e, key.d, key.p, key.q, key.dp, key.dq, key.qinv];
  return der(new asn1js.Sequence({ value: fields.map(int) }));
}

/** PKCS#8 PrivateKeyInfo DER wrapping the PKCS#1 key. */
export function encodeRsaPrivateKeyPkcs8(key: RsaPrivateKey): Uint8Array {
  return der(
    new asn1js.Sequence({
      value: [int(0n), rsaAlgorithmIdentifier(), new asn1js.OctetString({ valueHex: encodeRsaPrivateKeyPkcs1(key) })],
    }),
  );
}

export function encodePrivateKeyPem(key: RsaPrivateKey, format: 'pkcs1' | 'pkcs8' = 'pkcs8'): string {
  return format === 'pkcs1' ? pemEncode(encodeRsaPrivateKeyPkcs1(key), 'RSA PRIVATE KEY') : pemEncode(encodeRsaPrivateKeyPkcs8(key), 'PRIVATE KEY');
}
