import t from 'tap';
import { toHex } from '../../lib/util/bytes.js';
import {
  decodeMaxFragmentLength,
  encodeMaxFragmentLength,
  maxFragmentLengthBytes,
  maxFragmentLengthCode,
  type MaxFragmentLengthCode,
} from '../../lib/messages/extensions/max-fragment-length.js';
import { encodeExtensionBlock } from '../../lib/messages/extensions/block.js';
import { ExtensionType } from '../../lib/messages/extensions/types.js';
import { expectAlert, expectDecodeError, hex } from './helpers.js';

t.test('max_fragment_length 2^10 as an extension is 00 01 00 01 02', async (t) => {
  const ext = encodeExtensionBlock([{ type: ExtensionType.max_fragment_length, data: encodeMaxFragmentLength(2) }]);
  t.equal(toHex(ext.subarray(2)), '0001000102');
});

t.test('codes 1..4 map to 2^9..2^12 and round-trip', async (t) => {
  const table: [MaxFragmentLengthCode, number][] = [[1, 512], [2, 1024], [3, 2048], [4, 4096]];
  for (const [code, size] of table) {
    t.equal(maxFragmentLengthBytes(code), size, `code ${code} = ${size} bytes`);
    t.equal(maxFragmentLengthCode(size), code, `${size} bytes = code ${code}`);
    t.equal(toHex(encodeMaxFragmentLength(code)), `0${code}`);
    t.equal(decodeMaxFragmentLength(encodeMaxFragmentLength(code)), code);
  }
  t.equal(maxFragmentLengthCode(16384), undefined, '2^14 is the default, not a code');
  t.equal(maxFragmentLengthCode(256), undefined);
  t.equal(maxFragmentLengthCode(1000), undefined);
});

t.test('a value outside 1..4 is illegal_parameter (RFC 3546 3.2)', async (t) => {
  for (const v of [0, 5, 9, 255]) {
    expectAlert(t, () => decodeMaxFragmentLength(Uint8Array.of(v)), 47, `value ${v}`, /RFC 3546 3\.2/);
  }
});

t.test('extension_data must be exactly one byte', async (t) => {
  expectDecodeError(t, () => decodeMaxFragmentLength(new Uint8Array(0)), 'empty (truncated)');
  expectDecodeError(t, () => decodeMaxFragmentLength(hex('0200')), 'one trailing byte');
  expectDecodeError(t, () => decodeMaxFragmentLength(hex('0002')), 'two bytes');
});

t.test('encodeMaxFragmentLength refuses a bad code', async (t) => {
  t.throws(() => encodeMaxFragmentLength(5 as MaxFragmentLengthCode), RangeError);
});
