/**
 * X.509 certificate parsing (RFC 5280 structure, the fields WAP-211-WAPCert 6.4.7 / 6.6.6 require a
 * client to recognise) with asn1js + pkijs schemas only: no WebCrypto, so it runs in any JS runtime.
 *
 * Certificates come from the peer, so parseCertificate never throws anything but DecodeError
 * (the engine answers with bad_certificate). Validation (chains, names, dates, key usage) is not
 * done here: this module only turns DER into a plain, typed object.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { sha224, sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import type { RsaPublicKey } from '../crypto/provider.js';
import type { DigestInfoHash } from '../crypto/rsa.js';
import { TLSConfigError } from '../errors.js';
import { DecodeError, bytesEqual, toHex } from '../util/bytes.js';
import { OID_RSA_ENCRYPTION, keyAlgorithmName, parseRsaPublicKey, parseSubjectPublicKeyInfo } from './keys.js';
import { looksLikePem, pemDecode } from './pem.js';
import { checkStrictDer } from './der-strict.js';

// ---------------------------------------------------------------------------------------------
// Types

export interface NameAttribute {
  /** Attribute type OID, e.g. "2.5.4.3". */
  type: string;
  /** OpenSSL/Node short name ("CN", "O", ...), or the OID if we do not know one. */
  shortName: string;
  value: string;
}

export interface X509Name {
  /** In certificate order (RDN sequence flattened). */
  attributes: NameAttribute[];
  /** Node style: {CN: 'x', OU: ['a', 'b']}; a repeated attribute becomes an array. Null prototype, like Node. */
  object: Record<string, string | string[]>;
  /** DER of the Name: what CertificateRequest.certificate_authorities carries and what chain building compares. */
  der: Uint8Array;
  /** Node X509Certificate.subject style: "C=FR\nO=Org\nCN=host". */
  text: string;
}

export type SignatureHash = 'md2' | 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

export interface SignatureAlgorithm {
  oid: string;
  /** e.g. 'sha1WithRSAEncryption'; the OID when unknown. */
  name: string;
  /** Digest used by the signature, null when unknown or not a plain hash-then-sign scheme (RSASSA-PSS). */
  hash: SignatureHash | null;
  keyType: 'rsa' | 'ecdsa' | 'dsa' | 'eddsa' | 'unknown';
}

export type CertificatePublicKey = { algorithm: 'rsa'; rsa: RsaPublicKey } | { algorithm: 'unknown'; oid: string; name: string; parameters?: string };

export interface ExtensionEntry {
  oid: string;
  /** Short name for the ones we know ('subjectAltName', ...), else the OID. */
  name: string;
  critical: boolean;
  /** DER contents of extnValue. */
  value: Uint8Array;
  /** True if this module parses the extension (a validator rejects critical extensions that are not understood). */
  understood: boolean;
}

export type KeyUsageName =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'cRLSign'
  | 'encipherOnly'
  | 'decipherOnly';

export interface X509Extensions {
  /** Every extension in certificate order. */
  all: ExtensionEntry[];
  subjectAltName?: {
    dnsNames: string[];
    /** Dotted IPv4 or RFC 5952 IPv6 text. */
    ipAddresses: string[];
    /** The raw 4- or 16-byte addresses, for exact comparison. */
    ipAddressBytes: Uint8Array[];
    uris: string[];
    emails: string[];
    /** Every name in certificate order, including the kinds summarised above. */
    names: GeneralName[];
    critical: boolean;
  };
  basicConstraints?: { cA: boolean; pathLength?: number; critical: boolean };
  keyUsage?: { usages: KeyUsageName[]; critical: boolean };
  extKeyUsage?: { oids: string[]; names: string[]; critical: boolean };
  /** Hex, uppercase. */
  subjectKeyIdentifier?: string;
  /** keyIdentifier of the AuthorityKeyIdentifier, hex uppercase (absent if the extension only names issuer+serial). */
  authorityKeyIdentifier?: string;
  authorityInfoAccess?: { ocsp: string[]; caIssuers: string[]; entries: { method: string; location: string }[] };
}

export interface X509Certificate {
  /** The whole certificate, DER. */
  raw: Uint8Array;
  /** DER of tbsCertificate: the bytes the issuer signed. */
  tbs: Uint8Array;
  /** 1, 2 or 3. */
  version: number;
  /** Hex uppercase without leading zero bytes, as Node shows it ("-" prefix if negative). */
  serialNumber: string;
  /** The INTEGER contents as encoded (two's complement). */
  serialNumberBytes: Uint8Array;
  subject: X509Name;
  issuer: X509Name;
  notBefore: Date;
  notAfter: Date;
  /** SubjectPublicKeyInfo DER. */
  publicKeyInfo: Uint8Array;
  publicKey: CertificatePublicKey;
  /** Modulus bits for RSA, the curve size for known EC curves, 0 when unknown. */
  publicKeyBits: number;
  signatureAlgorithm: SignatureAlgorithm;
  signatureValue: Uint8Array;
  extensions: X509Extensions;
  /** subject and issuer are the same DER name (a self-signed root, or a self-issued certificate). */
  selfIssued: boolean;
}

// ---------------------------------------------------------------------------------------------
// Tables

