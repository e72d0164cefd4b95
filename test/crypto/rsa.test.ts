import t from 'tap';
import * as nodeCrypto from 'node:crypto';
import { bigIntToBytes, bigIntToMinimalBytes, bitLength, bytesToBigInt, gcd, modInverse, modPow } from '../../lib/crypto/bigint.js';
import { rsaPrivateKey, rsaPrivateRawOp, rsaPublicKey, rsaPublicRawOp } from '../../lib/crypto/rsa-math.js';
import {
  decryptPremaster,
  digestInfo,
  pkcs1Encrypt,
  signPkcs1DigestInfo,
  signTls,
  verifyPkcs1DigestInfo,
  verifyTls,
  type DigestInfoHash,
  type RsaOps,
} from '../../lib/crypto/rsa.js';
import type { CryptoProvider, RsaPrivateKey, RsaPublicKey } from '../../lib/crypto/provider.js';
import { concatBytes, fromHex, toHex } from '../../lib/util/bytes.js';

const { constants } = nodeCrypto;

function nodeRandom(n: number): Uint8Array {
  return new Uint8Array(nodeCrypto.randomBytes(n));
}

/** The pure ops: our raw operations and node's CSPRNG. */
const ops: RsaOps = {
  rsaPublicRaw: rsaPublicRawOp,
  rsaPrivateRaw: (key, input) => rsaPrivateRawOp(key, input),
  random: nodeRandom,
};

// A CryptoProvider must be usable wherever RsaOps is expected (compile-time check).
const providerIsRsaOps = (p: CryptoProvider): RsaOps => p;

interface TestKey {
  bits: number;
  node: nodeCrypto.KeyObject;
  nodePub: nodeCrypto.KeyObject;
  priv: RsaPrivateKey;
  pub: RsaPublicKey;
  jwk: nodeCrypto.JsonWebKey;
}

function b64(s: string | undefined): bigint {
  if (s === undefined) throw new Error('JWK field missing');
  return bytesToBigInt(new Uint8Array(Buffer.from(s, 'base64url')));
}

function makeKey(bits: number): TestKey {
  const { privateKey, publicKey } = nodeCrypto.generateKeyPairSync('rsa', { modulusLength: bits });
  const jwk = privateKey.export({ format: 'jwk' });
  const priv = rsaPrivateKey({
    n: b64(jwk.n),
    e: b64(jwk.e),
    d: b64(jwk.d),
    p: b64(jwk.p),
    q: b64(jwk.q),
    dp: b64(jwk.dp),
    dq: b64(jwk.dq),
    qinv: b64(jwk.qi),
  });
  return { bits, node: privateKey, nodePub: publicKey, priv, pub: rsaPublicKey(priv.n, priv.e), jwk };
}

const keys = [makeKey(1024), makeKey(2048)];

function nodeRawPrivate(key: TestKey, input: Uint8Array): Uint8Array {
  return new Uint8Array(nodeCrypto.privateDecrypt({ key: key.node, padding: constants.RSA_NO_PADDING }, input));
}
function nodeRawPublic(key: TestKey, input: Uint8Array): Uint8Array {
  return new Uint8Array(nodeCrypto.publicEncrypt({ key: key.nodePub, padding: constants.RSA_NO_PADDING }, input));
}

/** A random value below n, as key.size bytes. */
function randomBelow(n: bigint, size: number): Uint8Array {
  return bigIntToBytes(bytesToBigInt(nodeRandom(size + 8)) % n, size);
}

t.test('bigint: byte conversion', async (t) => {
  t.equal(bytesToBigInt(new Uint8Array(0)), 0n);
  t.equal(bytesToBigInt(fromHex('00000102')), 0x102n);
  t.equal(bytesToBigInt(fromHex('ff')), 255n);
  t.equal(toHex(bigIntToBytes(0x102n, 4)), '00000102');
  t.equal(toHex(bigIntToBytes(0xabcn, 2)), '0abc', 'odd number of hex digits');
  t.equal(toHex(bigIntToBytes(0n, 3)), '000000');
  t.equal(toHex(bigIntToBytes(0xffffn, 2)), 'ffff');
  t.throws(() => bigIntToBytes(0x10000n, 2), RangeError, 'does not fit');
  t.throws(() => bigIntToBytes(-1n, 2), RangeError, 'negative');
  t.equal(toHex(bigIntToMinimalBytes(0x00102n)), '0102');
  t.equal(bigIntToMinimalBytes(0n).length, 0);
  const x = nodeRandom(300);
  t.equal(toHex(bigIntToBytes(bytesToBigInt(x), 300)), toHex(x), 'round trip of 300 random bytes');
  t.equal(bytesToBigInt(x), BigInt('0x' + toHex(x)));
});

