/**
 * Chain verification: paths, signatures, dates, CA constraints, the WAP-211 profile rules (key sizes,
 * SHA-1 / MD5, extendedKeyUsage by role, the leaf's keyUsage by key exchange) and RFC 2818 3.1 names,
 * with certificates made on the fly (one shared key per role keeps it fast).
 */
import t from 'tap';
import { AlertDescription as A } from '../../lib/alerts.js';
import { DEFAULT_MIN_RSA_BITS, checkHostname, checkSignature, peerCertificatePath, verifyClientChain, verifyServerChain } from '../../lib/x509/verify.js';
import { createCertificate, generateRsaKey, type TestCertificate } from '../helpers/testca.js';

// 2048-bit keys: the default minRSABits (smaller keys get their own tests below).
const [caKey, interKey, leafKey, otherKey] = await Promise.all([1, 2, 3, 4].map(() => generateRsaKey(2048)));
const [key1024, key512] = await Promise.all([generateRsaKey(1024), generateRsaKey(512)]);
const now = new Date();
const day = 86400_000;

const root = await createCertificate({ key: caKey!.key, subject: { O: 'verify test', CN: 'verify root' }, isCA: true });
const otherRoot = await createCertificate({ key: otherKey!.key, subject: { O: 'verify test', CN: 'other root' }, isCA: true });
const by = (issuer: TestCertificate) => ({ cert: issuer.cert, key: issuer.key });

function leaf(opts: Partial<Parameters<typeof createCertificate>[0]> = {}, issuer: TestCertificate = root) {
  return createCertificate({ key: leafKey!.key, subject: { CN: 'localhost' }, dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], issuer: by(issuer), ...opts });
}

const good = await leaf();
const ca = [root.der];

t.test('a leaf signed by a trust anchor verifies, with and without a name', async (t) => {
  t.same(verifyServerChain([good.der], { ca, now, servername: 'localhost' }), { authorized: true });
  t.same(verifyServerChain([good.der], { ca, now }), { authorized: true });
  t.same(verifyServerChain([good.der, root.der], { ca, now, servername: 'localhost' }), { authorized: true }, 'root sent along');
  t.same(verifyClientChain([good.der], { ca, now }), { authorized: true });
});

