/**
 * Lucky 13 countermeasure (issue 21 item 5): opening a CBC record costs the same number of hash
 * compression-function calls whatever its padding says: valid padding of any length (255 bytes
 * included, where the MAC input is shortest) and every kind of bad padding. Counted, not timed:
 *
 * - pure provider: the real compression calls, by counting noble's SHA-1 process() (the
 *   compression function itself);
 * - native provider (OpenSSL does the hashing): a counting wrapper around its Mac that counts the
 *   compressions each call implies (the formula is checked against the real count on the pure one);
 * - a provider whose Mac has no compress(): the record layer's fallback, counted the same way.
 *
 * Records are built here independently (node:crypto HMAC and the provider's cipher), so padding
 * can be anything a peer might send. Timing itself is in bench/cbc-timing.ts.
 */
import t from 'tap';
import { createHmac } from 'node:crypto';
import { _SHA1 } from '@noble/hashes/legacy.js';
import { nativeProvider } from '../../lib/crypto/native.js';
import type { CryptoProvider, Mac } from '../../lib/crypto/provider.js';
import { pureProvider } from '../../lib/crypto/pure.js';
import { AlertDescription } from '../../lib/alerts.js';
import { TLSAlertError } from '../../lib/errors.js';
import { TLS_1_0 } from '../../lib/record/constants.js';
import type { TLSRecord } from '../../lib/record/framing.js';
import { RecordProtection, macCompressions, type TrafficKeys } from '../../lib/record/protection.js';
import { cipherInfo, macInfo, suiteByName, type CipherSuite } from '../../lib/suites.js';
import { expectAlert } from '../helpers/expect-alert.js';
import { pattern } from './pattern.js';

const BAD_MAC = /^RFC 2246 6\.2\.3: bad record MAC or padding$/;
const APPLICATION_DATA = 23;

function suite(name: string): CipherSuite {
  const s = suiteByName(name);
  if (!s) throw new Error(`no suite ${name}`);
  return s;
}

function keysFor(s: CipherSuite): TrafficKeys {
  const c = cipherInfo(s);
  return { macKey: pattern(macInfo(s).length, 1), key: pattern(c.expandedKeyMaterial, 2), iv: pattern(c.ivSize, 3) };
}

type Padding = { kind: 'valid'; length: number } | { kind: 'bad'; lastByte: number; flip: number | null };

/**
 * A record of exactly `fragmentLength` ciphertext bytes (sequence number 0): content, HMAC,
 * then padding as `padding` says. Valid padding of p bytes leaves fragmentLength - macLength - p - 1
 * bytes of content; bad padding keeps padding_length = lastByte but flips the byte `flip` places
 * before it (null: all bytes before it random, which also covers padding_length beyond the record).
 */
function cbcRecord(provider: CryptoProvider, s: CipherSuite, fragmentLength: number, padding: Padding, macLength: number): TLSRecord {
  const k = keysFor(s);
  const plain = pattern(fragmentLength, 7);
  if (padding.kind === 'valid') {
    const contentLength = fragmentLength - macLength - padding.length - 1;
    const header = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, APPLICATION_DATA, TLS_1_0 >> 8, TLS_1_0 & 0xff, contentLength >> 8, contentLength & 0xff]);
    const mac = createHmac(macInfo(s).hash!, k.macKey).update(header).update(plain.subarray(0, contentLength)).digest();
    plain.set(mac.subarray(0, macLength), contentLength);
    plain.fill(padding.length, contentLength + macLength);
  } else {
    plain[fragmentLength - 1] = padding.lastByte;
    if (padding.flip !== null) {
      plain.fill(padding.lastByte, fragmentLength - 1 - padding.lastByte, fragmentLength - 1);
      plain[fragmentLength - 1 - padding.flip] = padding.lastByte ^ 0x01;
    }
  }
  const cipher = provider.createCipher(cipherInfo(s).provider!, k.key, k.iv, true);
  return { type: APPLICATION_DATA, version: TLS_1_0, fragment: cipher.update(plain) };
}

