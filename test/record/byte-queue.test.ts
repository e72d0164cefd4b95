import t from 'tap';
import { ByteQueue, SLAB_PIECE_MAX } from '../../lib/record/byte-queue.js';
import { encodeRecord, RecordReader, type TLSRecord } from '../../lib/record/framing.js';
import { HandshakeReassembler, type RawHandshakeMessage } from '../../lib/record/handshake-reassembler.js';
import { TLS_1_0 } from '../../lib/record/constants.js';

function bytes(n: number, seed = 1): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

t.test('an empty queue holds no buffer; the first push allocates exactly what it brings', async (t) => {
  const q = new ByteQueue();
  t.equal(q.capacity, 0);
  t.equal(q.length, 0);
  q.push(new Uint8Array(0));
  t.equal(q.capacity, 0, 'an empty push allocates nothing');
  q.push(bytes(100));
  t.equal(q.capacity, 100);
  t.equal(q.length, 100);
});

t.test('a drained queue lets its buffer go (take and skip)', async (t) => {
  const q = new ByteQueue();
  q.push(bytes(10));
  q.take(4);
  t.equal(q.capacity, 10, 'still holds unread bytes');
  q.take(6);
  t.equal(q.capacity, 0, 'drained by take');
  q.push(bytes(7));
  q.skip(7);
  t.equal(q.capacity, 0, 'drained by skip');
  t.equal(q.length, 0);
});

for (const slab of [false, true]) {
  t.test(`views stay valid: not overwritten by pushes after growth or after the queue drained (slab: ${slab})`, async (t) => {
    const q = new ByteQueue({ slab });
    const input = bytes(5000, 3);
    q.push(input.subarray(0, 300));
    const a = q.take(100); // unread bytes remain: the buffer is kept
    q.push(input.subarray(300, 5000)); // does not fit: the unread tail moves to a new buffer
    const b = q.take(4000);
    const c = q.take(900); // drained
    t.equal(q.capacity, 0);
    q.push(bytes(1000, 99)); // small enough to fit the old buffer, were it reused from its start
    const d = q.take(1000);
    if (!slab) t.not(d.buffer, c.buffer, 'a drained buffer is not reused');
    t.same(a, input.subarray(0, 100));
    t.same(b, input.subarray(100, 4100));
    t.same(c, input.subarray(4100, 5000));
    t.same(d, bytes(1000, 99));
  });
}

t.test('slab: queues share the slab without overlapping; large buffers are their own', async (t) => {
  const queues = [new ByteQueue({ slab: true }), new ByteQueue({ slab: true }), new ByteQueue({ slab: true })];
  const views: Uint8Array[] = [];
  const wanted: Uint8Array[] = [];
  const leftover: (Uint8Array | null)[] = [null, null, null];
  // ~2.4 MB in odd sizes through three queues: many slabs, pieces of every size up to the limit.
  for (let i = 0; i < 600; i++) {
    const q = queues[i % 3]!;
    const n = 1 + ((i * 977) % SLAB_PIECE_MAX);
    const left = leftover[i % 3];
    q.push(bytes(n, i));
    // A queue still holding a byte moves it to a new piece with the push (exact size: 1 + n).
    t.equal(q.capacity, left ? 1 + n : n, 'an exact piece');
    const all = left ? Uint8Array.of(left[0]!, ...bytes(n, i)) : bytes(n, i);
    // Now and then leave the last byte unread for this queue's next push.
    const keep = i % 5 === 0 ? 1 : 0;
    views.push(q.take(all.length - keep));
    wanted.push(all.subarray(0, all.length - keep));
    leftover[i % 3] = keep ? all.subarray(all.length - 1) : null;
    t.equal(q.capacity === 0, keep === 0, 'nothing held once drained');
  }
  t.same(views, wanted, 'every view still holds what was pushed');
  const buffers = new Set(views.map((v) => v.buffer));
  t.ok(buffers.size < views.length / 5, `${views.length} small views share ${buffers.size} slabs`);
  const big = new ByteQueue({ slab: true });
  big.push(bytes(SLAB_PIECE_MAX + 1));
  const v = big.take(SLAB_PIECE_MAX + 1);
  t.equal(v.buffer.byteLength, SLAB_PIECE_MAX + 1, 'a large push gets a buffer of its own');
});

