/**
 * Both crypto providers, pure and native, through the CryptoProvider interface only: the
 * known-answer vectors in vectors/, CBC chaining and RC4 keystream across split calls, the two
 * providers against each other (bulk ciphers, MACs, RSA raw operations), and rsa.ts's PKCS#1 code on
 * top of each. Under the default OpenSSL 3 provider the native provider runs RC4 and single DES on
 * the pure code; native.test.ts runs those vectors again with OpenSSL's legacy provider loaded.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { constants, createPublicKey, generateKeyPairSync, privateEncrypt, publicEncrypt, sign, verify, type KeyObject } from 'node:crypto';
import { createNativeProvider } from '../../lib/crypto/native.js';
import type { BulkCipherName, CryptoProvider, HashName, RsaPrivateKey } from '../../lib/crypto/provider.js';
import { createPureProvider } from '../../lib/crypto/pure.js';
import { seededRandom } from '../../lib/crypto/random.js';
import { md5, sha1, sha256 } from '../../lib/crypto/hash.js';
import {
  decryptPremaster,
  pkcs1Encrypt,
  signPkcs1DigestInfo,
  signTls,
  verifyPkcs1DigestInfo,
  verifyTls,
} from '../../lib/crypto/rsa.js';
import { parsePrivateKey, rsaPublicKeyOf } from '../../lib/x509/keys.js';
import { concatBytes, fromHex, toHex, utf8 } from '../../lib/util/bytes.js';
import { vectorPath } from '../helpers/paths.js';

interface BlockCase {
  name: string;
  mode?: 'ecb' | 'cbc';
  direction?: 'encrypt' | 'decrypt';
  key: string;
  iv?: string;
  plaintext: string;
  ciphertext: string;
}
interface Rc4Case {
  key: string;
  keystream: { offset: number; hex: string }[];
}
interface HmacCase {
  case: number;
  md5Key: string;
  sha1Key: string;
  data: string;
  md5: string;
  sha1: string;
  md5_96?: string;
  sha1_96?: string;
}
interface HashCase {
  name: string;
  hash: string;
  message?: string;
  repeat?: string;
  count?: number;
  digest: string;
}
const load = <T>(file: string): { source: string; cases: T[] } => JSON.parse(readFileSync(vectorPath(file), 'utf8')) as { source: string; cases: T[] };
const aesVectors = load<BlockCase>('aes-cbc-sp800-38a.json');
const desVectors = load<BlockCase>('des.json');
const tdesVectors = load<BlockCase>('3des.json');
const rc4Vectors = load<Rc4Case>('rc4-rfc6229.json');
const hmacVectors = load<HmacCase>('hmac-rfc2202.json');
const hashVectors = load<HashCase>('hash.json');

const providers: [string, CryptoProvider][] = [
  ['pure', createPureProvider()],
  ['native', createNativeProvider()],
];

/** A deterministic byte pattern, so the test needs no randomness and a failure reproduces. */
const pattern = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 17 + (i >> 8)) & 0xff);

/**
 * Runs a block vector through the provider's CBC interface. ECB vectors become one CBC call per
 * block with a zero IV (CBC of a single block under IV 0 is ECB).
 */
function runBlock(p: CryptoProvider, cipher: BulkCipherName, c: BlockCase, encrypt: boolean): string {
  const key = fromHex(c.key);
  const input = fromHex(encrypt ? c.plaintext : c.ciphertext);
  const block = cipher.startsWith('aes') ? 16 : 8;
  if (c.mode === 'ecb') {
    const out: Uint8Array[] = [];
    for (let off = 0; off < input.length; off += block) {
      out.push(p.createCipher(cipher, key, new Uint8Array(block), encrypt).update(input.subarray(off, off + block)));
    }
    return toHex(concatBytes(...out));
  }
  return toHex(p.createCipher(cipher, key, fromHex(c.iv!), encrypt).update(input));
}

