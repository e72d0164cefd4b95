import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { X509Certificate as NodeX509, createPrivateKey, sign as nodeSign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromHex, toHex } from '../../lib/util/bytes.js';
import { parseCertificate } from '../../lib/x509/certificate.js';
import { parsePrivateKey } from '../../lib/x509/keys.js';
import { pemDecodeBlocks } from '../../lib/x509/pem.js';
import { type TestCertificate, createCertificate, createTestPki, generateRsaKey, signPkcs1 } from '../helpers/testca.js';

const dir = mkdtempSync(join(tmpdir(), 'ut-tls-testca-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
let fileCount = 0;
function file(pem: string): string {
  const p = join(dir, `f${fileCount++}.pem`);
  writeFileSync(p, pem);
  return p;
}

/** `openssl verify`; returns its exit status and output (OpenSSL's own view of the chain). */
function opensslVerify(rootPem: string, leafPem: string, opts: { untrusted?: string; args?: string[] } = {}): { ok: boolean; out: string } {
  const args = ['verify', '-CAfile', file(rootPem)];
  if (opts.untrusted) args.push('-untrusted', file(opts.untrusted));
  args.push(...(opts.args ?? []), file(leafPem));
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

const near = (t: Test, actual: Date, expected: number, what: string): void => {
  t.ok(Math.abs(actual.getTime() - expected) < 5000, `${what}: ${actual.toISOString()} ≈ ${new Date(expected).toISOString()}`);
};

t.test('createTestPki() defaults: RSA-2048 root and localhost/127.0.0.1 leaf, SHA-256, now-1h..now+30d', async (t) => {
  const started = Date.now();
  const pki = await createTestPki();
  const { root, server } = pki;
  t.equal(pki.intermediate, undefined);
  t.equal(pki.client, undefined);
  t.same(pki.chain, [server.der]);
  t.equal(pki.chainPem, server.pem);
  t.equal(pki.caPem, root.pem);

  t.equal(server.cert.publicKeyBits, 2048);
  t.equal(root.cert.publicKeyBits, 2048);
  t.equal(server.cert.signatureAlgorithm.name, 'sha256WithRSAEncryption');
  t.same({ ...server.cert.subject.object }, { O: 'ut-tls test', CN: 'localhost' });
  t.same(server.cert.issuer.der, root.cert.subject.der, 'issuer is the root subject, byte for byte');
  t.same(server.cert.extensions.subjectAltName?.dnsNames, ['localhost']);
  t.same(server.cert.extensions.subjectAltName?.ipAddresses, ['127.0.0.1']);
  t.same(server.cert.extensions.keyUsage, { usages: ['digitalSignature', 'keyEncipherment'], critical: true });
  t.same(server.cert.extensions.extKeyUsage?.names, ['serverAuth']);
  t.equal(server.cert.extensions.basicConstraints, undefined, 'WAP-211 style leaf: no basicConstraints');
  t.equal(server.cert.extensions.authorityKeyIdentifier, root.cert.extensions.subjectKeyIdentifier);
  near(t, server.cert.notBefore, started - 3600_000, 'notBefore');
  near(t, server.cert.notAfter, started + 30 * 86400_000, 'notAfter');

  t.same(root.cert.extensions.basicConstraints, { cA: true, critical: true });
  t.same(root.cert.extensions.keyUsage, { usages: ['keyCertSign', 'cRLSign'], critical: true });
  t.equal(root.cert.selfIssued, true);
  t.equal(root.cert.extensions.authorityKeyIdentifier, root.cert.extensions.subjectKeyIdentifier);

  const v = opensslVerify(root.pem, server.pem, { args: ['-purpose', 'sslserver'] });
  t.ok(v.ok, `openssl verify: ${v.out.trim()}`);
  const x = new NodeX509(server.pem);
  t.equal(x.verify(new NodeX509(root.pem).publicKey), true, 'node verifies the leaf with the root key');
  t.equal(x.checkHost('localhost'), 'localhost');
  t.equal(x.checkIP('127.0.0.1'), '127.0.0.1');
  t.equal(x.checkHost('example.com'), undefined);
  t.equal(x.checkPrivateKey(createPrivateKey(server.keyPem)), true, 'the PKCS#8 key belongs to the certificate');
  t.same(pemDecodeBlocks(server.keyPem).map((b) => b.label), ['PRIVATE KEY']);
  t.equal(parsePrivateKey(server.keyPem).n, server.key.n);
});

t.test('intermediate and client certificates', async (t) => {
  const pki = await createTestPki({ intermediate: true, client: 'alice', keyBits: 1024, organization: 'Lab' });
  const { root, intermediate, server, client } = pki as Required<typeof pki>;
  t.same(pki.chain, [server.der, intermediate.der], 'server sends leaf then intermediate');
  t.equal(pki.chainPem, server.pem + intermediate.pem);
  t.same(intermediate.cert.extensions.basicConstraints, { cA: true, pathLength: 0, critical: true });
  t.same(server.cert.issuer.der, intermediate.cert.subject.der);
  t.same({ ...client.cert.subject.object }, { O: 'Lab', CN: 'alice' });
  t.same(client.cert.extensions.extKeyUsage?.names, ['clientAuth']);
  t.equal(client.cert.extensions.subjectAltName, undefined);

  let v = opensslVerify(root.pem, server.pem, { untrusted: intermediate.pem, args: ['-purpose', 'sslserver'] });
  t.ok(v.ok, `leaf via intermediate: ${v.out.trim()}`);
  v = opensslVerify(root.pem, client.pem, { untrusted: intermediate.pem, args: ['-purpose', 'sslclient'] });
  t.ok(v.ok, `client via intermediate: ${v.out.trim()}`);
  v = opensslVerify(root.pem, server.pem, { untrusted: intermediate.pem, args: ['-purpose', 'sslclient'] });
  t.notOk(v.ok, 'a serverAuth-only leaf is not a client certificate');
  t.match(v.out, /unsuitable certificate purpose/);
  v = opensslVerify(root.pem, server.pem);
  t.notOk(v.ok, 'without the intermediate there is no path');

  const interKey = new NodeX509(intermediate.pem).publicKey;
  t.equal(new NodeX509(server.pem).verify(interKey), true);
  t.equal(new NodeX509(intermediate.pem).verify(new NodeX509(root.pem).publicKey), true);
  t.equal(new NodeX509(server.pem).verify(new NodeX509(root.pem).publicKey), false, 'the root did not sign the leaf');
});

t.test('server names: DNS, wildcard, IPv4 and IPv6', async (t) => {
  const pki = await createTestPki({ names: ['example.test', '*.example.test', '10.0.0.1', '::1'], keyBits: 1024 });
  const c = pki.server.cert;
  t.equal(c.subject.object.CN, 'example.test', 'CN is the first name');
  t.same(c.extensions.subjectAltName?.dnsNames, ['example.test', '*.example.test']);
  t.same(c.extensions.subjectAltName?.ipAddresses, ['10.0.0.1', '::1']);
  const x = new NodeX509(pki.server.pem);
  t.ok(x.checkHost('www.example.test'), 'wildcard matches one label');
  t.equal(x.checkHost('a.b.example.test'), undefined, 'but not two');
  t.equal(x.checkIP('::1'), '::1');
  t.equal(x.checkIP('10.0.0.1'), '10.0.0.1');
  t.equal(x.checkIP('127.0.0.1'), undefined);
  await t.rejects(createTestPki({ names: [], keyBits: 512 }), { name: 'TLSConfigError' });
});

t.test('signature hashes: MD5, SHA-1, SHA-384, SHA-512 (own PKCS#1 signing, no WebCrypto hash)', async (t) => {
  const pki = await createTestPki({ keyBits: 1024, signatureHash: 'SHA-1' });
  t.equal(pki.server.cert.signatureAlgorithm.name, 'sha1WithRSAEncryption');
  t.equal(pki.root.cert.signatureAlgorithm.name, 'sha1WithRSAEncryption');
  t.ok(opensslVerify(pki.root.pem, pki.server.pem).ok, 'openssl accepts the SHA-1 chain');
  const issuer = { cert: pki.root.cert, key: pki.root.key };
  const rootKey = new NodeX509(pki.root.pem).publicKey;
  for (const [hash, name] of [
    ['MD5', 'md5WithRSAEncryption'],
    ['SHA-384', 'sha384WithRSAEncryption'],
    ['SHA-512', 'sha512WithRSAEncryption'],
  ] as const) {
    const c = await createCertificate({ subject: { CN: hash }, key: pki.server.key, issuer, signatureHash: hash });
    t.equal(c.cert.signatureAlgorithm.name, name);
    t.equal(new NodeX509(c.pem).verify(rootKey), true, `${hash}: node verifies`);
    const v = opensslVerify(pki.root.pem, c.pem);
    t.ok(v.ok, `${hash}: openssl verify ${v.out.trim()}`);
  }
});

t.test('signPkcs1 equals OpenSSL RSASSA-PKCS1-v1_5 (deterministic)', async (t) => {
  const k = await generateRsaKey(1024);
  const nodeKey = createPrivateKey(k.keyPem);
  const data = new TextEncoder().encode('to be signed');
  for (const [ours, theirs] of [
    ['md5', 'md5'],
    ['sha1', 'sha1'],
    ['sha256', 'sha256'],
    ['sha512', 'sha512'],
  ] as const) {
    t.same(signPkcs1(k.key, ours, data), new Uint8Array(nodeSign(theirs, data, nodeKey)), ours);
  }
  const small = await generateRsaKey(512);
  t.equal(small.key.size, 64, 'RSA-512 keys (export suites) can be made');
  t.throws(() => signPkcs1(small.key, 'sha512', data), { name: 'TLSConfigError', message: /too small/ });
});

t.test('createCertificate: certificates a validator must reject', async (t) => {
  const pki = await createTestPki({ keyBits: 1024 });
  const key = pki.server.key;
  const issuer = { cert: pki.root.cert, key: pki.root.key };
  const now = Date.now();
  const make = (o: Partial<Parameters<typeof createCertificate>[0]>): Promise<TestCertificate> =>
    createCertificate({ subject: { CN: 'localhost' }, key, issuer, dnsNames: ['localhost'], ...o });

  const expired = await make({ notBefore: new Date(now - 10 * 86400_000), notAfter: new Date(now - 86400_000) });
  t.match(opensslVerify(pki.root.pem, expired.pem).out, /certificate has expired/);
  const future = await make({ notBefore: new Date(now + 86400_000) });
  t.match(opensslVerify(pki.root.pem, future.pem).out, /certificate is not yet valid/);

  const wrongName = await make({ subject: { CN: 'other.test' }, dnsNames: ['other.test'] });
  t.ok(opensslVerify(pki.root.pem, wrongName.pem).ok, 'a valid chain…');
  t.equal(new NodeX509(wrongName.pem).checkHost('localhost'), undefined, '…for the wrong name');

  const selfSigned = await createCertificate({ subject: { CN: 'localhost' }, key, dnsNames: ['localhost'] });
  t.equal(selfSigned.cert.selfIssued, true);
  t.match(opensslVerify(pki.root.pem, selfSigned.pem).out, /self-signed certificate/);

  const critical = await make({ extraExtensions: [{ oid: '1.2.3.4', critical: true, value: fromHex('0500') }] });
  t.same(critical.cert.extensions.all.at(-1), { oid: '1.2.3.4', name: '1.2.3.4', critical: true, value: fromHex('0500'), understood: false });
  t.match(opensslVerify(pki.root.pem, critical.pem).out, /unhandled critical extension/);

  const caNoCertSign = await make({ subject: { CN: 'bad CA' }, isCA: true, keyUsage: ['digitalSignature'], dnsNames: [] });
  const underIt = await make({ issuer: { cert: caNoCertSign.cert, key } });
  t.match(opensslVerify(pki.root.pem, underIt.pem, { untrusted: caNoCertSign.pem }).out, /key usage does not include certificate signing/);

  const leafAsIssuer = await make({ subject: { CN: 'leaf' } });
  const underLeaf = await make({ issuer: { cert: leafAsIssuer.cert, key } });
  t.match(opensslVerify(pki.root.pem, underLeaf.pem, { untrusted: leafAsIssuer.pem }).out, /invalid CA certificate/);

  const leafWithCa = await make({ basicConstraints: { cA: true, critical: false } });
  t.same(leafWithCa.cert.extensions.basicConstraints, { cA: true, critical: false });
  t.same(leafWithCa.cert.extensions.keyUsage?.usages, ['digitalSignature', 'keyEncipherment']);

  const noExtensions = await make({ version: 1 });
  t.equal(noExtensions.cert.version, 1);
  t.same(noExtensions.cert.extensions.all, []);
  t.equal(new NodeX509(noExtensions.pem).subject, 'CN=localhost');

  const noKu = await make({ keyUsage: null, keyIdentifiers: false });
  t.same(
    noKu.cert.extensions.all.map((e) => e.name),
    ['subjectAltName'],
    'keyUsage and key identifiers left out on request',
  );
});

t.test('createCertificate: serials, GeneralizedTime after 2049, key reuse, name forms', async (t) => {
  const k = await generateRsaKey(1024);
  const a = await createCertificate({ subject: [['C', 'FR'], ['O', 'Org'], ['OU', 'x'], ['OU', 'y'], ['CN', 'multi']], key: k.key, serial: 0x1234n });
  t.equal(a.cert.serialNumber, '1234');
  t.same(a.cert.publicKeyInfo, parseCertificate(a.der).publicKeyInfo);
  t.equal(a.key.n, k.key.n, 'the given key is used');
  t.equal(new NodeX509(a.pem).subject, 'C=FR\nO=Org\nOU=x\nOU=y\nCN=multi', 'one attribute per RDN, in order');
  const nameHex = toHex(a.cert.subject.der);
  t.ok(nameHex.includes('060355040613024652'), 'countryName is a PrintableString (13)');
  t.ok(nameHex.includes('06035504030c056d756c7469'), 'commonName is a UTF8String (0c)');

  const b = await createCertificate({ subject: { CN: 'hex' }, key: k.key, serial: '00FF' });
  t.equal(b.cert.serialNumber, 'FF');
  t.same(b.cert.serialNumberBytes, fromHex('00ff'), 'positive INTEGER keeps its leading zero octet');

  const random = await createCertificate({ subject: { CN: 'r' }, key: k.key });
  t.match(random.cert.serialNumber, /^[4-7][0-9A-F]{31}$/, 'default serial: 16 random bytes, positive');

  const late = await createCertificate({ subject: { CN: 'late' }, key: k.key, notAfter: new Date(Date.UTC(2051, 0, 1)) });
  t.same(late.cert.notAfter, new Date(Date.UTC(2051, 0, 1)));
  t.equal(new NodeX509(late.pem).validTo, 'Jan  1 00:00:00 2051 GMT', 'GeneralizedTime read by OpenSSL too');

  await t.rejects(createCertificate({ subject: { XX: 'x' }, key: k.key }), { name: 'TLSConfigError', message: /unknown name attribute/ });
  await t.rejects(createCertificate({ subject: { CN: 'x' }, key: k.key, ipAddresses: ['not-an-ip'] }), { name: 'TLSConfigError' });
  await t.rejects(createCertificate({ subject: {}, key: k.key }), { name: 'TLSConfigError', message: /empty name/ });
});
