import t from 'tap';
import { toHex } from '../../lib/util/bytes.js';
import { decodeClientCertificateUrl, encodeClientCertificateUrl } from '../../lib/messages/extensions/client-certificate-url.js';
import { decodeTruncatedHmac, encodeTruncatedHmac } from '../../lib/messages/extensions/truncated-hmac.js';
import {
  CertificateStatusType,
  decodeStatusRequest,
  decodeStatusRequestAck,
  encodeStatusRequest,
  encodeStatusRequestAck,
  ocspStatusRequest,
} from '../../lib/messages/extensions/status-request.js';
import {
  decodeTrustedCaKeys,
  decodeTrustedCaKeysAck,
  encodeTrustedCaKeys,
  encodeTrustedCaKeysAck,
  IdentifierType,
  type TrustedAuthority,
} from '../../lib/messages/extensions/trusted-ca-keys.js';
import { decodeRenegotiationInfo, encodeRenegotiationInfo } from '../../lib/messages/extensions/renegotiation-info.js';
import { encodeExtensionBlock } from '../../lib/messages/extensions/block.js';
import { ExtensionType } from '../../lib/messages/extensions/types.js';
import { expectDecodeError, expectTrailingRejected, expectTruncationsRejected, hex, pattern } from './helpers.js';

t.test('client_certificate_url and truncated_hmac have empty data both ways', async (t) => {
  t.equal(encodeClientCertificateUrl().length, 0);
  t.equal(encodeTruncatedHmac().length, 0);
  t.doesNotThrow(() => decodeClientCertificateUrl(new Uint8Array(0)));
  t.doesNotThrow(() => decodeTruncatedHmac(new Uint8Array(0)));
  expectDecodeError(t, () => decodeClientCertificateUrl(hex('00')), 'client_certificate_url with a byte');
  expectDecodeError(t, () => decodeTruncatedHmac(hex('0000')), 'truncated_hmac with two bytes');
  t.equal(
    toHex(encodeExtensionBlock([{ type: ExtensionType.truncated_hmac, data: encodeTruncatedHmac() }])),
    '000400040000',
    'truncated_hmac as an extension: type 4, length 0',
  );
});

t.test('status_request: the usual OCSP request is 01 0000 0000', async (t) => {
  t.equal(toHex(encodeStatusRequest(ocspStatusRequest())), '0100000000');
  const got = decodeStatusRequest(hex('0100000000'));
  t.equal(got.statusType, CertificateStatusType.ocsp);
  t.same(got.ocsp, { responderIds: [], requestExtensions: new Uint8Array(0) });
});

t.test('status_request with responder ids and request extensions round-trips', async (t) => {
  const req = ocspStatusRequest([hex('a1020500'), hex('ff')], hex('300d'));
  const enc = encodeStatusRequest(req);
  t.equal(toHex(enc), '01' + '0009' + '0004a1020500' + '0001ff' + '0002300d');
  t.same(decodeStatusRequest(enc), req);
});

t.test('status_request of an unknown status_type is kept undecoded (ignored, not refused)', async (t) => {
  const got = decodeStatusRequest(hex('07abcdef'));
  t.equal(got.statusType, 7);
  t.equal(got.ocsp, null);
  t.equal(toHex(got.otherRequest), 'abcdef');
  t.equal(toHex(encodeStatusRequest(got)), '07abcdef', 'and re-encodes the same');
});

t.test('hostile status_request', async (t) => {
  const valid = hex('01' + '0009' + '0004a1020500' + '0001ff' + '0002300d');
  expectTruncationsRejected(t, decodeStatusRequest, valid, 'status_request');
  expectTrailingRejected(t, decodeStatusRequest, valid, 'status_request');
  expectDecodeError(t, () => decodeStatusRequest(hex('01' + '0002' + '0000' + '0000')), 'empty ResponderID (<1..>)');
  expectDecodeError(t, () => decodeStatusRequest(hex('01' + '0004' + '0001ff' + '0000')), 'responder list length too large');
  expectDecodeError(t, () => decodeStatusRequest(hex('01' + '0002' + '0001ff' + '0000')), 'responder list length too small');
  expectDecodeError(t, () => decodeStatusRequest(hex('01' + '0000' + '0003' + '3000')), 'request_extensions length too large');
  expectDecodeError(t, () => decodeStatusRequest(hex('01' + '0000')), 'request_extensions missing');
  t.equal(encodeStatusRequestAck().length, 0);
  t.doesNotThrow(() => decodeStatusRequestAck(new Uint8Array(0)));
  expectDecodeError(t, () => decodeStatusRequestAck(hex('01')), 'status_request ServerHello form with a byte');
});