/** Compressions an HMAC over `bytes` of input costs: inner (ipad block + input + final) and outer (2). */
const hmacCompressions = (bytes: number): number => Math.floor((64 + bytes + 8) / 64) + 1 + 2;

/** Counts, for every Mac it hands out, the compressions its calls imply; keeps or drops compress(). */
function countingProvider(base: CryptoProvider, withCompress: boolean): { provider: CryptoProvider; counts: { mac: number; dummy: number } } {
  const counts = { mac: 0, dummy: 0 };
  const provider: CryptoProvider = {
    ...base,
    createCipher: (...a) => base.createCipher(...a),
    createMac(hash, key): Mac {
      const inner = base.createMac(hash, key);
      const m: Mac = {
        outputLength: inner.outputLength,
        mac(...parts: Uint8Array[]): Uint8Array {
          counts.mac += hmacCompressions(parts.reduce((n, p) => n + p.length, 0));
          return inner.mac(...parts);
        },
      };
      if (withCompress) {
        m.compress = (blocks: number): void => {
          counts.dummy += blocks;
          inner.compress!(blocks);
        };
      }
      return m;
    },
  };
  return { provider, counts };
}

/** Real SHA-1 compression calls made by the pure provider while fn runs. */
function realSha1Compressions(fn: () => void): number {
  const proto = _SHA1.prototype as unknown as { process: (view: DataView, offset: number) => void };
  const original = proto.process;
  let calls = 0;
  proto.process = function (this: unknown, view: DataView, offset: number): void {
    calls++;
    original.call(this, view, offset);
  };
  try {
    fn();
  } finally {
    proto.process = original;
  }
  return calls;
}

/** Opens one record with a fresh state; returns the content, or the alert error. */
function open(provider: CryptoProvider, s: CipherSuite, record: TLSRecord, truncatedMac: boolean): Uint8Array | Error {
  const opener = RecordProtection.create(provider, s, keysFor(s), 'open', { truncatedMac });
  try {
    return opener.open(record);
  } catch (err) {
    return err as Error;
  }
}

/** Every padding case for one record length: valid 0..255 (as the length allows) and the bad kinds. */
function paddings(fragmentLength: number, macLength: number): Padding[] {
  const out: Padding[] = [];
  for (let p = 0; p <= 255 && p + 1 + macLength <= fragmentLength; p += p < 8 ? 1 : 31) {
    // Content above 2^14 is record_overflow, a different (and public) outcome: not a padding case.
    if (fragmentLength - macLength - p - 1 <= 16384) out.push({ kind: 'valid', length: p });
  }
  if (255 + 1 + macLength <= fragmentLength) out.push({ kind: 'valid', length: 255 });
  out.push({ kind: 'bad', lastByte: 255, flip: 1 }); // 255 bytes of padding, the first checked one wrong
  out.push({ kind: 'bad', lastByte: 255, flip: 255 }); // 255 bytes of padding, the farthest one wrong
  out.push({ kind: 'bad', lastByte: 17, flip: 9 });
  out.push({ kind: 'bad', lastByte: 200, flip: null }); // random bytes before padding_length
  return out;
}

const SUITES = ['TLS_RSA_WITH_AES_128_CBC_SHA', 'TLS_RSA_WITH_AES_256_CBC_SHA', 'TLS_RSA_WITH_3DES_EDE_CBC_SHA'].map(suite);
/** Record lengths: short (the MAC input is mostly padding), 1 KiB, a full 16 KiB record. */
const LENGTHS = [288, 1024, 16400];

