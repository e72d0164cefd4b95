/**
 * A throw-away test PKI: root CA, optional intermediate, server and client certificates made on the
 * fly, for the demo, the tests and the CLI. NOT for production use.
 *
 * Runtime dependency: WebCrypto (`globalThis.crypto.subtle`, Node >= 19 / browsers / Deno) for RSA
 * key generation and `crypto.getRandomValues` for serial numbers. Everything else is ours: the TBS
 * is built with pkijs/asn1js and signed with the project's RSASSA-PKCS1-v1_5 (lib/crypto/rsa.ts, pure
 * provider), which is what makes MD5-signed certificates possible (WebCrypto refuses MD5) and means
 * no pkijs crypto engine (global state) is ever set.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { RsaPrivateKey, RsaPublicKey } from '../../lib/crypto/provider.js';
import { TLSConfigError } from '../../lib/errors.js';
import { bytesToBigInt } from '../../lib/crypto/bigint.js';
import { pureProvider } from '../../lib/crypto/pure.js';
import { type DigestInfoHash, signPkcs1DigestInfo } from '../../lib/crypto/rsa.js';
import { fromHex, utf8 } from '../../lib/util/bytes.js';
import {
  type KeyUsageName,
  type X509Certificate,
  KEY_USAGE_BITS,
  OID,
  digest,
  extKeyUsageOid,
  nameAttributeOid,
  parseCertificate,
  parseIp,
  rsaSignatureAlgorithmOid,
} from '../../lib/x509/certificate.js';
import { encodeRsaPrivateKeyPkcs8, encodeRsaPublicKeyInfo, parsePrivateKey, rsaPublicKeyOf } from '../../lib/x509/keys.js';
import { pemEncode } from '../../lib/x509/pem.js';

export type TestSignatureHash = 'MD5' | 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

const HASH_NAMES: Record<TestSignatureHash, DigestInfoHash> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

export interface TestKey {
  key: RsaPrivateKey;
  publicKey: RsaPublicKey;
  /** PKCS#8 "PRIVATE KEY" PEM. */
  keyPem: string;
  /** PKCS#8 DER. */
  keyDer: Uint8Array;
}

export interface TestCertificate extends TestKey {
  cert: X509Certificate;
  der: Uint8Array;
  pem: string;
}

/** {CN: 'x', O: 'y'} (insertion order kept) or [['C', 'FR'], ['CN', 'x']]; keys are short names or OIDs. */
export type NameInput = Record<string, string> | ReadonlyArray<readonly [string, string]>;

export interface CertificateOptions {
  subject: NameInput;
  /** The signer; absent → self-signed with the certificate's own key. */
  issuer?: { cert: X509Certificate | TestCertificate; key: RsaPrivateKey };
  /** Reuse a key (saves the generation time); otherwise a new one of keyBits. */
  key?: RsaPrivateKey;
  /** RSA modulus size for a new key (default 2048). */
  keyBits?: number;
  /** Makes a CA: basicConstraints cA=TRUE critical, keyUsage keyCertSign+cRLSign. */
  isCA?: boolean;
  pathLength?: number;
  /** Overrides the basicConstraints extension ('omit' leaves it out); default from isCA (leaves have none). */
  basicConstraints?: 'omit' | { cA: boolean; pathLength?: number; critical?: boolean };
  /** null leaves the extension out; default CA: keyCertSign+cRLSign, leaf: digitalSignature+keyEncipherment. */
  keyUsage?: KeyUsageName[] | null;
  keyUsageCritical?: boolean;
  /** Names ('serverAuth', 'clientAuth', ...) or OIDs; null/empty leaves it out; default none. */
  extKeyUsage?: string[] | null;
  dnsNames?: string[];
  ipAddresses?: string[];
  uris?: string[];
  notBefore?: Date;
  notAfter?: Date;
  /** Positive (or, to test odd certificates, negative) serial; hex string or bigint. Default 16 random bytes. */
  serial?: bigint | string;
  signatureHash?: TestSignatureHash;
  /** 1 makes a v1 certificate (no extensions at all); default 3. */
  version?: 1 | 3;
  /** Add subject/authority key identifiers (default true). */
  keyIdentifiers?: boolean;
  /** More extensions, e.g. an unknown critical one. */
  extraExtensions?: { oid: string; critical?: boolean; value: Uint8Array }[];
}

