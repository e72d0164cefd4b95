import t from 'tap';
import { readFileSync } from 'node:fs';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DES_SBOXES, des3Cbc, des3Ecb, desCbc, desEcb } from '../../lib/crypto/des.js';
import { concatBytes, fromHex, toHex } from '../../lib/util/bytes.js';
import { vectorPath } from '../helpers/paths.js';

interface BlockCase {
  name: string;
  origin: string;
  mode: 'ecb' | 'cbc';
  direction?: 'encrypt' | 'decrypt';
  key: string;
  iv?: string;
  plaintext: string;
  ciphertext: string;
}
interface DesVectors {
  source: string;
  cases: BlockCase[];
  weakKeys: { key: string; plaintext: string }[];
  semiWeakPairs: { key: string; pairKey: string; plaintext: string }[];
}
const des = JSON.parse(readFileSync(vectorPath('des.json'), 'utf8')) as DesVectors;
const tdes = JSON.parse(readFileSync(vectorPath('3des.json'), 'utf8')) as { source: string; cases: BlockCase[] };

const rand = (n: number): Uint8Array => new Uint8Array(randomBytes(n));

/** node:crypto 3DES (OpenSSL); single DES is 3DES with K1 = K2 = K3, as node lacks des-cbc. */
function node3des(encrypt: boolean, key: Uint8Array, iv: Uint8Array | null, data: Uint8Array): string {
  const alg = iv ? 'des-ede3-cbc' : 'des-ede3';
  const c = encrypt ? createCipheriv(alg, key, iv) : createDecipheriv(alg, key, iv);
  c.setAutoPadding(false);
  return toHex(concatBytes(c.update(data), c.final()));
}

t.test('S-boxes: every row is a permutation of 0..15', (t) => {
  t.equal(DES_SBOXES.length, 8);
  for (const [i, box] of DES_SBOXES.entries()) {
    for (let row = 0; row < 4; row++) {
      const values = [...box.slice(row * 16, row * 16 + 16)].sort((a, b) => a - b);
      t.same(values, [...Array(16).keys()], `S${i + 1} row ${row}`);
    }
  }
  t.end();
});

t.test('DES known answers (FIPS 81, SP 800-20 A.1/A.2, textbook, Go)', (t) => {
  t.match(des.source, /FIPS 81/);
  t.ok(des.cases.length > 140);
  for (const c of des.cases) {
    const key = fromHex(c.key);
    const pt = fromHex(c.plaintext);
    const ct = fromHex(c.ciphertext);
    if (c.mode === 'ecb') {
      t.equal(toHex(desEcb(key).encrypt(pt)), c.ciphertext, `${c.name} encrypt`);
      t.equal(toHex(desEcb(key).decrypt(ct)), c.plaintext, `${c.name} decrypt`);
    } else {
      t.equal(toHex(desCbc(key, fromHex(c.iv!)).encrypt(pt)), c.ciphertext, `${c.name} encrypt`);
      t.equal(toHex(desCbc(key, fromHex(c.iv!)).decrypt(ct)), c.plaintext, `${c.name} decrypt`);
    }
  }
  t.end();
});

t.test('weak keys: encryption is an involution; semi-weak pairs undo each other', (t) => {
  for (const w of des.weakKeys) {
    const e = desEcb(fromHex(w.key));
    t.equal(toHex(e.encrypt(e.encrypt(fromHex(w.plaintext)))), w.plaintext, `weak key ${w.key}`);
  }
  for (const p of des.semiWeakPairs) {
    const once = desEcb(fromHex(p.key)).encrypt(fromHex(p.plaintext));
    t.not(toHex(once), p.plaintext);
    t.equal(toHex(desEcb(fromHex(p.pairKey)).encrypt(once)), p.plaintext, `semi-weak pair ${p.key}/${p.pairKey}`);
  }
  t.end();
});

t.test('parity bits are ignored', (t) => {
  const key = fromHex('133457799bbcdff1');
  const flipped = key.map((b) => b ^ 1);
  const pt = fromHex('0123456789abcdef');
  t.equal(toHex(desEcb(flipped).encrypt(pt)), '85e813540f0ab405');
  const k3 = rand(24);
  t.same(des3Ecb(k3.map((b) => b ^ 1)).encrypt(pt), des3Ecb(k3).encrypt(pt));
  t.end();
});