t.test('bigint: bitLength', async (t) => {
  t.equal(bitLength(0n), 0);
  t.equal(bitLength(1n), 1);
  t.equal(bitLength(0xffn), 8);
  t.equal(bitLength(0x100n), 9);
  t.equal(bitLength(1n << 2047n), 2048);
  t.equal(bitLength((1n << 1023n) - 1n), 1023);
  t.throws(() => bitLength(-1n), RangeError);
});

t.test('bigint: modPow agrees with square-and-multiply for every window size', async (t) => {
  function naive(b: bigint, e: bigint, m: bigint): bigint {
    let r = 1n % m;
    b %= m;
    if (b < 0n) b += m;
    while (e > 0n) {
      if (e & 1n) r = (r * b) % m;
      b = (b * b) % m;
      e >>= 1n;
    }
    return r;
  }
  // Exponent sizes on both sides of each window threshold (23, 79, 239, 671 bits).
  for (const ebits of [1, 2, 17, 23, 24, 79, 80, 239, 240, 671, 672, 1024]) {
    const m = bytesToBigInt(nodeRandom(64)) | 1n;
    const b = bytesToBigInt(nodeRandom(70));
    const e = (bytesToBigInt(nodeRandom(Math.ceil(ebits / 8) + 1)) & ((1n << BigInt(ebits)) - 1n)) | (1n << BigInt(ebits - 1));
    t.equal(modPow(b, e, m), naive(b, e, m), `${ebits}-bit exponent`);
  }
  t.equal(modPow(5n, 0n, 7n), 1n, 'x^0 = 1');
  t.equal(modPow(5n, 3n, 1n), 0n, 'mod 1');
  t.equal(modPow(0n, 5n, 7n), 0n);
  t.equal(modPow(-2n, 3n, 7n), 6n, 'negative base is reduced first: (-8) mod 7');
  t.equal(modPow(3n, 0b1000000001n, 1000n), naive(3n, 0b1000000001n, 1000n), 'long zero run');
  t.throws(() => modPow(2n, -1n, 7n), RangeError);
  t.throws(() => modPow(2n, 3n, 0n), RangeError);
});

t.test('bigint: modInverse and gcd', async (t) => {
  t.equal(modInverse(3n, 11n), 4n);
  t.equal(modInverse(-3n, 11n), 7n);
  t.equal(gcd(12n, 18n), 6n);
  t.throws(() => modInverse(6n, 9n), RangeError, 'not invertible');
  const m = bytesToBigInt(nodeRandom(128)) | 1n;
  const a = bytesToBigInt(nodeRandom(100));
  if (gcd(a, m) === 1n) t.equal((modInverse(a, m) * a) % m, 1n);
  else t.throws(() => modInverse(a, m), RangeError);
});

t.test('key constructors compute CRT parameters and reject inconsistent keys', async (t) => {
  for (const k of keys) {
    t.equal(k.priv.size, k.bits / 8, `${k.bits}: size in bytes`);
    const computed = rsaPrivateKey({ n: k.priv.n, e: k.priv.e, d: k.priv.d, p: k.priv.p, q: k.priv.q });
    t.equal(computed.dp, b64(k.jwk.dp), 'dp');
    t.equal(computed.dq, b64(k.jwk.dq), 'dq');
    t.equal(computed.qinv, b64(k.jwk.qi), 'qinv');
  }
  const { n, e, d, p, q, dp, dq, qinv } = keys[0]!.priv;
  t.throws(() => rsaPrivateKey({ n: n + 2n, e, d, p, q }), RangeError, 'n != p*q');
  t.throws(() => rsaPrivateKey({ n, e, d, p, q, dp: dp + 1n }), RangeError, 'wrong dp');
  t.throws(() => rsaPrivateKey({ n, e, d, p, q, dq: dq - 1n }), RangeError, 'wrong dq');
  t.throws(() => rsaPrivateKey({ n, e, d, p, q, qinv: qinv + 1n }), RangeError, 'wrong qinv');
  t.throws(() => rsaPrivateKey({ n, e, d: d + 2n, p, q }), RangeError, 'wrong d');
  t.throws(() => rsaPublicKey(n + 1n, e), RangeError, 'even modulus');
  t.throws(() => rsaPublicKey(n, 65538n), RangeError, 'even exponent');
  t.throws(() => rsaPublicKey(n, 1n), RangeError, 'exponent 1');
  t.equal(rsaPublicKey(0x1_0001n * 3n, 3n).size, 3);
});

