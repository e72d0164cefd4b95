import t from 'tap';
import { toHex } from '../../lib/util/bytes.js';
import { CertChainType, decodeCertificateUrl, encodeCertificateUrl, type CertificateUrl } from '../../lib/messages/certificate-url.js';
import { decodeCertificateStatus, encodeCertificateStatus } from '../../lib/messages/certificate-status.js';
import { expectDecodeError, expectTrailingRejected, expectTruncationsRejected, hex, pattern } from './helpers.js';

const URL1 = 'http://ca.example/leaf.der';
const url1Hex = toHex(new TextEncoder().encode(URL1));
const URL2 = 'http://x/p';
const url2Hex = toHex(new TextEncoder().encode(URL2));
const sha1 = pattern(20, 0xa0);

const msg: CertificateUrl = {
  chainType: CertChainType.individual_certs,
  urls: [
    { url: URL1, hash: sha1 },
    { url: URL2, hash: null },
  ],
};
// RFC 3546 3.3: type | url_and_hash_list<1..> of { url<1..>, hash_present, [SHA1Hash] }
const msgHex = '00' + '003e' + '001a' + url1Hex + '01' + toHex(sha1) + '000a' + url2Hex + '00';

t.test('CertificateURL (RFC 3546 form): byte-exact and round-trip', async (t) => {
  t.equal(toHex(encodeCertificateUrl(msg)), msgHex);
  t.same(decodeCertificateUrl(hex(msgHex)), msg);
  const pkipath: CertificateUrl = { chainType: CertChainType.pkipath, urls: [{ url: URL2, hash: null }] };
  t.same(decodeCertificateUrl(encodeCertificateUrl(pkipath)), pkipath);
});

t.test('an RFC 6066 URLAndHash (padding 01 + hash) reads as hash_present = true', async (t) => {
  const ok = decodeCertificateUrl(hex('01' + '0021' + '000a' + url2Hex + '01' + toHex(sha1)));
  t.same(ok.urls, [{ url: URL2, hash: sha1 }]);
});

t.test('hostile CertificateURL', async (t) => {
  expectTruncationsRejected(t, decodeCertificateUrl, hex(msgHex), 'CertificateURL');
  expectTrailingRejected(t, decodeCertificateUrl, hex(msgHex), 'CertificateURL');
  expectDecodeError(t, () => decodeCertificateUrl(hex('00' + '0000')), 'empty url_and_hash_list (<1..>)');
  expectDecodeError(t, () => decodeCertificateUrl(hex('02' + '0004' + '00017800')), 'CertChainType 2', /CertChainType 2/);
  expectDecodeError(t, () => decodeCertificateUrl(hex('00' + '0004' + '00017802')), 'hash_present 2', /Boolean/);
  expectDecodeError(t, () => decodeCertificateUrl(hex('00' + '0003' + '000000')), 'empty url (<1..>)');
  expectDecodeError(t, () => decodeCertificateUrl(hex('00' + '0004' + '00012000')), 'url with a space');
  expectDecodeError(t, () => decodeCertificateUrl(hex('00' + '0004' + '0001c300')), 'url with a non-ASCII byte');
  expectDecodeError(t, () => decodeCertificateUrl(hex('00' + '0017' + '00017801' + toHex(pattern(19)))), 'hash of 19 bytes');
  t.throws(() => encodeCertificateUrl({ chainType: 0, urls: [] }), RangeError, 'encoder: empty list');
  t.throws(() => encodeCertificateUrl({ chainType: 0, urls: [{ url: 'http://ü', hash: null }] }), RangeError, 'encoder: non-ASCII url');
  t.throws(() => encodeCertificateUrl({ chainType: 0, urls: [{ url: URL2, hash: pattern(16) }] }), RangeError, 'encoder: bad hash size');
});

t.test('CertificateStatus: ocsp(1) + OCSPResponse<1..2^24-1>', async (t) => {
  const response = hex('3082000a0a0100a0050603');
  const body = encodeCertificateStatus({ statusType: 1, response });
  t.equal(toHex(body), '01' + '00000b' + toHex(response));
  t.same(decodeCertificateStatus(body), { statusType: 1, response });
  const big = pattern(70000);
  t.same(decodeCertificateStatus(encodeCertificateStatus({ statusType: 1, response: big })).response, big);
});

t.test('hostile CertificateStatus', async (t) => {
  const valid = encodeCertificateStatus({ statusType: 1, response: pattern(30) });
  expectTruncationsRejected(t, decodeCertificateStatus, valid, 'CertificateStatus');
  expectTrailingRejected(t, decodeCertificateStatus, valid, 'CertificateStatus');
  expectDecodeError(t, () => decodeCertificateStatus(hex('02' + '000001' + '30')), 'status_type 2', /ocsp/);
  expectDecodeError(t, () => decodeCertificateStatus(hex('01' + '000000')), 'empty OCSPResponse (<1..>)');
  expectDecodeError(t, () => decodeCertificateStatus(hex('01' + '000002' + '30')), 'length too large');
  t.throws(() => encodeCertificateStatus({ statusType: 1, response: new Uint8Array(0) }), RangeError);
  t.throws(() => encodeCertificateStatus({ statusType: 2, response: pattern(1) }), RangeError);
});
