import t from 'tap';
import { toHex } from '../../lib/util/bytes.js';
import { decodeClientHello, encodeClientHello, type ClientHello } from '../../lib/messages/client-hello.js';
import { ExtensionType } from '../../lib/messages/extensions/types.js';
import { encodeServerNameList } from '../../lib/messages/extensions/server-name.js';
import { encodeRenegotiationInfo } from '../../lib/messages/extensions/renegotiation-info.js';
import { expectDecodeError, expectTrailingRejected, expectTruncationsRejected, hex, pattern } from './helpers.js';

// RFC 2246 7.4.1.2 layout, written out by hand:
//   client_version 03 01 | random 00..1f | session_id<0..32> empty | cipher_suites<2..> = 000a, 0005
//   | compression_methods<1..> = null
const RANDOM = toHex(pattern(32));
const plainHex = '0301' + RANDOM + '00' + '0004' + '000a' + '0005' + '01' + '00';
// RFC 3546 2.1: the extension block follows: server_name "example.com" (20 bytes) + renegotiation_info (5 bytes).
const extBlockHex = '0019' + '0000' + '0010' + '000e' + '00' + '000b' + '6578616d706c652e636f6d' + 'ff01' + '0001' + '00';
const extendedHex = plainHex + extBlockHex;

const plain: ClientHello = {
  version: 0x0301,
  random: pattern(32),
  sessionId: new Uint8Array(0),
  cipherSuites: [0x000a, 0x0005],
  compressionMethods: [0],
  extensions: null,
};
const extended: ClientHello = {
  ...plain,
  extensions: [
    { type: ExtensionType.server_name, data: encodeServerNameList(['example.com']) },
    { type: ExtensionType.renegotiation_info, data: encodeRenegotiationInfo() },
  ],
};

t.test('plain ClientHello is byte-exact and decodes to the same fields', async (t) => {
  t.equal(toHex(encodeClientHello(plain)), plainHex);
  t.same(decodeClientHello(hex(plainHex)), plain);
  t.equal(decodeClientHello(hex(plainHex)).extensions, null, 'no block at all is null, not []');
});

t.test('extended ClientHello is byte-exact and decodes to the same fields', async (t) => {
  t.equal(toHex(encodeClientHello(extended)), extendedHex);
  const got = decodeClientHello(hex(extendedHex));
  t.same(got, extended);
  t.same(got.extensions!.map((e) => e.type), [0, 0xff01]);
});

t.test('an empty extension block (00 00) is kept apart from none', async (t) => {
  const ch = { ...plain, extensions: [] };
  t.equal(toHex(encodeClientHello(ch)), plainHex + '0000');
  t.same(decodeClientHello(hex(plainHex + '0000')).extensions, []);
});

t.test('round-trips with a 32-byte session id, many suites, several methods and unknown extensions', async (t) => {
  const ch: ClientHello = {
    version: 0x0302,
    random: pattern(32, 0x80),
    sessionId: pattern(32, 7),
    cipherSuites: Array.from({ length: 300 }, (_, i) => i),
    compressionMethods: [1, 0, 64],
    extensions: [
      { type: 0x0023, data: new Uint8Array(0) },
      { type: 0xabcd, data: pattern(1000) },
    ],
  };
  t.same(decodeClientHello(encodeClientHello(ch)), ch);
});

t.test('decoded fields are copies of the input', async (t) => {
  const input = hex('0301' + RANDOM + '02abcd' + '0002000a' + '0100');
  const got = decodeClientHello(input);
  input.fill(0xee);
  t.equal(toHex(got.random), RANDOM);
  t.equal(toHex(got.sessionId), 'abcd');
});

const head = '0301' + RANDOM; // version + random, shared by the hostile cases below