for (const [pname, p] of providers) {
  t.test(`${pname}: AES-CBC, NIST SP 800-38A F.2 (128- and 256-bit keys)`, (t) => {
    const cases = aesVectors.cases.filter((c) => c.key.length === 32 || c.key.length === 64);
    t.equal(cases.length, 4, 'AES-192 is not a TLS 1.0 cipher, the other four are run');
    for (const c of cases) {
      const name: BulkCipherName = c.key.length === 32 ? 'aes-128-cbc' : 'aes-256-cbc';
      if (c.direction === 'encrypt') t.equal(runBlock(p, name, c, true), c.ciphertext, c.name);
      else t.equal(runBlock(p, name, c, false), c.plaintext, c.name);
    }
    t.end();
  });

  t.test(`${pname}: 3DES (SP 800-67, CAVS TCBCMMT3, Go)`, (t) => {
    t.equal(tdesVectors.cases.length, 24);
    for (const c of tdesVectors.cases) {
      if (c.direction === 'decrypt') t.equal(runBlock(p, '3des-cbc', c, false), c.plaintext, c.name);
      else t.equal(runBlock(p, '3des-cbc', c, true), c.ciphertext, c.name);
    }
    t.end();
  });

  t.test(`${pname}: DES (FIPS 81, SP 800-20, Go), both directions`, (t) => {
    t.ok(desVectors.cases.length > 140);
    for (const c of desVectors.cases) {
      t.equal(runBlock(p, 'des-cbc', c, true), c.ciphertext, `${c.name} encrypt`);
      t.equal(runBlock(p, 'des-cbc', c, false), c.plaintext, `${c.name} decrypt`);
    }
    t.end();
  });

  t.test(`${pname}: RC4 keystream, RFC 6229 (16-byte keys, TLS's size), read in uneven pieces`, (t) => {
    const cases = rc4Vectors.cases.filter((c) => c.key.length === 32);
    t.equal(cases.length, 2);
    for (const c of cases) {
      const r = p.createCipher('rc4', fromHex(c.key), null, true);
      const pieces = [1, 15, 240, 3, 1000, 2853]; // 4112 bytes: up to the last vector's end
      const stream = concatBytes(...pieces.map((n) => r.update(new Uint8Array(n))));
      t.equal(stream.length, 4112);
      for (const k of c.keystream) t.equal(toHex(stream.subarray(k.offset, k.offset + 16)), k.hex, `key ${c.key} offset ${k.offset}`);
    }
    t.end();
  });

  t.test(`${pname}: HMAC-MD5 and HMAC-SHA1, RFC 2202, whole and in parts`, (t) => {
    t.equal(hmacVectors.cases.length, 7);
    for (const c of hmacVectors.cases) {
      const data = fromHex(c.data);
      for (const h of ['md5', 'sha1'] as const) {
        const mac = p.createMac(h, fromHex(h === 'md5' ? c.md5Key : c.sha1Key));
        t.equal(mac.outputLength, h === 'md5' ? 16 : 20);
        t.equal(toHex(mac.mac(data)), c[h], `case ${c.case} ${h}`);
        const cut = data.length >> 1;
        t.equal(toHex(mac.mac(data.subarray(0, cut), new Uint8Array(0), data.subarray(cut))), c[h], `case ${c.case} ${h} in parts, reusing the Mac`);
        const truncated = c[`${h}_96`];
        if (truncated !== undefined) t.equal(toHex(mac.mac(data).subarray(0, 12)), truncated, `case ${c.case} ${h}-96`);
      }
    }
    t.end();
  });

  t.test(`${pname}: MD5 and SHA-1, RFC 1321 and FIPS 180`, (t) => {
    const cases = hashVectors.cases.filter((c) => c.hash === 'md5' || c.hash === 'sha1');
    t.equal(cases.length, 10);
    for (const c of cases) {
      const parts: Uint8Array[] =
        c.repeat !== undefined ? Array.from({ length: c.count! / 1000 }, () => utf8(c.repeat!.repeat(1000))) : [utf8(c.message!)];
      t.equal(toHex(p.hash(c.hash as HashName, ...parts)), c.digest, c.name);
    }
    t.equal(toHex(p.hash('sha1')), 'da39a3ee5e6b4b0d3255bfef95601890afd80709', 'no parts = empty message');
    t.end();
  });
}

const [[, pure], [, native]] = providers as [[string, CryptoProvider], [string, CryptoProvider]];

const CBC: [BulkCipherName, number, number][] = [
  ['des-cbc', 8, 8],
  ['3des-cbc', 24, 8],
  ['aes-128-cbc', 16, 16],
  ['aes-256-cbc', 32, 16],
];