t.test('raw operations agree with node:crypto and invert each other', async (t) => {
  for (const k of keys) {
    for (let i = 0; i < 3; i++) {
      const x = randomBelow(k.priv.n, k.priv.size);
      const c = rsaPublicRawOp(k.pub, x);
      t.equal(toHex(c), toHex(nodeRawPublic(k, x)), `${k.bits}: public op = node`);
      const m = rsaPrivateRawOp(k.priv, c);
      t.equal(toHex(m), toHex(x), `${k.bits}: private(public(x)) = x`);
      const y = randomBelow(k.priv.n, k.priv.size);
      const s = rsaPrivateRawOp(k.priv, y);
      t.equal(toHex(s), toHex(nodeRawPrivate(k, y)), `${k.bits}: private op = node`);
      t.equal(bytesToBigInt(s), modPow(bytesToBigInt(y), k.priv.d, k.priv.n), `${k.bits}: CRT = c^d mod n`);
    }
    const one = rsaPrivateRawOp(k.priv, fromHex('01'));
    t.equal(one.length, k.priv.size, 'output left-padded to the modulus size');
    t.equal(bytesToBigInt(one), 1n);
    const nBytes = bigIntToBytes(k.priv.n, k.priv.size);
    t.throws(() => rsaPublicRawOp(k.pub, nBytes), RangeError, 'input = n');
    t.throws(() => rsaPrivateRawOp(k.priv, nBytes), RangeError, 'input = n');
    t.throws(() => rsaPrivateRawOp(k.priv, new Uint8Array(k.priv.size).fill(0xff)), RangeError, 'input > n');
  }
});

t.test('private op stays correct across blinding refreshes and with an injected random source', async (t) => {
  const k = keys[0]!;
  let drawn = 0;
  const counting = (n: number): Uint8Array => {
    drawn += n;
    return nodeRandom(n);
  };
  const fresh = rsaPrivateKey({ n: k.priv.n, e: k.priv.e, d: k.priv.d, p: k.priv.p, q: k.priv.q });
  let ok = 0;
  for (let i = 0; i < 70; i++) {
    const x = randomBelow(fresh.n, fresh.size);
    if (toHex(rsaPrivateRawOp(fresh, rsaPublicRawOp(fresh, x), counting)) === toHex(x)) ok++;
  }
  t.equal(ok, 70, '70 operations, more than two refresh periods');
  t.ok(drawn >= 3 * fresh.size, 'blinding drew from the given random source (initial + 2 refreshes)');
});

t.test('a key whose CRT values disagree fails its check instead of returning a wrong result', async (t) => {
  const k = keys[0]!.priv;
  const broken: RsaPrivateKey = { ...k, dp: k.dp ^ 2n }; // bypasses the constructor's checks
  t.throws(() => rsaPrivateRawOp(broken, fromHex('1234')), /consistency check/);
});

/** Parses a decrypted type 2 block; returns the message, or throws if the structure is wrong. */
function parseType2(em: Uint8Array): Uint8Array {
  if (em[0] !== 0 || em[1] !== 2) throw new Error('bad header ' + toHex(em.subarray(0, 2)));
  let i = 2;
  while (i < em.length && em[i] !== 0) i++;
  if (i === em.length) throw new Error('no separator');
  if (i - 2 < 8) throw new Error('padding shorter than 8');
  return em.subarray(i + 1);
}

