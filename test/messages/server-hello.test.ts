import t from 'tap';
import { toHex } from '../../lib/util/bytes.js';
import { decodeServerHello, encodeServerHello, type ServerHello } from '../../lib/messages/server-hello.js';
import { ExtensionType } from '../../lib/messages/extensions/types.js';
import { expectDecodeError, expectTrailingRejected, expectTruncationsRejected, hex, pattern } from './helpers.js';

// RFC 2246 7.4.1.3 layout by hand: server_version 03 01 | random 20..3f | session_id<0..32> of 8 bytes
// | cipher_suite 000a | compression_method 00 | RFC 3546 2.2 extension block: renegotiation_info ff 01 00 01 00.
const RANDOM = toHex(pattern(32, 0x20));
const plainHex = '0301' + RANDOM + '08' + '0102030405060708' + '000a' + '00';
const extendedHex = plainHex + '0005' + 'ff01000100';

const plain: ServerHello = {
  version: 0x0301,
  random: pattern(32, 0x20),
  sessionId: hex('0102030405060708'),
  cipherSuite: 0x000a,
  compressionMethod: 0,
  extensions: null,
};
const extended: ServerHello = { ...plain, extensions: [{ type: ExtensionType.renegotiation_info, data: hex('00') }] };

t.test('ServerHello is byte-exact and round-trips, with and without extensions', async (t) => {
  t.equal(toHex(encodeServerHello(plain)), plainHex);
  t.equal(toHex(encodeServerHello(extended)), extendedHex);
  t.same(decodeServerHello(hex(plainHex)), plain);
  t.same(decodeServerHello(hex(extendedHex)), extended);
  t.same(decodeServerHello(hex(plainHex + '0000')).extensions, [], 'empty block');
  const noId = { ...plain, sessionId: new Uint8Array(0), cipherSuite: 0x0035, compressionMethod: 1 };
  t.same(decodeServerHello(encodeServerHello(noId)), noId, 'empty session id (not resumable)');
  const fullId = { ...extended, sessionId: pattern(32, 9) };
  t.same(decodeServerHello(encodeServerHello(fullId)), fullId, '32-byte session id');
});

t.test('hostile ServerHello', async (t) => {
  expectTruncationsRejected(t, decodeServerHello, hex(extendedHex), 'extended ServerHello', [plainHex.length / 2]);
  expectTruncationsRejected(t, decodeServerHello, hex(plainHex), 'plain ServerHello');
  expectTrailingRejected(t, decodeServerHello, hex(extendedHex), 'extended ServerHello');
  expectTrailingRejected(t, decodeServerHello, hex(plainHex), 'plain ServerHello');
  const head = '0301' + RANDOM;
  expectDecodeError(t, () => decodeServerHello(hex(head + '21' + toHex(pattern(33)) + '000a00')), 'session_id of 33 bytes');
  expectDecodeError(t, () => decodeServerHello(hex(head + '09' + '0102030405060708' + '000a00')), 'session_id length too large');
  expectDecodeError(t, () => decodeServerHello(hex(plainHex + '0006' + 'ff01000100')), 'block length too large');
  expectDecodeError(t, () => decodeServerHello(hex(plainHex + '0004' + 'ff01000100')), 'block length too small');
  expectDecodeError(t, () => decodeServerHello(hex(extendedHex + 'ff')), 'garbage after the extension block');
  expectDecodeError(t, () => decodeServerHello(hex(plainHex + '000a' + 'ff01000100' + 'ff01000100')), 'duplicated extension', /duplicate extension/);
});

t.test('encodeServerHello refuses an illegal hello', async (t) => {
  t.throws(() => encodeServerHello({ ...plain, random: pattern(33) }), RangeError);
  t.throws(() => encodeServerHello({ ...plain, sessionId: pattern(33) }), RangeError);
});
