import t from 'tap';
import { readFileSync } from 'node:fs';
import { createHash as nodeCreateHash, createHmac, randomBytes } from 'node:crypto';
import {
  createHash,
  createMac,
  hash,
  hashLength,
  hmac,
  hmacMd5,
  hmacSha1,
  hmacSha256,
  md5,
  sha1,
  sha256,
  type AnyHashName,
} from '../../lib/crypto/hash.js';
import { fromHex, toHex, utf8 } from '../../lib/util/bytes.js';
import { vectorPath } from '../helpers/paths.js';

interface HashCase {
  name: string;
  hash: AnyHashName;
  message?: string;
  repeat?: string;
  count?: number;
  digest: string;
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
const hashVectors = JSON.parse(readFileSync(vectorPath('hash.json'), 'utf8')) as { source: string; cases: HashCase[] };
const hmacVectors = JSON.parse(readFileSync(vectorPath('hmac-rfc2202.json'), 'utf8')) as { source: string; cases: HmacCase[] };
const rand = (n: number): Uint8Array => new Uint8Array(randomBytes(n));

t.test('hash known answers (RFC 1321, FIPS 180)', (t) => {
  t.match(hashVectors.source, /RFC 1321/);
  for (const c of hashVectors.cases) {
    const msg = utf8(c.repeat !== undefined ? c.repeat.repeat(c.count!) : c.message!);
    t.equal(toHex(hash(c.hash, msg)), c.digest, c.name);
    // the same message in two parts
    const cut = msg.length >> 1;
    t.equal(toHex(hash(c.hash, msg.subarray(0, cut), msg.subarray(cut))), c.digest, `${c.name} (two parts)`);
  }
  t.equal(toHex(md5(utf8('abc'))), '900150983cd24fb0d6963f7d28e17f72');
  t.equal(toHex(sha1(utf8('abc'))), 'a9993e364706816aba3e25717850c26c9cd0d89d');
  t.equal(toHex(sha256(utf8('abc'))), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  t.equal(toHex(md5()), 'd41d8cd98f00b204e9800998ecf8427e', 'no parts = empty message');
  t.same([hashLength('md5'), hashLength('sha1'), hashLength('sha256')], [16, 20, 32]);
  t.end();
});

t.test('HMAC RFC 2202 cases 1-7, one-shot and with a precomputed key', (t) => {
  t.match(hmacVectors.source, /RFC 2202/);
  t.equal(hmacVectors.cases.length, 7);
  for (const c of hmacVectors.cases) {
    const data = fromHex(c.data);
    t.equal(toHex(hmacMd5(fromHex(c.md5Key), data)), c.md5, `HMAC-MD5 case ${c.case}`);
    t.equal(toHex(hmacSha1(fromHex(c.sha1Key), data)), c.sha1, `HMAC-SHA1 case ${c.case}`);
    const m = createMac('md5', fromHex(c.md5Key));
    const s = createMac('sha1', fromHex(c.sha1Key));
    t.equal(m.outputLength, 16);
    t.equal(s.outputLength, 20);
    // twice, in parts, interleaved: the precomputed state must not be consumed by a call
    for (let i = 0; i < 2; i++) {
      t.equal(toHex(m.mac(data.subarray(0, 3), data.subarray(3))), c.md5, `MD5 case ${c.case} call ${i}`);
      t.equal(toHex(s.mac(data)), c.sha1, `SHA1 case ${c.case} call ${i}`);
    }
    if (c.md5_96) t.equal(toHex(m.mac(data).subarray(0, 12)), c.md5_96);
    if (c.sha1_96) t.equal(toHex(s.mac(data).subarray(0, 12)), c.sha1_96);
  }
  t.end();
});

t.test('HMAC-SHA-256 (RFC 4231 test cases 1 and 2)', (t) => {
  t.equal(
    toHex(hmacSha256(new Uint8Array(20).fill(0x0b), utf8('Hi There'))),
    'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
  );
  t.equal(
    toHex(hmac('sha256', utf8('Jefe'), utf8('what do ya want for nothing?'))),
    '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
  );
  t.end();
});

t.test('agrees with node:crypto on random keys and messages', (t) => {
  for (const name of ['md5', 'sha1', 'sha256'] as const) {
    for (const keyLen of [0, 1, 20, 63, 64, 65, 200]) {
      const key = rand(keyLen);
      const mac = createMac(name, key);
      for (const len of [0, 1, 55, 56, 64, 1000]) {
        const msg = rand(len);
        const want = createHmac(name, key).update(msg).digest('hex');
        t.equal(toHex(mac.mac(msg)), want, `HMAC-${name} key ${keyLen} msg ${len}`);
        t.equal(toHex(hash(name, msg)), nodeCreateHash(name).update(msg).digest('hex'), `${name} msg ${len}`);
      }
    }
  }
  t.end();
});

t.test('createHash: incremental, and clone() forks the state', (t) => {
  const h = createHash('sha1');
  t.equal(h.outputLength, 20);
  h.update(utf8('ab'));
  const fork = h.clone();
  h.update(utf8('c'));
  fork.update(utf8('cdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'));
  t.equal(toHex(h.digest()), 'a9993e364706816aba3e25717850c26c9cd0d89d');
  t.equal(toHex(fork.digest()), '84983e441c3bd26ebaae4aa1f95129e5e54670f1');
  const m = createHash('md5').update(utf8('message ')).update(utf8('digest'));
  t.equal(toHex(m.digest()), 'f96b697d7cb7938d525a2f31aaf161d0');
  t.end();
});

t.test('unknown hash names and bad keys are rejected', (t) => {
  t.throws(() => hash('sha512' as AnyHashName, new Uint8Array(1)), TypeError);
  t.throws(() => createMac('toString' as AnyHashName, new Uint8Array(1)), TypeError);
  t.throws(() => createMac('sha1', 'key' as unknown as Uint8Array), TypeError);
  t.end();
});
