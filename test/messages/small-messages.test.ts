import t from 'tap';
import { toHex } from '../../lib/util/bytes.js';
import { decodeHelloRequest, encodeHelloRequest } from '../../lib/messages/hello-request.js';
import { decodeServerHelloDone, encodeServerHelloDone } from '../../lib/messages/server-hello-done.js';
import { decodeCertificateVerify, encodeCertificateVerify } from '../../lib/messages/certificate-verify.js';
import { decodeFinished, encodeFinished, VERIFY_DATA_LENGTH } from '../../lib/messages/finished.js';
import { encodeHandshake } from '../../lib/messages/handshake.js';
import { HandshakeType } from '../../lib/messages/types.js';
import { expectDecodeError, expectTrailingRejected, expectTruncationsRejected, hex, pattern } from './helpers.js';

t.test('HelloRequest and ServerHelloDone: empty bodies', async (t) => {
  t.equal(toHex(encodeHandshake(HandshakeType.hello_request, encodeHelloRequest())), '00000000');
  t.equal(toHex(encodeHandshake(HandshakeType.server_hello_done, encodeServerHelloDone())), '0e000000');
  t.doesNotThrow(() => decodeHelloRequest(new Uint8Array(0)));
  t.doesNotThrow(() => decodeServerHelloDone(new Uint8Array(0)));
  expectTrailingRejected(t, decodeHelloRequest, new Uint8Array(0), 'HelloRequest');
  expectTrailingRejected(t, decodeServerHelloDone, new Uint8Array(0), 'ServerHelloDone');
  expectDecodeError(t, () => decodeServerHelloDone(pattern(100)), 'ServerHelloDone with 100 bytes', /must be empty/);
});

t.test('CertificateVerify: signature<0..2^16-1>', async (t) => {
  const sig = pattern(256, 0x11);
  const body = encodeCertificateVerify(sig);
  t.equal(toHex(body.subarray(0, 3)), '010011');
  t.same(decodeCertificateVerify(body), sig);
  t.same(decodeCertificateVerify(hex('0000')), new Uint8Array(0));
  expectTruncationsRejected(t, decodeCertificateVerify, body, 'CertificateVerify');
  expectTrailingRejected(t, decodeCertificateVerify, body, 'CertificateVerify');
  expectDecodeError(t, () => decodeCertificateVerify(hex('0101' + toHex(sig))), 'length too large');
  expectDecodeError(t, () => decodeCertificateVerify(hex('00ff' + toHex(sig))), 'length too small');
});

t.test('Finished: exactly 12 bytes of verify_data', async (t) => {
  t.equal(VERIFY_DATA_LENGTH, 12);
  const vd = pattern(12, 0xc0);
  const body = encodeFinished(vd);
  t.equal(toHex(encodeHandshake(HandshakeType.finished, body)), '1400000c' + toHex(vd));
  t.same(decodeFinished(body), vd);
  expectTruncationsRejected(t, decodeFinished, body, 'Finished');
  expectTrailingRejected(t, decodeFinished, body, 'Finished');
  expectDecodeError(t, () => decodeFinished(pattern(36)), 'SSL 3.0-sized (36-byte) Finished', /12 bytes, got 36/);
  t.throws(() => encodeFinished(pattern(11)), RangeError);
});
