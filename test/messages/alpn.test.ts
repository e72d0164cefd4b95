/** RFC 7301 3.1 codec: ProtocolNameList, the ServerHello's single name, node's ALPNProtocols forms. */
import t from 'tap';
import { alpnProtocolList, decodeProtocolNameList, decodeSelectedProtocol, encodeProtocolNameList } from '../../lib/messages/extensions/alpn.js';
import { DecodeError } from '../../lib/util/bytes.js';

const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));

t.test('ProtocolNameList round trip and wire bytes', async (t) => {
  const wire = encodeProtocolNameList(['h2', 'http/1.1']);
  t.equal(Buffer.from(wire).toString('hex'), '000c' + '026832' + '08' + Buffer.from('http/1.1').toString('hex'));
  t.same(decodeProtocolNameList(wire), ['h2', 'http/1.1']);
  t.equal(decodeSelectedProtocol(encodeProtocolNameList(['h2'])), 'h2');
});

t.test('malformed lists are decode_error', async (t) => {
  for (const [what, bytes] of [['empty list', '0000'], ['empty name', '00020100'.slice(0, 6)], ['zero-length name', '000100'], ['trailing', '0003026832ff'], ['truncated', '0004026832']] as const) {
    t.throws(() => decodeProtocolNameList(hex(bytes)), DecodeError, what);
  }
  t.throws(() => decodeSelectedProtocol(encodeProtocolNameList(['h2', 'http/1.1'])), DecodeError, 'a ServerHello with two names');
  t.throws(() => encodeProtocolNameList([]), RangeError);
  t.throws(() => encodeProtocolNameList(['']), RangeError);
});

t.test("node's ALPNProtocols forms", async (t) => {
  t.same(alpnProtocolList(['h2', Buffer.from('http/1.1')]), ['h2', 'http/1.1']);
  t.same(alpnProtocolList(Buffer.from('\x02h2\x08http/1.1', 'latin1')), ['h2', 'http/1.1']);
  t.throws(() => alpnProtocolList(Buffer.from('\x05h2', 'latin1')), TypeError, 'length past the end');
  t.throws(() => alpnProtocolList(['x'.repeat(256)]), TypeError, 'name over 255 bytes');
  t.throws(() => alpnProtocolList('h2' as never), TypeError, 'a bare string');
});
