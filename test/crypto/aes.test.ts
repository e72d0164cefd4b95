import t from 'tap';
import { readFileSync } from 'node:fs';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { aesCbc, aesCbcPortable, aesImplementation } from '../../lib/crypto/aes.js';
import { concatBytes, fromHex, toHex } from '../../lib/util/bytes.js';
import { vectorPath } from '../helpers/paths.js';

interface AesCase {
  name: string;
  direction: 'encrypt' | 'decrypt';
  key: string;
  iv: string;
  plaintext: string;
  ciphertext: string;
}
const vectors = JSON.parse(readFileSync(vectorPath('aes-cbc-sp800-38a.json'), 'utf8')) as { source: string; cases: AesCase[] };
const rand = (n: number): Uint8Array => new Uint8Array(randomBytes(n));

function nodeAes(encrypt: boolean, key: Uint8Array, iv: Uint8Array, data: Uint8Array): string {
  const alg = `aes-${key.length * 8}-cbc`;
  const c = encrypt ? createCipheriv(alg, key, iv) : createDecipheriv(alg, key, iv);
  c.setAutoPadding(false);
  return toHex(concatBytes(c.update(data), c.final()));
}

const impls = [
  ['aesCbc', aesCbc],
  ['aesCbcPortable', aesCbcPortable],
] as const;

t.test('the expanded-key fast path is the one in use on this (little-endian) platform', (t) => {
  t.equal(aesImplementation, 'expanded-key');
  t.end();
});

for (const [implName, make] of impls) {
  t.test(`${implName}: SP 800-38A F.2.1-F.2.6`, (t) => {
    t.match(vectors.source, /SP 800-38A/);
    t.equal(vectors.cases.length, 6);
    for (const c of vectors.cases) {
      const key = fromHex(c.key);
      const iv = fromHex(c.iv);
      if (c.direction === 'encrypt') t.equal(toHex(make(key, iv).encrypt(fromHex(c.plaintext))), c.ciphertext, c.name);
      else t.equal(toHex(make(key, iv).decrypt(fromHex(c.ciphertext))), c.plaintext, c.name);
    }
    t.end();
  });

  t.test(`${implName}: chaining across calls equals one call (TLS 1.0 implicit IV)`, (t) => {
    const c = vectors.cases[4]!; // AES-256
    const key = fromHex(c.key);
    const iv = fromHex(c.iv);
    const pt = fromHex(c.plaintext);
    const enc = make(key, iv);
    const parts = [enc.encrypt(pt.subarray(0, 16)), enc.encrypt(pt.subarray(16, 16)), enc.encrypt(pt.subarray(16, 48)), enc.encrypt(pt.subarray(48))];
    t.equal(toHex(concatBytes(...parts)), c.ciphertext);
    const dec = make(key, iv);
    const ct = fromHex(c.ciphertext);
    t.equal(toHex(concatBytes(dec.decrypt(ct.subarray(0, 48)), dec.decrypt(ct.subarray(48)))), c.plaintext);
    t.end();
  });

  t.test(`${implName}: agrees with node:crypto on random data and split points`, (t) => {
    for (let round = 0; round < 24; round++) {
      const key = rand(round % 2 ? 32 : 16);
      const iv = rand(16);
      const data = rand(16 * (1 + round * 13));
      t.equal(toHex(make(key, iv).encrypt(data)), nodeAes(true, key, iv, data), `encrypt #${round}`);
      t.equal(toHex(make(key, iv).decrypt(data)), nodeAes(false, key, iv, data), `decrypt #${round}`);
      const cut = 16 * Math.floor(Math.random() * (data.length / 16 + 1));
      const e = make(key, iv);
      t.equal(toHex(concatBytes(e.encrypt(data.subarray(0, cut)), e.encrypt(data.subarray(cut)))), nodeAes(true, key, iv, data), `split encrypt #${round}`);
      const d = make(key, iv);
      t.equal(toHex(concatBytes(d.decrypt(data.subarray(0, cut)), d.decrypt(data.subarray(cut)))), nodeAes(false, key, iv, data), `split decrypt #${round}`);
    }
    t.end();
  });

  t.test(`${implName}: unaligned views, untouched inputs, errors`, (t) => {
    const key = rand(16);
    const iv = rand(16);
    const backing = rand(16 * 5 + 3);
    const view = backing.subarray(3); // byteOffset 3: not 4-byte aligned
    const copy = view.slice();
    t.equal(toHex(make(key, iv).encrypt(view)), nodeAes(true, key, iv, copy));
    t.equal(toHex(make(key, iv).decrypt(view)), nodeAes(false, key, iv, copy));
    t.same(view, copy, 'input unchanged');
    const ivCopy = iv.slice();
    make(key, iv).encrypt(rand(32));
    t.same(iv, ivCopy, 'IV argument unchanged');
    t.throws(() => make(key, iv).encrypt(new Uint8Array(15)), RangeError);
    t.throws(() => make(key, iv).decrypt(new Uint8Array(17)), RangeError);
    t.equal(make(key, iv).encrypt(new Uint8Array(0)).length, 0);
    t.throws(() => make(new Uint8Array(20), iv), RangeError);
    t.throws(() => make(key, new Uint8Array(8)), RangeError);
    t.end();
  });
}