t.test('3DES known answers (SP 800-67, CAVS TCBCMMT3, Go)', (t) => {
  t.match(tdes.source, /SP 800-67/);
  t.ok(tdes.cases.some((c) => c.mode === 'cbc' && c.direction === 'decrypt'));
  for (const c of tdes.cases) {
    const key = fromHex(c.key);
    const pt = fromHex(c.plaintext);
    const ct = fromHex(c.ciphertext);
    if (c.mode === 'ecb') {
      t.equal(toHex(des3Ecb(key).encrypt(pt)), c.ciphertext, `${c.name} encrypt`);
      t.equal(toHex(des3Ecb(key).decrypt(ct)), c.plaintext, `${c.name} decrypt`);
    } else {
      t.equal(toHex(des3Cbc(key, fromHex(c.iv!)).encrypt(pt)), c.ciphertext, `${c.name} encrypt`);
      t.equal(toHex(des3Cbc(key, fromHex(c.iv!)).decrypt(ct)), c.plaintext, `${c.name} decrypt`);
    }
  }
  t.end();
});

t.test('3DES with K1 = K2 = K3 is single DES', (t) => {
  const k = rand(8);
  const iv = rand(8);
  const data = rand(64);
  t.same(des3Cbc(concatBytes(k, k, k), iv).encrypt(data), desCbc(k, iv).encrypt(data));
  t.end();
});

t.test('CBC chaining carries across calls (TLS 1.0 implicit IV)', (t) => {
  for (const [name, make, keyLen] of [
    ['DES', desCbc, 8],
    ['3DES', des3Cbc, 24],
  ] as const) {
    const key = rand(keyLen);
    const iv = rand(8);
    const data = rand(8 * 40);
    const whole = make(key, iv).encrypt(data);
    const enc = make(key, iv);
    const pieces = concatBytes(enc.encrypt(data.subarray(0, 8)), enc.encrypt(data.subarray(8, 8)), enc.encrypt(data.subarray(8, 136)), enc.encrypt(data.subarray(136)));
    t.same(pieces, whole, `${name} encrypt split == one call`);
    const dec = make(key, iv);
    const back = concatBytes(dec.decrypt(whole.subarray(0, 96)), dec.decrypt(whole.subarray(96, 104)), dec.decrypt(whole.subarray(104)));
    t.same(back, data, `${name} decrypt split == one call`);
  }
  t.end();
});

t.test('agrees with node:crypto (OpenSSL) on random data, including split calls', (t) => {
  for (let round = 0; round < 20; round++) {
    const key = rand(24);
    const iv = rand(8);
    const data = rand(8 * (1 + round * 7));
    t.equal(toHex(des3Cbc(key, iv).encrypt(data)), node3des(true, key, iv, data), `3DES-CBC encrypt #${round}`);
    t.equal(toHex(des3Cbc(key, iv).decrypt(data)), node3des(false, key, iv, data), `3DES-CBC decrypt #${round}`);
    const k1 = key.subarray(0, 8);
    t.equal(toHex(desCbc(k1, iv).encrypt(data)), node3des(true, concatBytes(k1, k1, k1), iv, data), `DES-CBC encrypt #${round}`);
    // split at a random block boundary
    const cut = 8 * Math.floor(Math.random() * (data.length / 8 + 1));
    const c = des3Cbc(key, iv);
    t.equal(toHex(concatBytes(c.encrypt(data.subarray(0, cut)), c.encrypt(data.subarray(cut)))), node3des(true, key, iv, data));
  }
  t.end();
});

t.test('inputs are not modified and outputs are new arrays', (t) => {
  const data = new Uint8Array(16).fill(9);
  const c = des3Cbc(new Uint8Array(24).fill(1), new Uint8Array(8));
  const out = c.encrypt(data);
  t.not(out, data);
  t.ok(data.every((b) => b === 9));
  t.end();
});

t.test('length and argument errors', (t) => {
  const c = des3Cbc(new Uint8Array(24), new Uint8Array(8));
  t.throws(() => c.encrypt(new Uint8Array(7)), RangeError);
  t.throws(() => c.decrypt(new Uint8Array(9)), RangeError);
  t.equal(c.encrypt(new Uint8Array(0)).length, 0);
  t.throws(() => des3Cbc(new Uint8Array(16), new Uint8Array(8)), RangeError, 'two-key 3DES is not TLS 3DES');
  t.throws(() => des3Cbc(new Uint8Array(24), new Uint8Array(16)), RangeError);
  t.throws(() => desCbc(new Uint8Array(7), new Uint8Array(8)), RangeError);
  t.throws(() => desEcb(new Uint8Array(8)).encrypt(new Uint8Array(12)), RangeError);
  t.end();
});