export interface TestPkiOptions {
  /** DNS names and IP addresses of the server (default ['localhost', '127.0.0.1']); CN = the first. */
  names?: string[];
  /** Put an intermediate CA between root and leaves (default false). */
  intermediate?: boolean;
  /** Also make a client certificate (extKeyUsage clientAuth); a string sets its CN. */
  client?: boolean | string;
  keyBits?: number;
  signatureHash?: TestSignatureHash;
  /** Leaf validity (default now-1h .. now+30d). */
  notBefore?: Date;
  notAfter?: Date;
  /** CA validity (default now-1d .. now+10y). */
  caNotBefore?: Date;
  caNotAfter?: Date;
  organization?: string;
}

export interface TestPki {
  root: TestCertificate;
  intermediate?: TestCertificate;
  server: TestCertificate;
  client?: TestCertificate;
  /** What a server sends: leaf first, then the intermediate if any (DER). */
  chain: Uint8Array[];
  /** The same as PEM (node:tls `cert`, gnutls-serv --x509certfile). */
  chainPem: string;
  /** The trust anchor as PEM (node:tls `ca`, openssl -CAfile). */
  caPem: string;
}

// ---------------------------------------------------------------------------------------------
// Signing

/** RSASSA-PKCS1-v1_5 signature (RFC 8017 8.2.1) over data, with the project's own RSA (pure provider). */
export function signPkcs1(key: RsaPrivateKey, hash: DigestInfoHash, data: Uint8Array): Uint8Array {
  const d = digest(hash, data);
  // DigestInfo is 18 + digest bytes; PKCS#1 needs 11 more.
  if (key.size < d.length + 19 + 11) throw new TLSConfigError(`RSA key of ${key.size * 8} bits is too small for a ${hash} signature`);
  return signPkcs1DigestInfo(pureProvider, key, hash, d);
}

// ---------------------------------------------------------------------------------------------
// Keys

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new TLSConfigError('testca needs WebCrypto (globalThis.crypto.subtle) to generate keys');
  return s;
}

function testKey(key: RsaPrivateKey): TestKey {
  const keyDer = encodeRsaPrivateKeyPkcs8(key);
  return { key, publicKey: rsaPublicKeyOf(key), keyDer, keyPem: pemEncode(keyDer, 'PRIVATE KEY') };
}

/** A new RSA key (e = 65537) from WebCrypto. 2048 bits takes a few hundred ms. */
export async function generateRsaKey(bits = 2048): Promise<TestKey> {
  const pair = (await subtle().generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: bits, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  )) as CryptoKeyPair;
  const pkcs8 = new Uint8Array(await subtle().exportKey('pkcs8', pair.privateKey));
  return testKey(parsePrivateKey(pkcs8));
}

// ---------------------------------------------------------------------------------------------
// Certificate building

function nameDer(input: NameInput): Uint8Array {
  const entries = Array.isArray(input) ? (input as ReadonlyArray<readonly [string, string]>) : Object.entries(input as Record<string, string>);
  if (entries.length === 0) throw new TLSConfigError('testca: empty name');
  const rdns = entries.map(([type, value]) => {
    const oid = nameAttributeOid(type);
    // RFC 5280 A.1: countryName (and serialNumber) are PrintableString; the rest UTF8String.
    const v = oid === '2.5.4.6' || oid === '2.5.4.5' ? new asn1js.PrintableString({ value }) : new asn1js.Utf8String({ value });
    return new asn1js.Set({ value: [new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: oid }), v] })] });
  });
  return new Uint8Array(new asn1js.Sequence({ value: rdns }).toBER(false));
}

function time(d: Date): pkijs.Time {
  // RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050 (and before 1950).
  const year = d.getUTCFullYear();
  return new pkijs.Time({ type: year >= 1950 && year < 2050 ? 0 : 1, value: new Date(Math.floor(d.getTime() / 1000) * 1000) });
}

function randomSerial(): bigint {
  const b = new Uint8Array(16);
  globalThis.crypto.getRandomValues(b);
  b[0] = (b[0]! & 0x7f) | 0x40; // positive, and always 16 bytes long
  return bytesToBigInt(b);
}

function extension(oid: string, critical: boolean, value: Uint8Array | ArrayBuffer): pkijs.Extension {
  // A fresh copy: .slice() of a Node Buffer is a view into its shared pool, whose .buffer is the whole pool.
  const bytes = new Uint8Array(value instanceof Uint8Array ? value : new Uint8Array(value));
  return new pkijs.Extension({ extnID: oid, critical, extnValue: bytes.buffer });
}