const NAME_SHORT: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.13': 'description',
  '2.5.4.15': 'businessCategory',
  '2.5.4.17': 'postalCode',
  '2.5.4.41': 'name',
  '2.5.4.42': 'GN',
  '2.5.4.43': 'initials',
  '2.5.4.44': 'generationQualifier',
  '2.5.4.46': 'dnQualifier',
  '2.5.4.65': 'pseudonym',
  '2.5.4.97': 'organizationIdentifier',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '0.9.2342.19200300.100.1.1': 'UID',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.3.6.1.4.1.311.60.2.1.1': 'jurisdictionL',
  '1.3.6.1.4.1.311.60.2.1.2': 'jurisdictionST',
  '1.3.6.1.4.1.311.60.2.1.3': 'jurisdictionC',
};
const NAME_OID: Record<string, string> = Object.fromEntries(Object.entries(NAME_SHORT).map(([k, v]) => [v, k]));

/** OID of a name attribute short name ('CN' → 2.5.4.3); an OID passes through. */
export function nameAttributeOid(shortNameOrOid: string): string {
  const oid = NAME_OID[shortNameOrOid];
  if (oid) return oid;
  if (/^\d+(\.\d+)+$/.test(shortNameOrOid)) return shortNameOrOid;
  throw new TLSConfigError(`unknown name attribute ${JSON.stringify(shortNameOrOid)}`);
}

const SIGNATURE_ALGORITHMS: Record<string, Omit<SignatureAlgorithm, 'oid'>> = {
  '1.2.840.113549.1.1.2': { name: 'md2WithRSAEncryption', hash: 'md2', keyType: 'rsa' },
  '1.2.840.113549.1.1.4': { name: 'md5WithRSAEncryption', hash: 'md5', keyType: 'rsa' },
  '1.2.840.113549.1.1.5': { name: 'sha1WithRSAEncryption', hash: 'sha1', keyType: 'rsa' },
  '1.3.14.3.2.29': { name: 'sha1WithRSA', hash: 'sha1', keyType: 'rsa' },
  '1.2.840.113549.1.1.14': { name: 'sha224WithRSAEncryption', hash: 'sha224', keyType: 'rsa' },
  '1.2.840.113549.1.1.11': { name: 'sha256WithRSAEncryption', hash: 'sha256', keyType: 'rsa' },
  '1.2.840.113549.1.1.12': { name: 'sha384WithRSAEncryption', hash: 'sha384', keyType: 'rsa' },
  '1.2.840.113549.1.1.13': { name: 'sha512WithRSAEncryption', hash: 'sha512', keyType: 'rsa' },
  '1.2.840.113549.1.1.10': { name: 'rsassaPss', hash: null, keyType: 'rsa' },
  '1.2.840.10040.4.3': { name: 'dsaWithSHA1', hash: 'sha1', keyType: 'dsa' },
  '2.16.840.1.101.3.4.3.2': { name: 'dsa_with_SHA256', hash: 'sha256', keyType: 'dsa' },
  '1.2.840.10045.4.1': { name: 'ecdsa-with-SHA1', hash: 'sha1', keyType: 'ecdsa' },
  '1.2.840.10045.4.3.1': { name: 'ecdsa-with-SHA224', hash: 'sha224', keyType: 'ecdsa' },
  '1.2.840.10045.4.3.2': { name: 'ecdsa-with-SHA256', hash: 'sha256', keyType: 'ecdsa' },
  '1.2.840.10045.4.3.3': { name: 'ecdsa-with-SHA384', hash: 'sha384', keyType: 'ecdsa' },
  '1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512', hash: 'sha512', keyType: 'ecdsa' },
  '1.3.101.112': { name: 'ED25519', hash: null, keyType: 'eddsa' },
  '1.3.101.113': { name: 'ED448', hash: null, keyType: 'eddsa' },
};

export function signatureAlgorithmByOid(oid: string): SignatureAlgorithm {
  const known = SIGNATURE_ALGORITHMS[oid];
  return known ? { oid, ...known } : { oid, name: oid, hash: null, keyType: 'unknown' };
}

/** RSA signature algorithm OID for a hash (what testca writes into certificates). */
export function rsaSignatureAlgorithmOid(hash: SignatureHash): string {
  for (const [oid, alg] of Object.entries(SIGNATURE_ALGORITHMS)) {
    if (alg.keyType === 'rsa' && alg.hash === hash && oid.startsWith('1.2.840.113549.1.1.')) return oid;
  }
  throw new TLSConfigError(`no RSA signature algorithm for ${hash}`);
}

const EC_CURVE_BITS: Record<string, number> = {
  '1.2.840.10045.3.1.7': 256, // prime256v1 / P-256
  '1.3.132.0.34': 384, // secp384r1
  '1.3.132.0.35': 521, // secp521r1
  '1.3.132.0.33': 224, // secp224r1
  '1.3.132.0.27': 233, // sect233k1 (WAP-211 names 233-bit EC)
  '1.3.132.0.26': 233, // sect233r1
  '1.3.132.0.1': 163, // sect163k1
};

export const OID = {
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  anyExtendedKeyUsage: '2.5.29.37.0',
} as const;

const EXTENSION_NAMES: Record<string, string> = {
  '2.5.29.14': 'subjectKeyIdentifier',
  '2.5.29.15': 'keyUsage',
  '2.5.29.17': 'subjectAltName',
  '2.5.29.18': 'issuerAltName',
  '2.5.29.19': 'basicConstraints',
  '2.5.29.30': 'nameConstraints',
  '2.5.29.31': 'cRLDistributionPoints',
  '2.5.29.32': 'certificatePolicies',
  '2.5.29.35': 'authorityKeyIdentifier',
  '2.5.29.36': 'policyConstraints',
  '2.5.29.37': 'extKeyUsage',
  '1.3.6.1.5.5.7.1.1': 'authorityInfoAccess',
  '2.23.43.3.1': 'wapDomainInformation',
};

export const KEY_USAGE_BITS: readonly KeyUsageName[] = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
];

