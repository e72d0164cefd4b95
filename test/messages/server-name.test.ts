import t from 'tap';
import { toHex, utf8 } from '../../lib/util/bytes.js';
import {
  decodeServerNameAck,
  decodeServerNameList,
  encodeServerNameAck,
  encodeServerNameList,
  isValidHostName,
} from '../../lib/messages/extensions/server-name.js';
import { encodeExtensionBlock } from '../../lib/messages/extensions/block.js';
import { ExtensionType } from '../../lib/messages/extensions/types.js';
import { expectAlert, expectDecodeError, expectTrailingRejected, expectTruncationsRejected, hex } from './helpers.js';

// RFC 3546 3.1 layout for "example.com": list length 14, name_type host_name(0), HostName length 11, the name.
const exampleData = '000e' + '00' + '000b' + '6578616d706c652e636f6d';

t.test('server_name for "example.com" is byte-exact', async (t) => {
  t.equal(toHex(encodeServerNameList(['example.com'])), exampleData);
  const ext = encodeExtensionBlock([{ type: ExtensionType.server_name, data: encodeServerNameList(['example.com']) }]);
  t.equal(toHex(ext), '0014' + '0000' + '0010' + exampleData, 'as a whole extension: type 0, length 16');
});

t.test('decodeServerNameList round-trips', async (t) => {
  const got = decodeServerNameList(hex(exampleData));
  t.equal(got.hostName, 'example.com');
  t.same(got.names.map((n) => [n.type, toHex(n.name)]), [[0, '6578616d706c652e636f6d']]);
  for (const name of ['a', 'xn--bcher-kva.example', 'ut.ims.mnc001.mcc001.pub.3gppnetwork.org']) {
    t.equal(decodeServerNameList(encodeServerNameList([name])).hostName, name, name);
  }
  // RFC 3546 allows UTF-8 host names; they round-trip as text.
  t.equal(decodeServerNameList(encodeServerNameList(['bücher.example'])).hostName, 'bücher.example');
});

t.test('an unknown name_type is kept (read as opaque<1..2^16-1>, RFC 4366/6066) beside the host_name', async (t) => {
  const data = hex('0011' + '07' + '0002' + 'abcd' + '00' + '0009' + utf8Hex('a.example'));
  const got = decodeServerNameList(data);
  t.equal(got.hostName, 'a.example');
  t.same(got.names.map((n) => [n.type, toHex(n.name)]), [[7, 'abcd'], [0, utf8Hex('a.example')]]);
  const onlyUnknown = decodeServerNameList(hex('0004' + '07' + '0001' + 'ff'));
  t.equal(onlyUnknown.hostName, undefined, 'no host_name entry');
  t.equal(onlyUnknown.names.length, 1);
});

t.test('two host_name entries are illegal_parameter (RFC 6066 3)', async (t) => {
  const two = hex('0008' + '00' + '0001' + '61' + '00' + '0001' + '62');
  expectAlert(t, () => decodeServerNameList(two), 47, 'duplicate host_name', /RFC 6066 3/);
  const twoUnknown = hex('0008' + '05' + '0001' + '61' + '05' + '0001' + '62');
  expectAlert(t, () => decodeServerNameList(twoUnknown), 47, 'duplicate name_type 5');
});

t.test('hostile server_name data', async (t) => {
  expectDecodeError(t, () => decodeServerNameList(hex('0000')), 'empty server_name_list (<1..>)');
  expectDecodeError(t, () => decodeServerNameList(hex('0003' + '00' + '0000')), 'empty HostName (<1..>)');
  expectDecodeError(t, () => decodeServerNameList(hex('000f' + exampleData.slice(4))), 'list length too large');
  expectDecodeError(t, () => decodeServerNameList(hex('000d' + exampleData.slice(4))), 'list length too small');
  expectDecodeError(t, () => decodeServerNameList(hex('000e' + '00' + '000c' + '6578616d706c652e636f6d')), 'HostName length too large');
  expectDecodeError(t, () => decodeServerNameList(hex('000e' + '00' + '000a' + '6578616d706c652e636f6d')), 'HostName length too small');
  // Not UTF-8: decoded leniently, raw bytes kept; the server refuses non-ASCII names (engine/extensions/server-name.ts).
  t.same(decodeServerNameList(hex('0004' + '00' + '0001' + 'ff')).names[0]!.name, Uint8Array.of(0xff), 'HostName not UTF-8: raw bytes kept');
  expectDecodeError(t, () => decodeServerNameList(new Uint8Array(0)), 'empty extension_data');
  expectTruncationsRejected(t, decodeServerNameList, hex(exampleData), 'server_name');
  expectTrailingRejected(t, decodeServerNameList, hex(exampleData), 'server_name');
});

t.test('ServerHello form is empty', async (t) => {
  t.equal(encodeServerNameAck().length, 0);
  t.doesNotThrow(() => decodeServerNameAck(new Uint8Array(0)));
  expectDecodeError(t, () => decodeServerNameAck(hex('00')), 'a byte in the ServerHello form');
});

t.test('encodeServerNameList refuses what must not be sent', async (t) => {
  t.throws(() => encodeServerNameList([]), RangeError, 'empty list');
  t.throws(() => encodeServerNameList(['a.example', 'b.example']), RangeError, 'two host names');
  t.throws(() => encodeServerNameList(['']), RangeError, 'empty name');
});

t.test('isValidHostName (what we may send)', async (t) => {
  const good = ['example.com', 'a', 'xn--bcher-kva.example', 'host-1.example', 'srv_1.corp', 'a.b.c.d.e', 'x1.example.123abc', `${'a'.repeat(63)}.com`];
  const bad = [
    '', // empty
    'example.com.', // trailing dot
    '.example.com', // empty first label
    'a..b', // empty label
    '127.0.0.1', // IPv4 literal
    '10.1', // numeric last label: an IPv4 form for URL parsers
    '::1', // IPv6 literal
    '[2001:db8::1]', // bracketed IPv6
    '2001:db8::1',
    'bücher.example', // non-ASCII: must be punycoded first
    'exa mple.com', // space
    '-lead.example', // label starts with hyphen
    'trail-.example', // label ends with hyphen
    `${'a'.repeat(64)}.com`, // label over 63
    `${'a.'.repeat(127)}com`, // over 253 characters
    'a/b.example',
    'a\u0000.example',
  ];
  for (const name of good) t.equal(isValidHostName(name), true, `accepts ${JSON.stringify(name)}`);
  for (const name of bad) t.equal(isValidHostName(name), false, `rejects ${JSON.stringify(name)}`);
});

function utf8Hex(s: string): string {
  return toHex(utf8(s));
}
