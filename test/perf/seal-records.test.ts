/**
 * RecordProtection.sealRecords (issue 18): the records of one write encrypted with one cipher call
 * must be byte for byte the records seal() makes one by one from the same state (CBC chains and
 * RC4's keystream run across records), for every implemented suite, both providers, truncated MAC,
 * encrypt-then-MAC (RFC 7366: one cipher call for the group, then a MAC per record's ciphertext),
 * groups larger than one cipher call takes (more than four full records), and the records must open.
 */
import t from 'tap';
import { nativeProvider } from '../../lib/crypto/native.js';
import type { CryptoProvider } from '../../lib/crypto/provider.js';
import { pureProvider } from '../../lib/crypto/pure.js';
import { TLS_1_0 } from '../../lib/record/constants.js';
import { RecordProtection, type TrafficKeys } from '../../lib/record/protection.js';
import { CIPHER_SUITES, cipherInfo, macInfo, type CipherSuite } from '../../lib/suites.js';
import { concatBytes } from '../../lib/util/bytes.js';

const pattern = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed * 31 + 1) & 0xff);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function keysFor(suite: CipherSuite): TrafficKeys {
  const c = cipherInfo(suite);
  return { macKey: pattern(macInfo(suite).length, 1), key: pattern(c.expandedKeyMaterial, 2), iv: pattern(c.ivSize, 3) };
}

// One suite per cipher/MAC pair, the NULL ones included.
const SUITES: CipherSuite[] = [];
for (const s of CIPHER_SUITES.filter((x) => x.implemented)) if (!SUITES.some((o) => o.cipher === s.cipher && o.mac === s.mac)) SUITES.push(s);

const SHAPES: number[][] = [[1], [1, 16383], [16384, 16384, 16384, 16384, 16384, 100], [0, 5, 0], [1, 1023], [300, 16384, 17, 16384, 16384, 16384, 16384, 2]];

for (const [providerName, provider] of [['pure', pureProvider], ['native', nativeProvider]] as [string, CryptoProvider][]) {
  t.test(`${providerName}: sealRecords equals seal() record by record, and every record opens`, (t) => {
    for (const suite of SUITES) {
      for (const [truncatedMac, encryptThenMac] of [[false, false], [true, false], [false, true], [true, true]] as const) {
        if (truncatedMac && macInfo(suite).hash === null) continue;
        // RFC 7366 applies to block ciphers with a MAC only (create() ignores it elsewhere).
        if (encryptThenMac && (cipherInfo(suite).type !== 'block' || macInfo(suite).hash === null)) continue;
        const k = keysFor(suite);
        const options = { truncatedMac, encryptThenMac };
        const a = RecordProtection.create(provider, suite, k, 'seal', options);
        const b = RecordProtection.create(provider, suite, k, 'seal', options);
        const opener = RecordProtection.create(provider, suite, k, 'open', options);
        t.equal(a.encryptThenMac, encryptThenMac, `${suite.name}: encrypt-then-MAC ${encryptThenMac}`);
        let ok = true;
        for (const [n, shape] of SHAPES.entries()) {
          const fragments = shape.map((len, i) => pattern(len, n * 10 + i));
          const together = a.sealRecords(23, TLS_1_0, fragments);
          const oneByOne = concatBytes(...fragments.map((f) => b.seal(23, TLS_1_0, f)));
          if (hex(together) !== hex(oneByOne)) ok = false;
          // Parse and open what sealRecords made.
          let at = 0;
          for (const f of fragments) {
            const length = (together[at + 3]! << 8) | together[at + 4]!;
            const plain = opener.open({ type: together[at]!, version: (together[at + 1]! << 8) | together[at + 2]!, fragment: together.subarray(at + 5, at + 5 + length) });
            if (hex(plain) !== hex(f)) ok = false;
            at += 5 + length;
          }
          if (at !== together.length) ok = false;
        }
        t.ok(ok, `${suite.name}${truncatedMac ? ' truncated MAC' : ''}${encryptThenMac ? ' encrypt-then-MAC' : ''}`);
        t.equal(a.sequenceNumber, b.sequenceNumber, `${suite.name}: same sequence number after`);
      }
    }
    t.end();
  });
}

t.test('sealRecords refuses an oversized fragment before sealing anything', (t) => {
  const suite = SUITES.find((s) => s.openssl === 'AES128-SHA')!;
  const a = RecordProtection.create(nativeProvider, suite, keysFor(suite), 'seal');
  t.throws(() => a.sealRecords(23, TLS_1_0, [pattern(10, 1), new Uint8Array(16385)]), RangeError);
  t.equal(a.sequenceNumber, 0n, 'no sequence number used');
  const open = RecordProtection.create(nativeProvider, suite, keysFor(suite), 'open');
  t.throws(() => open.sealRecords(23, TLS_1_0, [pattern(10, 1)]), TypeError, 'an open state cannot seal');
  t.end();
});

t.test('sealRecords near sequence 2^64 seals record by record and stops at exhaustion', (t) => {
  const suite = SUITES.find((s) => s.openssl === 'AES128-SHA')!;
  const start = (1n << 64n) - 2n;
  const a = RecordProtection.create(nativeProvider, suite, keysFor(suite), 'seal', { initialSequenceNumber: start });
  const b = RecordProtection.create(nativeProvider, suite, keysFor(suite), 'seal', { initialSequenceNumber: start });
  t.equal(hex(a.sealRecords(23, TLS_1_0, [pattern(1, 1), pattern(50, 2)])), hex(concatBytes(b.seal(23, TLS_1_0, pattern(1, 1)), b.seal(23, TLS_1_0, pattern(50, 2)))));
  t.throws(() => a.sealRecords(23, TLS_1_0, [pattern(1, 1)]), { code: 'ERR_TLS_SEQUENCE_EXHAUSTED' });
  t.end();
});