t.test('pushes are copied: the caller may reuse its array', async (t) => {
  const q = new ByteQueue();
  const chunk = bytes(16);
  q.push(chunk);
  chunk.fill(0);
  t.same(q.take(16), bytes(16));
});

t.test('byte-at-a-time input grows geometrically and never holds more than twice what is unread', async (t) => {
  const q = new ByteQueue();
  const one = new Uint8Array(1);
  let moves = 0;
  let last = 0;
  for (let i = 0; i < 100_000; i++) {
    one[0] = i & 0xff;
    q.push(one);
    if (q.capacity !== last) {
      moves++;
      last = q.capacity;
    }
    if (q.capacity > 2 * q.length) t.fail(`capacity ${q.capacity} for ${q.length} unread bytes`);
  }
  t.ok(moves <= 18, `${moves} reallocations for 100,000 bytes`);
  const all = q.take(100_000);
  t.equal(all[99_999], 99_999 & 0xff);
  t.equal(all[256], 0);
});

t.test('reserve() sizes the next allocation for the expected total, once', async (t) => {
  const q = new ByteQueue();
  q.push(bytes(5));
  q.reserve(16389);
  q.push(bytes(1460));
  t.equal(q.capacity, 16389, 'room for the whole record at once');
  for (let got = 1465; got + 1460 <= 16389; got += 1460) q.push(bytes(1460));
  t.equal(q.capacity, 16389, 'the rest fits without moving');
  q.take(q.length);
  t.equal(q.capacity, 0);
  q.push(bytes(10));
  t.equal(q.capacity, 10, 'a reservation does not outlive the buffer it was made for');
});

t.test('RecordReader: every fragment stays valid across a long stream cut at odd sizes, and an idle reader holds nothing', async (t) => {
  const lengths = [0, 1, 300, 16384, 5, 1024, 16384, 77, 9000, 16384, 2];
  const records = lengths.map((n, i) => encodeRecord(23, TLS_1_0, bytes(n, i)));
  const total = records.reduce((s, r) => s + r.length, 0);
  const stream = new Uint8Array(total);
  let off = 0;
  for (const r of records) {
    stream.set(r, off);
    off += r.length;
  }
  for (const chunk of [1, 7, 1460, 4096, 16389, 65536]) {
    const reader = new RecordReader();
    const got: TLSRecord[] = [];
    const scratch = new Uint8Array(chunk);
    for (let o = 0; o < stream.length; o += chunk) {
      const piece = stream.subarray(o, o + chunk);
      scratch.set(piece);
      reader.push(scratch.subarray(0, piece.length));
      scratch.fill(0xee); // the caller reuses its buffer
      for (let r = reader.next(); r !== null; r = reader.next()) got.push(r as TLSRecord);
    }
    t.equal(reader.buffered, 0);
    t.equal((reader as unknown as { queue: ByteQueue }).queue.capacity, 0, `chunk ${chunk}: no buffer kept when idle`);
    t.same(
      got.map((r) => r.fragment),
      lengths.map((n, i) => bytes(n, i)),
      `chunk ${chunk}: all ${lengths.length} fragments intact at the end`,
    );
  }
});

t.test('HandshakeReassembler: messages stay valid after later input, and nothing is held between messages', async (t) => {
  const msg = (type: number, n: number): Uint8Array => {
    const m = new Uint8Array(4 + n);
    m.set([type, n >>> 16, (n >>> 8) & 0xff, n & 0xff]);
    m.set(bytes(n, type), 4);
    return m;
  };
  const messages = [msg(1, 200), msg(2, 70), msg(11, 6000), msg(14, 0), msg(16, 130)];
  const r = new HandshakeReassembler();
  const got: RawHandshakeMessage[] = [];
  for (const m of messages) {
    for (let o = 0; o < m.length; o += 50) {
      r.push(m.subarray(o, o + 50));
      for (let x = r.next(); x !== null; x = r.next()) got.push(x);
    }
    t.equal((r as unknown as { queue: ByteQueue }).queue.capacity, 0, `no buffer held after message type ${m[0]}`);
  }
  t.same(
    got.map((m) => m.raw),
    messages,
  );
  t.same(
    got.map((m) => m.body),
    messages.map((m) => m.subarray(4)),
  );
});

