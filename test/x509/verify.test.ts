/**
 * Chain verification: paths, signatures, dates, CA constraints and RFC 2818 3.1 names, with
 * certificates made on the fly (one shared key per role keeps it fast).
 */
import t from 'tap';
import { AlertDescription as A } from '../../lib/alerts.js';
import { checkHostname, verifyClientChain, verifyServerChain } from '../../lib/x509/verify.js';
import { createCertificate, generateRsaKey, type TestCertificate } from '../../lib/x509/testca.js';

const [caKey, interKey, leafKey, otherKey] = await Promise.all([1, 2, 3, 4].map(() => generateRsaKey(1024)));
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
  t.match(verifyServerChain([l3.der, noSign.der], { ca, now }), { code: 'INVALID_CA' }, 'keyUsage without keyCertSign');
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