t.test('CBC chaining: split calls equal one call, both directions, and native equals pure', (t) => {
  for (const [name, keyLen, block] of CBC) {
    const key = pattern(keyLen, 1);
    const iv = pattern(block, 2);
    const plain = pattern(block * 40, 3);
    const splits = [block, block * 3, 0, block * 20, block * 16]; // includes an empty call
    const piecesOf = (data: Uint8Array): Uint8Array[] => {
      const out: Uint8Array[] = [];
      let off = 0;
      for (const n of splits) out.push(data.subarray(off, (off += n)));
      return out;
    };
    const reference = toHex(pure.createCipher(name, key, iv, true).update(plain));
    for (const [pname, p] of providers) {
      t.equal(toHex(p.createCipher(name, key, iv, true).update(plain)), reference, `${pname} ${name}: one call`);
      const enc = p.createCipher(name, key, iv, true);
      const sealed = piecesOf(plain).map((d) => enc.update(d));
      t.same(sealed.map((s) => s.length), splits, `${pname} ${name}: every call returns all its blocks at once`);
      t.equal(toHex(concatBytes(...sealed)), reference, `${pname} ${name}: split encryption`);
      const dec = p.createCipher(name, key, iv, false);
      const opened = piecesOf(fromHex(reference)).map((d) => dec.update(d));
      t.same(opened.map((s) => s.length), splits, `${pname} ${name}: decryption holds no block back`);
      t.equal(toHex(concatBytes(...opened)), toHex(plain), `${pname} ${name}: split decryption`);
    }
  }
  t.end();
});

t.test('RC4: split calls equal one call, and native equals pure', (t) => {
  const key = pattern(16, 4);
  const plain = pattern(3000, 5);
  const reference = toHex(pure.createCipher('rc4', key, null, true).update(plain));
  for (const [pname, p] of providers) {
    const enc = p.createCipher('rc4', key, null, true);
    t.equal(toHex(concatBytes(enc.update(plain.subarray(0, 7)), enc.update(plain.subarray(7, 2000)), enc.update(plain.subarray(2000)))), reference, pname);
    t.equal(toHex(p.createCipher('rc4', key, null, false).update(fromHex(reference))), toHex(plain), `${pname} decrypts`);
  }
  t.end();
});

t.test('MACs and hashes: native equals pure on long and odd-sized input', (t) => {
  const key = pattern(20, 6);
  const parts = [pattern(13, 7), pattern(16384, 8), pattern(1, 9)];
  for (const h of ['md5', 'sha1'] as const) {
    t.equal(toHex(native.createMac(h, key).mac(...parts)), toHex(pure.createMac(h, key).mac(...parts)), `HMAC-${h}`);
    t.equal(toHex(native.hash(h, ...parts)), toHex(pure.hash(h, ...parts)), h);
  }
  t.end();
});

// ------------------------------------------------------------------ RSA

interface TestKey {
  bits: number;
  priv: RsaPrivateKey;
  nodeKey: KeyObject;
}
/** Keys from OpenSSL, read by our own PKCS#8 parser; 1031 bits gives a modulus whose top byte is small. */
const keys: TestKey[] = [2048, 1024, 1031].map((bits) => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return { bits, priv: parsePrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string), nodeKey: privateKey };
});

t.test('RSA raw operations: native equals pure equals OpenSSL, outputs left-padded to the modulus size', (t) => {
  for (const { bits, priv, nodeKey } of keys) {
    const pub = rsaPublicKeyOf(priv);
    t.equal(priv.size, Math.ceil(bits / 8));
    const n = fromHex(priv.n.toString(16).padStart(priv.size * 2, '0'));
    const nMinus1 = n.slice();
    nMinus1[nMinus1.length - 1]! -= 1; // n is odd, so no borrow
    const inputs: [string, Uint8Array][] = [
      ['zero', new Uint8Array(priv.size)],
      ['one', Uint8Array.of(1)],
      ['two, short input', Uint8Array.of(2)],
      ['n - 1', nMinus1],
      ['random-looking, top byte 0', concatBytes(Uint8Array.of(0), pattern(priv.size - 1, bits))],
      ['longer than the modulus with leading zeros', concatBytes(new Uint8Array(3), Uint8Array.of(0), pattern(priv.size - 1, 11))],
    ];
    for (const [what, m] of inputs) {
      const c = native.rsaPublicRaw(pub, m);
      t.equal(c.length, priv.size, `${bits}: ${what}: public output length`);
      t.equal(toHex(c), toHex(pure.rsaPublicRaw(pub, m)), `${bits}: ${what}: public op, native = pure`);
      const back = native.rsaPrivateRaw(priv, c);
      t.equal(back.length, priv.size, `${bits}: ${what}: private output length`);
      const expected = concatBytes(new Uint8Array(Math.max(0, priv.size - m.length)), m).subarray(-priv.size);
      t.equal(toHex(back), toHex(expected), `${bits}: ${what}: private op inverts it, left-padded`);
      t.equal(toHex(pure.rsaPrivateRaw(priv, c)), toHex(back), `${bits}: ${what}: private op, native = pure`);
    }
    // OpenSSL directly, as a third opinion.
    const m = concatBytes(Uint8Array.of(0), pattern(priv.size - 1, 12));
    t.equal(toHex(native.rsaPublicRaw(pub, m)), Buffer.from(publicEncrypt({ key: nodeKey, padding: constants.RSA_NO_PADDING }, m)).toString('hex'), `${bits}: = OpenSSL`);
    for (const [pname, p] of providers) {
      t.throws(() => p.rsaPublicRaw(pub, n), RangeError, `${pname} ${bits}: public input = n refused`);
      t.throws(() => p.rsaPrivateRaw(priv, n), RangeError, `${pname} ${bits}: private input = n refused`);
      t.throws(() => p.rsaPrivateRaw(priv, concatBytes(Uint8Array.of(1), n)), RangeError, `${pname} ${bits}: input longer than n refused`);
    }
  }
  t.end();
});

