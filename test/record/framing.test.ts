import t from 'tap';
import { RecordReader, encodeRecord, type TLSRecord, type SSLv2HelloRecord } from '../../lib/record/framing.js';
import { ContentType, MAX_CIPHERTEXT, TLS_1_0 } from '../../lib/record/constants.js';
import { fromHex, toHex } from '../../lib/util/bytes.js';
import { expectAlert } from '../helpers/expect-alert.js';

function bytes(n: number, seed = 1): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

function asRecord(r: TLSRecord | SSLv2HelloRecord | null): TLSRecord {
  if (r === null || r.type === 'sslv2-client-hello') throw new Error(`expected a TLS record, got ${JSON.stringify(r)}`);
  return r;
}

t.test('encodeRecord writes type, version, length and fragment', async (t) => {
  t.equal(toHex(encodeRecord(22, TLS_1_0, fromHex('0102030405'))), '160301000501020304' + '05');
  t.equal(toHex(encodeRecord(23, 0x0300, new Uint8Array(0))), '1703000000');
  const big = encodeRecord(23, TLS_1_0, new Uint8Array(0x1234));
  t.equal(toHex(big.subarray(0, 5)), '1703011234');
  t.equal(big.length, 5 + 0x1234);
  t.throws(() => encodeRecord(23, TLS_1_0, new Uint8Array(0x10000)), RangeError);
});

t.test('a complete record in one chunk', async (t) => {
  const r = new RecordReader();
  t.equal(r.next(), null, 'nothing buffered');
  r.push(encodeRecord(ContentType.handshake, TLS_1_0, fromHex('0e000000')));
  t.equal(r.buffered, 9);
  const rec = asRecord(r.next());
  t.equal(rec.type, 22);
  t.equal(rec.version, 0x0301);
  t.equal(toHex(rec.fragment), '0e000000');
  t.equal(r.buffered, 0);
  t.equal(r.next(), null);
});

t.test('partial header and partial body wait for more bytes', async (t) => {
  const wire = encodeRecord(ContentType.application_data, TLS_1_0, bytes(300));
  for (const cut of [1, 2, 3, 4, 5, 6, 304]) {
    const r = new RecordReader();
    r.push(wire.subarray(0, cut));
    t.equal(r.next(), null, `${cut} bytes are not a record`);
    t.equal(r.buffered, cut);
    r.push(wire.subarray(cut));
    const rec = asRecord(r.next());
    t.same(rec.fragment, bytes(300), `reassembled after a cut at ${cut}`);
    t.equal(r.buffered, 0);
  }
});

t.test('byte-at-a-time input of several records, including a 16 KiB one', async (t) => {
  const fragments = [bytes(1), bytes(0), bytes(16384, 7), bytes(100, 3)];
  const types = [22, 23, 23, 21];
  const wire = new Uint8Array(fragments.reduce((n, f) => n + 5 + f.length, 0));
  let off = 0;
  fragments.forEach((f, i) => {
    const rec = encodeRecord(types[i]!, TLS_1_0, f);
    wire.set(rec, off);
    off += rec.length;
  });
  const r = new RecordReader();
  const got: TLSRecord[] = [];
  const one = new Uint8Array(1);
  for (let i = 0; i < wire.length; i++) {
    one[0] = wire[i]!;
    r.push(one); // the same array every time: the reader must copy
    for (let rec = r.next(); rec !== null; rec = r.next()) got.push(asRecord(rec));
  }
  t.equal(got.length, 4);
  got.forEach((rec, i) => {
    t.equal(rec.type, types[i]);
    t.equal(rec.version, TLS_1_0);
    t.equal(toHex(rec.fragment), toHex(fragments[i]!), `record ${i} fragment`);
  });
  t.equal(r.buffered, 0);
});

