import t from 'tap';
import { HandshakeReassembler, type RawHandshakeMessage } from '../../lib/record/handshake-reassembler.js';
import { fromHex, toHex } from '../../lib/util/bytes.js';
import { expectAlert } from '../helpers/expect-alert.js';

function message(type: number, bodyLength: number, seed = 0): Uint8Array {
  const m = new Uint8Array(4 + bodyLength);
  m[0] = type;
  m[1] = bodyLength >>> 16;
  m[2] = (bodyLength >>> 8) & 0xff;
  m[3] = bodyLength & 0xff;
  for (let i = 0; i < bodyLength; i++) m[4 + i] = (i + seed) & 0xff;
  return m;
}

function drain(r: HandshakeReassembler): RawHandshakeMessage[] {
  const out: RawHandshakeMessage[] = [];
  for (let m = r.next(); m !== null; m = r.next()) out.push(m);
  return out;
}

t.test('one message in one record', async (t) => {
  const r = new HandshakeReassembler();
  t.equal(r.pending, false);
  r.push(fromHex('0e000000'));
  const m = r.next()!;
  t.equal(m.type, 14);
  t.equal(m.body.length, 0);
  t.equal(toHex(m.raw), '0e000000');
  t.equal(r.pending, false);
  t.equal(r.next(), null);
});

t.test('several messages in one record', async (t) => {
  const r = new HandshakeReassembler();
  const a = message(2, 70, 1);
  const b = message(11, 1000, 2);
  const c = message(14, 0);
  const record = new Uint8Array(a.length + b.length + c.length);
  record.set(a, 0);
  record.set(b, a.length);
  record.set(c, a.length + b.length);
  r.push(record);
  record.fill(0); // the caller's buffer may be reused
  const got = drain(r);
  t.same(got.map((m) => m.type), [2, 11, 14]);
  t.same(got[0]!.raw, message(2, 70, 1));
  t.same(got[1]!.body, message(11, 1000, 2).subarray(4));
  t.same(got[1]!.raw, message(11, 1000, 2), 'raw is header + body as on the wire');
  t.equal(r.pending, false);
});

t.test('one message across many records, header split at every position', async (t) => {
  const msg = message(11, 40000, 5);
  for (const cut of [1, 2, 3, 4, 5]) {
    const r = new HandshakeReassembler();
    r.push(msg.subarray(0, cut));
    t.equal(r.next(), null, `header cut after ${cut}`);
    t.equal(r.pending, true);
    // then the rest in 16 KiB records
    for (let o = cut; o < msg.length; o += 16384) {
      t.equal(r.next(), null);
      r.push(msg.subarray(o, Math.min(o + 16384, msg.length)));
    }
    const m = r.next()!;
    t.equal(m.type, 11);
    t.equal(m.body.length, 40000);
    t.equal(toHex(m.raw), toHex(msg));
    t.equal(r.pending, false);
  }
});

t.test('byte-at-a-time, with a message ending mid-record', async (t) => {
  const stream = new Uint8Array([...message(1, 300, 3), ...message(16, 130, 4), ...message(20, 12, 5)]);
  const r = new HandshakeReassembler();
  const got: RawHandshakeMessage[] = [];
  for (let i = 0; i < stream.length; i++) {
    r.push(stream.subarray(i, i + 1));
    got.push(...drain(r));
    const atBoundary = i + 1 === 304 || i + 1 === 304 + 134 || i + 1 === stream.length;
    if (r.pending === atBoundary) t.fail(`pending wrong after byte ${i}`);
  }
  t.same(got.map((m) => [m.type, m.body.length]), [[1, 300], [16, 130], [20, 12]]);
  t.same(got[2]!.raw, message(20, 12, 5));
});

t.test('pending is true for a partial message after complete ones', async (t) => {
  const r = new HandshakeReassembler();
  r.push(new Uint8Array([...message(2, 10), ...message(11, 10).subarray(0, 6)]));
  t.equal(r.next()!.type, 2);
  t.equal(r.next(), null);
  t.equal(r.pending, true, 'a CCS now would be unexpected');
});

t.test('declared length over the maximum is decode_error as soon as the header is seen', async (t) => {
  const r = new HandshakeReassembler(1000);
  r.push(fromHex('0b0003'));
  t.equal(r.next(), null, 'three header bytes');
  r.push(fromHex('e9'));
  expectAlert(t, () => r.next(), 50, /declares 1001 bytes, more than the 1000/);

  const exact = new HandshakeReassembler(1000);
  exact.push(message(11, 1000));
  t.equal(exact.next()!.body.length, 1000, 'exactly the maximum is fine');

  const dflt = new HandshakeReassembler();
  dflt.push(fromHex('0bffffff'));
  expectAlert(t, () => dflt.next(), 50, undefined, '16 MiB declared with the 256 KiB default');
  const ok = new HandshakeReassembler();
  ok.push(fromHex('0b040000')); // 256 KiB exactly: waits for the body
  t.equal(ok.next(), null);
});
