import t from 'tap';
import { toHex } from '../../lib/util/bytes.js';
import { decodeCertificate, encodeCertificate } from '../../lib/messages/certificate.js';
import { decodeCertificateRequest, encodeCertificateRequest } from '../../lib/messages/certificate-request.js';
import { ClientCertificateType } from '../../lib/messages/types.js';
import { expectDecodeError, expectTrailingRejected, expectTruncationsRejected, hex, pattern } from './helpers.js';

// Stand-ins for DER certificates: the codec treats them as opaque bytes.
const leaf = hex('3082000a' + '0102030405060708090a');
const ca = hex('30030a0b0c');

t.test('Certificate: chain of two, byte-exact (uint24 lengths) and round-trip', async (t) => {
  const body = encodeCertificate([leaf, ca]);
  t.equal(toHex(body), '000019' + '00000e' + toHex(leaf) + '000005' + toHex(ca));
  t.same(decodeCertificate(body), [leaf, ca]);
});

t.test('Certificate: the empty list is valid (UE without a certificate, TS 33.141 6.1.4)', async (t) => {
  t.equal(toHex(encodeCertificate([])), '000000');
  t.same(decodeCertificate(hex('000000')), []);
});

t.test('Certificate: a large certificate keeps its 3-byte length', async (t) => {
  const big = pattern(70000);
  const body = encodeCertificate([big]);
  t.equal(toHex(body.subarray(0, 6)), '011173' + '011170');
  t.same(decodeCertificate(body), [big]);
});

t.test('Certificate: decoded certificates are copies', async (t) => {
  const body = encodeCertificate([leaf]);
  const [got] = decodeCertificate(body);
  body.fill(0);
  t.equal(toHex(got!), toHex(leaf));
});

t.test('hostile Certificate', async (t) => {
  const valid = encodeCertificate([leaf, ca]);
  expectTruncationsRejected(t, decodeCertificate, valid, 'Certificate');
  expectTrailingRejected(t, decodeCertificate, valid, 'Certificate');
  expectTrailingRejected(t, decodeCertificate, hex('000000'), 'empty Certificate');
  expectDecodeError(t, () => decodeCertificate(hex('000003' + '000000')), 'an empty ASN.1Cert (<1..>)');
  expectDecodeError(t, () => decodeCertificate(hex('00001a' + toHex(valid.subarray(3)))), 'list length too large');
  expectDecodeError(t, () => decodeCertificate(hex('000018' + toHex(valid.subarray(3)))), 'list length too small');
  expectDecodeError(t, () => decodeCertificate(hex('000008' + '000006' + 'aabbccdd' + '00')), 'cert length beyond the list');
  expectDecodeError(t, () => decodeCertificate(hex('ffffff' + '000001aa')), 'huge list length, few bytes');
  expectDecodeError(t, () => decodeCertificate(new Uint8Array(0)), 'empty body');
  t.throws(() => encodeCertificate([new Uint8Array(0)]), RangeError, 'encoder refuses an empty certificate');
});

const dn1 = hex('300f310d300b06035504030c0454657374');
const dn2 = hex('3000');

t.test('CertificateRequest: byte-exact and round-trip', async (t) => {
  const req = { certificateTypes: [ClientCertificateType.rsa_sign, ClientCertificateType.dss_sign], certificateAuthorities: [dn1, dn2] };
  const body = encodeCertificateRequest(req);
  t.equal(toHex(body), '02' + '0102' + '0017' + '0011' + toHex(dn1) + '0002' + '3000');
  t.same(decodeCertificateRequest(body), req);
});

t.test('CertificateRequest: an empty certificate_authorities list is accepted (real stacks send it)', async (t) => {
  const body = encodeCertificateRequest({ certificateTypes: [1], certificateAuthorities: [] });
  t.equal(toHex(body), '01' + '01' + '0000');
  t.same(decodeCertificateRequest(body), { certificateTypes: [1], certificateAuthorities: [] });
});

t.test('hostile CertificateRequest', async (t) => {
  const valid = encodeCertificateRequest({ certificateTypes: [1, 2], certificateAuthorities: [dn1, dn2] });
  expectTruncationsRejected(t, decodeCertificateRequest, valid, 'CertificateRequest');
  expectTrailingRejected(t, decodeCertificateRequest, valid, 'CertificateRequest');
  expectDecodeError(t, () => decodeCertificateRequest(hex('00' + '0000')), 'empty certificate_types (<1..>)');
  expectDecodeError(t, () => decodeCertificateRequest(hex('03' + '0102' + '0000')), 'certificate_types length too large');
  expectDecodeError(t, () => decodeCertificateRequest(hex('01' + '01' + '0002' + '0000')), 'empty DistinguishedName (<1..>)');
  expectDecodeError(t, () => decodeCertificateRequest(hex('01' + '01' + '0005' + '00023000')), 'authorities length too large');
  expectDecodeError(t, () => decodeCertificateRequest(hex('01' + '01' + '0003' + '00023000')), 'authorities length too small');
  expectDecodeError(t, () => decodeCertificateRequest(hex('01' + '01')), 'certificate_authorities missing');
  t.throws(() => encodeCertificateRequest({ certificateTypes: [], certificateAuthorities: [] }), RangeError);
});