t.test('several records in one chunk, and returned fragments stay valid after more input', async (t) => {
  const a = encodeRecord(22, TLS_1_0, bytes(10, 1));
  const b = encodeRecord(20, TLS_1_0, fromHex('01'));
  const c = encodeRecord(23, TLS_1_0, bytes(20, 2));
  const chunk = new Uint8Array(a.length + b.length + c.length + 3);
  chunk.set(a, 0);
  chunk.set(b, a.length);
  chunk.set(c, a.length + b.length);
  chunk.set(fromHex('170301'), a.length + b.length + c.length); // start of a 4th record
  const r = new RecordReader();
  r.push(chunk);
  chunk.fill(0xee); // the caller reuses its buffer
  const r1 = asRecord(r.next());
  const r2 = asRecord(r.next());
  const r3 = asRecord(r.next());
  t.equal(r.next(), null, 'the 4th record is incomplete');
  t.equal(r.buffered, 3);
  // Push a lot more so the reader reallocates; earlier views must not change.
  for (let i = 0; i < 10; i++) {
    r.push(i === 0 ? fromHex('4000') : new Uint8Array(0));
  }
  r.push(bytes(0x4000, 9));
  const r4 = asRecord(r.next());
  t.same(r1.fragment, bytes(10, 1));
  t.same([r2.type, toHex(r2.fragment)], [20, '01']);
  t.same(r3.fragment, bytes(20, 2));
  t.equal(toHex(r4.fragment), toHex(bytes(0x4000, 9)));
  t.equal(r4.fragment.length, 16384);
});

t.test('16 KiB chunks that do not line up with records', async (t) => {
  const recs: Uint8Array[] = [];
  let total = 0;
  for (let i = 0; i < 40; i++) {
    const rec = encodeRecord(23, TLS_1_0, bytes(1000 + i * 397, i));
    recs.push(rec);
    total += rec.length;
  }
  const stream = new Uint8Array(total);
  let off = 0;
  for (const rec of recs) {
    stream.set(rec, off);
    off += rec.length;
  }
  const r = new RecordReader();
  const got: TLSRecord[] = [];
  for (let o = 0; o < stream.length; o += 16384) {
    r.push(stream.subarray(o, o + 16384));
    for (let rec = r.next(); rec !== null; rec = r.next()) got.push(asRecord(rec));
  }
  t.equal(got.length, 40);
  t.ok(got.every((rec, i) => rec.fragment.length === 1000 + i * 397 && rec.fragment[5] === ((5 * 31 + i) & 0xff)));
});

t.test('zero-length records are returned as records', async (t) => {
  const r = new RecordReader();
  r.push(fromHex('1703010000' + '1603010000'));
  const a = asRecord(r.next());
  const b = asRecord(r.next());
  t.same([a.type, a.fragment.length, b.type, b.fragment.length], [23, 0, 22, 0]);
});

t.test('length limits: exactly 2^14+2048 is accepted, one more is record_overflow from the header alone', async (t) => {
  const r = new RecordReader();
  r.push(encodeRecord(23, TLS_1_0, new Uint8Array(MAX_CIPHERTEXT)));
  t.equal(asRecord(r.next()).fragment.length, 18432);

  const over = new RecordReader();
  over.push(fromHex('1703014801')); // 18433, header only
  expectAlert(t, () => over.next(), 22, /record length 18433 exceeds 18432/);

  const huge = new RecordReader();
  huge.push(fromHex('170301ffff'));
  expectAlert(t, () => huge.next(), 22);

  // Four header bytes are not enough to judge the length.
  const four = new RecordReader();
  four.push(fromHex('17030148'));
  t.equal(four.next(), null);
});

t.test('maxCiphertextLength is settable (max_fragment_length: 2^9 + 2048)', async (t) => {
  const r = new RecordReader();
  r.maxCiphertextLength = 512 + 2048;
  r.push(encodeRecord(23, TLS_1_0, new Uint8Array(2560)));
  t.equal(asRecord(r.next()).fragment.length, 2560);
  r.push(fromHex('1703010a01'));
  expectAlert(t, () => r.next(), 22);

  const fromOption = new RecordReader({ maxCiphertextLength: 100 });
  t.equal(fromOption.maxCiphertextLength, 100);
  fromOption.push(fromHex('1603010065'));
  expectAlert(t, () => fromOption.next(), 22);
});