t.test('pkcs1Encrypt makes type 2 blocks that node decrypts', async (t) => {
  for (const k of keys) {
    const msg = nodeRandom(48);
    const c1 = pkcs1Encrypt(ops, k.pub, msg);
    const c2 = pkcs1Encrypt(ops, k.pub, msg);
    t.equal(c1.length, k.pub.size);
    t.not(toHex(c1), toHex(c2), 'random padding: two encryptions differ');
    // Node 20 refuses RSA_PKCS1_PADDING private decryption (CVE-2023-46809), so decrypt raw and parse.
    const em = nodeRawPrivate(k, c1);
    t.equal(toHex(parseType2(em)), toHex(msg), `${k.bits}: node recovers the message`);
    t.equal(em.subarray(2, k.pub.size - 49).indexOf(0), -1, 'padding has no zero byte');
    t.equal(toHex(decryptPremaster(ops, k.priv, c1, (msg[0]! << 8) | msg[1]!)), toHex(msg), 'and so do we');
  }
  const k = keys[0]!;
  const maxLen = k.pub.size - 11;
  t.equal(toHex(parseType2(nodeRawPrivate(k, pkcs1Encrypt(ops, k.pub, new Uint8Array(maxLen).fill(7))))), '07'.repeat(maxLen));
  t.throws(() => pkcs1Encrypt(ops, k.pub, new Uint8Array(maxLen + 1)), RangeError, 'message longer than size - 11');
  t.equal(toHex(parseType2(nodeRawPrivate(k, pkcs1Encrypt(ops, k.pub, new Uint8Array(0))))), '', 'empty message');
});

t.test('pkcs1Encrypt replaces zero bytes from the random source', async (t) => {
  const k = keys[0]!;
  let call = 0;
  // Two bytes in three are zero, in every draw.
  const zeroHeavy: RsaOps = {
    ...ops,
    random: (n) => {
      call++;
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = (i + call) % 3 === 0 ? 0x5a : 0;
      return out;
    },
  };
  const msg = fromHex('0301' + 'ab'.repeat(46));
  const em = nodeRawPrivate(k, pkcs1Encrypt(zeroHeavy, k.pub, msg));
  t.equal(toHex(parseType2(em)), toHex(msg));
  t.equal(em.subarray(2, k.pub.size - 49).indexOf(0), -1, 'no zero byte in the padding');
  t.ok(call > 1, 'redrew');
});

const TLS10 = 0x0301;

t.test('decryptPremaster returns the premaster node encrypted', async (t) => {
  for (const k of keys) {
    const pm = concatBytes(fromHex('0301'), nodeRandom(46));
    const ct = new Uint8Array(nodeCrypto.publicEncrypt({ key: k.nodePub, padding: constants.RSA_PKCS1_PADDING }, pm));
    t.equal(toHex(decryptPremaster(ops, k.priv, ct, TLS10)), toHex(pm), `${k.bits}: good premaster passes unchanged`);
  }
});

/** Builds an EM block by hand and encrypts it raw, so any malformation can be produced. */
function craft(k: TestKey, build: (em: Uint8Array, sep: number) => void): Uint8Array {
  const size = k.pub.size;
  const em = new Uint8Array(size);
  em[1] = 2;
  for (let i = 2; i < size; i++) em[i] = 1 + (i % 200);
  const sep = size - 49;
  em[sep] = 0;
  em[sep + 1] = 3;
  em[sep + 2] = 1;
  build(em, sep);
  return rsaPublicRawOp(k.pub, em);
}

t.test('decryptPremaster: a well-formed hand-made block decrypts to its last 48 bytes', async (t) => {
  const k = keys[1]!;
  const ct = craft(k, () => {});
  const em = nodeRawPrivate(k, ct);
  t.equal(toHex(decryptPremaster(ops, k.priv, ct, TLS10)), toHex(em.subarray(k.pub.size - 48)));
});

