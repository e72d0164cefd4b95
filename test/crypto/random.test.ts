import t from 'tap';
import { createHmac } from 'node:crypto';
import { seededRandom, systemRandom } from '../../lib/crypto/random.js';
import { concatBytes, toHex, utf8 } from '../../lib/util/bytes.js';

t.test('seeded random is deterministic per seed', (t) => {
  const a = seededRandom('seed one');
  const b = seededRandom('seed one');
  const c = seededRandom('seed two');
  const x = a(100);
  t.same(b(100), x, 'same seed, same bytes');
  t.not(toHex(c(100)), toHex(x), 'another seed, other bytes');
  t.not(toHex(a(100)), toHex(x), 'the stream moves on');
  t.same(seededRandom(utf8('seed one'))(100), x, 'a string seed is its UTF-8 bytes');
  t.end();
});

t.test('seeded random: any split of calls gives the same stream', (t) => {
  const whole = seededRandom('split')(1000);
  const r = seededRandom('split');
  const parts = [0, 1, 19, 20, 21, 39, 400, 500].map((n) => r(n));
  t.equal(parts.reduce((s, p) => s + p.length, 0), 1000);
  t.same(concatBytes(...parts), whole);
  t.end();
});

t.test('seeded random: block n = HMAC-SHA1(seed, label || uint64be(n)) (pins the construction)', (t) => {
  const out = seededRandom('pin')(40);
  const block = (n: number): string => {
    const counter = Buffer.alloc(8);
    counter.writeBigUInt64BE(BigInt(n));
    return createHmac('sha1', 'pin').update('ut-tls seeded random').update(counter).digest('hex');
  };
  t.equal(toHex(out), block(0) + block(1));
  t.end();
});

t.test('system random: lengths, chunking past 65536 bytes, and variation', (t) => {
  for (const n of [0, 1, 32, 65536, 65537, 200_000]) t.equal(systemRandom(n).length, n, `length ${n}`);
  const big = systemRandom(200_000);
  // every 64 KiB chunk was filled (a missed chunk would stay all-zero)
  for (let off = 0; off < big.length; off += 65536) {
    t.ok(big.subarray(off, off + 65536).some((b) => b !== 0), `chunk at ${off} filled`);
  }
  t.not(toHex(systemRandom(32)), toHex(systemRandom(32)));
  t.end();
});

t.test('bad lengths are rejected', (t) => {
  t.throws(() => systemRandom(-1), RangeError);
  t.throws(() => systemRandom(1.5), RangeError);
  t.throws(() => seededRandom('x')(-1), RangeError);
  t.end();
});
