import t from 'tap';
import { toHex } from '../../lib/util/bytes.js';
import { decodeSSLv2ClientHello } from '../../lib/messages/client-hello.js';
import { expectDecodeError, expectTrailingRejected, expectTruncationsRejected, hex, pattern } from './helpers.js';

/**
 * An SSLv2-compatible CLIENT-HELLO built by hand per RFC 2246 E.1 (from msg_type on; the 2-byte record
 * header is the record layer's): msg_type 01 | version 03 01 | cipher_spec_length | session_id_length |
 * challenge_length | cipher_specs (3 bytes each) | session_id | challenge.
 */
function v2Hello(specs: string[], sessionId: Uint8Array, challenge: Uint8Array, version = '0301'): Uint8Array {
  const u16 = (n: number) => n.toString(16).padStart(4, '0');
  return hex(
    '01' + version + u16(specs.length * 3) + u16(sessionId.length) + u16(challenge.length) + specs.join('') + toHex(sessionId) + toHex(challenge),
  );
}

// TLS suites {00,hi,lo} mixed with SSLv2 kinds (RC4_128_WITH_MD5 010080, DES_192_EDE3_CBC_WITH_MD5 0700c0,
// RC2_128_CBC_EXPORT40_WITH_MD5 040080) and the RFC 5746 SCSV, which may ride in a V2 hello (RFC 5746 3.3).
const mixedSpecs = ['00000a', '010080', '000005', '0700c0', '000035', '040080', '0000ff'];

t.test('16-byte challenge: right-justified in the random with 16 leading zeros', async (t) => {
  const challenge = pattern(16, 0xa0);
  const body = v2Hello(mixedSpecs, new Uint8Array(0), challenge);
  t.equal(body.length, 9 + 21 + 16, 'hand-built length');
  t.equal(toHex(body.subarray(0, 9)), '01' + '0301' + '0015' + '0000' + '0010', 'header fields');
  const ch = decodeSSLv2ClientHello(body);
  t.equal(ch.version, 0x0301);
  t.same(ch.cipherSuites, [0x000a, 0x0005, 0x0035, 0x00ff], 'TLS suites kept in order, SSLv2 specs dropped');
  t.equal(toHex(ch.random), '00'.repeat(16) + toHex(challenge));
  t.equal(ch.sessionId.length, 0);
  t.same(ch.compressionMethods, [0], 'null compression');
  t.equal(ch.extensions, null, 'no extensions');
});

t.test('32-byte challenge: the random is the challenge', async (t) => {
  const challenge = pattern(32, 0x40);
  const ch = decodeSSLv2ClientHello(v2Hello(mixedSpecs, new Uint8Array(0), challenge));
  t.equal(toHex(ch.random), toHex(challenge));
  t.same(ch.cipherSuites, [0x000a, 0x0005, 0x0035, 0x00ff]);
});

t.test('20-byte challenge, 16-byte session id, SSL 3.0 version', async (t) => {
  const ch = decodeSSLv2ClientHello(v2Hello(['000004'], pattern(16, 0x70), pattern(20, 1), '0300'));
  t.equal(ch.version, 0x0300);
  t.equal(toHex(ch.sessionId), toHex(pattern(16, 0x70)));
  t.equal(toHex(ch.random), '00'.repeat(12) + toHex(pattern(20, 1)));
  t.same(ch.cipherSuites, [0x0004]);
});

t.test('only SSLv2 cipher specs leaves no TLS suite (the engine then fails the handshake)', async (t) => {
  t.same(decodeSSLv2ClientHello(v2Hello(['010080', '0700c0'], new Uint8Array(0), pattern(16))).cipherSuites, []);
});

t.test('hostile SSLv2 ClientHello', async (t) => {
  const valid = v2Hello(mixedSpecs, new Uint8Array(0), pattern(16, 0xa0));
  expectTruncationsRejected(t, decodeSSLv2ClientHello, valid, 'SSLv2 ClientHello');
  expectTrailingRejected(t, decodeSSLv2ClientHello, valid, 'SSLv2 ClientHello');
  expectTruncationsRejected(t, decodeSSLv2ClientHello, v2Hello(['00000a'], pattern(16), pattern(32)), 'SSLv2 ClientHello with session id');

  const withType = (b: Uint8Array, v: number) => Uint8Array.from([v, ...b.subarray(1)]);
  expectDecodeError(t, () => decodeSSLv2ClientHello(withType(valid, 2)), 'msg_type 2 (not CLIENT-HELLO)', /msg_type/);
  expectDecodeError(t, () => decodeSSLv2ClientHello(withType(valid, 0x16)), 'msg_type 0x16');

  const hdr = (spec: number, sid: number, chal: number) => '01' + '0301' + [spec, sid, chal].map((n) => n.toString(16).padStart(4, '0')).join('');
  expectDecodeError(t, () => decodeSSLv2ClientHello(hex(hdr(0, 0, 16) + toHex(pattern(16)))), 'cipher_spec_length 0', /multiple of 3/);
  expectDecodeError(t, () => decodeSSLv2ClientHello(hex(hdr(4, 0, 16) + '00000a00' + toHex(pattern(16)))), 'cipher_spec_length 4', /multiple of 3/);
  expectDecodeError(t, () => decodeSSLv2ClientHello(hex(hdr(3, 8, 16) + '00000a' + toHex(pattern(24)))), 'session_id_length 8', /0 nor 16/);
  expectDecodeError(t, () => decodeSSLv2ClientHello(hex(hdr(3, 32, 16) + '00000a' + toHex(pattern(48)))), 'session_id_length 32');
  expectDecodeError(t, () => decodeSSLv2ClientHello(hex(hdr(3, 0, 15) + '00000a' + toHex(pattern(15)))), 'challenge of 15 bytes', /16\.\.32/);
  expectDecodeError(t, () => decodeSSLv2ClientHello(hex(hdr(3, 0, 33) + '00000a' + toHex(pattern(33)))), 'challenge of 33 bytes', /16\.\.32/);
  expectDecodeError(t, () => decodeSSLv2ClientHello(hex(hdr(3, 0, 0) + '00000a')), 'no challenge');
  expectDecodeError(t, () => decodeSSLv2ClientHello(hex(hdr(6, 0, 16) + '00000a' + toHex(pattern(16)))), 'lengths add up to more than present', /add up/);
  expectDecodeError(t, () => decodeSSLv2ClientHello(hex(hdr(3, 0, 16) + '00000a' + toHex(pattern(17)))), 'lengths add up to less than present', /add up/);
  expectDecodeError(t, () => decodeSSLv2ClientHello(hex(hdr(0xfffc, 0, 16))), 'huge cipher_spec_length, nothing behind it');
});