t.test('decryptPremaster: every bad block gives client_version || random, never throws', async (t) => {
  for (const k of keys) {
    const size = k.pub.size;
    const cases: Array<[string, Uint8Array]> = [
      ['wrong first byte', craft(k, (em) => (em[0] = 0x01))],
      ['block type 1', craft(k, (em) => (em[1] = 0x01))],
      ['block type 0', craft(k, (em) => (em[1] = 0x00))],
      ['separator after only 7 padding bytes (message too long)', craft(k, (em) => (em[9] = 0))],
      ['zero byte inside the padding', craft(k, (em, sep) => (em[sep - 5] = 0))],
      ['no separator at all', craft(k, (em, sep) => (em[sep] = 0x33))],
      ['message of 47 bytes', craft(k, (em, sep) => ((em[sep] = 0x44), (em[sep + 1] = 0)))],
      ['message of 49 bytes', craft(k, (em, sep) => ((em[sep - 1] = 0), (em[sep] = 0x03)))],
      ['wrong version (3,0)', craft(k, (em, sep) => (em[sep + 2] = 0))],
      ['wrong version (2,1)', craft(k, (em, sep) => (em[sep + 1] = 2))],
      ['ciphertext one byte short', nodeRandom(size - 1)],
      ['ciphertext one byte long', concatBytes(new Uint8Array(1), craft(k, () => {}))],
      ['empty ciphertext', new Uint8Array(0)],
      ['ciphertext = n', bigIntToBytes(k.pub.n, size)],
      ['ciphertext all ff (> n)', new Uint8Array(size).fill(0xff)],
    ];
    for (const [name, ct] of cases) {
      let a: Uint8Array | undefined;
      let b: Uint8Array | undefined;
      t.doesNotThrow(() => {
        a = decryptPremaster(ops, k.priv, ct, TLS10);
        b = decryptPremaster(ops, k.priv, ct, TLS10);
      }, `${k.bits}: ${name}: no throw`);
      t.equal(a?.length, 48, `${name}: 48 bytes`);
      t.equal(toHex(a!.subarray(0, 2)), '0301', `${name}: starts with the client version`);
      t.not(toHex(a!), toHex(b!), `${name}: random each time`);
      // For the crafted cases, the random premaster must not be the block's tail either.
      if (ct.length === size && bytesToBigInt(ct) < k.pub.n) {
        t.not(toHex(a!.subarray(2)), toHex(nodeRawPrivate(k, ct).subarray(size - 46)), `${name}: not the decrypted tail`);
      }
    }
  }
});

t.test('decryptPremaster: the version check and its RFC 5246 switch', async (t) => {
  const k = keys[0]!;
  const ct = craft(k, (em, sep) => ((em[sep + 1] = 3), (em[sep + 2] = 0)));
  const tail = toHex(nodeRawPrivate(k, ct).subarray(k.pub.size - 48));
  t.equal(tail.slice(0, 4), '0300');
  const checked = decryptPremaster(ops, k.priv, ct, TLS10);
  t.equal(toHex(checked.subarray(0, 2)), '0301', 'checked: client version, random rest');
  t.not(toHex(checked), tail);
  t.equal(toHex(decryptPremaster(ops, k.priv, ct, 0x0300)), tail, 'version matches the client_version given');
  t.equal(toHex(decryptPremaster(ops, k.priv, ct, TLS10, { checkVersion: false })), tail, 'check off: M unchanged');
  const badPad = craft(k, (em) => (em[1] = 1));
  const r = decryptPremaster(ops, k.priv, badPad, TLS10, { checkVersion: false });
  t.equal(toHex(r.subarray(0, 2)), '0301', 'check off still randomizes bad padding');
});

t.test('decryptPremaster draws its random bytes before decrypting', async (t) => {
  const k = keys[0]!;
  const order: string[] = [];
  const spy: RsaOps = {
    rsaPublicRaw: ops.rsaPublicRaw,
    rsaPrivateRaw: (key, input) => (order.push('decrypt'), ops.rsaPrivateRaw(key, input)),
    random: (n) => (order.push(`random(${n})`), nodeRandom(n)),
  };
  decryptPremaster(spy, k.priv, craft(k, () => {}), TLS10);
  decryptPremaster(spy, k.priv, craft(k, (em) => (em[0] = 1)), TLS10);
  t.same(order, ['random(46)', 'decrypt', 'random(46)', 'decrypt']);
  order.length = 0;
  const fixed: RsaOps = { ...spy, random: (n) => new Uint8Array(n).fill(0xee) };
  t.equal(toHex(decryptPremaster(fixed, k.priv, craft(k, (em) => (em[1] = 1)), TLS10)), '0301' + 'ee'.repeat(46), 'R is the fallback');
});