const authorities: TrustedAuthority[] = [
  { type: IdentifierType.pre_agreed },
  { type: IdentifierType.key_sha1_hash, sha1Hash: pattern(20, 0x10) },
  { type: IdentifierType.x509_name, distinguishedName: hex('3000') },
  { type: IdentifierType.cert_sha1_hash, sha1Hash: pattern(20, 0x40) },
];
const authoritiesHex =
  '0030' + '00' + '01' + toHex(pattern(20, 0x10)) + '02' + '00023000' + '03' + toHex(pattern(20, 0x40));

t.test('trusted_ca_keys: all four identifier types, byte-exact and round-trip', async (t) => {
  t.equal(toHex(encodeTrustedCaKeys(authorities)), authoritiesHex);
  t.same(decodeTrustedCaKeys(hex(authoritiesHex)), authorities);
  t.same(decodeTrustedCaKeys(hex('0000')), [], 'an empty list is allowed (<0..>)');
  t.equal(encodeTrustedCaKeysAck().length, 0);
  t.doesNotThrow(() => decodeTrustedCaKeysAck(new Uint8Array(0)));
});

t.test('hostile trusted_ca_keys', async (t) => {
  expectTruncationsRejected(t, decodeTrustedCaKeys, hex(authoritiesHex), 'trusted_ca_keys');
  expectTrailingRejected(t, decodeTrustedCaKeys, hex(authoritiesHex), 'trusted_ca_keys');
  expectDecodeError(t, () => decodeTrustedCaKeys(hex('0001' + '04')), 'unknown identifier_type', /identifier_type 4/);
  expectDecodeError(t, () => decodeTrustedCaKeys(hex('0014' + '01' + toHex(pattern(19)))), 'SHA1Hash of 19 bytes');
  expectDecodeError(t, () => decodeTrustedCaKeys(hex('0003' + '020000')), 'empty DistinguishedName (<1..>)');
  expectDecodeError(t, () => decodeTrustedCaKeys(hex('0002' + '00')), 'list length too large');
  expectDecodeError(t, () => decodeTrustedCaKeys(hex('0001' + '0000')), 'list length too small');
  expectDecodeError(t, () => decodeTrustedCaKeysAck(hex('00')), 'ServerHello form with a byte');
});

t.test('renegotiation_info: initial form is ff 01 00 01 00', async (t) => {
  const data = encodeRenegotiationInfo(new Uint8Array(0));
  t.equal(toHex(data), '00');
  t.equal(toHex(encodeRenegotiationInfo()), '00', 'empty by default');
  t.equal(toHex(encodeExtensionBlock([{ type: ExtensionType.renegotiation_info, data }]).subarray(2)), 'ff01000100');
  t.equal(decodeRenegotiationInfo(hex('00')).length, 0);
});

t.test('renegotiation_info carries 12 (client) or 24 (server) bytes of verify_data', async (t) => {
  const client = pattern(12, 1);
  const both = pattern(24, 1);
  t.equal(toHex(encodeRenegotiationInfo(client)), '0c' + toHex(client));
  t.same(decodeRenegotiationInfo(encodeRenegotiationInfo(client)), client);
  t.same(decodeRenegotiationInfo(encodeRenegotiationInfo(both)), both);
  const max = pattern(255);
  t.same(decodeRenegotiationInfo(encodeRenegotiationInfo(max)), max, '255 bytes is the maximum');
  t.throws(() => encodeRenegotiationInfo(pattern(256)), RangeError, '256 does not fit <0..255>');
});

t.test('hostile renegotiation_info', async (t) => {
  expectDecodeError(t, () => decodeRenegotiationInfo(new Uint8Array(0)), 'empty extension_data (no length byte)');
  expectDecodeError(t, () => decodeRenegotiationInfo(hex('0c' + toHex(pattern(11)))), 'length 12, 11 present');
  expectDecodeError(t, () => decodeRenegotiationInfo(hex('0b' + toHex(pattern(12)))), 'length 11, 12 present');
  expectTruncationsRejected(t, decodeRenegotiationInfo, encodeRenegotiationInfo(pattern(12)), 'renegotiation_info');
  expectTrailingRejected(t, decodeRenegotiationInfo, encodeRenegotiationInfo(pattern(12)), 'renegotiation_info');
  expectTrailingRejected(t, decodeRenegotiationInfo, hex('00'), 'empty renegotiation_info');
});