function keyUsageDer(usages: KeyUsageName[]): Uint8Array {
  let bits = 0;
  let highest = -1;
  for (const u of usages) {
    const bit = KEY_USAGE_BITS.indexOf(u);
    if (bit < 0) throw new TLSConfigError(`unknown key usage ${u}`);
    bits |= 1 << (15 - bit);
    highest = Math.max(highest, bit);
  }
  // DER (X.690 11.2.2): a named bit list drops trailing zero bits.
  const nbytes = highest < 0 ? 0 : highest < 8 ? 1 : 2;
  const bytes = nbytes === 0 ? new Uint8Array(0) : nbytes === 1 ? new Uint8Array([bits >> 8]) : new Uint8Array([bits >> 8, bits & 0xff]);
  const unused = nbytes === 0 ? 0 : nbytes * 8 - 1 - highest;
  return new Uint8Array(new asn1js.BitString({ valueHex: bytes, unusedBits: unused }).toBER(false));
}

function subjectAltNameDer(dns: string[], ips: string[], uris: string[]): Uint8Array {
  const names: asn1js.Primitive[] = [];
  const prim = (tag: number, bytes: Uint8Array): asn1js.Primitive => new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: tag }, valueHex: bytes });
  for (const d of dns) names.push(prim(2, utf8(d)));
  for (const ip of ips) {
    const b = parseIp(ip);
    if (!b) throw new TLSConfigError(`testca: not an IP address: ${ip}`);
    names.push(prim(7, b));
  }
  for (const u of uris) names.push(prim(6, utf8(u)));
  return new Uint8Array(new asn1js.Sequence({ value: names }).toBER(false));
}

function issuerCert(i: X509Certificate | TestCertificate): X509Certificate {
  return 'cert' in i ? i.cert : i;
}

/**
 * Builds and signs one certificate. Returns PEM and DER for it and its (PKCS#8) key, and the parsed
 * form. Any combination of options is allowed, including ones a validator must reject.
 */
export async function createCertificate(options: CertificateOptions): Promise<TestCertificate> {
  const key = options.key ?? (await generateRsaKey(options.keyBits ?? 2048)).key;
  const now = Date.now();
  const version = options.version ?? 3;
  const isCA = options.isCA ?? false;
  const hash = HASH_NAMES[options.signatureHash ?? 'SHA-256'];
  if (!hash) throw new TLSConfigError(`unsupported signature hash ${options.signatureHash}`);
  const signer = options.issuer?.key ?? key;
  const subjectDer = nameDer(options.subject);
  const issuerDer = options.issuer ? issuerCert(options.issuer.cert).subject.der : subjectDer;
  const spki = encodeRsaPublicKeyInfo(rsaPublicKeyOf(key));

  const algorithm = (): pkijs.AlgorithmIdentifier =>
    new pkijs.AlgorithmIdentifier({ algorithmId: rsaSignatureAlgorithmOid(hash), algorithmParams: new asn1js.Null() });
  const cert = new pkijs.Certificate();
  cert.version = version === 1 ? 0 : 2;
  cert.serialNumber = asn1js.Integer.fromBigInt(options.serial === undefined ? randomSerial() : typeof options.serial === 'bigint' ? options.serial : BigInt('0x' + options.serial));
  cert.signature = algorithm();
  cert.signatureAlgorithm = algorithm();
  cert.issuer = pkijs.RelativeDistinguishedNames.fromBER(issuerDer.slice());
  cert.subject = pkijs.RelativeDistinguishedNames.fromBER(subjectDer.slice());
  cert.notBefore = time(options.notBefore ?? new Date(now - 3600_000));
  cert.notAfter = time(options.notAfter ?? new Date(now + 30 * 86400_000));
  cert.subjectPublicKeyInfo = pkijs.PublicKeyInfo.fromBER(spki.slice());

  if (version === 3) {
    const exts: pkijs.Extension[] = [];
    const bc = options.basicConstraints ?? (isCA ? { cA: true, pathLength: options.pathLength, critical: true } : 'omit');
    if (bc !== 'omit') {
      const params: { cA: boolean; pathLenConstraint?: number } = { cA: bc.cA };
      if (bc.pathLength !== undefined) params.pathLenConstraint = bc.pathLength;
      exts.push(extension(OID.basicConstraints, bc.critical ?? true, new pkijs.BasicConstraints(params).toSchema().toBER(false)));
    }
    const ku = options.keyUsage === undefined ? (isCA ? ['keyCertSign', 'cRLSign'] : ['digitalSignature', 'keyEncipherment']) : options.keyUsage;
    if (ku) exts.push(extension(OID.keyUsage, options.keyUsageCritical ?? true, keyUsageDer(ku as KeyUsageName[])));
    const eku = options.extKeyUsage ?? [];
    if (eku.length) {
      exts.push(extension(OID.extKeyUsage, false, new pkijs.ExtKeyUsage({ keyPurposes: eku.map(extKeyUsageOid) }).toSchema().toBER(false)));
    }
    const dns = options.dnsNames ?? [];
    const ips = options.ipAddresses ?? [];
    const uris = options.uris ?? [];
    if (dns.length || ips.length || uris.length) exts.push(extension(OID.subjectAltName, false, subjectAltNameDer(dns, ips, uris)));
    if (options.keyIdentifiers ?? true) {
      // RFC 5280 4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING contents.
      const ski = digest('sha1', cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView);
      exts.push(extension(OID.subjectKeyIdentifier, false, new asn1js.OctetString({ valueHex: ski }).toBER(false)));
      const issuerSki = options.issuer ? issuerCert(options.issuer.cert).extensions.subjectKeyIdentifier : undefined;
      const akid = options.issuer ? (issuerSki ? fromHex(issuerSki) : undefined) : ski;
      if (akid) {
        const aki = new asn1js.Sequence({ value: [new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 }, valueHex: akid })] });
        exts.push(extension(OID.authorityKeyIdentifier, false, aki.toBER(false)));
      }
    }
    for (const e of options.extraExtensions ?? []) exts.push(extension(e.oid, e.critical ?? false, e.value));
    if (exts.length) cert.extensions = exts;
  }

  const tbs = new Uint8Array(cert.encodeTBS().toBER(false));
  cert.tbsView = tbs;
  cert.signatureValue = new asn1js.BitString({ valueHex: signPkcs1(signer, hash, tbs) });
  const der = new Uint8Array(cert.toSchema(false).toBER(false));
  return { ...testKey(key), cert: parseCertificate(der), der, pem: pemEncode(der, 'CERTIFICATE') };
}

