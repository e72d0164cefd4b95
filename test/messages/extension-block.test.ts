import t from 'tap';
import { ByteReader, toHex } from '../../lib/util/bytes.js';
import { decodeExtensionBlock, encodeExtensionBlock, findExtension } from '../../lib/messages/extensions/block.js';
import type { Extension } from '../../lib/messages/extensions/types.js';
import { expectDecodeError, expectTrailingRejected, expectTruncationsRejected, hex, outcome } from './helpers.js';

/** A block as it would stand alone: the block, then nothing. */
function decodeAlone(b: Uint8Array): Extension[] {
  const r = new ByteReader(b, 'test');
  const exts = decodeExtensionBlock(r);
  r.end();
  return exts;
}

const sample: Extension[] = [
  { type: 0xff01, data: hex('00') },
  { type: 4, data: new Uint8Array(0) },
  { type: 0x1234, data: hex('deadbeef') },
];
const sampleHex = '0011' + 'ff01000100' + '00040000' + '12340004deadbeef';

t.test('encodeExtensionBlock writes the 2-byte length and each type/length/data', async (t) => {
  t.equal(toHex(encodeExtensionBlock(sample)), sampleHex);
  t.equal(toHex(encodeExtensionBlock([])), '0000', 'an empty block is just its length');
});

t.test('decodeExtensionBlock round-trips and keeps order and unknown types', async (t) => {
  const got = decodeAlone(hex(sampleHex));
  t.same(got.map((e) => [e.type, toHex(e.data)]), [[0xff01, '00'], [4, ''], [0x1234, 'deadbeef']]);
  t.same(decodeAlone(encodeExtensionBlock(got)), got);
  t.same(decodeAlone(hex('0000')), [], 'empty block');
});

t.test('decodeExtensionBlock reads only its own block from a longer reader', async (t) => {
  const r = new ByteReader(hex(sampleHex + 'aabb'), 'outer');
  t.equal(decodeExtensionBlock(r).length, 3);
  t.equal(r.remaining, 2, 'leaves what follows the block to the caller');
});

t.test('decoded extension data are copies, not views of the input', async (t) => {
  const input = hex(sampleHex);
  const got = decodeAlone(input);
  input.fill(0);
  t.equal(toHex(got[2]!.data), 'deadbeef');
});

t.test('hostile extension blocks', async (t) => {
  expectDecodeError(t, () => decodeAlone(hex('0009' + 'ff01000100' + 'ff010000')), 'duplicated type', /duplicate extension 65281/);
  expectDecodeError(t, () => decodeAlone(hex('0006' + 'ff01000100')), 'block length larger than the data');
  expectDecodeError(t, () => decodeAlone(hex('0004' + 'ff01000100')), 'block length one short: the last extension overruns its block');
  expectDecodeError(t, () => decodeAlone(hex('0003' + '000000')), 'block holding a partial extension header');
  expectDecodeError(t, () => decodeAlone(hex('0005' + 'ff010002' + '00')), 'extension_data length beyond the block');
  expectDecodeError(t, () => decodeAlone(hex('00')), 'one byte where the 2-byte length should be');
  expectTruncationsRejected(t, decodeAlone, hex(sampleHex), 'extension block');
  expectTrailingRejected(t, decodeAlone, hex(sampleHex), 'extension block');
});

t.test('encodeExtensionBlock refuses what the wire forbids (programming errors)', async (t) => {
  t.throws(() => encodeExtensionBlock([{ type: 1, data: hex('01') }, { type: 1, data: hex('02') }]), RangeError, 'duplicate');
  t.throws(() => encodeExtensionBlock([{ type: 0x10000, data: new Uint8Array(0) }]), RangeError, 'type over 16 bits');
  t.throws(() => encodeExtensionBlock([{ type: 1, data: new Uint8Array(0x10000) }]), RangeError, 'data over 2^16-1');
  t.equal(outcome(() => encodeExtensionBlock([{ type: 1, data: new Uint8Array(0xfff0) }])), 'ok', 'large data that fits');
});

t.test('findExtension', async (t) => {
  t.equal(findExtension(sample, 4), sample[1]);
  t.equal(findExtension(sample, 5), undefined);
  t.equal(findExtension(null, 4), undefined, 'no block at all');
});
