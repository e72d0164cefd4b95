import t from 'tap';
import { createCipheriv, createHash, createHmac, generateKeyPairSync, publicEncrypt, randomBytes, constants } from 'node:crypto';
import * as api from '../../lib/crypto/index.js';
import { createPureProvider, pureProvider } from '../../lib/crypto/pure.js';
import { seededRandom } from '../../lib/crypto/random.js';
import { rsaPrivateKey } from '../../lib/crypto/rsa-math.js';
import type { BulkCipherName } from '../../lib/crypto/provider.js';
import { concatBytes, toHex } from '../../lib/util/bytes.js';

const rand = (n: number): Uint8Array => new Uint8Array(randomBytes(n));

function nodeEncrypt(alg: string, key: Uint8Array, iv: Uint8Array, data: Uint8Array): string {
  const c = createCipheriv(alg, key, iv);
  c.setAutoPadding(false);
  return toHex(concatBytes(c.update(data), c.final()));
}

const CBC: [BulkCipherName, string | null, number, number][] = [
  ['3des-cbc', 'des-ede3-cbc', 24, 8],
  ['des-cbc', null, 8, 8],
  ['aes-128-cbc', 'aes-128-cbc', 16, 16],
  ['aes-256-cbc', 'aes-256-cbc', 32, 16],
];

t.test('CBC ciphers: both directions, records chained, matching node:crypto', (t) => {
  for (const [name, nodeName, keyLen, block] of CBC) {
    const key = rand(keyLen);
    const iv = rand(block);
    const enc = pureProvider.createCipher(name, key, iv, true);
    const dec = pureProvider.createCipher(name, key, iv, false);
    const records = [rand(block * 3), rand(block), rand(block * 10)];
    const sealed = records.map((r) => enc.update(r));
    const opened = sealed.map((s) => dec.update(s));
    t.same(opened, records, `${name} round trip over three chained records`);
    if (nodeName) t.equal(toHex(concatBytes(...sealed)), nodeEncrypt(nodeName, key, iv, concatBytes(...records)), `${name} = node ${nodeName}`);
    else {
      // single DES = 3DES with K1 = K2 = K3
      t.equal(toHex(concatBytes(...sealed)), nodeEncrypt('des-ede3-cbc', concatBytes(key, key, key), iv, concatBytes(...records)), name);
    }
    t.throws(() => pureProvider.createCipher(name, rand(keyLen + 1), iv, true), RangeError, `${name} key length`);
    t.throws(() => pureProvider.createCipher(name, key, null, true), RangeError, `${name} needs an IV`);
    t.throws(() => enc.update(rand(block + 1)), RangeError, `${name} partial block`);
  }
  t.end();
});

t.test('RC4: both directions, no IV', (t) => {
  const key = rand(16);
  const enc = pureProvider.createCipher('rc4', key, null, true);
  const dec = pureProvider.createCipher('rc4', key, null, false);
  const a = rand(100);
  const b = rand(33);
  const sa = enc.update(a);
  const sb = enc.update(b);
  t.not(toHex(sa), toHex(a));
  t.same([dec.update(sa), dec.update(sb)], [a, b]);
  t.equal(toHex(pureProvider.createCipher('rc4', Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]), null, true).update(new Uint8Array(16))), '9ac7cc9a609d1ef7b2932899cde41b97');
  t.throws(() => pureProvider.createCipher('rc4', key, rand(8), true), RangeError);
  t.throws(() => pureProvider.createCipher('rc4', rand(5), null, true), RangeError, 'TLS RC4 keys are 16 bytes');
  t.throws(() => pureProvider.createCipher('idea-cbc' as BulkCipherName, key, rand(8), true), TypeError);
  t.end();
});

t.test('hash and MAC match node:crypto', (t) => {
  const key = rand(20);
  const a = rand(50);
  const b = rand(70);
  for (const name of ['md5', 'sha1'] as const) {
    t.equal(toHex(pureProvider.hash(name, a, b)), createHash(name).update(a).update(b).digest('hex'), name);
    const mac = pureProvider.createMac(name, key);
    t.equal(mac.outputLength, name === 'md5' ? 16 : 20);
    t.equal(toHex(mac.mac(a, b)), createHmac(name, key).update(a).update(b).digest('hex'), `HMAC-${name}`);
  }
  t.end();
});

t.test('randomness is injectable', (t) => {
  const p = createPureProvider({ random: seededRandom('provider') });
  t.equal(p.name, 'pure');
  t.same(p.random(24), seededRandom('provider')(24));
  t.equal(pureProvider.random(48).length, 48);
  t.end();
});

t.test('RSA raw operations delegate to rsa-math and agree with node:crypto', (t) => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const jwk = privateKey.export({ format: 'jwk' });
  const big = (s: string | undefined): bigint => BigInt('0x' + Buffer.from(s!, 'base64url').toString('hex'));
  const key = rsaPrivateKey({ n: big(jwk.n), e: big(jwk.e), d: big(jwk.d), p: big(jwk.p), q: big(jwk.q), dp: big(jwk.dp), dq: big(jwk.dq), qinv: big(jwk.qi) });
  const m = concatBytes(new Uint8Array([0]), rand(key.size - 1));
  const provider = createPureProvider({ random: seededRandom('rsa blinding') });
  const c = provider.rsaPublicRaw(key, m);
  t.equal(toHex(c), Buffer.from(publicEncrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, m)).toString('hex'));
  t.same(provider.rsaPrivateRaw(key, c), m);
  t.end();
});

t.test('ut-tls/crypto exports the documented API', (t) => {
  const fns = [
    'prf', 'rc4', 'des3Cbc', 'desCbc', 'aesCbc', 'md5', 'sha1', 'sha256', 'hmac', 'hmacMd5', 'hmacSha1', 'createMac', 'createHash',
    'masterSecret', 'keyBlock', 'finishedVerifyData', 'seededRandom', 'createPureProvider',
    'pkcs1Encrypt', 'decryptPremaster', 'signTls', 'verifyTls', 'signPkcs1DigestInfo', 'verifyPkcs1DigestInfo',
    'rsaPublicRawOp', 'rsaPrivateRawOp', 'generateDhKeyPair', 'dhSharedSecret',
  ];
  const table = api as unknown as Record<string, unknown>;
  for (const f of fns) t.equal(typeof table[f], 'function', f);
  t.equal(typeof api.systemRandom, 'function');
  t.equal(api.pureProvider.name, 'pure');
  // the subpath functions are the real ones
  t.equal(toHex(api.prf(new Uint8Array(48).fill(0xab), 'PRF Testvector', new Uint8Array(64).fill(0xcd), 4)), 'd3d4d1e3');
  t.end();
});