t.test("rsa.ts (PKCS#1 v1.5, TLS signatures) gives the same results on both providers", (t) => {
  const { priv, nodeKey } = keys[0]!;
  const pub = rsaPublicKeyOf(priv);
  const nodePub = createPublicKey(nodeKey);
  // pkcs1Encrypt's padding comes from ops.random: the same seed gives the same ciphertext.
  const premaster = concatBytes(Uint8Array.of(3, 1), pattern(46, 13));
  const seeded = (p: string): CryptoProvider => (p === 'pure' ? createPureProvider({ random: seededRandom('kat') }) : createNativeProvider({ random: seededRandom('kat') }));
  const encrypted = pkcs1Encrypt(seeded('pure'), pub, premaster);
  t.equal(toHex(pkcs1Encrypt(seeded('native'), pub, premaster)), toHex(encrypted), 'pkcs1Encrypt: same ciphertext from the same random bytes');
  t.equal(nodeKey.asymmetricKeyType, 'rsa');

  for (const [pname, p] of providers) {
    t.equal(toHex(decryptPremaster(p, priv, encrypted, 0x0301)), toHex(premaster), `${pname}: decryptPremaster`);
    // Wrong version, bit-flipped and wrong-length ciphertexts: a 48-byte premaster made of
    // client_version and the first 46 random bytes drawn, identical for both providers.
    const wrongVersion = decryptPremaster(seeded(pname), priv, encrypted, 0x0300);
    t.equal(toHex(wrongVersion), '0300' + toHex(seededRandom('kat')(46)), `${pname}: wrong version gives the fallback premaster`);
    const flipped = encrypted.slice();
    flipped[10]! ^= 0x40;
    t.equal(toHex(decryptPremaster(seeded(pname), priv, flipped, 0x0301)), '0301' + toHex(seededRandom('kat')(46)), `${pname}: flipped ciphertext`);
    t.equal(toHex(decryptPremaster(seeded(pname), priv, encrypted.subarray(1), 0x0301)), '0301' + toHex(seededRandom('kat')(46)), `${pname}: short ciphertext`);
  }

  const digest36 = concatBytes(md5(utf8('signed params')), sha1(utf8('signed params')));
  const sigPure = signTls(pure, priv, digest36);
  t.equal(toHex(signTls(native, priv, digest36)), toHex(sigPure), 'signTls: native = pure');
  t.equal(toHex(sigPure), Buffer.from(privateEncrypt({ key: nodeKey, padding: constants.RSA_PKCS1_PADDING }, digest36)).toString('hex'), 'signTls = OpenSSL type-1 block');
  const digest = sha256(utf8('tbs certificate'));
  const sigDi = signPkcs1DigestInfo(native, priv, 'sha256', digest);
  t.ok(verify('sha256', utf8('tbs certificate'), nodePub, sigDi), 'signPkcs1DigestInfo on native verifies in OpenSSL');
  const sigNode = new Uint8Array(sign('sha256', utf8('tbs certificate'), nodeKey));
  for (const [pname, p] of providers) {
    t.ok(verifyTls(p, pub, digest36, sigPure), `${pname}: verifyTls`);
    const bad = sigPure.slice();
    bad[bad.length - 1]! ^= 1;
    t.notOk(verifyTls(p, pub, digest36, bad), `${pname}: verifyTls refuses a flipped bit`);
    t.notOk(verifyTls(p, pub, digest36, new Uint8Array(priv.size).fill(0xff)), `${pname}: verifyTls refuses a value >= n`);
    t.ok(verifyPkcs1DigestInfo(p, pub, 'sha256', digest, sigNode), `${pname}: verifies OpenSSL's signature`);
    t.notOk(verifyPkcs1DigestInfo(p, pub, 'sha256', sha256(utf8('other')), sigNode), `${pname}: wrong digest`);
  }
  t.end();
});
