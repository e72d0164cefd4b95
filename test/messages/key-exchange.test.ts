import t from 'tap';
import { toHex } from '../../lib/util/bytes.js';
import {
  decodeDhClientKeyExchange,
  decodeRsaClientKeyExchange,
  encodeDhClientKeyExchange,
  encodeRsaClientKeyExchange,
} from '../../lib/messages/client-key-exchange.js';
import {
  decodeDheServerKeyExchange,
  encodeDheServerKeyExchange,
  encodeServerDHParams,
  type ServerDHParams,
} from '../../lib/messages/server-key-exchange.js';
import { expectDecodeError, expectTrailingRejected, expectTruncationsRejected, hex, pattern } from './helpers.js';

t.test('RSA ClientKeyExchange carries a 2-byte length in TLS 1.0 (unlike SSL 3.0)', async (t) => {
  const encrypted = pattern(128, 0x33); // a 1024-bit RSA block
  const body = encodeRsaClientKeyExchange(encrypted);
  t.equal(body.length, 130);
  t.equal(toHex(body.subarray(0, 3)), '008033');
  t.same(decodeRsaClientKeyExchange(body), encrypted);
  const big = pattern(512); // 4096-bit key
  t.same(decodeRsaClientKeyExchange(encodeRsaClientKeyExchange(big)), big);
  t.same(decodeRsaClientKeyExchange(hex('0000')), new Uint8Array(0), 'opaque<0..> may be empty (the engine then fails later)');
});

t.test('hostile RSA ClientKeyExchange', async (t) => {
  const valid = encodeRsaClientKeyExchange(pattern(64));
  expectTruncationsRejected(t, decodeRsaClientKeyExchange, valid, 'RSA ClientKeyExchange');
  expectTrailingRejected(t, decodeRsaClientKeyExchange, valid, 'RSA ClientKeyExchange');
  // An SSL 3.0-style bare block (no length) must not be taken for a TLS one.
  expectDecodeError(t, () => decodeRsaClientKeyExchange(pattern(128, 0x33)), 'SSL 3.0-style block without length');
  expectDecodeError(t, () => decodeRsaClientKeyExchange(hex('0041' + toHex(pattern(64)))), 'length too large');
  expectDecodeError(t, () => decodeRsaClientKeyExchange(hex('003f' + toHex(pattern(64)))), 'length too small');
});

t.test('DH ClientKeyExchange: dh_Yc<1..2^16-1>', async (t) => {
  const yc = pattern(128, 5);
  const body = encodeDhClientKeyExchange(yc);
  t.equal(toHex(body.subarray(0, 2)), '0080');
  t.same(decodeDhClientKeyExchange(body), yc);
  expectTruncationsRejected(t, decodeDhClientKeyExchange, body, 'DH ClientKeyExchange');
  expectTrailingRejected(t, decodeDhClientKeyExchange, body, 'DH ClientKeyExchange');
  // An empty dh_Yc breaks the <1..2^16-1> bound: decode_error. One zero byte decodes (value 0, refused later).
  expectDecodeError(t, () => decodeDhClientKeyExchange(hex('0000')), 'empty dh_Yc is decode_error');
  t.same(decodeDhClientKeyExchange(hex('000100')), Uint8Array.of(0), 'Yc = 0 as one zero byte decodes');
  expectDecodeError(t, () => decodeDhClientKeyExchange(new Uint8Array(0)), 'implicit (empty) form is not supported');
  t.throws(() => encodeDhClientKeyExchange(new Uint8Array(0)), RangeError);
});

const params: ServerDHParams = { p: hex('00e3f1'), g: hex('02'), ys: hex('7a7b7c7d') };
const paramsHex = '0003' + '00e3f1' + '0001' + '02' + '0004' + '7a7b7c7d';

t.test('DHE ServerKeyExchange: params bytes, signature and round-trip', async (t) => {
  t.equal(toHex(encodeServerDHParams(params)), paramsHex);
  const sig = pattern(128, 0x90);
  const body = encodeDheServerKeyExchange(params, sig);
  t.equal(toHex(body), paramsHex + '0080' + toHex(sig));
  const got = decodeDheServerKeyExchange(body);
  t.same(got.params, params);
  t.equal(toHex(got.paramsBytes), paramsHex, 'paramsBytes are the wire bytes that were signed');
  t.same(got.signature, sig);
});

t.test('DHE ServerKeyExchange keeps a leading zero in p as sent (the signature covers the exact bytes)', async (t) => {
  const got = decodeDheServerKeyExchange(hex(paramsHex + '0000'));
  t.equal(toHex(got.params.p), '00e3f1');
  t.equal(got.signature.length, 0, 'an empty signature parses (verification then fails in the engine)');
});

t.test('hostile DHE ServerKeyExchange', async (t) => {
  const valid = encodeDheServerKeyExchange(params, pattern(40));
  expectTruncationsRejected(t, decodeDheServerKeyExchange, valid, 'ServerKeyExchange');
  expectTrailingRejected(t, decodeDheServerKeyExchange, valid, 'ServerKeyExchange');
  expectDecodeError(t, () => decodeDheServerKeyExchange(hex('0000' + '000102' + '000102' + '0000')), 'empty dh_p (<1..>)');
  expectDecodeError(t, () => decodeDheServerKeyExchange(hex('000100' + '0000' + '000102' + '0000')), 'empty dh_g');
  expectDecodeError(t, () => decodeDheServerKeyExchange(hex('000100' + '000102' + '0000' + '0000')), 'empty dh_Ys');
  expectDecodeError(t, () => decodeDheServerKeyExchange(hex(paramsHex)), 'signature missing (the anonymous form is not accepted)');
  expectDecodeError(t, () => decodeDheServerKeyExchange(hex(paramsHex + '0003' + 'aabb')), 'signature length too large');
  expectDecodeError(t, () => decodeDheServerKeyExchange(hex('ffff' + '00e3f1')), 'dh_p length too large');
  t.throws(() => encodeServerDHParams({ ...params, g: new Uint8Array(0) }), RangeError);
});