t.test('pushOwned: an empty queue keeps the array itself; a later push never writes into it', async (t) => {
  const q = new ByteQueue({ slab: true });
  const owned = bytes(300, 5);
  const copy = owned.slice();
  q.pushOwned(owned);
  t.equal(q.length, 300);
  const first = q.take(100);
  t.equal(first.buffer, owned.buffer, 'the view is into the handed-over array: no copy');
  t.same(first, copy.subarray(0, 100));
  q.push(bytes(50, 9));
  t.same(owned, copy, 'the push moved the unread tail out instead of writing after the adopted bytes');
  t.same(q.take(250), concat(copy.subarray(100), bytes(50, 9)));
  t.equal(q.capacity, 0, 'drained: nothing held');
  t.same(first, copy.subarray(0, 100), 'views handed out stay valid');
  // A queue with unread bytes copies (the array must follow them contiguously).
  q.push(bytes(10, 1));
  const second = bytes(20, 2);
  q.pushOwned(second);
  const all = q.take(30);
  t.not(all.buffer, second.buffer);
  t.same(all, concat(bytes(10, 1), bytes(20, 2)));
});

t.test('RecordReader.pushOwned: records cut across handed-over chunks come out whole and unchanged', async (t) => {
  const records = [bytes(5000, 1), bytes(17, 2), bytes(16384, 3), bytes(1, 4)].map((f) => encodeRecord(23, TLS_1_0, f));
  const wire = concat(...records);
  const reader = new RecordReader();
  const out: Uint8Array[] = [];
  for (let off = 0; off < wire.length; off += 4099) {
    reader.pushOwned(wire.slice(off, off + 4099));
    for (let r: TLSRecord | null; (r = reader.next() as TLSRecord | null); ) out.push(r.fragment.slice());
  }
  t.same(out, [bytes(5000, 1), bytes(17, 2), bytes(16384, 3), bytes(1, 4)]);
  t.equal(reader.buffered, 0);
});

t.test('RecordReader.pushOwned: only the bytes completing a begun record are copied; records inside a chunk are views into it', async (t) => {
  const fragments = [bytes(100, 1), bytes(200, 2), bytes(300, 3), bytes(400, 4)];
  const wire = concat(...fragments.map((f) => encodeRecord(23, TLS_1_0, f)));
  const reader = new RecordReader();
  const cut = 5 + 100 + 3; // the second record's header is cut after 3 bytes
  const a = wire.slice(0, cut);
  const b = wire.slice(cut);
  const bCopy = b.slice();
  reader.pushOwned(a);
  const r1 = reader.next() as TLSRecord;
  t.equal(r1.fragment.buffer, a.buffer, 'a record inside the first chunk is a view into it');
  t.equal(reader.next(), null, 'the second record is not complete yet');
  reader.pushOwned(b);
  t.equal(reader.buffered, wire.length - 105);
  const r2 = reader.next() as TLSRecord;
  t.not(r2.fragment.buffer, b.buffer, 'the straddling record is copied');
  const r3 = reader.next() as TLSRecord;
  const r4 = reader.next() as TLSRecord;
  t.equal(r3.fragment.buffer, b.buffer, 'the records after it are views into the handed-over chunk');
  t.equal(r4.fragment.buffer, b.buffer);
  t.same([r1, r2, r3, r4].map((r) => r.fragment), fragments);
  t.same(b, bCopy, 'the handed-over chunk is never written');
  t.equal(reader.next(), null);
  t.equal(reader.buffered, 0);
});

t.test('RecordReader: push and pushOwned mixed, in chunks of 1..700 bytes, give the same records as one push', async (t) => {
  const fragments = Array.from({ length: 60 }, (_, i) => bytes((i * 397) % 1500 + 1, i));
  const wire = concat(...fragments.map((f) => encodeRecord(23, TLS_1_0, f)));
  let seed = 7;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
  const reader = new RecordReader();
  const out: Uint8Array[] = [];
  for (let off = 0; off < wire.length; ) {
    const n = 1 + rand(700);
    const piece = wire.slice(off, off + n);
    off += n;
    if (rand(3) === 0) reader.push(piece);
    else reader.pushOwned(piece);
    // Sometimes the reader is not drained between pushes (an async hook holding the engine).
    if (rand(4) === 0) continue;
    for (let r: TLSRecord | null; (r = reader.next() as TLSRecord | null); ) out.push(r.fragment);
  }
  for (let r: TLSRecord | null; (r = reader.next() as TLSRecord | null); ) out.push(r.fragment);
  t.same(out, fragments);
  t.equal(reader.buffered, 0);
});

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
