import t from 'tap';
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { TLSConfigError } from '../../lib/errors.js';
import { DecodeError } from '../../lib/util/bytes.js';
import {
  encodePrivateKeyPem,
  encodeRsaPrivateKeyPkcs1,
  encodeRsaPrivateKeyPkcs8,
  encodeRsaPublicKey,
  encodeRsaPublicKeyInfo,
  keyMatchesPublicKey,
  parsePrivateKey,
  parseRsaPublicKey,
  parseRsaPublicKeyInfo,
  parseSubjectPublicKeyInfo,
  rsaPublicKeyOf,
} from '../../lib/x509/keys.js';
import { pemDecode, pemEncode } from '../../lib/x509/pem.js';

const b64urlToBigInt = (s: string): bigint => BigInt('0x' + Buffer.from(s, 'base64url').toString('hex'));
const u8 = (b: Buffer | string): Uint8Array => new Uint8Array(b as Buffer);

function jwkNumbers(key: KeyObject): Record<string, bigint> {
  const jwk = key.export({ format: 'jwk' });
  const out: Record<string, bigint> = {};
  for (const k of ['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'] as const) if (jwk[k]) out[k] = b64urlToBigInt(jwk[k]!);
  return out;
}

// 1032 bits: the modulus is not a whole number of 64-bit words and its top byte is small,
// which exercises the size computation; 2048 is what real servers use.
const keys = [1032, 2048].map((bits) => ({ bits, ...generateKeyPairSync('rsa', { modulusLength: bits }) }));

for (const { bits, privateKey, publicKey } of keys) {
  const want = jwkNumbers(privateKey);
  const forms: [string, string | Uint8Array][] = [
    ['PKCS#1 PEM', privateKey.export({ type: 'pkcs1', format: 'pem' }) as string],
    ['PKCS#8 PEM', privateKey.export({ type: 'pkcs8', format: 'pem' }) as string],
    ['PKCS#1 DER', u8(privateKey.export({ type: 'pkcs1', format: 'der' }))],
    ['PKCS#8 DER', u8(privateKey.export({ type: 'pkcs8', format: 'der' }))],
    ['PKCS#8 PEM as bytes', u8(Buffer.from(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string))],
  ];
  t.test(`RSA-${bits}: every private key form gives the JWK numbers`, async (t) => {
    for (const [name, input] of forms) {
      const k = parsePrivateKey(input);
      t.same(
        { n: k.n, e: k.e, d: k.d, p: k.p, q: k.q, dp: k.dp, dq: k.dq, qi: k.qinv },
        want,
        name,
      );
      t.equal(k.size, Math.ceil(bits / 8), `${name}: size in bytes`);
    }
  });

  t.test(`RSA-${bits}: encoders produce OpenSSL's exact DER`, async (t) => {
    const k = parsePrivateKey(forms[0]![1]);
    t.same(encodeRsaPrivateKeyPkcs1(k), u8(privateKey.export({ type: 'pkcs1', format: 'der' })), 'PKCS#1');
    t.same(encodeRsaPrivateKeyPkcs8(k), u8(privateKey.export({ type: 'pkcs8', format: 'der' })), 'PKCS#8');
    t.same(encodeRsaPublicKeyInfo(k), u8(publicKey.export({ type: 'spki', format: 'der' })), 'SPKI');
    t.same(encodeRsaPublicKey(k), u8(publicKey.export({ type: 'pkcs1', format: 'der' })), 'PKCS#1 public');
    t.equal(encodePrivateKeyPem(k), privateKey.export({ type: 'pkcs8', format: 'pem' }), 'PKCS#8 PEM');
    t.equal(encodePrivateKeyPem(k, 'pkcs1'), privateKey.export({ type: 'pkcs1', format: 'pem' }), 'PKCS#1 PEM');
    // and Node loads what we write
    t.same(jwkNumbers(createPrivateKey({ key: Buffer.from(encodeRsaPrivateKeyPkcs8(k)), format: 'der', type: 'pkcs8' })), want);
  });

  t.test(`RSA-${bits}: public key parsing`, async (t) => {
    const spki = u8(publicKey.export({ type: 'spki', format: 'der' }));
    const pub = parseRsaPublicKeyInfo(spki);
    t.same(pub, { n: want.n, e: want.e, size: Math.ceil(bits / 8) });
    t.same(parseRsaPublicKey(u8(publicKey.export({ type: 'pkcs1', format: 'der' }))), pub);
    const k = parsePrivateKey(forms[1]![1]);
    t.same(rsaPublicKeyOf(k), pub);
    t.equal(keyMatchesPublicKey(k, pub), true);
    t.equal(keyMatchesPublicKey(parsePrivateKey(keys.find((x) => x.bits !== bits)!.privateKey.export({ type: 'pkcs8', format: 'pem' })), pub), false);
    t.equal(parseSubjectPublicKeyInfo(spki).algorithm, '1.2.840.113549.1.1.1');
  });
}

t.test('a PEM file holding a certificate and a key: the key is found', async (t) => {
  const pem = keys[0]!.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
  const fakeCert = pemEncode(new Uint8Array([0x30, 0x00]), 'CERTIFICATE');
  t.equal(parsePrivateKey(fakeCert + pem).n, parsePrivateKey(pem).n);
});