const md5 = (d: Uint8Array) => new Uint8Array(nodeCrypto.createHash('md5').update(d).digest());
const sha1 = (d: Uint8Array) => new Uint8Array(nodeCrypto.createHash('sha1').update(d).digest());

t.test('TLS 1.0 signatures (MD5||SHA-1, no DigestInfo) match node privateEncrypt/publicDecrypt', async (t) => {
  for (const k of keys) {
    const data = nodeRandom(100);
    const digest = concatBytes(md5(data), sha1(data));
    const ours = signTls(ops, k.priv, digest);
    const theirs = new Uint8Array(nodeCrypto.privateEncrypt({ key: k.node, padding: constants.RSA_PKCS1_PADDING }, digest));
    t.equal(toHex(ours), toHex(theirs), `${k.bits}: identical signature (type 1 padding is deterministic)`);
    t.equal(toHex(nodeCrypto.publicDecrypt({ key: k.nodePub, padding: constants.RSA_PKCS1_PADDING }, ours)), toHex(digest));
    t.equal(verifyTls(ops, k.pub, digest, theirs), true, 'verifies node signature');
    const flipped = ours.slice();
    flipped[flipped.length - 1]! ^= 1;
    t.equal(verifyTls(ops, k.pub, digest, flipped), false, 'bit flip');
    const otherDigest = digest.slice();
    otherDigest[0]! ^= 0x80;
    t.equal(verifyTls(ops, k.pub, otherDigest, ours), false, 'other digest');
    t.equal(verifyTls(ops, k.pub, digest, concatBytes(new Uint8Array(1), ours)), false, 'longer than the modulus');
    t.equal(verifyTls(ops, k.pub, digest, new Uint8Array(0)), false, 'empty');
    t.equal(verifyTls(ops, k.pub, digest, bigIntToBytes(k.pub.n, k.pub.size)), false, 'signature = n');
    // A DigestInfo signature over the same bytes is not a TLS 1.0 signature.
    t.equal(verifyTls(ops, k.pub, digest, signPkcs1DigestInfo(ops, k.priv, 'sha1', sha1(data))), false, 'DigestInfo form');
  }
  t.throws(() => signTls(ops, keys[0]!.priv, new Uint8Array(35)), RangeError);
  t.throws(() => verifyTls(ops, keys[0]!.pub, new Uint8Array(20), new Uint8Array(128)), RangeError);
});

t.test('verifyTls accepts a signature whose leading zero byte was dropped', async (t) => {
  const k = keys[0]!;
  let digest: Uint8Array = new Uint8Array(36);
  let sig: Uint8Array = new Uint8Array(0);
  for (let i = 0; i < 5000; i++) {
    digest = nodeRandom(36);
    sig = signTls(ops, k.priv, digest);
    if (sig[0] === 0) break;
  }
  t.equal(sig[0], 0, 'found a signature with a leading zero byte');
  t.equal(verifyTls(ops, k.pub, digest, sig), true);
  t.equal(verifyTls(ops, k.pub, digest, sig.subarray(1)), true, 'shortened signature');
});

const HASHES: Array<[DigestInfoHash, string]> = [
  ['md5', 'md5'],
  ['sha1', 'sha1'],
  ['sha256', 'sha256'],
  ['sha384', 'sha384'],
  ['sha512', 'sha512'],
];

t.test('DigestInfo signatures match node crypto.sign/verify', async (t) => {
  for (const k of keys) {
    for (const [ours, nodeName] of HASHES) {
      const data = nodeRandom(77);
      const digest = new Uint8Array(nodeCrypto.createHash(nodeName).update(data).digest());
      const sig = signPkcs1DigestInfo(ops, k.priv, ours, digest);
      const nodeSig = new Uint8Array(nodeCrypto.sign(nodeName, data, k.node));
      t.equal(toHex(sig), toHex(nodeSig), `${k.bits} ${ours}: same signature as node`);
      t.equal(nodeCrypto.verify(nodeName, data, k.nodePub, sig), true, `${ours}: node verifies ours`);
      t.equal(verifyPkcs1DigestInfo(ops, k.pub, ours, digest, nodeSig), true, `${ours}: we verify node's`);
      const bad = nodeSig.slice();
      bad[5]! ^= 0x10;
      t.equal(verifyPkcs1DigestInfo(ops, k.pub, ours, digest, bad), false, `${ours}: corrupted`);
    }
  }
});

