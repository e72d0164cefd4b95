import t, { type Test } from 'tap';
import { execFileSync } from 'node:child_process';
import { X509Certificate as NodeX509, constants as cryptoConstants, createHash, publicDecrypt, verify as nodeVerify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import type { RsaPublicKey } from '../../lib/crypto/provider.js';
import { pureProvider } from '../../lib/crypto/pure.js';
import { type DigestInfoHash, verifyPkcs1DigestInfo } from '../../lib/crypto/rsa.js';
import { DecodeError, concatBytes, fromHex, toHex } from '../../lib/util/bytes.js';
import {
  type NodePeerCertificate,
  certificateSignatureDigest,
  certificateToNodeShape,
  fingerprint,
  formatIp,
  formatNodeDate,
  nodeSubjectAltName,
  parseCertificate,
  parseIp,
  readCertificateChain,
  verifyCertificateSignature,
} from '../../lib/x509/certificate.js';
import { encodeRsaPublicKeyInfo } from '../../lib/x509/keys.js';
import { pemDecode } from '../../lib/x509/pem.js';
import { createCertificate, createTestPki } from '../helpers/testca.js';

const dir = mkdtempSync(join(tmpdir(), 'ut-tls-cert-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

/** A certificate made by the openssl CLI, so the parser is checked on something our own builder did not write. */
function opensslCert(name: string, args: string[]): { pem: string; der: Uint8Array; keyPem: string } {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  execFileSync('openssl', ['req', '-x509', '-nodes', '-keyout', key, '-out', cert, '-days', '2', ...args], { stdio: 'pipe' });
  const pem = readFileSync(cert, 'utf8');
  return { pem, der: pemDecode(pem, 'CERTIFICATE')[0]!, keyPem: readFileSync(key, 'utf8') };
}

const rich = opensslCert('rich', [
  '-newkey', 'rsa:1024', '-sha1',
  '-set_serial', '0x8000000000000000000000000000000000000001',
  '-subj', '/C=FR/ST=Ile-de-France/L=Paris/O=Org/OU=a/OU=b/CN=rich.example/emailAddress=admin@rich.example',
  '-addext', 'subjectAltName=DNS:rich.example,DNS:*.rich.example,IP:192.0.2.7,IP:2001:db8::1,URI:http://rich.example/,email:admin@rich.example',
  '-addext', 'keyUsage=critical,digitalSignature,keyEncipherment',
  '-addext', 'extendedKeyUsage=serverAuth,clientAuth',
  '-addext', 'authorityInfoAccess=OCSP;URI:http://ocsp.rich.example/,caIssuers;URI:http://ca.rich.example/ca.crt',
]);
const ecCert = opensslCert('ec', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-subj', '/CN=ec.example']);
const utf8Cert = opensslCert('utf8', ['-newkey', 'rsa:1024', '-utf8', '-subj', '/O=Société/CN=zoë.example']);

const pki = await createTestPki({ intermediate: true, client: true, keyBits: 1024 });

/** Everything Node's X509Certificate says about a certificate must agree with our parse. */
function compareWithNode(t: Test, name: string, pem: string): void {
  const x = new NodeX509(pem);
  const c = parseCertificate(new Uint8Array(x.raw));
  t.equal(c.subject.text, x.subject, `${name}: subject`);
  t.equal(c.issuer.text, x.issuer, `${name}: issuer`);
  t.equal(c.serialNumber, x.serialNumber, `${name}: serialNumber`);
  t.equal(fingerprint(c.raw, 'sha1'), x.fingerprint, `${name}: fingerprint`);
  t.equal(fingerprint(c.raw, 'sha256'), x.fingerprint256, `${name}: fingerprint256`);
  t.equal(fingerprint(c.raw, 'sha512'), x.fingerprint512, `${name}: fingerprint512`);
  t.equal(formatNodeDate(c.notBefore), x.validFrom, `${name}: validFrom`);
  t.equal(formatNodeDate(c.notAfter), x.validTo, `${name}: validTo`);
  t.equal(nodeSubjectAltName(c), x.subjectAltName, `${name}: subjectAltName`);
  t.equal(certificateToNodeShape(c).ca, x.ca, `${name}: ca`);
  t.same(c.extensions.extKeyUsage?.oids, x.keyUsage, `${name}: extended key usage`);
  const aia = c.extensions.authorityInfoAccess;
  const aiaText = aia?.entries.map((e) => `${e.method === '1.3.6.1.5.5.7.48.1' ? 'OCSP' : 'CA Issuers'} - ${e.location}`).join('\n');
  t.equal(aiaText, x.infoAccess, `${name}: infoAccess`);
  t.same(Buffer.from(c.publicKeyInfo), x.publicKey.export({ type: 'spki', format: 'der' }), `${name}: SubjectPublicKeyInfo bytes`);
  if (c.publicKey.algorithm === 'rsa') {
    const jwk = x.publicKey.export({ format: 'jwk' });
    t.equal(c.publicKey.rsa.n, BigInt('0x' + Buffer.from(jwk.n!, 'base64url').toString('hex')), `${name}: modulus`);
    t.equal(c.publicKey.rsa.e, BigInt('0x' + Buffer.from(jwk.e!, 'base64url').toString('hex')), `${name}: exponent`);
    t.equal(c.publicKeyBits, x.publicKey.asymmetricKeyDetails?.modulusLength, `${name}: bits`);
  }
}

t.test('parseCertificate agrees with Node X509Certificate', async (t) => {
  compareWithNode(t, 'openssl rich', rich.pem);
  compareWithNode(t, 'openssl EC', ecCert.pem);
  for (const [name, tc] of Object.entries({ root: pki.root, intermediate: pki.intermediate!, server: pki.server, client: pki.client! })) {
    compareWithNode(t, `testca ${name}`, tc.pem);
  }
});

t.test('fields of an openssl-made certificate', async (t) => {
  const c = parseCertificate(rich.der);
  t.equal(c.version, 3);
  t.equal(c.serialNumber, '8000000000000000000000000000000000000001', '20-byte serial, leading zero octet not shown');
  t.equal(c.serialNumberBytes.length, 21);
  t.same(
    c.subject.attributes.map((a) => [a.type, a.shortName, a.value]),
    [
      ['2.5.4.6', 'C', 'FR'],
      ['2.5.4.8', 'ST', 'Ile-de-France'],
      ['2.5.4.7', 'L', 'Paris'],
      ['2.5.4.10', 'O', 'Org'],
      ['2.5.4.11', 'OU', 'a'],
      ['2.5.4.11', 'OU', 'b'],
      ['2.5.4.3', 'CN', 'rich.example'],
      ['1.2.840.113549.1.9.1', 'emailAddress', 'admin@rich.example'],
    ],
  );
  t.same({ ...c.subject.object }, { C: 'FR', ST: 'Ile-de-France', L: 'Paris', O: 'Org', OU: ['a', 'b'], CN: 'rich.example', emailAddress: 'admin@rich.example' });
  t.equal(Object.getPrototypeOf(c.subject.object), null, 'null prototype, like Node');
  t.equal(c.selfIssued, true);
  t.same(c.signatureAlgorithm, { oid: '1.2.840.113549.1.1.5', name: 'sha1WithRSAEncryption', hash: 'sha1', keyType: 'rsa' });
  const san = c.extensions.subjectAltName!;
  t.same(san.dnsNames, ['rich.example', '*.rich.example']);
  t.same(san.ipAddresses, ['192.0.2.7', '2001:db8::1']);
  t.same(san.ipAddressBytes, [fromHex('c0000207'), fromHex('20010db8000000000000000000000001')]);
  t.same(san.uris, ['http://rich.example/']);
  t.same(san.emails, ['admin@rich.example']);
  t.equal(san.critical, false);
  t.same(c.extensions.keyUsage, { usages: ['digitalSignature', 'keyEncipherment'], critical: true });
  t.same(c.extensions.extKeyUsage, { oids: ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'], names: ['serverAuth', 'clientAuth'], critical: false });
  // openssl's default req config marks the self-signed certificate as a CA
  t.same(c.extensions.basicConstraints, { cA: true, critical: true });
  t.same(c.extensions.authorityInfoAccess?.ocsp, ['http://ocsp.rich.example/']);
  t.same(c.extensions.authorityInfoAccess?.caIssuers, ['http://ca.rich.example/ca.crt']);
  // OpenSSL derives the key identifier as SHA-1 of the subjectPublicKey bits (RFC 5280 4.2.1.2 (1))
  const spkiBits = new NodeX509(rich.pem).publicKey.export({ type: 'pkcs1', format: 'der' });
  const ski = createHash('sha1').update(spkiBits).digest('hex').toUpperCase();
  t.equal(c.extensions.subjectKeyIdentifier, ski);
  t.equal(c.extensions.authorityKeyIdentifier, ski, 'self-signed: AKI = SKI');
  t.same(
    c.extensions.all.map((e) => [e.name, e.critical, e.understood]),
    [
      ['subjectKeyIdentifier', false, true],
      ['authorityKeyIdentifier', false, true],
      ['basicConstraints', true, true],
      ['subjectAltName', false, true],
      ['keyUsage', true, true],
      ['extKeyUsage', false, true],
      ['authorityInfoAccess', false, true],
    ],
  );
});

t.test('tbs and signatureValue are exactly what the issuer signed', async (t) => {
  for (const [name, pem, issuerPem] of [
    ['openssl self-signed', rich.pem, rich.pem],
    ['testca leaf', pki.server.pem, pki.intermediate!.pem],
    ['testca intermediate', pki.intermediate!.pem, pki.root.pem],
  ] as const) {
    const c = parseCertificate(pemDecode(pem)[0]!);
    const issuerKey = new NodeX509(issuerPem).publicKey;
    t.equal(nodeVerify(c.signatureAlgorithm.hash!, c.tbs, issuerKey, c.signatureValue), true, `${name}: node verifies tbs+signature`);
    t.equal(Buffer.from(c.raw).indexOf(Buffer.from(c.tbs)), 4, `${name}: tbs follows the outer SEQUENCE header`);
  }
});

t.test('a Node Buffer input is copied, not shared', async (t) => {
  const pool = Buffer.concat([Buffer.from([1, 2, 3]), Buffer.from(pki.server.der)]);
  const view = pool.subarray(3);
  const c = parseCertificate(view);
  t.same(c.raw, pki.server.der);
  t.equal(c.raw.constructor, Uint8Array, 'a plain Uint8Array');
  view[20]! ^= 0xff;
  t.same(c.raw, pki.server.der, 'changing the caller\'s buffer does not change the parsed certificate');
  const [fromList] = readCertificateChain([Buffer.from(pki.server.der)]);
  t.equal(fromList!.constructor, Uint8Array);
});

t.test('EC certificate: parsed, key reported as unknown with its curve', async (t) => {
  const c = parseCertificate(ecCert.der);
  t.same(c.publicKey, { algorithm: 'unknown', oid: '1.2.840.10045.2.1', name: 'EC', parameters: '1.2.840.10045.3.1.7' });
  t.equal(c.publicKeyBits, 256);
  t.equal(c.signatureAlgorithm.name, 'ecdsa-with-SHA256');
  t.equal(c.signatureAlgorithm.keyType, 'ecdsa');
  t.equal(certificateSignatureDigest(c), null, 'not an RSA signature');
  const shape = certificateToNodeShape(c);
  t.equal(shape.bits, 256);
  t.equal(shape.modulus, undefined);
});

t.test('UTF8String names', async (t) => {
  const c = parseCertificate(utf8Cert.der);
  t.same({ ...c.subject.object }, { O: 'Société', CN: 'zoë.example' });
});

/** An independent PKCS#1 v1.5 verifier: OpenSSL recovers the DigestInfo, we compare it. */
const DIGEST_INFO: Partial<Record<DigestInfoHash, string>> = {
  sha1: '3021300906052b0e03021a05000414',
  sha256: '3031300d060960864801650304020105000420',
};
function nodePkcs1Verify(key: RsaPublicKey, hash: DigestInfoHash, digest: Uint8Array, sig: Uint8Array): boolean {
  const pub = { key: Buffer.from(encodeRsaPublicKeyInfo(key)), format: 'der' as const, type: 'spki' as const, padding: cryptoConstants.RSA_PKCS1_PADDING };
  try {
    const recovered = publicDecrypt(pub, sig);
    return toHex(recovered) === DIGEST_INFO[hash]! + toHex(digest);
  } catch {
    return false;
  }
}

t.test('verifyCertificateSignature with a caller-supplied RSA verifier', async (t) => {
  const leaf = pki.server.cert;
  const interKey = pki.intermediate!.publicKey;
  t.equal(verifyCertificateSignature(leaf, interKey, nodePkcs1Verify), true, 'leaf verifies with the intermediate key');
  t.equal(verifyCertificateSignature(leaf, pki.root.publicKey, nodePkcs1Verify), false, 'not with the root key');
  const flipped = { ...leaf, signatureValue: leaf.signatureValue.map((b, i) => (i === 10 ? b ^ 1 : b)) };
  t.equal(verifyCertificateSignature(flipped, interKey, nodePkcs1Verify), false, 'flipped signature bit');
  const richCert = parseCertificate(rich.der);
  t.equal(verifyCertificateSignature(richCert, (richCert.publicKey as { rsa: RsaPublicKey }).rsa, nodePkcs1Verify), true, 'sha1WithRSA self-signed');
  const d = certificateSignatureDigest(leaf)!;
  t.equal(d.hash, 'sha256');
  t.same(d.digest, new Uint8Array(createHash('sha256').update(leaf.tbs).digest()));
});

t.test('verifyCertificateSignature plugs into lib/crypto/rsa.ts verifyPkcs1DigestInfo', async (t) => {
  const verify = (k: RsaPublicKey, h: DigestInfoHash, d: Uint8Array, s: Uint8Array): boolean => verifyPkcs1DigestInfo(pureProvider, k, h, d, s);
  t.equal(verifyCertificateSignature(pki.server.cert, pki.intermediate!.publicKey, verify), true, 'leaf ← intermediate');
  t.equal(verifyCertificateSignature(pki.intermediate!.cert, pki.root.publicKey, verify), true, 'intermediate ← root');
  t.equal(verifyCertificateSignature(pki.root.cert, pki.root.publicKey, verify), true, 'root self-signature');
  t.equal(verifyCertificateSignature(pki.server.cert, pki.root.publicKey, verify), false, 'wrong issuer key');
  const richCert = parseCertificate(rich.der);
  t.equal(verifyCertificateSignature(richCert, (richCert.publicKey as { rsa: RsaPublicKey }).rsa, verify), true, 'openssl sha1WithRSAEncryption');
});

t.test('fingerprint and Node date format', async (t) => {
  t.equal(fingerprint(new Uint8Array([1, 2, 3]), 'sha1'), '70:37:80:71:98:C2:2A:7D:2B:08:07:37:1D:76:37:79:A8:4F:DF:CF');
  t.equal(formatNodeDate(new Date(Date.UTC(2025, 0, 1, 0, 0, 0))), 'Jan  1 00:00:00 2025 GMT');
  t.equal(formatNodeDate(new Date(Date.UTC(2049, 11, 31, 23, 59, 59))), 'Dec 31 23:59:59 2049 GMT');
});

t.test('IP address text: parse and RFC 5952 format', async (t) => {
  const good: [string, string][] = [
    ['127.0.0.1', '127.0.0.1'],
    ['0.0.0.0', '0.0.0.0'],
    ['::1', '::1'],
    ['::', '::'],
    ['2001:DB8::1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // tie: the first run is compressed
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // the longer run wins
    ['1:0:2:3:4:5:6:7', '1:0:2:3:4:5:6:7'], // a single zero group is not compressed
    ['::ffff:192.0.2.1', '::ffff:192.0.2.1'],
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
    ['fe80:0000:0000:0000:0204:61ff:fe9d:f156', 'fe80::204:61ff:fe9d:f156'],
  ];
  for (const [input, text] of good) {
    const b = parseIp(input);
    t.ok(b, `${input} parses`);
    t.equal(formatIp(b!), text, `${input} → ${text}`);
  }
  // WHATWG URL hosts are RFC 5952 too (except IPv4-mapped, which it prints in hex)
  for (const [input] of good.filter(([i]) => i.includes(':') && !i.startsWith('::ffff'))) {
    t.equal(`[${formatIp(parseIp(input)!)}]`, new URL(`http://[${input}]/`).hostname, `${input} agrees with URL`);
  }
  for (const bad of ['1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1.2.3.-4', '1::2::3', 'g::1', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', ':1', '1:', '[::1]', 'fe80::1%eth0', '::1.2.3', 'localhost', '']) {
    t.equal(parseIp(bad), null, `${JSON.stringify(bad)} is not an IP address`);
  }
  t.throws(() => formatIp(new Uint8Array(5)), DecodeError);
});

// ---------------------------------------------------------------------------------------------
// Hostile input: only DecodeError, ever

function outcome(der: Uint8Array): 'ok' | 'decode' | string {
  try {
    parseCertificate(der);
    return 'ok';
  } catch (e) {
    return e instanceof DecodeError ? 'decode' : `${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`;
  }
}

t.test('every truncation of a certificate is a DecodeError', async (t) => {
  const der = pki.server.der;
  const others: string[] = [];
  for (let n = 0; n < der.length; n++) {
    const r = outcome(der.subarray(0, n));
    if (r !== 'decode') others.push(`${n}: ${r}`);
  }
  t.same(others, [], `${der.length} truncations`);
});

t.test('bit flips: parsed or DecodeError, never another exception', async (t) => {
  let x = 12345;
  const rand = (): number => (x = (x * 1103515245 + 12345) >>> 0) >>> 8;
  const others: string[] = [];
  let decodeErrors = 0;
  for (const der of [pki.server.der, rich.der, ecCert.der]) {
    for (let i = 0; i < der.length; i++) {
      // every byte once with a random bit; the outer headers with every bit
      const bits = i < 16 ? [0, 1, 2, 3, 4, 5, 6, 7] : [rand() & 7];
      for (const bit of bits) {
        const m = der.slice();
        m[i]! ^= 1 << bit;
        const r = outcome(m);
        if (r === 'decode') decodeErrors++;
        else if (r !== 'ok') others.push(`byte ${i} bit ${bit}: ${r}`);
      }
    }
  }
  t.same(others, []);
  t.ok(decodeErrors > 100, `structure damage is detected (${decodeErrors} DecodeErrors)`);
});

t.test('garbage, bombs and BER-only forms', async (t) => {
  const cases: [string, Uint8Array][] = [
    ['empty', new Uint8Array(0)],
    ['one byte', new Uint8Array([0x30])],
    ['length lie', fromHex('3084ffffffff3000')],
    ['not a sequence', fromHex('020101')],
    ['empty sequence', fromHex('3000')],
    ['nesting bomb', new Uint8Array(Array.from({ length: 20000 }, (_, i) => (i % 2 ? 0x80 : 0x30)))],
    ['definite nesting bomb', concatBytes(...Array.from({ length: 5000 }, () => fromHex('3082ffff')))],
    ['random bytes', new Uint8Array(Array.from({ length: 600 }, (_, i) => (i * 7919 + 13) & 0xff))],
  ];
  const der = pki.server.der;
  cases.push(['trailing byte', concatBytes(der, new Uint8Array([0]))]);
  // Indefinite-length outer SEQUENCE (BER): 30 80 <contents> 00 00
  t.equal(der[1], 0x82, 'fixture has a 2-byte long-form length');
  cases.push(['indefinite length', concatBytes(fromHex('3080'), der.subarray(4), fromHex('0000'))]);
  for (const [name, input] of cases) {
    t.throws(() => parseCertificate(input), DecodeError, name);
  }
  t.throws(() => parseCertificate(cases[8]![1]), { message: /trailing/ });
  t.throws(() => parseCertificate(cases[9]![1]), { message: /indefinite length/ });
});

t.test('structural rules of RFC 5280 are enforced as DecodeError', async (t) => {
  const der = pki.server.der;
  // outer signatureAlgorithm != tbsCertificate.signature: change the last OID byte of the outer one (…01 0b → …01 05)
  const oid = Buffer.from('2a864886f70d01010b', 'hex');
  const outer = Buffer.from(der).lastIndexOf(oid);
  t.ok(outer > Buffer.from(der).indexOf(oid), 'found the outer AlgorithmIdentifier');
  const mismatch = der.slice();
  mismatch[outer + oid.length - 1] = 0x05;
  t.throws(() => parseCertificate(mismatch), { name: 'DecodeError', message: /signatureAlgorithm differs/ });

  // version 1 with extensions: a0 03 02 01 02 → … 00
  t.same(der.subarray(8, 13), fromHex('a003020102'), 'explicit v3 version field');
  const v1 = der.slice();
  v1[12] = 0;
  t.throws(() => parseCertificate(v1), { name: 'DecodeError', message: /extensions in a certificate that is not version 3/ });
  const v9 = der.slice();
  v9[12] = 9;
  t.throws(() => parseCertificate(v9), { name: 'DecodeError', message: /unknown version/ });

  const key = pki.server.key;
  const base = { subject: { CN: 'bad' }, key, keyIdentifiers: false };
  await t.rejects(createCertificate({ ...base, extraExtensions: [{ oid: '2.5.29.15', value: fromHex('03020780') }] }), {
    name: 'DecodeError',
    message: /duplicate extension keyUsage/,
  });
  await t.rejects(createCertificate({ ...base, keyUsage: null, extraExtensions: [{ oid: '2.5.29.15', value: fromHex('0400') }] }), {
    name: 'DecodeError',
    message: /keyUsage is not a BIT STRING/,
  });
  await t.rejects(createCertificate({ ...base, extraExtensions: [{ oid: '2.5.29.17', value: fromHex('30078705010203040' + '5') }] }), {
    name: 'DecodeError',
    message: /iPAddress of 5 bytes/,
  });
  await t.rejects(createCertificate({ ...base, extraExtensions: [{ oid: '2.5.29.19', value: fromHex('30030201ff') }] }), {
    name: 'DecodeError',
    message: /pathLenConstraint/,
  });
  await t.rejects(createCertificate({ ...base, extraExtensions: [{ oid: '2.5.29.17', value: fromHex('3003820161ff') }] }), {
    name: 'DecodeError',
    message: /trailing/,
  });
  // an unknown extension, even a critical one, parses: rejecting it is the validator's job
  const unknown = await createCertificate({ ...base, extraExtensions: [{ oid: '1.2.3.4.5', critical: true, value: fromHex('0500') }] });
  t.same(unknown.cert.extensions.all.find((e) => e.oid === '1.2.3.4.5'), { oid: '1.2.3.4.5', name: '1.2.3.4.5', critical: true, value: fromHex('0500'), understood: false });
});

t.test('unusual subjectAltName entries: order, DirName, Registered ID and Node-style escaping', async (t) => {
  const tlv = (tag: string, hex: string): string => tag + (hex.length / 2).toString(16).padStart(2, '0') + hex;
  const ascii = (s: string): string => Buffer.from(s, 'latin1').toString('hex');
  const name = '3019310b3009060355040613024652310a300806035504030c0164'; // C=FR, CN=d
  const san = tlv(
    '30',
    '88032a0304' + // registeredID 1.2.3.4
      tlv('a4', name) + // directoryName
      tlv('82', ascii('a,b')) + // a comma would split Node's list: must be quoted
      tlv('81', ascii('e@x')) +
      tlv('82', ascii('x"y\\\x01\x7f\xe9')), // quote, backslash, control, DEL, Latin-1
  );
  const c = await createCertificate({ subject: { CN: 'odd' }, key: pki.server.key, extraExtensions: [{ oid: '2.5.29.17', value: fromHex(san) }] });
  t.same(c.cert.extensions.subjectAltName!.names, [
    { kind: 'registeredId', value: '1.2.3.4' },
    { kind: 'dirName', value: 'CN=d,C=FR' },
    { kind: 'dns', value: 'a,b' },
    { kind: 'email', value: 'e@x' },
    { kind: 'dns', value: 'x"y\\\x01\x7f\xe9' },
  ]);
  t.same(c.cert.extensions.subjectAltName!.dnsNames, ['a,b', 'x"y\\\x01\x7f\xe9']);
  t.equal(nodeSubjectAltName(c.cert), new NodeX509(c.pem).subjectAltName, 'same text as Node, byte for byte');
  t.equal(nodeSubjectAltName(c.cert), 'Registered ID:1.2.3.4, DirName:"CN=d\\u002cC=FR", DNS:"a\\u002cb", email:e@x, DNS:"x\\"y\\\\\\u0001\\u007f\\u00e9"');
});

t.test('readCertificateChain: PEM bundles, DER, lists', async (t) => {
  const bundle = pki.chainPem + pki.server.keyPem;
  t.same(readCertificateChain(bundle), pki.chain, 'leaf then intermediate, key ignored');
  t.same(readCertificateChain(pki.server.der), [pki.server.der], 'DER');
  t.same(readCertificateChain([pki.server.der, pki.intermediate!.pem]), pki.chain, 'list of DER and PEM');
  t.same(readCertificateChain(Buffer.from(pki.caPem)), [pki.root.der], 'PEM bytes');
  t.throws(() => readCertificateChain('nothing'), { name: 'TLSConfigError', message: /no "CERTIFICATE" block/ });
  t.throws(() => readCertificateChain(pki.server.der.subarray(0, 100)), { name: 'TLSConfigError', message: /invalid certificate in configuration/ });
});

// ---------------------------------------------------------------------------------------------
// Node's getPeerCertificate() shape, compared with a real node:tls connection

async function nodePeerCertificate(certPem: string, keyPem: string): Promise<tls.DetailedPeerCertificate> {
  const server = tls.createServer({ key: keyPem, cert: certPem }, (s) => s.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const socket = tls.connect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    });
    const peer = socket.getPeerCertificate(true);
    socket.destroy();
    return peer;
  } finally {
    server.close();
  }
}

function plain(shape: NodePeerCertificate | tls.PeerCertificate): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(shape)) {
    if (k === 'issuerCertificate') continue;
    out[k] = v instanceof Uint8Array ? toHex(v) : v;
  }
  return out;
}

t.test('certificateToNodeShape equals node:tls getPeerCertificate(true)', async (t) => {
  const peer = await nodePeerCertificate(pki.chainPem, pki.server.keyPem);
  const mine = certificateToNodeShape(pki.server.cert, true, [pki.intermediate!.cert, pki.root.cert]);
  t.same(plain(mine), plain(peer), 'leaf: every field');
  t.same(Object.keys(mine), Object.keys(peer), 'same keys in the same order');
  t.same(plain(mine.issuerCertificate!), plain(peer.issuerCertificate), 'intermediate');
  t.equal(mine.issuerCertificate!.issuerCertificate!.issuerCertificate, mine.issuerCertificate!.issuerCertificate, 'self-signed root points at itself');
  t.equal(certificateToNodeShape(pki.server.cert).issuerCertificate, undefined, 'not detailed: no issuer');

  const richPeer = await nodePeerCertificate(rich.pem, rich.keyPem);
  const richMine = certificateToNodeShape(parseCertificate(rich.der), true);
  t.same(plain(richMine), plain(richPeer), 'openssl certificate with AIA, IPv6 and e-mail names');
  t.equal(richMine.issuerCertificate, richMine, 'self-signed: issuerCertificate is itself');
});