t.test('unsupported or broken private keys: TLSConfigError that says why', async (t) => {
  const rsa = keys[0]!.privateKey;
  const encPkcs8 = rsa.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-128-cbc', passphrase: 'pw' }) as string;
  t.throws(() => parsePrivateKey(encPkcs8), { name: 'TLSConfigError', message: /encrypted private keys are not supported/ });
  const encPkcs8Der = u8(rsa.export({ type: 'pkcs8', format: 'der', cipher: 'aes-128-cbc', passphrase: 'pw' }));
  t.throws(() => parsePrivateKey(encPkcs8Der), { name: 'TLSConfigError', message: /encrypted/ }, 'encrypted PKCS#8 DER');
  const encPkcs1 = rsa.export({ type: 'pkcs1', format: 'pem', cipher: 'aes-128-cbc', passphrase: 'pw' }) as string;
  t.match(encPkcs1, /Proc-Type: 4,ENCRYPTED/);
  t.throws(() => parsePrivateKey(encPkcs1), { name: 'TLSConfigError', message: /encrypted/ }, 'OpenSSL traditional encryption');

  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  t.throws(() => parsePrivateKey(ec.export({ type: 'pkcs8', format: 'pem' }) as string), { name: 'TLSConfigError', message: /^EC private keys are not supported/ });
  t.throws(() => parsePrivateKey(ec.export({ type: 'sec1', format: 'pem' }) as string), { name: 'TLSConfigError', message: /^EC private keys are not supported/ });
  const ed = generateKeyPairSync('ed25519').privateKey;
  t.throws(() => parsePrivateKey(u8(ed.export({ type: 'pkcs8', format: 'der' }))), { name: 'TLSConfigError', message: /^Ed25519 private keys/ });

  t.throws(() => parsePrivateKey('hello'), { name: 'TLSConfigError', message: /no PEM private key/ });
  const two = (rsa.export({ type: 'pkcs8', format: 'pem' }) as string).repeat(2);
  t.throws(() => parsePrivateKey(two), { name: 'TLSConfigError', message: /found 2 private keys/ });

  const der = u8(rsa.export({ type: 'pkcs1', format: 'der' }));
  t.throws(() => parsePrivateKey(der.subarray(0, der.length - 1)), TLSConfigError, 'truncated DER');
  const trailing = new Uint8Array([...der, 0]);
  t.throws(() => parsePrivateKey(trailing), { name: 'TLSConfigError', message: /trailing/ });

  // Damage one prime: the consistency checks notice before any handshake uses the key.
  const k = parsePrivateKey(der);
  const broken = encodeRsaPrivateKeyPkcs1({ ...k, p: k.p + 2n });
  t.throws(() => parsePrivateKey(broken), { name: 'TLSConfigError', message: /not the product of its primes/ });
  const badCrt = encodeRsaPrivateKeyPkcs1({ ...k, dp: k.dp + 1n });
  t.throws(() => parsePrivateKey(badCrt), { name: 'TLSConfigError', message: /CRT parameters/ });
  // A PRIVATE KEY block that holds garbage
  t.throws(() => parsePrivateKey(pemEncode(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]), 'PRIVATE KEY')), TLSConfigError);
});

t.test('malformed public keys (peer input): DecodeError only', async (t) => {
  const spki = u8(keys[0]!.publicKey.export({ type: 'spki', format: 'der' }));
  const ecSpki = u8(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' }));
  t.throws(() => parseRsaPublicKeyInfo(ecSpki), { name: 'DecodeError', message: /EC key, not rsaEncryption/ });
  t.same(parseSubjectPublicKeyInfo(ecSpki).parameters, '1.2.840.10045.3.1.7', 'EC named curve is reported');
  let others = 0;
  for (let cut = 0; cut < spki.length; cut++) {
    try {
      parseRsaPublicKeyInfo(spki.subarray(0, cut));
      others++; // a truncated key must not parse
    } catch (e) {
      if (!(e instanceof DecodeError)) others++;
    }
  }
  t.equal(others, 0, 'every truncation is a DecodeError');
  t.throws(() => parseRsaPublicKeyInfo(new Uint8Array([...spki, 0])), DecodeError, 'trailing byte');
  // e = 1 and an even modulus are not RSA keys
  const pub = parseRsaPublicKeyInfo(spki);
  t.throws(() => parseRsaPublicKeyInfo(encodeRsaPublicKeyInfo({ ...pub, e: 1n })), { name: 'DecodeError', message: /exponent/ });
  t.throws(() => parseRsaPublicKeyInfo(encodeRsaPublicKeyInfo({ ...pub, n: pub.n + 1n })), { name: 'DecodeError', message: /modulus/ });
  t.throws(() => parseRsaPublicKey(pemDecode(keys[0]!.publicKey.export({ type: 'spki', format: 'pem' }) as string)[0]!), DecodeError, 'SPKI is not PKCS#1');
});

t.test('Node reads our SubjectPublicKeyInfo as the same key', async (t) => {
  const k = parsePrivateKey(keys[1]!.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
  const node = createPublicKey({ key: Buffer.from(encodeRsaPublicKeyInfo(k)), format: 'der', type: 'spki' });
  t.equal(node.asymmetricKeyDetails?.modulusLength, 2048);
  t.equal(node.asymmetricKeyDetails?.publicExponent, 65537n);
});
