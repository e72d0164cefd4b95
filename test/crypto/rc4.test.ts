import t from 'tap';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { RC4, rc4 } from '../../lib/crypto/rc4.js';
import { concatBytes, fromHex, toHex } from '../../lib/util/bytes.js';
import { vectorPath } from '../helpers/paths.js';

interface Rc4Vectors {
  source: string;
  cases: { key: string; keystream: { offset: number; hex: string }[] }[];
}
const vectors = JSON.parse(readFileSync(vectorPath('rc4-rfc6229.json'), 'utf8')) as Rc4Vectors;

// Node's OpenSSL 3 default provider has no RC4, so RC4 is checked against RFC 6229 only.

t.test('RFC 6229: every key and offset (encryption of zero bytes is the keystream)', (t) => {
  t.match(vectors.source, /RFC 6229/);
  t.equal(vectors.cases.length, 14);
  for (const c of vectors.cases) {
    const stream = rc4(fromHex(c.key)).update(new Uint8Array(4112));
    for (const k of c.keystream) {
      t.equal(toHex(stream.subarray(k.offset, k.offset + 16)), k.hex, `key ${c.key} offset ${k.offset}`);
    }
  }
  t.end();
});

t.test('the keystream runs on across update() calls of any size', (t) => {
  const c = vectors.cases[4]!; // 128-bit key
  const cipher = rc4(fromHex(c.key));
  const sizes = [1, 0, 15, 16, 17, 255, 256, 257, 1, 3000];
  const parts: Uint8Array[] = [];
  let total = 0;
  for (const n of sizes) {
    parts.push(cipher.update(new Uint8Array(n)));
    total += n;
  }
  parts.push(cipher.update(new Uint8Array(4112 - total)));
  const stream = concatBytes(...parts);
  t.equal(stream.length, 4112);
  for (const k of c.keystream) t.equal(toHex(stream.subarray(k.offset, k.offset + 16)), k.hex, `offset ${k.offset}`);
  t.end();
});

t.test('classic vectors (OpenSSL evpciph_rc4.txt)', (t) => {
  t.equal(toHex(rc4(fromHex('0123456789abcdef0123456789abcdef')).update(fromHex('0123456789abcdef'))), '75b7878099e0c596');
  t.equal(
    toHex(rc4(fromHex('ef012345ef012345ef012345ef012345')).update(new Uint8Array(20))),
    'd6a141a7ec3c38dfbd615a1162e1c7ba36b67858',
  );
  t.end();
});

t.test('decryption is the same operation with a fresh instance', (t) => {
  const key = new Uint8Array(randomBytes(16));
  const plain = new Uint8Array(randomBytes(5000));
  const sealed = rc4(key).update(plain);
  t.not(toHex(sealed.subarray(0, 32)), toHex(plain.subarray(0, 32)));
  t.same(rc4(key).update(sealed), plain);
  t.end();
});

t.test('update returns a new array and leaves the input alone', (t) => {
  const input = new Uint8Array(64).fill(7);
  const out = rc4(fromHex('0102030405')).update(input);
  t.not(out, input);
  t.ok(input.every((b) => b === 7));
  t.end();
});

t.test('key length must be 1..256 bytes', (t) => {
  t.throws(() => rc4(new Uint8Array(0)), RangeError);
  t.throws(() => rc4(new Uint8Array(257)), RangeError);
  t.throws(() => new RC4('key' as unknown as Uint8Array), TypeError);
  // 256-byte key: only the first 256 bytes are ever used, so a 256-byte key is the maximum.
  const long = new Uint8Array(256).map((_, i) => i);
  t.equal(rc4(long).update(new Uint8Array(8)).length, 8);
  t.end();
});
