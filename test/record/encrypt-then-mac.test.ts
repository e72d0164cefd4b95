/**
 * RFC 7366 encrypt-then-MAC in RecordProtection, checked byte for byte against a reference built here
 * from node:crypto: ENC(content + padding + padding_length) || HMAC(seq_num + type + version + length
 * + ciphertext) with length = the ciphertext's (TLS 1.0: no explicit IV), MAC checked before decryption.
 */
import t from 'tap';
import { createCipheriv, createHmac } from 'node:crypto';
import { nativeProvider } from '../../lib/crypto/native.js';
import { pureProvider } from '../../lib/crypto/pure.js';
import { TLS_1_0 } from '../../lib/record/constants.js';
import { RecordProtection, type TrafficKeys } from '../../lib/record/protection.js';
import { cipherInfo, macInfo, suiteByName, type CipherSuite } from '../../lib/suites.js';
import { expectAlert } from '../helpers/expect-alert.js';
import { pattern } from './pattern.js';

const BAD_MAC = /^RFC 2246 6\.2\.3: bad record MAC or padding$/;

const APPLICATION_DATA = 23;

function keysFor(suite: CipherSuite): TrafficKeys {
  const c = cipherInfo(suite);
  return { macKey: pattern(macInfo(suite).length, 1), key: pattern(c.expandedKeyMaterial, 2), iv: pattern(c.ivSize, 3) };
}

/** The RFC 7366 record, built independently (node:crypto, CBC chained across records as TLS 1.0 does). */
function reference(suite: CipherSuite, keys: TrafficKeys, plaintexts: Uint8Array[], truncated = false): Uint8Array[] {
  const algo = suite.cipher === '3DES_EDE_CBC' ? 'des-ede3-cbc' : suite.cipher === 'AES_128_CBC' ? 'aes-128-cbc' : 'aes-256-cbc';
  const bs = cipherInfo(suite).blockSize;
  const cipher = createCipheriv(algo, keys.key, keys.iv).setAutoPadding(false);
  return plaintexts.map((p, seq) => {
    const pad = bs - 1 - (p.length % bs);
    const input = Buffer.concat([p, Buffer.alloc(pad + 1, pad)]);
    const ct = cipher.update(input);
    const header = Buffer.alloc(13);
    header.writeBigUInt64BE(BigInt(seq), 0);
    header[8] = APPLICATION_DATA;
    header.writeUInt16BE(TLS_1_0, 9);
    header.writeUInt16BE(ct.length, 11);
    let mac = createHmac(suite.mac === 'MD5' ? 'md5' : 'sha1', keys.macKey).update(header).update(ct).digest();
    if (truncated) mac = mac.subarray(0, 10);
    const rec = Buffer.alloc(5);
    rec[0] = APPLICATION_DATA;
    rec.writeUInt16BE(TLS_1_0, 1);
    rec.writeUInt16BE(ct.length + mac.length, 3);
    return new Uint8Array(Buffer.concat([rec, ct, mac]));
  });
}

function asRecord(bytes: Uint8Array) {
  return { type: bytes[0]!, version: (bytes[1]! << 8) | bytes[2]!, fragment: bytes.subarray(5) };
}

const CBC = ['TLS_RSA_WITH_3DES_EDE_CBC_SHA', 'TLS_RSA_WITH_AES_128_CBC_SHA', 'TLS_RSA_WITH_AES_256_CBC_SHA'];