t.test('DigestInfo verification compares the whole block (no loose parsing)', async (t) => {
  const k = keys[1]!;
  const size = k.pub.size;
  const digest = new Uint8Array(nodeCrypto.createHash('sha256').update('hello').digest());
  const info = digestInfo('sha256', digest);
  t.equal(
    toHex(info.subarray(0, 19)),
    '3031300d060960864801650304020105000420',
    'RFC 8017 9.2 note 1 prefix for SHA-256',
  );
  t.equal(toHex(digestInfo('sha1', new Uint8Array(20)).subarray(0, 15)), '3021300906052b0e03021a05000414');
  t.equal(toHex(digestInfo('md5', new Uint8Array(16)).subarray(0, 18)), '3020300c06082a864886f70d020505000410');
  /** Signs an arbitrary block with the raw private op (what a forger would like to produce cheaply). */
  const rawSign = (em: Uint8Array) => rsaPrivateRawOp(k.priv, em);
  const block = (pad: number, payload: Uint8Array, bt = 1, padByte = 0xff) => {
    const em = new Uint8Array(size);
    em[1] = bt;
    em.fill(padByte, 2, 2 + pad);
    em.set(payload, 3 + pad);
    return em;
  };
  const goodPad = size - 3 - info.length;
  t.equal(verifyPkcs1DigestInfo(ops, k.pub, 'sha256', digest, rawSign(block(goodPad, info))), true, 'control: correct block');
  const garbage = concatBytes(info, new Uint8Array(20).fill(0x41));
  t.equal(verifyPkcs1DigestInfo(ops, k.pub, 'sha256', digest, rawSign(block(goodPad - 20, garbage))), false, 'garbage after the DigestInfo');
  t.equal(verifyPkcs1DigestInfo(ops, k.pub, 'sha256', digest, rawSign(block(goodPad, info, 1, 0xfe))), false, 'padding not ff');
  t.equal(verifyPkcs1DigestInfo(ops, k.pub, 'sha256', digest, rawSign(block(goodPad, info, 2))), false, 'block type 2');
  const sloppy = info.slice();
  sloppy[5] = 0x0e; // a longer OID length byte, with the rest unchanged: a parser-confusion attempt
  t.equal(verifyPkcs1DigestInfo(ops, k.pub, 'sha256', digest, rawSign(block(goodPad, sloppy))), false, 'altered DigestInfo');
  const absent = digestInfo('sha256', digest, false);
  t.equal(toHex(absent.subarray(0, 17)), '302f300b0609608648016503040201' + '0420', 'DigestInfo without NULL parameters');
  t.equal(
    verifyPkcs1DigestInfo(ops, k.pub, 'sha256', digest, rawSign(block(size - 3 - absent.length, absent))),
    true,
    'absent parameters accepted (RFC 8017 B.1 note)',
  );
  t.equal(verifyPkcs1DigestInfo(ops, k.pub, 'sha1', digest.subarray(0, 20), rawSign(block(goodPad, info))), false, 'wrong hash');
  t.throws(() => signPkcs1DigestInfo(ops, k.priv, 'sha256', new Uint8Array(20)), RangeError, 'digest length');
});

t.test('RsaOps is what a CryptoProvider offers', async (t) => {
  const provider = {
    name: 'test',
    createCipher: () => ({ update: (d: Uint8Array) => d }),
    createMac: () => ({ outputLength: 0, mac: () => new Uint8Array(0) }),
    hash: () => new Uint8Array(0),
    rsaPublicRaw: rsaPublicRawOp,
    rsaPrivateRaw: (key: RsaPrivateKey, input: Uint8Array) => rsaPrivateRawOp(key, input),
    random: nodeRandom,
  } satisfies CryptoProvider;
  const asOps = providerIsRsaOps(provider);
  const k = keys[0]!;
  const pm = concatBytes(fromHex('0301'), nodeRandom(46));
  t.equal(toHex(decryptPremaster(asOps, k.priv, pkcs1Encrypt(asOps, k.pub, pm), TLS10)), toHex(pm));
});