const EKU_NAMES: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '2.5.29.37.0': 'anyExtendedKeyUsage',
  '2.16.840.1.113730.4.1': 'nsSGC',
  '1.3.6.1.4.1.311.10.3.3': 'msSGC',
};

export function extKeyUsageOid(nameOrOid: string): string {
  for (const [oid, name] of Object.entries(EKU_NAMES)) if (name === nameOrOid) return oid;
  if (/^\d+(\.\d+)+$/.test(nameOrOid)) return nameOrOid;
  throw new TLSConfigError(`unknown extended key usage ${JSON.stringify(nameOrOid)}`);
}

// ---------------------------------------------------------------------------------------------
// IP addresses (iPAddress GeneralNames are raw 4- or 16-byte octet strings)

/** Dotted quad for 4 bytes, RFC 5952 text for 16 bytes. */
export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  if (bytes.length !== 16) throw new DecodeError(`IP address of ${bytes.length} bytes`);
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  // RFC 5952 5: IPv4-mapped addresses keep the dotted form.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return `::ffff:${Array.from(bytes.subarray(12)).join('.')}`;
  // RFC 5952 4.2: compress the longest run (first on a tie) of two or more zero groups.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

function parseIpv4(text: string): Uint8Array | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    // No leading zeros: "010" is octal to some parsers and decimal to others.
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return null;
    out[i] = Number(p);
  }
  return out;
}

/** 4 or 16 bytes for an IPv4 / IPv6 literal (brackets and zone ids are not accepted), else null. */
export function parseIp(text: string): Uint8Array | null {
  if (!text.includes(':')) return parseIpv4(text);
  let head = text;
  let v4: Uint8Array | null = null;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    v4 = parseIpv4(text.slice(lastColon + 1));
    if (!v4) return null;
    head = text.slice(0, lastColon + 1) + '0:0'; // two placeholder groups, replaced below
  }
  const halves = head.split('::');
  if (halves.length > 2) return null;
  const parse = (s: string): number[] | null => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const left = parse(halves[0]!);
  const right = halves.length === 2 ? parse(halves[1]!) : [];
  if (!left || !right) return null;
  let groups: number[];
  if (halves.length === 2) {
    if (left.length + right.length > 7) return null;
    groups = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  } else {
    if (left.length !== 8) return null;
    groups = left;
  }
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  if (v4) out.set(v4, 12);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Parsing

function fail(message: string): never {
  throw new DecodeError(`certificate: ${message}`);
}

/** DER → asn1js tree, refusing trailing bytes and the BER-only forms DER forbids. */
function parseDer(der: Uint8Array, what: string): asn1js.AsnType {
  // asn1js is lenient about lengths (children may run past a lowered parent length): check the
  // structure strictly first, so one certificate has one encoding (issue 21 item 7, der-strict.ts).
  checkStrictDer(der, what);
  const parsed = asn1js.fromBER(der, { parseEmbedded: false, maxDepth: 64, maxNodes: 20000 });
  if (parsed.offset === -1) fail(`${what}: malformed DER (${parsed.result.error || 'parse error'})`);
  if (parsed.offset !== der.length) fail(`${what}: ${der.length - parsed.offset} trailing bytes`);
  checkDerForms(parsed.result, what);
  return parsed.result;
}

/**
 * asn1js reads BER. Two BER forms would let the same certificate have several encodings (and make
 * the signed bytes differ from what a DER re-encoding gives): indefinite lengths and constructed
 * strings. DER forbids both (X.690 10.1, 10.2), so we refuse them.
 */
function checkDerForms(block: asn1js.AsnType, what: string): void {
  const b = block as asn1js.BaseBlock;
  if (b.lenBlock.isIndefiniteForm) fail(`${what}: indefinite length (not DER)`);
  const constructed = b.idBlock.isConstructed;
  if (constructed && b.idBlock.tagClass === 1 && b.idBlock.tagNumber !== 16 && b.idBlock.tagNumber !== 17) {
    fail(`${what}: constructed encoding of a primitive type (not DER)`);
  }
  if (constructed) {
    const kids = (b.valueBlock as { value?: unknown }).value;
    if (Array.isArray(kids)) for (const k of kids) checkDerForms(k as asn1js.AsnType, what);
  }
}

// asn1js gives typed classes for universal types and Primitive/Constructed for context tags; these
// accessors read either shape and turn every surprise into a DecodeError.
type Block = asn1js.BaseBlock;

function kids(block: Block | undefined, what: string): Block[] {
  const v = (block?.valueBlock as { value?: unknown } | undefined)?.value;
  if (!block || !block.idBlock.isConstructed || !Array.isArray(v)) fail(`${what}: expected a constructed value`);
  return v as Block[];
}

function seq(block: Block | undefined, what: string): Block[] {
  if (!(block instanceof asn1js.Sequence)) fail(`${what}: expected a SEQUENCE`);
  return kids(block, what);
}

/** Contents octets of a primitive value. */
function octets(block: Block | undefined, what: string): Uint8Array {
  const v = (block?.valueBlock as { valueHexView?: Uint8Array } | undefined)?.valueHexView;
  if (!block || block.idBlock.isConstructed || !(v instanceof Uint8Array)) fail(`${what}: expected a primitive value`);
  return v.slice();
}

function oidOf(block: Block | undefined, what: string): string {
  if (!(block instanceof asn1js.ObjectIdentifier)) fail(`${what}: expected an OBJECT IDENTIFIER`);
  return block.valueBlock.toString();
}

function bytesOf(block: { valueBlock: { valueHexView: Uint8Array } }): Uint8Array {
  return block.valueBlock.valueHexView.slice();
}

