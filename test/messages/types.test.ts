import t from 'tap';
import { HandshakeType, handshakeTypeName, CompressionMethod, ClientCertificateType } from '../../lib/messages/types.js';
import { encodeHandshake } from '../../lib/messages/handshake.js';
import { ExtensionType, extensionTypeName } from '../../lib/messages/extensions/types.js';
import { toHex } from '../../lib/util/bytes.js';
import * as all from '../../lib/messages/index.js';

t.test('HandshakeType has the RFC 2246 A.4 and RFC 3546 2.4 numbers', async (t) => {
  t.same(
    { ...HandshakeType },
    {
      hello_request: 0,
      client_hello: 1,
      server_hello: 2,
      certificate: 11,
      server_key_exchange: 12,
      certificate_request: 13,
      server_hello_done: 14,
      certificate_verify: 15,
      client_key_exchange: 16,
      finished: 20,
      certificate_url: 21,
      certificate_status: 22,
    },
  );
  t.equal(CompressionMethod.null, 0);
  t.same({ ...ClientCertificateType }, { rsa_sign: 1, dss_sign: 2, rsa_fixed_dh: 3, dss_fixed_dh: 4 });
});

t.test('handshakeTypeName names known types and marks unknown ones', async (t) => {
  t.equal(handshakeTypeName(1), 'client_hello');
  t.equal(handshakeTypeName(14), 'server_hello_done');
  t.equal(handshakeTypeName(22), 'certificate_status');
  t.equal(handshakeTypeName(3), 'unknown(3)');
  t.equal(handshakeTypeName(255), 'unknown(255)');
});

t.test('ExtensionType has the RFC 3546 2.3, RFC 7366, RFC 7627 and RFC 5746 numbers', async (t) => {
  t.same(
    { ...ExtensionType },
    {
      server_name: 0,
      max_fragment_length: 1,
      client_certificate_url: 2,
      trusted_ca_keys: 3,
      truncated_hmac: 4,
      status_request: 5,
      encrypt_then_mac: 22,
      extended_master_secret: 23,
      renegotiation_info: 0xff01,
    },
  );
  t.equal(extensionTypeName(0xff01), 'renegotiation_info');
  t.equal(extensionTypeName(35), 'unknown(35)');
});

t.test('encodeHandshake writes type, 3-byte length and body', async (t) => {
  t.equal(toHex(encodeHandshake(HandshakeType.server_hello_done, new Uint8Array(0))), '0e000000');
  t.equal(toHex(encodeHandshake(HandshakeType.finished, Uint8Array.of(1, 2, 3))), '14000003010203');
  const big = encodeHandshake(HandshakeType.certificate, new Uint8Array(0x012345));
  t.equal(toHex(big.subarray(0, 4)), '0b012345');
  t.equal(big.length, 4 + 0x012345);
  t.throws(() => encodeHandshake(256, new Uint8Array(0)), RangeError, 'type must be a uint8');
});

t.test('index re-exports every codec', async (t) => {
  for (const name of [
    'encodeHandshake', 'encodeClientHello', 'decodeClientHello', 'decodeSSLv2ClientHello', 'encodeServerHello',
    'decodeServerHello', 'encodeCertificate', 'decodeCertificate', 'encodeCertificateRequest', 'decodeCertificateRequest',
    'encodeServerHelloDone', 'decodeServerHelloDone', 'encodeHelloRequest', 'decodeHelloRequest',
    'encodeRsaClientKeyExchange', 'decodeRsaClientKeyExchange', 'encodeDhClientKeyExchange', 'decodeDhClientKeyExchange',
    'encodeServerDHParams', 'encodeDheServerKeyExchange', 'decodeDheServerKeyExchange', 'encodeCertificateVerify',
    'decodeCertificateVerify', 'encodeFinished', 'decodeFinished', 'encodeCertificateUrl', 'decodeCertificateUrl',
    'encodeCertificateStatus', 'decodeCertificateStatus', 'decodeExtensionBlock', 'encodeExtensionBlock', 'findExtension',
    'encodeServerNameList', 'decodeServerNameList', 'isValidHostName', 'encodeMaxFragmentLength', 'decodeMaxFragmentLength',
    'encodeStatusRequest', 'decodeStatusRequest', 'encodeTrustedCaKeys', 'decodeTrustedCaKeys', 'encodeRenegotiationInfo',
    'decodeRenegotiationInfo', 'encodeTruncatedHmac', 'decodeTruncatedHmac', 'encodeClientCertificateUrl',
    'decodeClientCertificateUrl',
  ]) {
    t.equal(typeof (all as Record<string, unknown>)[name], 'function', name);
  }
});
