import t from 'tap';
import { readFileSync } from 'node:fs';
import { createHash as nodeCreateHash, randomBytes } from 'node:crypto';
import forge from 'node-forge';
import { finishedVerifyData, keyBlock, masterSecret, prf, splitSecret } from '../../lib/crypto/prf.js';
import { concatBytes, fromHex, toHex } from '../../lib/util/bytes.js';
import { vectorPath } from '../helpers/paths.js';

interface PrfVectors {
  source: string;
  prf: { name: string; secret: string; label: string; seed: string; output: string; outputMd5: string }[];
  masterSecret: { name: string; preMaster: string; clientRandom: string; serverRandom: string; master: string }[];
  keyBlock: { name: string; master: string; clientRandom: string; serverRandom: string; keyBlock: string }[];
  keySchedule: {
    name: string;
    preMaster: string;
    clientRandom: string;
    serverRandom: string;
    master: string;
    macLength: number;
    keyLength: number;
    clientMac: string;
    serverMac: string;
    clientKey: string;
    serverKey: string;
  }[];
  split: { secret: string; s1: string; s2: string }[];
}
const v = JSON.parse(readFileSync(vectorPath('prf-tls10.json'), 'utf8')) as PrfVectors;
const rand = (n: number): Uint8Array => new Uint8Array(randomBytes(n));

/** node-forge's TLS 1.0 PRF, an independent implementation (binary strings in, ByteBuffer out). */
function forgePrf(secret: Uint8Array, label: string, seed: Uint8Array, length: number): string {
  const bin = (b: Uint8Array): string => String.fromCharCode(...b);
  return forge.tls.prf_tls1(bin(secret), label, bin(seed), length).toHex();
}

t.test('classic TLS 1.0 PRF vector', (t) => {
  t.match(v.source, /RFC 2246/);
  for (const c of v.prf) {
    const out = prf(fromHex(c.secret), c.label, fromHex(c.seed), c.output.length / 2);
    t.equal(toHex(out), c.output, c.name);
    t.equal(nodeCreateHash('md5').update(out).digest('hex'), c.outputMd5);
    // any prefix length gives the prefix
    t.equal(toHex(prf(fromHex(c.secret), c.label, fromHex(c.seed), 17)), c.output.slice(0, 34));
  }
  t.end();
});

t.test('master secret and key expansion (NIST CAVS via OpenSSL)', (t) => {
  for (const c of v.masterSecret) {
    t.equal(toHex(masterSecret(fromHex(c.preMaster), fromHex(c.clientRandom), fromHex(c.serverRandom))), c.master, c.name);
  }
  for (const c of v.keyBlock) {
    const kb = keyBlock(fromHex(c.master), fromHex(c.clientRandom), fromHex(c.serverRandom), c.keyBlock.length / 2);
    t.equal(toHex(kb), c.keyBlock, c.name);
    // the randoms are used in server+client order: swapping them must change the block
    t.not(toHex(keyBlock(fromHex(c.master), fromHex(c.serverRandom), fromHex(c.clientRandom), 16)), c.keyBlock.slice(0, 32));
  }
  t.end();
});

t.test('full TLS 1.0 key schedules (Go prf_test.go, generated with GnuTLS)', (t) => {
  t.equal(v.keySchedule.length, 3);
  for (const c of v.keySchedule) {
    const cr = fromHex(c.clientRandom);
    const sr = fromHex(c.serverRandom);
    const master = masterSecret(fromHex(c.preMaster), cr, sr);
    t.equal(toHex(master), c.master, `${c.name} master`);
    const kb = keyBlock(master, cr, sr, 2 * c.macLength + 2 * c.keyLength);
    let off = 0;
    const take = (n: number): string => toHex(kb.subarray(off, (off += n)));
    t.equal(take(c.macLength), c.clientMac, `${c.name} client MAC`);
    t.equal(take(c.macLength), c.serverMac, `${c.name} server MAC`);
    t.equal(take(c.keyLength), c.clientKey, `${c.name} client key`);
    t.equal(take(c.keyLength), c.serverKey, `${c.name} server key`);
  }
  t.end();
});

t.test('secret split: halves overlap by one byte when the length is odd', (t) => {
  for (const c of v.split) {
    const [s1, s2] = splitSecret(fromHex(c.secret));
    t.same([toHex(s1), toHex(s2)], [c.s1, c.s2], `split "${c.secret}"`);
  }
  t.end();
});

t.test('agrees with node-forge prf_tls1 on random inputs (odd, even and empty secrets)', (t) => {
  for (const secretLen of [0, 1, 2, 3, 47, 48, 49, 128, 129]) {
    const secret = rand(secretLen);
    const seed = rand(64);
    for (const length of [0, 1, 12, 16, 20, 48, 104, 137]) {
      t.equal(toHex(prf(secret, 'key expansion', seed, length)), forgePrf(secret, 'key expansion', seed, length), `secret ${secretLen}, length ${length}`);
    }
  }
  t.end();
});

t.test('Finished verify_data = PRF(master, label, MD5 + SHA-1)[0..11]', (t) => {
  const master = rand(48);
  const md5h = rand(16);
  const sha1h = rand(20);
  for (const label of ['client finished', 'server finished'] as const) {
    const vd = finishedVerifyData(master, label, md5h, sha1h);
    t.equal(vd.length, 12);
    t.equal(toHex(vd), forgePrf(master, label, concatBytes(md5h, sha1h), 12), label);
  }
  t.not(toHex(finishedVerifyData(master, 'client finished', md5h, sha1h)), toHex(finishedVerifyData(master, 'server finished', md5h, sha1h)));
  t.throws(() => finishedVerifyData(master, 'client finished', sha1h, sha1h), RangeError);
  t.throws(() => finishedVerifyData(master, 'server finished', md5h, md5h), RangeError);
  t.throws(() => finishedVerifyData(master, 'finished' as 'client finished', md5h, sha1h), TypeError);
  t.end();
});

t.test('argument checks', (t) => {
  t.equal(prf(rand(48), 'x', rand(4), 0).length, 0);
  t.throws(() => prf(rand(48), 'x', rand(4), -1), RangeError);
  t.throws(() => prf(rand(48), 'x', rand(4), 1.5), RangeError);
  t.throws(() => masterSecret(rand(48), rand(31), rand(32)), RangeError);
  t.throws(() => keyBlock(rand(48), rand(32), rand(33), 104), RangeError);
  t.end();
});