t.test('hostile ClientHello: lengths', async (t) => {
  expectDecodeError(t, () => decodeClientHello(hex(head + '00' + '0003' + '000a00' + '0100')), 'odd cipher_suites length', /odd/);
  expectDecodeError(t, () => decodeClientHello(hex(head + '00' + '0001' + '0a' + '0100')), 'cipher_suites length 1');
  expectDecodeError(t, () => decodeClientHello(hex(head + '00' + '0000' + '0100')), 'empty cipher_suites (<2..>)');
  expectDecodeError(t, () => decodeClientHello(hex(head + '00' + '0006' + '000a0005' + '0100')), 'cipher_suites length too large');
  expectDecodeError(t, () => decodeClientHello(hex(head + '00' + '0002' + '000a0005' + '0100')), 'cipher_suites length too small');
  expectDecodeError(t, () => decodeClientHello(hex(head + '00' + '0002000a' + '00')), 'empty compression_methods (<1..>)');
  expectDecodeError(t, () => decodeClientHello(hex(head + '00' + '0002000a' + '02' + '00')), 'compression_methods length too large');
  expectDecodeError(t, () => decodeClientHello(hex(head + '21' + toHex(pattern(33)) + '0002000a' + '0100')), 'session_id of 33 bytes', /0\.\.32/);
  expectDecodeError(t, () => decodeClientHello(hex(head + 'ff' + toHex(pattern(40)))), 'session_id length 255');
  expectDecodeError(t, () => decodeClientHello(hex('0301' + toHex(pattern(31)))), 'random of 31 bytes');
  expectDecodeError(t, () => decodeClientHello(new Uint8Array(0)), 'empty body');
});

t.test('hostile ClientHello: extension block (RFC 3546 2.1: plain or exactly one block)', async (t) => {
  expectDecodeError(t, () => decodeClientHello(hex(plainHex + '00')), 'one byte after compression_methods');
  expectDecodeError(t, () => decodeClientHello(hex(extendedHex + '00')), 'garbage after the extension block');
  expectDecodeError(t, () => decodeClientHello(hex(extendedHex + '0000')), 'a second (empty) extension block');
  expectDecodeError(t, () => decodeClientHello(hex(plainHex + '001a' + extBlockHex.slice(4))), 'block length one too large');
  expectDecodeError(t, () => decodeClientHello(hex(plainHex + '0018' + extBlockHex.slice(4))), 'block length one too small');
  expectDecodeError(t, () => decodeClientHello(hex(plainHex + '0005' + 'ff01000100' + 'ff01000100')), 'block length covering one of two extensions');
  expectDecodeError(
    t,
    () => decodeClientHello(hex(plainHex + '000a' + 'ff01000100' + 'ff01000100')),
    'duplicated renegotiation_info',
    /duplicate extension 65281/,
  );
  expectDecodeError(t, () => decodeClientHello(hex(plainHex + '0008' + '0000' + '0010' + '000e0000')), 'extension_data overruns the block');
});

t.test('hostile ClientHello: truncation at every offset and a trailing byte', async (t) => {
  const ext = hex(extendedHex);
  // Cut exactly before the extension block, the rest is a valid plain ClientHello (RFC 3546 2.1 allows both).
  expectTruncationsRejected(t, decodeClientHello, ext, 'extended ClientHello', [plainHex.length / 2]);
  expectTruncationsRejected(t, decodeClientHello, hex(plainHex), 'plain ClientHello');
  expectTrailingRejected(t, decodeClientHello, ext, 'extended ClientHello');
  expectTrailingRejected(t, decodeClientHello, hex(plainHex), 'plain ClientHello');
});

t.test('encodeClientHello refuses an illegal hello (programming errors)', async (t) => {
  t.throws(() => encodeClientHello({ ...plain, random: pattern(31) }), RangeError, 'random not 32 bytes');
  t.throws(() => encodeClientHello({ ...plain, sessionId: pattern(33) }), RangeError, 'session id over 32');
  t.throws(() => encodeClientHello({ ...plain, cipherSuites: [] }), RangeError, 'no suites');
  t.throws(() => encodeClientHello({ ...plain, compressionMethods: [] }), RangeError, 'no compression method');
});