t.test('unknown content type is unexpected_message at its first byte', async (t) => {
  for (const type of [0, 19, 24, 0x47 /* 'G' of "GET " */, 0x80, 0xff]) {
    const r = new RecordReader();
    r.push(Uint8Array.of(type));
    expectAlert(t, () => r.next(), 10, new RegExp(`unknown content type ${type} \\(later RFCs' rule\\)`), `type ${type}`);
  }
  // After good records, too.
  const r = new RecordReader();
  r.push(encodeRecord(23, TLS_1_0, bytes(3)));
  r.push(Uint8Array.of(25));
  t.equal(asRecord(r.next()).fragment.length, 3);
  expectAlert(t, () => r.next(), 10);
});

t.test('a record version whose major byte is not 3 is protocol_version at its second byte', async (t) => {
  for (const major of [0, 2, 4, 0xfe]) {
    const r = new RecordReader();
    r.push(Uint8Array.of(22, major));
    expectAlert(t, () => r.next(), 70, /major/, `major ${major}`);
  }
  // Any minor version is framed (a ClientHello may carry {3,0} or {3,2} on the record layer).
  for (const minor of [0, 1, 2, 3, 0xff]) {
    const r = new RecordReader();
    r.push(Uint8Array.of(22, 3, minor, 0, 1, 1));
    t.equal(asRecord(r.next()).version, 0x0300 | minor);
  }
});

// A V2ClientHello as sent by old clients: 2-byte header 0x80 0x2e, msg_type 1, version 3.1,
// cipher_spec_length 21, session_id_length 0, challenge_length 16.
const V2_HELLO =
  '802e' +
  '01' + '0301' + '0015' + '0000' + '0010' +
  '000005' + '00000a' + '010080' + '070c0' + '0' + '030080' + '000004' + '0000ff' +
  '000102030405060708090a0b0c0d0e0f';

t.test('SSLv2-compatible ClientHello is recognised as the first record when enabled', async (t) => {
  const wire = fromHex(V2_HELLO);
  t.equal(wire.length, 2 + 0x2e, 'test vector length matches its header');
  const r = new RecordReader({ acceptSSLv2Hello: true });
  r.push(wire.subarray(0, 2));
  t.equal(r.next(), null);
  r.push(wire.subarray(2, 3));
  t.equal(r.next(), null, 'msg_type seen, body incomplete');
  r.push(wire.subarray(3));
  const rec = r.next() as SSLv2HelloRecord;
  t.equal(rec.type, 'sslv2-client-hello');
  t.equal(toHex(rec.body), V2_HELLO.slice(4));
  t.equal(r.buffered, 0);
});

t.test('SSLv2 hello detection is off after the first record and off by default', async (t) => {
  const r = new RecordReader({ acceptSSLv2Hello: true });
  r.push(encodeRecord(22, TLS_1_0, bytes(4)));
  asRecord(r.next());
  r.push(fromHex(V2_HELLO));
  expectAlert(t, () => r.next(), 10, /unknown content type 128/);

  const afterV2 = new RecordReader({ acceptSSLv2Hello: true });
  afterV2.push(fromHex(V2_HELLO + V2_HELLO));
  t.equal((afterV2.next() as SSLv2HelloRecord).type, 'sslv2-client-hello');
  expectAlert(t, () => afterV2.next(), 10, undefined, 'a second V2 hello');

  const off = new RecordReader();
  off.push(fromHex(V2_HELLO));
  expectAlert(t, () => off.next(), 10, /unknown content type 128/);

  // A normal TLS ClientHello record with the flag on is framed as usual.
  const normal = new RecordReader({ acceptSSLv2Hello: true });
  normal.push(encodeRecord(22, TLS_1_0, bytes(40)));
  t.equal(asRecord(normal.next()).type, 22);
});

t.test('SSLv2 record that is not a ClientHello, or too short to be one', async (t) => {
  const notHello = new RecordReader({ acceptSSLv2Hello: true });
  notHello.push(fromHex('802e02'));
  expectAlert(t, () => notHello.next(), 10, /msg_type 2/);

  const short = new RecordReader({ acceptSSLv2Hello: true });
  short.push(fromHex('8008'));
  expectAlert(t, () => short.next(), 50, /shorter than its fixed fields/);
});