/**
 * Root CA, optional intermediate, a server leaf for `names` and optionally a client certificate.
 * The leaves' keys are generated in parallel with nothing else to wait for; expect ~1 s at 2048 bits.
 */
export async function createTestPki(options: TestPkiOptions = {}): Promise<TestPki> {
  const now = Date.now();
  const names = options.names ?? ['localhost', '127.0.0.1'];
  if (names.length === 0) throw new TLSConfigError('testca: at least one server name is needed');
  const org = options.organization ?? 'ut-tls test';
  const keyBits = options.keyBits ?? 2048;
  const common = { keyBits, signatureHash: options.signatureHash ?? ('SHA-256' as const) };
  const caValidity = { notBefore: options.caNotBefore ?? new Date(now - 86400_000), notAfter: options.caNotAfter ?? new Date(now + 3650 * 86400_000) };
  const leafValidity = { notBefore: options.notBefore ?? new Date(now - 3600_000), notAfter: options.notAfter ?? new Date(now + 30 * 86400_000) };

  const keyCount = 2 + (options.intermediate ? 1 : 0) + (options.client ? 1 : 0);
  const keys = await Promise.all(Array.from({ length: keyCount }, () => generateRsaKey(keyBits)));
  const nextKey = (): RsaPrivateKey => keys.shift()!.key;

  const root = await createCertificate({ ...common, ...caValidity, key: nextKey(), subject: { O: org, CN: `${org} root CA` }, isCA: true });
  let issuing = root;
  let intermediate: TestCertificate | undefined;
  if (options.intermediate) {
    intermediate = await createCertificate({
      ...common,
      ...caValidity,
      key: nextKey(),
      subject: { O: org, CN: `${org} intermediate CA` },
      issuer: { cert: root.cert, key: root.key },
      isCA: true,
      pathLength: 0,
    });
    issuing = intermediate;
  }
  const issuer = { cert: issuing.cert, key: issuing.key };
  const server = await createCertificate({
    ...common,
    ...leafValidity,
    key: nextKey(),
    subject: { O: org, CN: names[0]! },
    issuer,
    dnsNames: names.filter((n) => !parseIp(n)),
    ipAddresses: names.filter((n) => parseIp(n)),
    extKeyUsage: ['serverAuth'],
  });
  let client: TestCertificate | undefined;
  if (options.client) {
    client = await createCertificate({
      ...common,
      ...leafValidity,
      key: nextKey(),
      subject: { O: org, CN: typeof options.client === 'string' ? options.client : 'ut-tls test client' },
      issuer,
      keyUsage: ['digitalSignature', 'keyEncipherment'],
      extKeyUsage: ['clientAuth'],
    });
  }
  const chainCerts = intermediate ? [server, intermediate] : [server];
  const pki: TestPki = {
    root,
    server,
    chain: chainCerts.map((c) => c.der),
    chainPem: chainCerts.map((c) => c.pem).join(''),
    caPem: root.pem,
  };
  if (intermediate) pki.intermediate = intermediate;
  if (client) pki.client = client;
  return pki;
}
