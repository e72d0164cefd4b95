import t from 'tap';
import { decodeAlerts, encodeAlert, encodeChangeCipherSpec, isValidChangeCipherSpec } from '../../lib/record/alert-codec.js';
import { fromHex, toHex } from '../../lib/util/bytes.js';
import { expectAlert } from '../helpers/expect-alert.js';

t.test('encodeAlert', async (t) => {
  t.equal(toHex(encodeAlert(1, 0)), '0100');
  t.equal(toHex(encodeAlert(2, 40)), '0228');
  t.equal(toHex(encodeAlert(2, 114)), '0272');
});

t.test('decodeAlerts: one, several; none is decode_error', async (t) => {
  t.same(decodeAlerts(fromHex('0100')), [{ level: 1, description: 0 }]);
  t.same(decodeAlerts(fromHex('022801000270')), [
    { level: 2, description: 40 },
    { level: 1, description: 0 },
    { level: 2, description: 112 },
  ]);
  // Issue 21 item 10: an empty alert record is not an alert (decode_error, as OpenSSL 3).
  expectAlert(t, () => decodeAlerts(new Uint8Array(0)), 50, /zero-length alert record/);
  t.same(decodeAlerts(fromHex('02fe')), [{ level: 2, description: 254 }], 'unknown descriptions are passed up');
});

t.test('decodeAlerts: odd length is decode_error', async (t) => {
  expectAlert(t, () => decodeAlerts(fromHex('02')), 50, /not a whole number of alerts/);
  expectAlert(t, () => decodeAlerts(fromHex('010002')), 50);
});

t.test('decodeAlerts: a level other than 1 or 2 is illegal_parameter', async (t) => {
  for (const level of [0, 3, 255]) {
    expectAlert(t, () => decodeAlerts(Uint8Array.of(level, 0)), 47, new RegExp(`alert level ${level}`), `level ${level}`);
  }
  expectAlert(t, () => decodeAlerts(fromHex('01000300')), 47, undefined, 'bad level in the second alert');
});

t.test('ChangeCipherSpec', async (t) => {
  t.equal(toHex(encodeChangeCipherSpec()), '01');
  t.equal(isValidChangeCipherSpec(fromHex('01')), true);
  t.equal(isValidChangeCipherSpec(fromHex('')), false);
  t.equal(isValidChangeCipherSpec(fromHex('00')), false);
  t.equal(isValidChangeCipherSpec(fromHex('02')), false);
  t.equal(isValidChangeCipherSpec(fromHex('0101')), false);
});