t.test('pure provider: the same real SHA-1 compression count for every padding', async (t) => {
  for (const s of SUITES) {
    for (const truncatedMac of [false, true]) {
      const macLength = truncatedMac ? 10 : 20;
      for (const length of LENGTHS) {
        const seen = new Map<string, number>();
        for (const padding of paddings(length, macLength)) {
          const record = cbcRecord(pureProvider, s, length, padding, macLength);
          let result: Uint8Array | Error = new Error('not run');
          seen.set(JSON.stringify(padding), realSha1Compressions(() => (result = open(pureProvider, s, record, truncatedMac))));
          if (padding.kind === 'valid') {
            t.ok(result instanceof Uint8Array && result.length === length - macLength - padding.length - 1, `${s.openssl} ${length} valid padding ${padding.length} opens`);
          } else {
            expectAlert(t, () => { if (result instanceof Error) throw result; }, AlertDescription.bad_record_mac, BAD_MAC, `${s.openssl} ${length} ${JSON.stringify(padding)}`);
          }
        }
        const counts = new Set(seen.values());
        t.equal(counts.size, 1, `${s.openssl}${truncatedMac ? ' truncated MAC' : ''} ${length}-byte records: one compression count for all paddings ${JSON.stringify([...seen])}`);
      }
    }
  }
});

t.test('the counting wrapper agrees with the real count (so it can stand in for OpenSSL)', async (t) => {
  const s = suite('TLS_RSA_WITH_AES_128_CBC_SHA');
  for (const length of LENGTHS) {
    for (const padding of paddings(length, 20)) {
      const record = cbcRecord(pureProvider, s, length, padding, 20);
      const { provider, counts } = countingProvider(pureProvider, true);
      // The pure Mac hashes the key pads once, at createMac; open() here creates the state, so the
      // window holds those 2 calls and the one HMAC's data and final blocks: the formula's total.
      const real = realSha1Compressions(() => void open(provider, s, record, false));
      t.equal(counts.mac + counts.dummy, real, `${length} ${JSON.stringify(padding)}: formula ${counts.mac}+${counts.dummy} = real ${real}`);
    }
  }
});

for (const [name, base] of [['native', nativeProvider], ['pure', pureProvider]] as const) {
  for (const withCompress of [true, false]) {
    t.test(`${name} provider${withCompress ? '' : ', Mac without compress()'}: the same compression count for every padding`, async (t) => {
      for (const s of SUITES) {
        for (const length of LENGTHS) {
          const totals = new Map<string, number>();
          const macOnly = new Map<string, number>();
          for (const padding of paddings(length, 20)) {
            const record = cbcRecord(base, s, length, padding, 20);
            const { provider, counts } = countingProvider(base, withCompress);
            const result = open(provider, s, record, false);
            if (padding.kind === 'valid') t.ok(result instanceof Uint8Array, `${s.openssl} ${length} valid ${padding.length}`);
            else t.ok(result instanceof TLSAlertError && result.alert === AlertDescription.bad_record_mac && BAD_MAC.test(result.reason), `${s.openssl} ${length} bad padding: bad_record_mac`);
            totals.set(JSON.stringify(padding), counts.mac + counts.dummy);
            macOnly.set(JSON.stringify(padding), counts.mac);
          }
          t.equal(new Set(totals.values()).size, 1, `${s.openssl} ${length}: one total ${JSON.stringify([...totals])}`);
          if (withCompress) {
            // Without the dummy compressions the counts would differ: the test is sensitive to them.
            const valid255 = macOnly.get(JSON.stringify({ kind: 'valid', length: 255 }))!;
            const bad = macOnly.get(JSON.stringify({ kind: 'bad', lastByte: 255, flip: 1 }))!;
            t.ok(valid255 < bad, `${s.openssl} ${length}: the MAC alone covers fewer blocks with 255 bytes of padding (${valid255} < ${bad})`);
          }
        }
      }
    });
  }
}

t.test('macCompressions counts whole 64-byte blocks of ipad + header + content + 9', async (t) => {
  // 64 + 13 + 42 + 9 = 128: exactly two blocks of input after the pad, three in all.
  t.equal(macCompressions(42), 2 + 0);
  t.equal(macCompressions(43), 3);
  t.equal(macCompressions(0), 2);
  t.equal(macCompressions(16384 - 21) - macCompressions(16384 - 21 - 255), 4);
});