for (const [pname, provider] of [['native', nativeProvider], ['pure', pureProvider]] as const) {
  for (const name of CBC) {
    const suite = suiteByName(name)!;
    for (const truncated of [false, true]) {
      t.test(`${pname} ${name}${truncated ? ' truncated' : ''}: sealed records are RFC 7366's, and open back`, async (t) => {
        const keys = keysFor(suite);
        const plains = [0, 1, 15, 16, 17, 100, 16384].map((n, i) => pattern(n, 10 + i));
        const expected = reference(suite, keys, plains, truncated);
        const sealer = RecordProtection.create(provider, suite, keys, 'seal', { encryptThenMac: true, truncatedMac: truncated });
        const opener = RecordProtection.create(provider, suite, keys, 'open', { encryptThenMac: true, truncatedMac: truncated });
        t.equal(sealer.encryptThenMac, true);
        for (let i = 0; i < plains.length; i++) {
          const rec = sealer.seal(APPLICATION_DATA, TLS_1_0, plains[i]!);
          t.same(Buffer.from(rec).toString('hex'), Buffer.from(expected[i]!).toString('hex'), `record ${i}`);
          t.equal(sealer.sealedLength(plains[i]!.length), rec.length);
          t.same(Buffer.from(opener.open(asRecord(rec))), Buffer.from(plains[i]!));
        }
        // sealRecords (one write as several records) gives the same bytes.
        const s2 = RecordProtection.create(provider, suite, keys, 'seal', { encryptThenMac: true, truncatedMac: truncated });
        const joined = s2.sealRecords(APPLICATION_DATA, TLS_1_0, plains);
        t.same(Buffer.from(joined), Buffer.concat(expected));
      });
    }

    t.test(`${pname} ${name}: a flipped bit anywhere (ciphertext or MAC) is bad_record_mac, before decryption`, async (t) => {
      const keys = keysFor(suite);
      const rec = reference(suite, keys, [pattern(40, 7)])[0]!;
      for (const at of [5, 5 + 8, rec.length - 21, rec.length - 1]) {
        const bad = rec.slice();
        bad[at]! ^= 0x01;
        const opener = RecordProtection.create(provider, suite, keys, 'open', { encryptThenMac: true });
        expectAlert(t, () => opener.open(asRecord(bad)), 20, BAD_MAC, `byte ${at}`);
      }
      // Lengths: shorter than one block + MAC, or not whole blocks before the MAC.
      for (const cut of [1, rec.length - 5 - 20]) {
        const opener = RecordProtection.create(provider, suite, keys, 'open', { encryptThenMac: true });
        const short = rec.slice(0, rec.length - cut);
        expectAlert(t, () => opener.open(asRecord(short)), 20, BAD_MAC);
      }
      // A MAC-then-encrypt reader of an EtM record fails the same way (the one bad_record_mac path).
      const mte = RecordProtection.create(provider, suite, keys, 'open');
      expectAlert(t, () => mte.open(asRecord(rec)), 20, BAD_MAC);
    });

    t.test(`${pname} ${name}: authentic ciphertext with bad padding is bad_record_mac too`, async (t) => {
      const keys = keysFor(suite);
      const bs = cipherInfo(suite).blockSize;
      const algo = suite.cipher === '3DES_EDE_CBC' ? 'des-ede3-cbc' : suite.cipher === 'AES_128_CBC' ? 'aes-128-cbc' : 'aes-256-cbc';
      // Plaintext whose last byte claims 5 bytes of padding that are not there.
      const input = Buffer.alloc(2 * bs, 0x41);
      input[2 * bs - 1] = 5;
      const ct = createCipheriv(algo, keys.key, keys.iv).setAutoPadding(false).update(input);
      const header = Buffer.alloc(13);
      header[8] = APPLICATION_DATA;
      header.writeUInt16BE(TLS_1_0, 9);
      header.writeUInt16BE(ct.length, 11);
      const mac = createHmac('sha1', keys.macKey).update(header).update(ct).digest();
      const opener = RecordProtection.create(provider, suite, keys, 'open', { encryptThenMac: true });
      expectAlert(t, () => opener.open({ type: APPLICATION_DATA, version: TLS_1_0, fragment: new Uint8Array(Buffer.concat([ct, mac])) }), 20, BAD_MAC);
    });
  }

  t.test(`${pname}: RC4 and NULL ignore encryptThenMac (RFC 7366 2: block ciphers only)`, async (t) => {
    for (const name of ['TLS_RSA_WITH_RC4_128_SHA', 'TLS_RSA_WITH_NULL_SHA']) {
      const suite = suiteByName(name)!;
      const keys = keysFor(suite);
      const etm = RecordProtection.create(provider, suite, keys, 'seal', { encryptThenMac: true });
      const plain = RecordProtection.create(provider, suite, keys, 'seal');
      t.equal(etm.encryptThenMac, false, name);
      t.same(etm.seal(APPLICATION_DATA, TLS_1_0, pattern(50, 1)), plain.seal(APPLICATION_DATA, TLS_1_0, pattern(50, 1)), name);
    }
  });
}