/** Hex uppercase of an INTEGER the way OpenSSL's BN_bn2hex prints it (Node's serialNumber). */
function integerHex(bytes: Uint8Array): string {
  if (bytes.length === 0) return '0';
  if (bytes[0]! & 0x80) {
    // two's complement → magnitude
    let x = 0n;
    for (const v of bytes) x = (x << 8n) | BigInt(v);
    let hex = ((1n << BigInt(bytes.length * 8)) - x).toString(16).toUpperCase();
    if (hex.length % 2) hex = '0' + hex;
    return '-' + hex;
  }
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const mag = bytes.subarray(i);
  if (mag.length === 1 && mag[0] === 0) return '0';
  return toHex(mag).toUpperCase();
}

const latin1 = (b: Uint8Array): string => {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
};
const utf8Decoder = new TextDecoder('utf-8');

/** DirectoryString and friends as text; non-string values in RFC 4514 "#hex" form. */
function attributeValue(block: Block, what: string): string {
  if (block.idBlock.tagClass !== 1 || block.idBlock.isConstructed) return '#' + toHex(block.valueBeforeDecodeView);
  const tag = block.idBlock.tagNumber;
  if (tag === 12 /* UTF8String */) return utf8Decoder.decode(octets(block, what));
  // Printable, Numeric, IA5, Visible: ASCII. Teletex (T61) is read as Latin-1, as OpenSSL does.
  if (tag === 19 || tag === 18 || tag === 22 || tag === 26 || tag === 20) return latin1(octets(block, what));
  if (tag === 30 /* BMPString, UCS-2 big-endian */) {
    const b = octets(block, what);
    if (b.length % 2) fail(`${what}: BMPString of odd length`);
    let s = '';
    for (let i = 0; i < b.length; i += 2) s += String.fromCharCode((b[i]! << 8) | b[i + 1]!);
    return s;
  }
  if (tag === 28 /* UniversalString, UCS-4 big-endian */) {
    const b = octets(block, what);
    if (b.length % 4) fail(`${what}: UniversalString length not a multiple of 4`);
    let s = '';
    for (let i = 0; i < b.length; i += 4) {
      const cp = ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
      s += cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
    }
    return s;
  }
  return '#' + toHex(block.valueBeforeDecodeView);
}

/** Name ::= SEQUENCE OF RelativeDistinguishedName (SET SIZE (1..MAX) OF AttributeTypeAndValue), flattened in order. */
function nameAttributesOf(block: Block, what: string): NameAttribute[] {
  const out: NameAttribute[] = [];
  for (const rdn of seq(block, what)) {
    if (!(rdn instanceof asn1js.Set)) fail(`${what}: RDN is not a SET`);
    const atvs = kids(rdn, what);
    if (atvs.length === 0) fail(`${what}: empty RDN`);
    for (const atv of atvs) {
      const [type, value, extra] = seq(atv, `${what} attribute`);
      if (!value || extra) fail(`${what}: attribute is not {type, value}`);
      const oid = oidOf(type, `${what} attribute type`);
      out.push({ type: oid, shortName: NAME_SHORT[oid] ?? oid, value: attributeValue(value, what) });
    }
  }
  return out;
}

function parseName(block: Block, what: string): X509Name {
  const attributes = nameAttributesOf(block, what);
  const object: Record<string, string | string[]> = Object.create(null);
  for (const a of attributes) {
    const prev = object[a.shortName];
    if (prev === undefined) object[a.shortName] = a.value;
    else if (Array.isArray(prev)) prev.push(a.value);
    else object[a.shortName] = [prev, a.value];
  }
  return { attributes, object, der: block.valueBeforeDecodeView.slice(), text: attributes.map((a) => `${a.shortName}=${a.value}`).join('\n') };
}

function parseTime(t: pkijs.Time, what: string): Date {
  const d = t.value;
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) fail(`${what} is not a valid time`);
  return d;
}

/** Dotted text of an OBJECT IDENTIFIER's contents octets (registeredID is IMPLICIT, so asn1js does not decode it). */
function oidText(b: Uint8Array, what: string): string {
  const arcs: bigint[] = [];
  let v = 0n;
  for (let i = 0; i < b.length; i++) {
    if (v === 0n && b[i] === 0x80) fail(`${what}: non-minimal OID arc`);
    v = (v << 7n) | BigInt(b[i]! & 0x7f);
    if (!(b[i]! & 0x80)) {
      arcs.push(v);
      v = 0n;
    } else if (i === b.length - 1) fail(`${what}: truncated OID`);
  }
  if (arcs.length === 0) fail(`${what}: empty OID`);
  const first = arcs[0]! < 40n ? 0n : arcs[0]! < 80n ? 1n : 2n;
  return [first, arcs[0]! - first * 40n, ...arcs.slice(1)].join('.');
}