t.test('intermediates are found in any order; a missing root is UNABLE_TO_GET_ISSUER_CERT_LOCALLY', async (t) => {
  const inter = await createCertificate({ key: interKey!.key, subject: { CN: 'verify intermediate' }, issuer: by(root), isCA: true });
  const l = await leaf({}, inter);
  t.same(verifyServerChain([l.der, inter.der], { ca, now, servername: 'localhost' }), { authorized: true });
  t.same(verifyServerChain([l.der, otherRoot.der, inter.der], { ca, now, servername: 'localhost' }), { authorized: true }, 'an unrelated extra certificate is ignored');
  const v = verifyServerChain([l.der, inter.der], { ca: [otherRoot.der], now });
  t.match(v, { authorized: false, code: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', alert: A.unknown_ca });
  const missing = verifyServerChain([l.der], { ca, now });
  t.match(missing, { authorized: false, code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', alert: A.unknown_ca }, 'intermediate not sent');
});

t.test('unknown CA', async (t) => {
  const v = verifyServerChain([good.der], { ca: [otherRoot.der], now, servername: 'localhost' });
  t.match(v, { authorized: false, code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', alert: A.unknown_ca });
  t.match(verifyServerChain([good.der], { ca: [], now }), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }, 'empty trust store');
});

t.test('self-signed leaf: refused unless it is itself a trust anchor', async (t) => {
  const self = await createCertificate({ key: leafKey!.key, subject: { CN: 'localhost' }, dnsNames: ['localhost'] });
  t.match(verifyServerChain([self.der], { ca, now, servername: 'localhost' }), {
    authorized: false,
    code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    alert: A.unknown_ca,
  });
  t.same(verifyServerChain([self.der], { ca: [self.der], now, servername: 'localhost' }), { authorized: true }, 'pinned');
  t.match(verifyServerChain([good.der, otherRoot.der], { ca: [], now }), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  const l = await leaf({}, otherRoot);
  t.match(verifyServerChain([l.der, otherRoot.der], { ca, now }), { code: 'SELF_SIGNED_CERT_IN_CHAIN', alert: A.unknown_ca });
});

t.test('validity dates', async (t) => {
  const expired = await leaf({ notBefore: new Date(now.getTime() - 10 * day), notAfter: new Date(now.getTime() - day) });
  t.match(verifyServerChain([expired.der], { ca, now, servername: 'localhost' }), {
    authorized: false,
    code: 'CERT_HAS_EXPIRED',
    alert: A.certificate_expired,
  });
  const future = await leaf({ notBefore: new Date(now.getTime() + day), notAfter: new Date(now.getTime() + 10 * day) });
  t.match(verifyServerChain([future.der], { ca, now }), { code: 'CERT_NOT_YET_VALID', alert: A.certificate_expired });
  t.same(verifyServerChain([future.der], { ca, now: new Date(now.getTime() + 2 * day) }), { authorized: true }, 'judged at the given time');
  const oldRoot = await createCertificate({
    key: caKey!.key,
    subject: { CN: 'expired root' },
    isCA: true,
    notBefore: new Date(now.getTime() - 10 * day),
    notAfter: new Date(now.getTime() - day),
  });
  const l = await leaf({}, oldRoot);
  t.match(verifyServerChain([l.der], { ca: [oldRoot.der], now }), { code: 'CERT_HAS_EXPIRED' }, 'an expired anchor fails too');
});

t.test('signatures', async (t) => {
  const tampered = good.der.slice();
  tampered[tampered.length - 5]! ^= 0x01; // inside signatureValue
  t.match(verifyServerChain([tampered], { ca, now }), { authorized: false, code: 'CERT_SIGNATURE_FAILURE', alert: A.bad_certificate });
  // Same issuer name, different key: the name matches but the signature cannot verify.
  const impostor = await createCertificate({ key: otherKey!.key, subject: { O: 'verify test', CN: 'verify root' }, isCA: true });
  t.match(verifyServerChain([good.der], { ca: [impostor.der], now }), { code: 'CERT_SIGNATURE_FAILURE' });
  t.same(verifyServerChain([good.der], { ca: [impostor.der, root.der], now }), { authorized: true }, 'the anchor whose key verifies is chosen');
  const md5 = await leaf({ signatureHash: 'MD5' });
  t.match(verifyServerChain([md5.der], { ca, now }), { code: 'CA_MD_TOO_WEAK', alert: A.bad_certificate });
  for (const h of ['SHA-1', 'SHA-384', 'SHA-512'] as const) {
    const c = await leaf({ signatureHash: h });
    t.same(verifyServerChain([c.der], { ca, now }), { authorized: true }, `${h} signature`);
  }
});

t.test('CA constraints', async (t) => {
  const notCa = await createCertificate({ key: interKey!.key, subject: { CN: 'not a CA' }, issuer: by(root) });
  const l1 = await leaf({}, notCa);
  t.match(verifyServerChain([l1.der, notCa.der], { ca, now }), { code: 'INVALID_CA', alert: A.bad_certificate }, 'no basicConstraints');
  const caFalse = await createCertificate({ key: interKey!.key, subject: { CN: 'cA false' }, issuer: by(root), basicConstraints: { cA: false } });
  const l2 = await leaf({}, caFalse);
  t.match(verifyServerChain([l2.der, caFalse.der], { ca, now }), { code: 'INVALID_CA' }, 'cA false');
  const noSign = await createCertificate({ key: interKey!.key, subject: { CN: 'no keyCertSign' }, issuer: by(root), isCA: true, keyUsage: ['digitalSignature'] });
  const l3 = await leaf({}, noSign);
  t.match(verifyServerChain([l3.der, noSign.der], { ca, now }), { code: 'KEYUSAGE_NO_CERTSIGN', alert: A.bad_certificate }, 'keyUsage without keyCertSign (OpenSSL 32)');
  // A server certificate with cA TRUE is a usable server certificate (as in OpenSSL)...
  const caTrueLeaf = await leaf({ basicConstraints: { cA: true } });
  t.same(verifyServerChain([caTrueLeaf.der], { ca, now, servername: 'localhost' }), { authorized: true }, 'a leaf with cA TRUE serves');
  // ...but its leaf keyUsage (digitalSignature, keyEncipherment) does not let it issue.
  const l6 = await createCertificate({ key: otherKey!.key, subject: { CN: 'issued by a leaf' }, issuer: by(caTrueLeaf) });
  t.match(verifyServerChain([l6.der, caTrueLeaf.der], { ca, now }), { code: 'KEYUSAGE_NO_CERTSIGN' }, 'leaf with cA TRUE misused as an issuer');
  const l7 = await createCertificate({ key: otherKey!.key, subject: { CN: 'issued by an EE' }, issuer: by(good) });
  t.match(verifyServerChain([l7.der, good.der], { ca, now }), { code: 'INVALID_CA', alert: A.bad_certificate }, 'end-entity (no basicConstraints) misused as an issuer');
  const limited = await createCertificate({ key: interKey!.key, subject: { CN: 'pathlen 0' }, issuer: by(root), isCA: true, pathLength: 0 });
  const sub = await createCertificate({ key: otherKey!.key, subject: { CN: 'sub CA' }, issuer: by(limited), isCA: true });
  const l4 = await leaf({}, sub);
  t.match(verifyServerChain([l4.der, sub.der, limited.der], { ca, now }), { code: 'PATH_LENGTH_EXCEEDED' });
  const l5 = await leaf({}, limited);
  t.same(verifyServerChain([l5.der, limited.der], { ca, now }), { authorized: true }, 'pathLen 0 allows a leaf directly below');
});

t.test('an unknown critical extension is refused; unknown non-critical ones are ignored', async (t) => {
  const crit = await leaf({ extraExtensions: [{ oid: '1.3.6.1.4.1.99999.1', critical: true, value: new Uint8Array([0x05, 0x00]) }] });
  t.match(verifyServerChain([crit.der], { ca, now }), { code: 'UNHANDLED_CRITICAL_EXTENSION', alert: A.unsupported_certificate });
  const nonCrit = await leaf({ extraExtensions: [{ oid: '1.3.6.1.4.1.99999.1', critical: false, value: new Uint8Array([0x05, 0x00]) }] });
  t.same(verifyServerChain([nonCrit.der], { ca, now }), { authorized: true });
});

t.test('undecodable certificates and empty chains', async (t) => {
  t.match(verifyServerChain([new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])], { ca, now }), { code: 'CERT_DECODE_ERROR', alert: A.bad_certificate });
  t.match(verifyServerChain([good.der, good.der.subarray(0, 40)], { ca, now }), { code: 'CERT_DECODE_ERROR' }, 'a bad intermediate');
  t.match(verifyServerChain([], { ca, now }), { authorized: false, code: 'ERR_TLS_NO_PEER_CERTIFICATE' });
});

t.test('RFC 2818 3.1 names', async (t) => {
  const wrong = verifyServerChain([good.der], { ca, now, servername: 'example.com' });
  t.match(wrong, { authorized: false, code: 'ERR_TLS_CERT_ALTNAME_INVALID', alert: A.certificate_unknown });
  t.match(wrong.message, /Host: example\.com is not in the cert's altnames: DNS:localhost/);
  t.equal(checkHostname(good.cert, 'LOCALHOST.'), null, 'case-insensitive, trailing dot ignored');
  t.equal(checkHostname(good.cert, '127.0.0.1'), null, 'IP against iPAddress');
  t.not(checkHostname(good.cert, '127.0.0.2'), null);

  const wild = await leaf({ subject: { CN: 'www.example.com' }, dnsNames: ['*.example.com', 'f*.example.org', '*.com'], ipAddresses: [] });
  t.equal(checkHostname(wild.cert, 'a.example.com'), null, '*.example.com matches one label');
  t.not(checkHostname(wild.cert, 'example.com'), null, 'not the bare domain');
  t.not(checkHostname(wild.cert, 'a.b.example.com'), null, 'not two labels');
  t.not(checkHostname(wild.cert, 'foo.example.org'), null, 'partial-label wildcard never matches');
  t.not(checkHostname(wild.cert, 'anything.com'), null, '*.com never matches');
  t.not(checkHostname(wild.cert, '.example.com'), null, 'empty left-most label');
  t.equal(checkHostname(wild.cert, 'WWW.Example.COM'), null, 'wildcard match is case-insensitive');

  const cnOnly = await leaf({ subject: { CN: 'cn.example.net' }, dnsNames: [], ipAddresses: [] });
  t.equal(checkHostname(cnOnly.cert, 'cn.example.net'), null, 'CN used when there is no dNSName');
  const both = await leaf({ subject: { CN: 'cn.example.net' }, dnsNames: ['san.example.net'], ipAddresses: [] });
  t.not(checkHostname(both.cert, 'cn.example.net'), null, 'CN ignored when a dNSName exists');
  t.equal(checkHostname(both.cert, 'san.example.net'), null);

  const ipCn = await leaf({ subject: { CN: '10.0.0.1' }, dnsNames: ['10.0.0.1'], ipAddresses: ['::1'] });
  t.not(checkHostname(ipCn.cert, '10.0.0.1'), null, 'an IP is never matched against dNSName or CN');
  t.equal(checkHostname(ipCn.cert, '::1'), null, 'IPv6 iPAddress');
  t.equal(checkHostname(ipCn.cert, '0:0:0:0:0:0:0:1'), null, 'IPv6 compared as bytes');
  t.equal(checkHostname(ipCn.cert, '[::1]'), null, 'bracketed IPv6 literal');
});

t.test('RSA key sizes: minRSABits (default 2048) for every certificate of the path', async (t) => {
  t.equal(DEFAULT_MIN_RSA_BITS, 2048);
  const small = await leaf({ key: key1024!.key });
  const v = verifyServerChain([small.der], { ca, now, servername: 'localhost' });
  t.match(v, { authorized: false, code: 'EE_KEY_TOO_SMALL', alert: A.bad_certificate });
  t.match(v.message, /1024-bit RSA key; at least 2048 bits/);
  t.same(verifyServerChain([small.der], { ca, now, servername: 'localhost', minRSABits: 1024 }), { authorized: true }, 'a legacy device lowered to 1024');
  const tiny = await leaf({ key: key512!.key });
  t.match(verifyServerChain([tiny.der], { ca, now, minRSABits: 1024 }), { code: 'EE_KEY_TOO_SMALL' }, '512 bits stay refused at 1024');
  t.same(verifyServerChain([tiny.der], { ca, now, minRSABits: 512 }), { authorized: true });

  const smallCa = await createCertificate({ key: key1024!.key, subject: { CN: '1024-bit intermediate' }, issuer: by(root), isCA: true });
  const l = await leaf({}, smallCa);
  t.match(verifyServerChain([l.der, smallCa.der], { ca, now }), { code: 'CA_KEY_TOO_SMALL', alert: A.bad_certificate }, 'intermediate');
  t.same(verifyServerChain([l.der, smallCa.der], { ca, now, minRSABits: 1024 }), { authorized: true });
  const smallRoot = await createCertificate({ key: key512!.key, subject: { CN: '512-bit root' }, isCA: true });
  const l2 = await leaf({}, smallRoot);
  t.match(verifyServerChain([l2.der], { ca: [smallRoot.der], now, minRSABits: 1024 }), { code: 'CA_KEY_TOO_SMALL' }, 'the trust anchor too (as OpenSSL)');
  t.match(verifyClientChain([small.der], { ca, now }), { code: 'EE_KEY_TOO_SMALL' }, 'client chains alike');
});

t.test('signature digests: MD5 always refused, SHA-1 by allowSHA1Signatures (default on)', async (t) => {
  const sha1 = await leaf({ signatureHash: 'SHA-1' });
  t.same(verifyServerChain([sha1.der], { ca, now }), { authorized: true }, 'default: WAP-211 sha1WithRSAEncryption');
  t.same(verifyServerChain([sha1.der], { ca, now, allowSHA1Signatures: true }), { authorized: true });
  const off = verifyServerChain([sha1.der], { ca, now, allowSHA1Signatures: false });
  t.match(off, { authorized: false, code: 'CA_MD_TOO_WEAK', alert: A.bad_certificate });
  t.match(off.message, /sha1WithRSAEncryption.*allowSHA1Signatures/);
  t.match(verifyClientChain([sha1.der], { ca, now, allowSHA1Signatures: false }), { code: 'CA_MD_TOO_WEAK' });

  const md5Inter = await createCertificate({ key: interKey!.key, subject: { CN: 'MD5 intermediate' }, issuer: by(root), isCA: true, signatureHash: 'MD5' });
  const l = await leaf({}, md5Inter);
  t.match(verifyServerChain([l.der, md5Inter.der], { ca, now }), { code: 'CA_MD_TOO_WEAK' }, 'an MD5-signed intermediate');
  t.match(verifyServerChain([l.der, md5Inter.der], { ca, now, allowSHA1Signatures: true }), { code: 'CA_MD_TOO_WEAK' }, 'no option lets MD5 in');

  // The anchor's own signature is never used (it is trusted by configuration), so its algorithm does not matter.
  for (const h of ['MD5', 'SHA-1'] as const) {
    const oldRoot = await createCertificate({ key: caKey!.key, subject: { CN: `${h} root` }, isCA: true, signatureHash: h });
    const l2 = await leaf({}, oldRoot);
    t.same(verifyServerChain([l2.der], { ca: [oldRoot.der], now, allowSHA1Signatures: false }), { authorized: true }, `${h}-signed trust anchor`);
  }
  t.match(checkSignature(sha1.cert, root.cert, undefined, { allowSHA1Signatures: false }), { code: 'CA_MD_TOO_WEAK' });
  t.equal(checkSignature(sha1.cert, root.cert), null, 'checkSignature allows SHA-1 by default');
});

t.test('extendedKeyUsage by role: serverAuth for servers, clientAuth for clients, anyExtendedKeyUsage for both', async (t) => {
  const serverOnly = await leaf({ extKeyUsage: ['serverAuth'] });
  const clientOnly = await leaf({ extKeyUsage: ['clientAuth'] });
  const both = await leaf({ extKeyUsage: ['serverAuth', 'clientAuth'] });
  const any = await leaf({ extKeyUsage: ['anyExtendedKeyUsage'] });
  const none = good; // no extension: any purpose
  for (const c of [serverOnly, both, any, none]) t.same(verifyServerChain([c.der], { ca, now }), { authorized: true }, `server: ${c.cert.extensions.extKeyUsage?.names.join('+') ?? 'no EKU'}`);
  const v = verifyServerChain([clientOnly.der], { ca, now });
  t.match(v, { authorized: false, code: 'INVALID_PURPOSE', alert: A.unsupported_certificate });
  t.match(v.message, /extendedKeyUsage \(clientAuth\) does not allow serverAuth/);
  for (const c of [clientOnly, both, any, none]) {
    // testca leaves carry digitalSignature + keyEncipherment: a client certificate needs digitalSignature.
    t.same(verifyClientChain([c.der], { ca, now }), { authorized: true }, `client: ${c.cert.extensions.extKeyUsage?.names.join('+') ?? 'no EKU'}`);
  }
  t.match(verifyClientChain([serverOnly.der], { ca, now }), { code: 'INVALID_PURPOSE', alert: A.unsupported_certificate });

  const clientCa = await createCertificate({ key: interKey!.key, subject: { CN: 'clientAuth-only CA' }, issuer: by(root), isCA: true, extKeyUsage: ['clientAuth'] });
  const l = await leaf({ extKeyUsage: ['serverAuth'] }, clientCa);
  const inter = verifyServerChain([l.der, clientCa.der], { ca, now });
  t.match(inter, { code: 'INVALID_PURPOSE' }, 'an intermediate restricted to clientAuth cannot vouch for a server');
  t.match(inter.message, /^issuer /);
});

t.test("the server leaf's keyUsage follows the key exchange (RFC 2246 7.4.2); client leaves need digitalSignature", async (t) => {
  const signOnly = await leaf({ keyUsage: ['digitalSignature'] });
  const encOnly = await leaf({ keyUsage: ['keyEncipherment'] });
  const nonRep = await leaf({ keyUsage: ['nonRepudiation'] });
  const noKu = await leaf({ keyUsage: null });
  const ok = { authorized: true };
  const rsa = verifyServerChain([signOnly.der], { ca, now, keyExchange: 'RSA' });
  t.match(rsa, { authorized: false, code: 'INVALID_PURPOSE', alert: A.unsupported_certificate });
  t.match(rsa.message, /keyUsage \(digitalSignature\) lacks keyEncipherment needed for the RSA key exchange/);
  t.same(verifyServerChain([signOnly.der], { ca, now, keyExchange: 'DHE_RSA' }), ok);
  t.same(verifyServerChain([signOnly.der], { ca, now }), ok, 'key exchange unknown: either bit');
  t.same(verifyServerChain([encOnly.der], { ca, now, keyExchange: 'RSA' }), ok);
  t.match(verifyServerChain([encOnly.der], { ca, now, keyExchange: 'DHE_RSA' }), { code: 'INVALID_PURPOSE' });
  t.same(verifyServerChain([encOnly.der], { ca, now }), ok);
  t.match(verifyServerChain([nonRep.der], { ca, now }), { code: 'INVALID_PURPOSE' }, 'neither bit');
  t.same(verifyServerChain([noKu.der], { ca, now, keyExchange: 'RSA' }), ok, 'no keyUsage: any use');
  t.match(verifyClientChain([encOnly.der], { ca, now }), { code: 'INVALID_PURPOSE' }, 'a client certificate signs CertificateVerify');
  t.same(verifyClientChain([signOnly.der], { ca, now }), ok);
});

t.test('several identities in one certificate (TS 33.141 Annex A option 2): any of them matches', async (t) => {
  const multi = await leaf({ subject: { CN: 'ap.example.org' }, dnsNames: ['ap.example.org', 'xcap.example.org', '*.presence.example.org'], ipAddresses: ['192.0.2.7', '2001:db8::7'] });
  for (const name of ['ap.example.org', 'xcap.example.org', 'ue1.presence.example.org', '192.0.2.7', '2001:db8::7']) {
    t.same(verifyServerChain([multi.der], { ca, now, servername: name }), { authorized: true }, name);
  }
  for (const name of ['example.org', 'presence.example.org', 'a.b.presence.example.org', '192.0.2.8']) {
    t.match(verifyServerChain([multi.der], { ca, now, servername: name }), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' }, name);
  }
});

t.test('the clock: a certificate is judged at the given time', async (t) => {
  const later = new Date(good.cert.notAfter.getTime() + 1000);
  t.match(verifyServerChain([good.der], { ca, now: later }), { code: 'CERT_HAS_EXPIRED' });
  const earlier = new Date(good.cert.notBefore.getTime() - 1000);
  t.match(verifyServerChain([good.der], { ca, now: earlier }), { code: 'CERT_NOT_YET_VALID' });
  // The root and the leaf are made a moment apart and may end on different seconds: take the earlier end.
  const lastValid = new Date(Math.min(good.cert.notAfter.getTime(), root.cert.notAfter.getTime()));
  t.same(verifyServerChain([good.der], { ca, now: lastValid }), { authorized: true }, 'notAfter itself is still valid');
});

t.test('peerCertificatePath: issuer order through what was sent, then the anchor', async (t) => {
  const inter1 = await createCertificate({ key: interKey!.key, subject: { CN: 'path inter 1' }, issuer: by(root), isCA: true });
  const inter2 = await createCertificate({ key: otherKey!.key, subject: { CN: 'path inter 2' }, issuer: by(inter1), isCA: true });
  const l = await leaf({}, inter2);
  const names = (certs: { subject: { object: Record<string, unknown> } }[]) => certs.map((c) => c.subject.object['CN']);
  t.same(names(peerCertificatePath([l.der, inter1.der, inter2.der], ca)), ['localhost', 'path inter 2', 'path inter 1', 'verify root'], 'out of order, root added');
  t.same(names(peerCertificatePath([l.der, inter2.der, inter1.der], [])), ['localhost', 'path inter 2', 'path inter 1'], 'no anchor: as far as it links');
  t.same(names(peerCertificatePath([l.der, new Uint8Array([1, 2, 3]), inter2.der], ca)), ['localhost', 'path inter 2'], 'an unparsable certificate is left out');
  t.same(peerCertificatePath([new Uint8Array([0x30, 0x00])], ca), [], 'no leaf');
  t.same(names(peerCertificatePath([root.der], ca)), ['verify root'], 'a self-signed certificate ends the path');
  t.same(verifyServerChain([l.der, inter1.der, inter2.der], { ca, now }), { authorized: true }, 'and verifies in any order');
});