/** RFC 4514 string form: last RDN first, special characters backslash-escaped (what OpenSSL/Node print for DirName). */
export function rfc4514(attributes: readonly NameAttribute[]): string {
  const escape = (v: string): string =>
    v
      .replace(/[\\"+,;<>]/g, (c) => '\\' + c)
      .replace(/^[ #]/, (c) => '\\' + c)
      .replace(/ $/, '\\ ');
  return attributes
    .slice()
    .reverse()
    .map((a) => `${a.shortName}=${escape(a.value)}`)
    .join(',');
}

export type GeneralNameKind = 'otherName' | 'email' | 'dns' | 'x400Address' | 'dirName' | 'ediPartyName' | 'uri' | 'ip' | 'registeredId';
const GENERAL_NAME_KINDS: GeneralNameKind[] = ['otherName', 'email', 'dns', 'x400Address', 'dirName', 'ediPartyName', 'uri', 'ip', 'registeredId'];

export interface GeneralName {
  kind: GeneralNameKind;
  /** Text for email/dns/uri (IA5String bytes read as Latin-1), ip (formatIp), registeredId (dotted OID), dirName (RFC 4514). Empty for the rest. */
  value: string;
  /** The 4 or 16 address bytes of an ip name. */
  ip?: Uint8Array;
}

/** RFC 5280 4.2.1.6 GeneralName (context-tagged CHOICE). */
function generalName(block: Block, what: string): GeneralName {
  if (block.idBlock.tagClass !== 3 || block.idBlock.tagNumber > 8) fail(`${what}: not a GeneralName`);
  const kind = GENERAL_NAME_KINDS[block.idBlock.tagNumber]!;
  switch (kind) {
    case 'email':
    case 'dns':
    case 'uri':
      return { kind, value: latin1(octets(block, `${what} ${kind}`)) };
    case 'ip': {
      const ip = octets(block, `${what} iPAddress`);
      if (ip.length !== 4 && ip.length !== 16) fail(`${what}: iPAddress of ${ip.length} bytes`);
      return { kind, value: formatIp(ip), ip };
    }
    case 'registeredId':
      return { kind, value: oidText(octets(block, `${what} registeredID`), what) };
    case 'dirName': {
      const [name, extra] = kids(block, `${what} directoryName`);
      if (!name || extra) fail(`${what}: directoryName holds one Name`);
      return { kind, value: rfc4514(nameAttributesOf(name, `${what} directoryName`)) };
    }
    default:
      if (!block.idBlock.isConstructed) fail(`${what}: ${kind} must be constructed`);
      return { kind, value: '' };
  }
}

function parseKeyUsage(root: Block): KeyUsageName[] {
  if (!(root instanceof asn1js.BitString) || root.valueBlock.isConstructed) fail('keyUsage is not a BIT STRING');
  const v = root.valueBlock.valueHexView;
  const bitCount = v.length * 8 - root.valueBlock.unusedBits;
  const usages: KeyUsageName[] = [];
  KEY_USAGE_BITS.forEach((name, bit) => {
    if (bit < bitCount && (v[bit >> 3]! & (0x80 >> (bit & 7))) !== 0) usages.push(name);
  });
  return usages;
}

/** BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX) OPTIONAL } */
function parseBasicConstraints(root: Block, critical: boolean): NonNullable<X509Extensions['basicConstraints']> {
  const items = seq(root, 'basicConstraints');
  let i = 0;
  const out: NonNullable<X509Extensions['basicConstraints']> = { cA: false, critical };
  if (items[i] instanceof asn1js.Boolean) out.cA = (items[i++] as asn1js.Boolean).valueBlock.value === true;
  if (items[i] !== undefined) {
    const p = items[i++];
    if (!(p instanceof asn1js.Integer)) fail('basicConstraints: pathLenConstraint is not an INTEGER');
    const n = p.valueBlock.valueDec;
    if (p.valueBlock.isHexOnly || !Number.isSafeInteger(n) || n < 0) fail('basicConstraints: bad pathLenConstraint');
    out.pathLength = n;
  }
  if (i !== items.length) fail('basicConstraints: unexpected elements');
  return out;
}

function parseExtensions(list: pkijs.Extension[] | undefined): X509Extensions {
  const out: X509Extensions = { all: [] };
  if (!list) return out;
  const seen = new Set<string>();
  for (const ext of list) {
    const oid = ext.extnID;
    const name = EXTENSION_NAMES[oid] ?? oid;
    // RFC 5280 4.2: "A certificate MUST NOT include more than one instance of a particular extension."
    if (seen.has(oid)) fail(`duplicate extension ${name}`);
    seen.add(oid);
    if (ext.extnValue.valueBlock.isConstructed) fail(`extension ${name}: constructed OCTET STRING`);
    const value = bytesOf(ext.extnValue);
    const critical = ext.critical === true;
    let understood = true;
    switch (oid) {
      case OID.subjectAltName: {
        const names = seq(parseDer(value, name), name).map((g) => generalName(g, name));
        const pick = (k: GeneralNameKind): string[] => names.filter((n) => n.kind === k).map((n) => n.value);
        out.subjectAltName = {
          dnsNames: pick('dns'),
          ipAddresses: pick('ip'),
          ipAddressBytes: names.filter((n) => n.kind === 'ip').map((n) => n.ip!),
          uris: pick('uri'),
          emails: pick('email'),
          names,
          critical,
        };
        break;
      }
      case OID.basicConstraints:
        out.basicConstraints = parseBasicConstraints(parseDer(value, name), critical);
        break;
      case OID.keyUsage:
        out.keyUsage = { usages: parseKeyUsage(parseDer(value, name)), critical };
        break;
      case OID.extKeyUsage: {
        const oids = seq(parseDer(value, name), name).map((b) => oidOf(b, name));
        out.extKeyUsage = { oids, names: oids.map((o) => EKU_NAMES[o] ?? o), critical };
        break;
      }
      case OID.subjectKeyIdentifier: {
        const root = parseDer(value, name);
        if (!(root instanceof asn1js.OctetString)) fail('subjectKeyIdentifier is not an OCTET STRING');
        out.subjectKeyIdentifier = toHex(octets(root, name)).toUpperCase();
        break;
      }
      case OID.authorityKeyIdentifier: {
        // SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING OPTIONAL, authorityCertIssuer [1] OPTIONAL, authorityCertSerialNumber [2] OPTIONAL }
        const items = seq(parseDer(value, name), name);
        let last = -1;
        for (const item of items) {
          const tag = item.idBlock.tagClass === 3 ? item.idBlock.tagNumber : 99;
          if (tag > 2 || tag <= last) fail(`${name}: unexpected element`);
          last = tag;
          if (tag === 0) out.authorityKeyIdentifier = toHex(octets(item, name)).toUpperCase();
        }
        break;
      }
      case OID.authorityInfoAccess: {
        const info = { ocsp: [] as string[], caIssuers: [] as string[], entries: [] as { method: string; location: string }[] };
        for (const desc of seq(parseDer(value, name), name)) {
          const [m, loc, extra] = seq(desc, name);
          if (!loc || extra) fail(`${name}: AccessDescription is not {method, location}`);
          const method = oidOf(m, name);
          const g = generalName(loc, name);
          info.entries.push({ method, location: g.kind === 'uri' ? `URI:${g.value}` : g.value });
          if (g.kind === 'uri' && method === '1.3.6.1.5.5.7.48.1') info.ocsp.push(g.value);
          if (g.kind === 'uri' && method === '1.3.6.1.5.5.7.48.2') info.caIssuers.push(g.value);
        }
        out.authorityInfoAccess = info;
        break;
      }
      default:
        understood = false;
    }
    out.all.push({ oid, name, critical, value, understood });
  }
  return out;
}

function parsePublicKey(spki: Uint8Array): { key: CertificatePublicKey; bits: number } {
  const info = parseSubjectPublicKeyInfo(spki);
  if (info.algorithm === OID_RSA_ENCRYPTION) {
    const rsa = parseRsaPublicKey(info.key);
    return { key: { algorithm: 'rsa', rsa }, bits: rsa.n.toString(2).length };
  }
  const key: CertificatePublicKey = { algorithm: 'unknown', oid: info.algorithm, name: keyAlgorithmName(info.algorithm) };
  if (info.parameters) key.parameters = info.parameters;
  return { key, bits: (info.parameters && EC_CURVE_BITS[info.parameters]) || 0 };
}

function parseInner(der: Uint8Array): X509Certificate {
  const root = parseDer(der, 'Certificate');
  let cert: pkijs.Certificate;
  try {
    cert = new pkijs.Certificate({ schema: root });
  } catch (e) {
    fail(`does not match the X.509 structure (${(e as Error).message})`);
  }
  // pkijs has checked the schema; pick the raw sub-structures we need byte-exact.
  const top = (root as asn1js.Sequence).valueBlock.value as asn1js.BaseBlock[];
  const tbsItems = (top[0] as asn1js.Sequence).valueBlock.value as asn1js.BaseBlock[];
  const base = tbsItems[0]!.idBlock.tagClass === 3 ? 1 : 0;
  const innerSig = tbsItems[base + 1]!;
  const issuerBlock = tbsItems[base + 2]!;
  const subjectBlock = tbsItems[base + 4]!;
  const spkiBlock = tbsItems[base + 5]!;
  // Whatever pkijs tolerates, the outer structure has exactly three elements and the TBS nothing
  // after subjectPublicKeyInfo but [1], [2], [3] in that order.
  if (top.length !== 3) fail(`Certificate has ${top.length} elements, not 3`);
  let lastTag = 0;
  for (const extra of tbsItems.slice(base + 6)) {
    const tag = extra.idBlock.tagClass === 3 ? extra.idBlock.tagNumber : 99;
    if (tag < 1 || tag > 3 || tag <= lastTag) fail('unexpected element after subjectPublicKeyInfo');
    lastTag = tag;
  }

  if (!Number.isSafeInteger(cert.version) || cert.version < 0 || cert.version > 2) fail(`unknown version ${cert.version}`);
  const version = cert.version + 1;
  if (cert.extensions && version !== 3) fail('extensions in a certificate that is not version 3');
  if ((cert.issuerUniqueID || cert.subjectUniqueID) && version === 1) fail('unique identifiers in a version 1 certificate');

  // RFC 5280 4.1.1.2: signatureAlgorithm MUST be the same as tbsCertificate.signature.
  if (!bytesEqual(innerSig.valueBeforeDecodeView, top[1]!.valueBeforeDecodeView)) fail('signatureAlgorithm differs from tbsCertificate.signature');

  const serialBytes = bytesOf(cert.serialNumber);
  if (serialBytes.length === 0) fail('empty serial number');

  if (cert.signatureValue.valueBlock.isConstructed || cert.signatureValue.valueBlock.unusedBits !== 0) fail('malformed signature BIT STRING');

  const publicKeyInfo = spkiBlock.valueBeforeDecodeView.slice();
  const { key, bits } = parsePublicKey(publicKeyInfo);
  const subject = parseName(subjectBlock, 'subject');
  const issuer = parseName(issuerBlock, 'issuer');

  return {
    // new Uint8Array(x) always copies; a Node Buffer's .slice() would be a view into the caller's memory.
    raw: new Uint8Array(der),
    tbs: cert.tbsView.slice(),
    version,
    serialNumber: integerHex(serialBytes),
    serialNumberBytes: serialBytes,
    subject,
    issuer,
    notBefore: parseTime(cert.notBefore, 'notBefore'),
    notAfter: parseTime(cert.notAfter, 'notAfter'),
    publicKeyInfo,
    publicKey: key,
    publicKeyBits: bits,
    signatureAlgorithm: signatureAlgorithmByOid(cert.signatureAlgorithm.algorithmId),
    signatureValue: bytesOf(cert.signatureValue),
    extensions: parseExtensions(cert.extensions),
    selfIssued: bytesEqual(subject.der, issuer.der),
  };
}

/**
 * Parse one DER certificate. Throws DecodeError, and only DecodeError, for anything malformed
 * (so the engine can answer bad_certificate); never validates.
 */
export function parseCertificate(der: Uint8Array): X509Certificate {
  if (!(der instanceof Uint8Array) || der.length === 0) throw new DecodeError('certificate: empty');
  // The same few certificates (the server's chain, the trust anchors) come back on every handshake,
  // and parsing is the costliest part of a resumed-or-not client handshake after RSA: remember them.
  const key = cacheKey(der);
  const cached = parsedCache.get(key);
  if (cached) {
    parsedCache.delete(key);
    parsedCache.set(key, cached);
    return cached;
  }
  try {
    const cert = Object.freeze(parseInner(der));
    // A peer chooses what it sends: a big certificate is parsed but not kept (issue 21: 600 distinct
    // 200 KB client certificates held 396 MB), and the total is bounded too (docs/bounds.md).
    if (der.length <= MAX_CACHED_CERTIFICATE_BYTES) {
      parsedCache.set(key, cert);
      parsedCacheBytes += der.length;
      while (parsedCache.size > PARSED_CACHE_SIZE || parsedCacheBytes > PARSED_CACHE_MAX_BYTES) {
        const oldest = parsedCache.keys().next().value as string;
        parsedCache.delete(oldest);
        parsedCacheBytes -= oldest.length;
      }
    }
    return cert;
  } catch (e) {
    if (e instanceof DecodeError) throw e;
    // asn1js/pkijs (or our navigation over their result) failed in a way we did not foresee.
    throw new DecodeError(`certificate: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Parsed certificates by DER content, least recently used first out. Results are frozen and shared. */
const PARSED_CACHE_SIZE = 512;
/** Certificates larger than this (DER bytes) are parsed each time, never cached. */
export const MAX_CACHED_CERTIFICATE_BYTES = 16 * 1024;
/** Bound on the DER bytes of all cached certificates together (their keys; parsed forms are about as big). */
export const PARSED_CACHE_MAX_BYTES = 2 * 1024 * 1024;
const parsedCache = new Map<string, X509Certificate>();
let parsedCacheBytes = 0;

/** What the process-wide parsed-certificate cache holds now (for tests and monitoring). */
export function parsedCertificateCacheStats(): { entries: number; bytes: number } {
  return { entries: parsedCache.size, bytes: parsedCacheBytes };
}

/** The DER bytes as a string (one char per byte): an exact, collision-free Map key. */
function cacheKey(der: Uint8Array): string {
  let key = '';
  for (let i = 0; i < der.length; i += 8192) key += String.fromCharCode.apply(null, der.subarray(i, i + 8192) as unknown as number[]);
  return key;
}

/**
 * Certificates from application configuration: PEM text with one or more CERTIFICATE blocks (leaf
 * first), DER bytes, or a list of either. Returns DER in order. TLSConfigError on bad input.
 */
export function readCertificateChain(input: string | Uint8Array | ReadonlyArray<string | Uint8Array>): Uint8Array[] {
  const items = typeof input === 'string' || input instanceof Uint8Array ? [input] : input;
  const out: Uint8Array[] = [];
  for (const item of items) {
    if (typeof item !== 'string' && !looksLikePem(item)) out.push(new Uint8Array(item));
    else out.push(...pemDecode(item, 'CERTIFICATE'));
  }
  for (const der of out) {
    try {
      parseCertificate(der);
    } catch (e) {
      throw new TLSConfigError(`invalid certificate in configuration: ${(e as Error).message}`);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Signatures and fingerprints

const HASHES = { md5, sha1, sha224, sha256, sha384, sha512 } as const;
export type DigestName = keyof typeof HASHES;

export function digest(name: DigestName, data: Uint8Array): Uint8Array {
  return HASHES[name](data);
}

/** "AB:CD:..." uppercase, as Node's fingerprint / fingerprint256 / fingerprint512. */
export function fingerprint(der: Uint8Array, alg: 'sha1' | 'sha256' | 'sha512' = 'sha256'): string {
  return toHex(digest(alg, der))
    .toUpperCase()
    .replace(/(..)(?!$)/g, '$1:');
}

/**
 * The hash and digest of the signed part, for an RSA PKCS#1 v1.5 verification with the issuer's key
 * (lib/crypto/rsa.ts verifyPkcs1DigestInfo). Null when the algorithm is not RSA hash-then-sign or the
 * hash has no DigestInfo there (md2, and sha224, which no TLS 1.0-era certificate profile uses).
 */
export function certificateSignatureDigest(cert: X509Certificate): { hash: DigestInfoHash; digest: Uint8Array } | null {
  const { keyType, hash } = cert.signatureAlgorithm;
  if (keyType !== 'rsa' || hash === null || hash === 'md2' || hash === 'sha224') return null;
  return { hash, digest: digest(hash, cert.tbs) };
}

/**
 * Verifies the certificate's signature with the issuer's RSA key through a caller-supplied
 * PKCS#1 v1.5 verifier, e.g. `(k, h, d, s) => verifyPkcs1DigestInfo(provider, k, h, d, s)`, so this
 * module needs no RSA code. False for unsupported algorithms.
 */
export function verifyCertificateSignature(
  cert: X509Certificate,
  issuerKey: RsaPublicKey,
  verify: (key: RsaPublicKey, hash: DigestInfoHash, digest: Uint8Array, signature: Uint8Array) => boolean,
): boolean {
  const d = certificateSignatureDigest(cert);
  if (!d) return false;
  return verify(issuerKey, d.hash, d.digest, cert.signatureValue);
}

// ---------------------------------------------------------------------------------------------
// Node's getPeerCertificate() shape

export interface NodePeerCertificate {
  subject: Record<string, string | string[]>;
  issuer: Record<string, string | string[]>;
  subjectaltname?: string;
  infoAccess?: Record<string, string[]>;
  ca: boolean;
  modulus?: string;
  bits?: number;
  exponent?: string;
  pubkey: Uint8Array;
  valid_from: string;
  valid_to: string;
  fingerprint: string;
  fingerprint256: string;
  fingerprint512: string;
  ext_key_usage?: string[];
  serialNumber: string;
  raw: Uint8Array;
  issuerCertificate?: NodePeerCertificate;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** OpenSSL ASN1_TIME_print format, as Node's valid_from: "Jan  1 00:00:00 2025 GMT". */
export function formatNodeDate(d: Date): string {
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${d.getUTCFullYear()} GMT`;
}

/**
 * Node (src/crypto/crypto_common.cc PrintAltName) prints a name as is only if it cannot be confused
 * with the list syntax; otherwise as a JSON-like quoted string with \uXXXX escapes.
 */
function nodeSafeName(s: string): string {
  const safe = !/[",\\'\x00-\x1f\x7f-\uffff]/.test(s);
  if (safe) return s;
  let out = '"';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (c >= 0x20 && c <= 0x7e && ch !== ',') out += ch;
    else out += '\\u' + c.toString(16).padStart(4, '0');
  }
  return out + '"';
}

function nodeIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16).toUpperCase());
  return groups.join(':');
}

/** Node's subjectaltname string: "DNS:a, DNS:b, IP Address:1.2.3.4, URI:http://x/". */
export function nodeSubjectAltName(cert: X509Certificate): string | undefined {
  const san = cert.extensions.subjectAltName;
  if (!san) return undefined;
  const parts: string[] = [];
  for (const n of san.names) {
    if (n.kind === 'dns') parts.push(`DNS:${nodeSafeName(n.value)}`);
    else if (n.kind === 'email') parts.push(`email:${nodeSafeName(n.value)}`);
    else if (n.kind === 'uri') parts.push(`URI:${nodeSafeName(n.value)}`);
    else if (n.kind === 'ip') parts.push(`IP Address:${nodeIp(n.ip!)}`);
    else if (n.kind === 'registeredId') parts.push(`Registered ID:${n.value}`);
    else if (n.kind === 'dirName') parts.push(`DirName:${nodeSafeName(n.value)}`);
    else if (n.kind === 'otherName') parts.push('othername:<unsupported>');
  }
  return parts.join(', ');
}

const ACCESS_METHOD_NAMES: Record<string, string> = { '1.3.6.1.5.5.7.48.1': 'OCSP', '1.3.6.1.5.5.7.48.2': 'CA Issuers' };

/** OpenSSL X509_check_ca() == 1, which is what Node reports as `ca`. */
function nodeIsCa(cert: X509Certificate): boolean {
  const { basicConstraints, keyUsage } = cert.extensions;
  if (keyUsage && !keyUsage.usages.includes('keyCertSign')) return false;
  return basicConstraints?.cA === true;
}

function nodeShapeOne(cert: X509Certificate): NodePeerCertificate {
  // Same key order as Node 20 (X509ToObject), so the objects print alike.
  const shape: Partial<NodePeerCertificate> = { subject: cert.subject.object, issuer: cert.issuer.object };
  const san = nodeSubjectAltName(cert);
  if (san !== undefined) shape.subjectaltname = san;
  const aia = cert.extensions.authorityInfoAccess;
  if (aia) {
    const info: Record<string, string[]> = Object.create(null);
    for (const e of aia.entries) {
      const key = `${ACCESS_METHOD_NAMES[e.method] ?? e.method} - ${e.location.startsWith('URI:') ? 'URI' : 'other'}`;
      (info[key] ??= []).push(e.location.replace(/^URI:/, ''));
    }
    shape.infoAccess = info;
  }
  shape.ca = nodeIsCa(cert);
  if (cert.publicKey.algorithm === 'rsa') {
    shape.modulus = cert.publicKey.rsa.n.toString(16).toUpperCase();
    shape.bits = cert.publicKeyBits;
    shape.exponent = '0x' + cert.publicKey.rsa.e.toString(16);
  } else if (cert.publicKeyBits) shape.bits = cert.publicKeyBits;
  shape.pubkey = cert.publicKeyInfo;
  shape.valid_from = formatNodeDate(cert.notBefore);
  shape.valid_to = formatNodeDate(cert.notAfter);
  shape.fingerprint = fingerprint(cert.raw, 'sha1');
  shape.fingerprint256 = fingerprint(cert.raw, 'sha256');
  shape.fingerprint512 = fingerprint(cert.raw, 'sha512');
  if (cert.extensions.extKeyUsage) shape.ext_key_usage = cert.extensions.extKeyUsage.oids.slice();
  shape.serialNumber = cert.serialNumber;
  shape.raw = cert.raw;
  return shape as NodePeerCertificate;
}

/**
 * The object Node's tlsSocket.getPeerCertificate(detailed) returns, with raw and pubkey as
 * Uint8Array (the socket layer wraps them in Buffers). With `detailed`, issuerCertificate links
 * through `chain` (the rest of the peer's chain, in order); a self-issued last certificate points at
 * itself, as in Node.
 */
export function certificateToNodeShape(cert: X509Certificate, detailed = false, chain: readonly X509Certificate[] = []): NodePeerCertificate {
  const first = nodeShapeOne(cert);
  if (!detailed) return first;
  let current = first;
  let currentCert = cert;
  for (const next of chain) {
    const shape = nodeShapeOne(next);
    current.issuerCertificate = shape;
    current = shape;
    currentCert = next;
  }
  if (currentCert.selfIssued) current.issuerCertificate = current;
  return first;
}
