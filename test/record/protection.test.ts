/**
 * RecordProtection against the pure provider, checked byte for byte against an independent
 * reference built here from node:crypto (HMAC, DES-EDE3-CBC, AES-CBC) and a few lines of RC4.
 */
import t from 'tap';
import { createCipheriv, createDecipheriv, createHmac, type Cipher } from 'node:crypto';
import { pureProvider } from '../../lib/crypto/pure.js';
import type { CryptoProvider, Mac } from '../../lib/crypto/provider.js';
import { TLSAlertError, TLSError } from '../../lib/errors.js';
import { MAX_CIPHERTEXT, MAX_COMPRESSED, MAX_PLAINTEXT, TLS_1_0 } from '../../lib/record/constants.js';
import { RecordReader, encodeRecord, type TLSRecord } from '../../lib/record/framing.js';
import { RecordProtection, type TrafficKeys } from '../../lib/record/protection.js';
import { CIPHER_SUITES, cipherInfo, macInfo, suiteByName, type CipherSuite } from '../../lib/suites.js';
import { toHex } from '../../lib/util/bytes.js';
import { expectAlert } from '../helpers/expect-alert.js';
import { pattern } from './pattern.js';

const BAD_MAC = /^RFC 2246 6\.2\.3: bad record MAC or padding$/;

/** One suite per (cipher, MAC) pair: the record layer sees nothing else of a suite. */
const IMPLEMENTED = CIPHER_SUITES.filter((s) => s.implemented && !s.nullMac);
const SUITES: CipherSuite[] = [];
for (const s of IMPLEMENTED) if (!SUITES.some((o) => o.cipher === s.cipher && o.mac === s.mac)) SUITES.push(s);

function keysFor(suite: CipherSuite, seed = 1): TrafficKeys {
  const c = cipherInfo(suite);
  return {
    macKey: pattern(macInfo(suite).length, seed),
    key: pattern(c.expandedKeyMaterial, seed + 100),
    iv: pattern(c.ivSize, seed + 200),
  };
}

function pair(suite: CipherSuite, opts: { truncatedMac?: boolean; seed?: number } = {}): { sealer: RecordProtection; opener: RecordProtection } {
  const keys = keysFor(suite, opts.seed);
  return {
    sealer: RecordProtection.create(pureProvider, suite, keys, 'seal', opts),
    opener: RecordProtection.create(pureProvider, suite, keys, 'open', opts),
  };
}

function opener(suite: CipherSuite, opts: { truncatedMac?: boolean; provider?: CryptoProvider } = {}): RecordProtection {
  return RecordProtection.create(opts.provider ?? pureProvider, suite, keysFor(suite), 'open', opts);
}

function parse(wire: Uint8Array): TLSRecord {
  return { type: wire[0]!, version: (wire[1]! << 8) | wire[2]!, fragment: wire.subarray(5) };
}

// ---------------------------------------------------------------------------------------------
// Independent reference

function rc4Reference(key: Uint8Array): (data: Uint8Array) => Uint8Array {
  const s = Array.from({ length: 256 }, (_, i) => i);
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i]! + key[i % key.length]!) & 0xff;
    [s[i], s[j]] = [s[j]!, s[i]!];
  }
  let i = 0;
  let j = 0;
  return (data) => {
    const out = new Uint8Array(data.length);
    for (let k = 0; k < data.length; k++) {
      i = (i + 1) & 0xff;
      j = (j + s[i]!) & 0xff;
      [s[i], s[j]] = [s[j]!, s[i]!];
      out[k] = data[k]! ^ s[(s[i]! + s[j]!) & 0xff]!;
    }
    return out;
  };
}

/** A node:crypto CBC encryptor whose chaining carries across update() calls, like TLS 1.0's. */
function nodeCbc(suite: CipherSuite, keys: TrafficKeys): Cipher {
  switch (suite.cipher) {
    case '3DES_EDE_CBC':
      return createCipheriv('des-ede3-cbc', keys.key, keys.iv).setAutoPadding(false);
    // Single DES is EDE3 with K1 = K2 = K3 (OpenSSL 3 has DES only in its legacy provider).
    case 'DES_CBC':
      return createCipheriv('des-ede3-cbc', Buffer.concat([keys.key, keys.key, keys.key]), keys.iv).setAutoPadding(false);
    case 'AES_128_CBC':
      return createCipheriv('aes-128-cbc', keys.key, keys.iv).setAutoPadding(false);
    case 'AES_256_CBC':
      return createCipheriv('aes-256-cbc', keys.key, keys.iv).setAutoPadding(false);
    default:
      throw new Error(`no node reference for ${suite.cipher}`);
  }
}

interface RefOptions {
  /** padding_length to use (default: minimal). */
  padLength?: number;
  /** Edits the plaintext||MAC||padding block before encryption. */
  tamper?: (block: Uint8Array, contentLength: number, macLength: number) => void;
}

/** The sending side of RFC 2246 6.2.3, written from the RFC without the library's code. */
class ReferenceSealer {
  private seq = 0n;
  private readonly encrypt: (d: Uint8Array) => Uint8Array;
  private readonly bs: number;
  constructor(
    private readonly suite: CipherSuite,
    private readonly keys: TrafficKeys,
    private readonly macLength = macInfo(suite).length,
    initialSeq = 0n,
  ) {
    this.seq = initialSeq;
    const c = cipherInfo(suite);
    this.bs = c.type === 'block' ? c.blockSize : 0;
    if (c.type === 'block') {
      const cbc = nodeCbc(suite, keys);
      this.encrypt = (d) => new Uint8Array(cbc.update(d));
    } else if (c.type === 'stream') {
      this.encrypt = rc4Reference(keys.key);
    } else {
      this.encrypt = (d) => d;
    }
  }

  mac(type: number, version: number, content: Uint8Array, seq = this.seq): Uint8Array {
    const h = Buffer.alloc(13);
    h.writeBigUInt64BE(seq, 0);
    h[8] = type;
    h.writeUInt16BE(version, 9);
    h.writeUInt16BE(content.length, 11);
    const alg = macInfo(this.suite).hash === 'md5' ? 'md5' : 'sha1';
    const full = createHmac(alg, this.keys.macKey).update(h).update(content).digest();
    return new Uint8Array(full.subarray(0, this.macLength));
  }

  seal(type: number, version: number, content: Uint8Array, opts: RefOptions = {}): Uint8Array {
    const tag = this.mac(type, version, content);
    let inner: Uint8Array;
    if (this.bs > 0) {
      const minimal = (this.bs - ((content.length + tag.length + 1) % this.bs)) % this.bs;
      const pad = opts.padLength ?? minimal;
      inner = new Uint8Array(content.length + tag.length + pad + 1);
      inner.fill(pad, content.length + tag.length);
    } else {
      inner = new Uint8Array(content.length + tag.length);
    }
    inner.set(content, 0);
    inner.set(tag, content.length);
    opts.tamper?.(inner, content.length, tag.length);
    this.seq++;
    return encodeRecord(type, version, this.encrypt(inner));
  }
}

/** A provider whose MACs count their calls (to see that bad padding still costs one HMAC). */
function countingProvider(): { provider: CryptoProvider; calls: () => number } {
  let calls = 0;
  const provider: CryptoProvider = {
    ...pureProvider,
    createMac(hash, key): Mac {
      const inner = pureProvider.createMac(hash, key);
      return {
        outputLength: inner.outputLength,
        mac: (...parts: Uint8Array[]) => {
          calls++;
          return inner.mac(...parts);
        },
        // Passed through: without it the record layer's Lucky 13 fallback runs a second, dummy HMAC.
        compress: (blocks: number) => inner.compress!(blocks),
      };
    },
  };
  return { provider, calls: () => calls };
}

// ---------------------------------------------------------------------------------------------

t.test('the suites under test', async (t) => {
  const names = SUITES.map((s) => s.openssl).sort();
  for (const wanted of ['RC4-SHA', 'RC4-MD5', 'DES-CBC3-SHA', 'AES128-SHA', 'AES256-SHA', 'NULL-SHA', 'NULL-MD5']) {
    t.ok(names.includes(wanted), `${wanted} is implemented and tested`);
  }
  t.comment(`record protection tested for: ${names.join(', ')}`);
});

t.test('state properties', async (t) => {
  const expected: Record<string, [number, number]> = {
    'RC4-SHA': [0, 20], 'RC4-MD5': [0, 16], 'DES-CBC3-SHA': [8, 20], 'DES-CBC-SHA': [8, 20],
    'AES128-SHA': [16, 20], 'AES256-SHA': [16, 20], 'NULL-SHA': [0, 20], 'NULL-MD5': [0, 16],
  };
  for (const s of SUITES) {
    const { sealer } = pair(s);
    t.same([sealer.blockSize, sealer.macLength, sealer.isNull], [...expected[s.openssl]!, false], s.openssl);
    t.equal(sealer.sequenceNumber, 0n);
  }
  const trunc = pair(suiteByName('AES128-SHA')!, { truncatedMac: true }).sealer;
  t.equal(trunc.macLength, 10);
  const none = RecordProtection.none();
  t.same([none.isNull, none.blockSize, none.macLength], [true, 0, 0]);
});

t.test('seal → open round trip, many records in sequence (CBC chaining and RC4 state carry over)', async (t) => {
  const sizes: number[] = [];
  for (let n = 0; n <= 64; n++) sizes.push(n); // every padding length for 8- and 16-byte blocks
  sizes.push(255, 256, 257, 1000, 4096, 16363, 16364, 16383, 16384, 0, 1, 16384);
  for (const s of SUITES) {
    const { sealer, opener: rx } = pair(s);
    const mac = macInfo(s).length;
    const bs = cipherInfo(s).type === 'block' ? cipherInfo(s).blockSize : 0;
    let failures = 0;
    sizes.forEach((n, i) => {
      const pt = pattern(n, i);
      const type = i % 3 === 0 ? 22 : 23;
      const wire = sealer.seal(type, TLS_1_0, pt);
      const fragLen = bs > 0 ? Math.ceil((n + mac + 1) / bs) * bs : n + mac;
      if (wire.length !== 5 + fragLen || wire[0] !== type || ((wire[3]! << 8) | wire[4]!) !== fragLen) failures++;
      const back = rx.open(parse(wire));
      if (toHex(back) !== toHex(pt)) failures++;
    });
    t.equal(failures, 0, `${s.openssl}: ${sizes.length} records of sizes 0..16384 round-trip with minimal padding`);
    t.equal(sealer.sequenceNumber, BigInt(sizes.length));
    t.equal(rx.sequenceNumber, BigInt(sizes.length));
  }
});

t.test('every implemented suite (all key exchanges) round-trips', async (t) => {
  for (const s of IMPLEMENTED) {
    const { sealer, opener: rx } = pair(s, { seed: s.id });
    const pt = pattern(100, s.id);
    t.equal(toHex(rx.open(parse(sealer.seal(23, TLS_1_0, pt)))), toHex(pt), s.name);
  }
});

t.test('wire layout matches an independent reference, byte for byte, across two records', async (t) => {
  for (const s of SUITES) {
    const keys = keysFor(s, 7);
    const sealer = RecordProtection.create(pureProvider, s, keys, 'seal');
    const ref = new ReferenceSealer(s, keys);
    // Record 1 ends a CBC chain that record 2 continues (implicit IV).
    const inputs: [number, Uint8Array][] = [[22, pattern(61, 1)], [23, pattern(300, 2)], [23, pattern(0, 3)]];
    for (const [i, [type, pt]] of inputs.entries()) {
      t.equal(toHex(sealer.seal(type, TLS_1_0, pt)), toHex(ref.seal(type, TLS_1_0, pt)), `${s.openssl} record ${i}`);
    }
  }
});

t.test('wire layout of one 3DES record written out in full', async (t) => {
  const s = suiteByName('DES-CBC3-SHA')!;
  const keys = keysFor(s, 3);
  const sealer = RecordProtection.create(pureProvider, s, keys, 'seal');
  const pt = new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n'); // 18 bytes
  const wire = sealer.seal(23, TLS_1_0, pt);
  // 18 + 20 (MAC) + 1 (padding_length) = 39 → padding 1 → 40 bytes = 5 blocks
  t.equal(toHex(wire.subarray(0, 5)), '1703010028');
  const inner = new Uint8Array(createDecipheriv('des-ede3-cbc', keys.key, keys.iv).setAutoPadding(false).update(wire.subarray(5)));
  t.equal(toHex(inner.subarray(0, 18)), toHex(pt), 'content first');
  const macInput = Buffer.concat([Buffer.from('0000000000000000' + '17' + '0301' + '0012', 'hex'), Buffer.from(pt)]);
  t.equal(toHex(inner.subarray(18, 38)), createHmac('sha1', keys.macKey).update(macInput).digest('hex'), 'then HMAC-SHA1(seq 0, type, version, length, content)');
  t.equal(toHex(inner.subarray(38)), '0101', 'then one padding byte and padding_length, both 1');
});

t.test('node:crypto decrypts what we seal, and we open what the reference seals', async (t) => {
  for (const s of SUITES.filter((x) => cipherInfo(x).type === 'block' && x.cipher !== 'DES_CBC')) {
    const keys = keysFor(s, 9);
    const sealer = RecordProtection.create(pureProvider, s, keys, 'seal');
    const alg = s.cipher === '3DES_EDE_CBC' ? 'des-ede3-cbc' : s.cipher === 'AES_128_CBC' ? 'aes-128-cbc' : 'aes-256-cbc';
    const dec = createDecipheriv(alg, keys.key, keys.iv).setAutoPadding(false);
    const a = sealer.seal(23, TLS_1_0, pattern(33, 1));
    const b = sealer.seal(23, TLS_1_0, pattern(50, 2));
    const pa = dec.update(a.subarray(5));
    const pb = dec.update(b.subarray(5)); // chained from a's last block
    t.equal(toHex(pa.subarray(0, 33)), toHex(pattern(33, 1)), `${s.openssl} record 1`);
    t.equal(toHex(pb.subarray(0, 50)), toHex(pattern(50, 2)), `${s.openssl} record 2 (chained IV)`);

    const ref = new ReferenceSealer(s, keys);
    const rx = RecordProtection.create(pureProvider, s, keys, 'open');
    for (let i = 0; i < 3; i++) {
      const pt = pattern(40 + i * 17, i);
      t.equal(toHex(rx.open(parse(ref.seal(23, TLS_1_0, pt)))), toHex(pt), `${s.openssl} opens reference record ${i}`);
    }
  }
});

t.test('longer-than-minimal padding is accepted (RFC 2246 6.2.3.2)', async (t) => {
  // The RFC's example: 61 bytes of content and a 20-byte MAC in 8-byte blocks → padding 6, 14, ..., 254.
  const s = suiteByName('DES-CBC3-SHA')!;
  const keys = keysFor(s);
  for (const pad of [6, 14, 22, 254]) {
    const ref = new ReferenceSealer(s, keys);
    const rx = RecordProtection.create(pureProvider, s, keys, 'open');
    const pt = pattern(61, pad);
    t.equal(toHex(rx.open(parse(ref.seal(23, TLS_1_0, pt, { padLength: pad })))), toHex(pt), `padding_length ${pad}`);
  }
  const aes = suiteByName('AES128-SHA')!;
  const ref = new ReferenceSealer(aes, keysFor(aes));
  const rx = opener(aes);
  // 12 + 20 + 255 + 1 = 288 = 18 blocks
  t.equal(rx.open(parse(ref.seal(23, TLS_1_0, pattern(12, 1), { padLength: 255 }))).length, 12, 'AES, padding_length 255');
});

t.test('a bit flip anywhere in the record is bad_record_mac', async (t) => {
  for (const s of SUITES) {
    const keys = keysFor(s);
    const wire = RecordProtection.create(pureProvider, s, keys, 'seal').seal(23, TLS_1_0, pattern(45, 5));
    const mac = macInfo(s).length;
    const regions = new Map<string, number>();
    let wrong = 0;
    // Header type and version are MAC input; ciphertext bytes cover content, MAC, padding, padding_length.
    for (let pos = 0; pos < wire.length; pos++) {
      if (pos === 3 || pos === 4) continue; // the length field is framing, tested below
      const region = pos === 0 ? 'type' : pos < 3 ? 'version' : pos - 5 < 45 ? 'content' : pos - 5 < 45 + mac ? 'MAC' : 'padding';
      for (let bit = 0; bit < 8; bit++) {
        const bad = wire.slice();
        bad[pos]! ^= 1 << bit;
        const rx = RecordProtection.create(pureProvider, s, keys, 'open');
        try {
          rx.open(parse(bad));
          wrong++;
        } catch (err) {
          if (!(err instanceof TLSAlertError && err.alert === 20 && BAD_MAC.test(err.reason))) wrong++;
        }
        regions.set(region, (regions.get(region) ?? 0) + 1);
      }
    }
    t.equal(wrong, 0, `${s.openssl}: every one of ${(wire.length - 2) * 8} single-bit flips (${[...regions.keys()].join(', ')}) is bad_record_mac`);
  }
});

t.test('a corrupted length field (framed by RecordReader) is bad_record_mac', async (t) => {
  for (const s of SUITES) {
    const keys = keysFor(s);
    const wire = RecordProtection.create(pureProvider, s, keys, 'seal').seal(23, TLS_1_0, pattern(45, 5));
    const len = (wire[3]! << 8) | wire[4]!;
    let wrong = 0;
    let tried = 0;
    for (let bit = 0; bit < 16; bit++) {
      const newLen = len ^ (1 << bit);
      if (newLen > MAX_CIPHERTEXT) continue; // the reader's record_overflow, tested in framing
      const bad = new Uint8Array(5 + Math.max(newLen, len));
      bad.set(wire);
      bad[3] = newLen >>> 8;
      bad[4] = newLen & 0xff;
      const reader = new RecordReader();
      reader.push(bad);
      const rec = reader.next() as TLSRecord;
      tried++;
      const rx = RecordProtection.create(pureProvider, s, keys, 'open');
      try {
        rx.open(rec);
        wrong++;
      } catch (err) {
        if (!(err instanceof TLSAlertError && err.alert === 20)) wrong++;
      }
    }
    t.ok(tried >= 10, `${s.openssl}: ${tried} corrupted lengths tried`);
    t.equal(wrong, 0, `${s.openssl}: all are bad_record_mac`);
  }
});

t.test('bad padding under a correct MAC is bad_record_mac by the same path, and still costs one HMAC', async (t) => {
  for (const s of SUITES.filter((x) => cipherInfo(x).type === 'block')) {
    const keys = keysFor(s);
    // 24 bytes of content + a 20-byte MAC: padding_length 3, 19, ..., 243 are all block-aligned
    // for 8- and 16-byte blocks, so only the padding VALUES are wrong in these cases.
    const cases: [string, RefOptions][] = [
      ['one padding byte wrong', { padLength: 3, tamper: (b, c, m) => void (b[c + m + 1] = 2) }],
      ['first padding byte wrong', { padLength: 19, tamper: (b, c, m) => void (b[c + m] = 0) }],
      ['last padding byte wrong', { padLength: 19, tamper: (b, c, m) => void (b[c + m + 18] = 20) }],
      ['padding byte wrong far back', { padLength: 211, tamper: (b, c, m) => void (b[c + m + 5] = 210) }],
      ['first of 243 padding bytes wrong', { padLength: 243, tamper: (b, c, m) => void (b[c + m] = 3) }],
      ['padding_length larger than the record', {
        padLength: 3,
        // the MAC is right for the content, but padding_length claims 255 bytes of padding
        tamper: (b) => void (b[b.length - 1] = 255),
      }],
      ['padding_length eats into the MAC', { padLength: 3, tamper: (b) => void (b[b.length - 1] = 30) }],
    ];
    for (const [label, opts] of cases) {
      const ref = new ReferenceSealer(s, keys);
      const wire = ref.seal(23, TLS_1_0, pattern(24, 1), opts);
      if ((wire.length - 5) % cipherInfo(s).blockSize !== 0) t.fail(`${label}: test record is not block-aligned`);
      const counting = countingProvider();
      const rx = opener(s, { provider: counting.provider });
      expectAlert(t, () => rx.open(parse(wire)), 20, BAD_MAC, `${s.openssl}: ${label}`);
      t.equal(counting.calls(), 1, `${s.openssl}: ${label}: the MAC was computed anyway`);
    }
    // And a bad MAC under good padding gives the very same error.
    const ref = new ReferenceSealer(s, keys);
    const badMac = ref.seal(23, TLS_1_0, pattern(24, 1), { tamper: (b, c) => void (b[c]! ^= 0x80) });
    const a = expectAlert(t, () => opener(s).open(parse(badMac)), 20, BAD_MAC, `${s.openssl}: bad MAC, good padding`);
    t.equal(a?.message, 'RFC 2246 6.2.3: bad record MAC or padding (sent bad_record_mac alert 20)');
  }
});

t.test('a record that is all padding, with padding_length longer than the record, is bad_record_mac', async (t) => {
  for (const s of SUITES.filter((x) => cipherInfo(x).type === 'block')) {
    const keys = keysFor(s);
    // 48 bytes, every one 40: consistent padding bytes, but 40 + 1 + 20 > 48.
    const inner = new Uint8Array(48).fill(40);
    const fragment = new Uint8Array(nodeCbc(s, keys).update(inner));
    expectAlert(t, () => opener(s).open({ type: 23, version: TLS_1_0, fragment }), 20, BAD_MAC, s.openssl);
  }
});

t.test('block cipher fragment lengths that cannot be right are bad_record_mac before decryption', async (t) => {
  for (const s of SUITES.filter((x) => cipherInfo(x).type === 'block')) {
    const bs = cipherInfo(s).blockSize;
    for (const n of [0, 1, bs - 1, bs, bs + 1, 2 * bs, 20, 21]) {
      if (n % bs === 0 && n >= 21) continue; // a plausible length
      const counting = countingProvider();
      const rx = opener(s, { provider: counting.provider });
      expectAlert(t, () => rx.open({ type: 23, version: TLS_1_0, fragment: new Uint8Array(n) }), 20, BAD_MAC, `${s.openssl}: ${n}-byte fragment`);
      t.equal(counting.calls(), 0, `${s.openssl}: ${n}-byte fragment rejected from its length`);
    }
  }
});

t.test('truncated records are bad_record_mac', async (t) => {
  for (const s of SUITES) {
    const keys = keysFor(s);
    const wire = RecordProtection.create(pureProvider, s, keys, 'seal').seal(23, TLS_1_0, pattern(100, 2));
    const frag = wire.subarray(5);
    const bs = cipherInfo(s).type === 'block' ? cipherInfo(s).blockSize : 1;
    for (const cut of [frag.length - 1, frag.length - bs, frag.length - 2 * bs, 10, 1, 0]) {
      const rx = RecordProtection.create(pureProvider, s, keys, 'open');
      expectAlert(t, () => rx.open({ type: 23, version: TLS_1_0, fragment: frag.subarray(0, cut) }), 20, BAD_MAC, `${s.openssl}: cut to ${cut}`);
    }
    const rx = RecordProtection.create(pureProvider, s, keys, 'open');
    const longer = new Uint8Array(frag.length + bs);
    longer.set(frag);
    expectAlert(t, () => rx.open({ type: 23, version: TLS_1_0, fragment: longer }), 20, BAD_MAC, `${s.openssl}: one block too long`);
  }
});

t.test('replayed, reordered and dropped records are bad_record_mac (sequence number is MAC input)', async (t) => {
  for (const s of SUITES) {
    const keys = keysFor(s);
    const sealer = RecordProtection.create(pureProvider, s, keys, 'seal');
    const recs = [0, 1, 2].map((i) => parse(sealer.seal(23, TLS_1_0, pattern(30, i))));

    const replay = RecordProtection.create(pureProvider, s, keys, 'open');
    replay.open(recs[0]!);
    expectAlert(t, () => replay.open(recs[0]!), 20, BAD_MAC, `${s.openssl}: replayed record`);

    const reorder = RecordProtection.create(pureProvider, s, keys, 'open');
    expectAlert(t, () => reorder.open(recs[1]!), 20, BAD_MAC, `${s.openssl}: record 1 before record 0`);

    const drop = RecordProtection.create(pureProvider, s, keys, 'open');
    drop.open(recs[0]!);
    expectAlert(t, () => drop.open(recs[2]!), 20, BAD_MAC, `${s.openssl}: record 1 dropped`);
    t.equal(drop.sequenceNumber, 1n, 'a failed open does not advance the sequence number');

    // For the MAC alone (no cipher state involved): the NULL-cipher suites.
    if (cipherInfo(s).type === 'null') {
      const rx = RecordProtection.create(pureProvider, s, keys, 'open', { initialSequenceNumber: 1n });
      t.equal(toHex(rx.open(recs[1]!)), toHex(pattern(30, 1)), `${s.openssl}: record 1 opens at sequence number 1`);
    }
  }
});

t.test('the MAC covers the full 64-bit sequence number', async (t) => {
  const s = suiteByName('NULL-SHA')!;
  const keys = keysFor(s);
  const seq = (1n << 32n) + 5n;
  const sealer = RecordProtection.create(pureProvider, s, keys, 'seal', { initialSequenceNumber: seq });
  const ref = new ReferenceSealer(s, keys, 20, seq);
  t.equal(toHex(sealer.seal(23, TLS_1_0, pattern(10, 1))), toHex(ref.seal(23, TLS_1_0, pattern(10, 1))), 'seq 2^32+5');
  t.equal(sealer.sequenceNumber, seq + 1n);
  const low = RecordProtection.create(pureProvider, s, keys, 'open', { initialSequenceNumber: 5n });
  const rec = parse(new ReferenceSealer(s, keys, 20, seq).seal(23, TLS_1_0, pattern(10, 1)));
  expectAlert(t, () => low.open(rec), 20, BAD_MAC, 'seq 5 does not open a record MACed with seq 2^32+5');

  const carry = RecordProtection.create(pureProvider, s, keys, 'seal', { initialSequenceNumber: 0xffff_ffffn });
  carry.seal(23, TLS_1_0, new Uint8Array(0));
  t.equal(carry.sequenceNumber, 1n << 32n, 'carry from the low to the high word');
});

t.test('the sequence number refuses to wrap (RFC 2246 6.1)', async (t) => {
  const s = suiteByName('AES128-SHA')!;
  const keys = keysFor(s);
  const max = (1n << 64n) - 1n;
  const sealer = RecordProtection.create(pureProvider, s, keys, 'seal', { initialSequenceNumber: max - 1n });
  const rx = RecordProtection.create(pureProvider, s, keys, 'open', { initialSequenceNumber: max - 1n });
  for (let i = 0; i < 2; i++) t.equal(rx.open(parse(sealer.seal(23, TLS_1_0, pattern(5, i)))).length, 5, `record with seq 2^64-${2 - i}`);
  t.throws(() => sealer.seal(23, TLS_1_0, pattern(5, 9)), TLSError);
  try {
    sealer.seal(23, TLS_1_0, pattern(5, 9));
  } catch (err) {
    t.equal((err as TLSError).code, 'ERR_TLS_SEQUENCE_EXHAUSTED');
  }
  try {
    rx.open({ type: 23, version: TLS_1_0, fragment: new Uint8Array(32) });
    t.fail('open after 2^64 records');
  } catch (err) {
    t.equal((err as TLSError).code, 'ERR_TLS_SEQUENCE_EXHAUSTED', 'open refuses too');
  }
  t.throws(() => RecordProtection.create(pureProvider, s, keys, 'seal', { initialSequenceNumber: max + 1n }), RangeError);
});

t.test('oversized input', async (t) => {
  for (const s of SUITES) {
    const { sealer } = pair(s);
    t.throws(() => sealer.seal(23, TLS_1_0, new Uint8Array(MAX_PLAINTEXT + 1)), RangeError, `${s.openssl}: seal refuses 2^14+1 (caller bug)`);
    // 2^14+2048+1 ciphertext bytes: record_overflow, not bad_record_mac, and before any crypto.
    const counting = countingProvider();
    const rx = opener(s, { provider: counting.provider });
    expectAlert(t, () => rx.open({ type: 23, version: TLS_1_0, fragment: new Uint8Array(MAX_CIPHERTEXT + 1) }), 22, /exceeds 2\^14\+2048/, `${s.openssl}: 18433-byte fragment`);
    t.equal(counting.calls(), 0);
  }
  // A correctly protected plaintext over the limit (built by the reference): record_overflow after the MAC check.
  for (const name of ['AES128-SHA', 'RC4-MD5', 'NULL-SHA']) {
    const s = suiteByName(name)!;
    const keys = keysFor(s);
    const ref = new ReferenceSealer(s, keys);
    const rx = RecordProtection.create(pureProvider, s, keys, 'open');
    expectAlert(t, () => rx.open(parse(ref.seal(23, TLS_1_0, new Uint8Array(MAX_PLAINTEXT + 1)))), 22, /plaintext length 16385 exceeds 16384/, `${name}: 2^14+1 plaintext`);

    // The letter of RFC 2246 7.2.2 (TLSCompressed up to 2^14+1024), when the engine asks for it.
    const ref2 = new ReferenceSealer(s, keys);
    const lenient = RecordProtection.create(pureProvider, s, keys, 'open');
    lenient.maxPlaintextLength = MAX_COMPRESSED;
    t.equal(lenient.open(parse(ref2.seal(23, TLS_1_0, new Uint8Array(MAX_COMPRESSED)))).length, MAX_COMPRESSED, `${name}: 2^14+1024 with the lenient limit`);
    expectAlert(t, () => lenient.open(parse(ref2.seal(23, TLS_1_0, new Uint8Array(MAX_COMPRESSED + 1)))), 22, undefined, `${name}: 2^14+1025 with the lenient limit`);
  }
  // max_fragment_length 2^9: a 513-byte plaintext is record_overflow.
  const s = suiteByName('DES-CBC3-SHA')!;
  const { sealer, opener: rx } = pair(s);
  rx.maxPlaintextLength = 512;
  t.equal(rx.open(parse(sealer.seal(23, TLS_1_0, new Uint8Array(512)))).length, 512);
  expectAlert(t, () => rx.open(parse(sealer.seal(23, TLS_1_0, new Uint8Array(513)))), 22);
});

t.test('truncated_hmac: a 10-byte tag, the first 10 bytes of the full-key HMAC (RFC 3546 3.5)', async (t) => {
  for (const s of SUITES) {
    const keys = keysFor(s, 4);
    const sealer = RecordProtection.create(pureProvider, s, keys, 'seal', { truncatedMac: true });
    const ref = new ReferenceSealer(s, keys, 10);
    for (let i = 0; i < 3; i++) {
      const pt = pattern(17 + i * 40, i);
      t.equal(toHex(sealer.seal(23, TLS_1_0, pt)), toHex(ref.seal(23, TLS_1_0, pt)), `${s.openssl}: record ${i} with a 10-byte MAC`);
    }
    const { sealer: tx, opener: rx } = pair(s, { truncatedMac: true });
    const wire = tx.seal(23, TLS_1_0, pattern(30, 1));
    const bs = cipherInfo(s).type === 'block' ? cipherInfo(s).blockSize : 0;
    t.equal(wire.length - 5, bs ? Math.ceil((30 + 10 + 1) / bs) * bs : 40, `${s.openssl}: fragment length with a 10-byte MAC`);
    t.equal(toHex(rx.open(parse(wire))), toHex(pattern(30, 1)));

    // Flip in the truncated tag, and a full-MAC receiver, both fail.
    const bad = tx.seal(23, TLS_1_0, pattern(30, 2));
    bad[5 + 31]! ^= 4;
    expectAlert(t, () => rx.open(parse(bad)), 20, BAD_MAC, `${s.openssl}: flipped truncated tag`);
    const full = RecordProtection.create(pureProvider, s, keysFor(s, 4), 'open');
    const truncated = RecordProtection.create(pureProvider, s, keysFor(s, 4), 'seal', { truncatedMac: true });
    expectAlert(t, () => full.open(parse(truncated.seal(23, TLS_1_0, pattern(30, 3)))), 20, BAD_MAC, `${s.openssl}: full-MAC receiver`);
  }
});

t.test('the NULL state passes records through and still counts them', async (t) => {
  const tx = RecordProtection.none();
  const rx = RecordProtection.none();
  const wire = tx.seal(22, TLS_1_0, Uint8Array.of(1, 2, 3));
  t.equal(toHex(wire), '160301000301' + '0203');
  t.equal(toHex(rx.open(parse(wire))), '010203');
  t.equal(toHex(tx.seal(23, 0x0300, new Uint8Array(0))), '1703000000');
  t.equal(tx.sequenceNumber, 2n);
  t.equal(rx.sequenceNumber, 1n);
  t.throws(() => tx.seal(23, TLS_1_0, new Uint8Array(MAX_PLAINTEXT + 1)), RangeError);
  expectAlert(t, () => RecordProtection.none().open({ type: 22, version: TLS_1_0, fragment: new Uint8Array(MAX_PLAINTEXT + 1) }), 22, /plaintext length 16385/);
  expectAlert(t, () => RecordProtection.none().open({ type: 22, version: TLS_1_0, fragment: new Uint8Array(MAX_CIPHERTEXT + 1) }), 22, /2\^14\+2048/);

  const nn = RecordProtection.create(pureProvider, suiteByName('TLS_NULL_WITH_NULL_NULL')!, { macKey: new Uint8Array(0), key: new Uint8Array(0), iv: new Uint8Array(0) }, 'seal');
  t.equal(nn.isNull, true, 'TLS_NULL_WITH_NULL_NULL gives the null state');
});

t.test('caller bugs are thrown as TypeError/RangeError, not alerts', async (t) => {
  const s = suiteByName('AES128-SHA')!;
  const keys = keysFor(s);
  const { sealer, opener: rx } = pair(s);
  t.throws(() => rx.seal(23, TLS_1_0, new Uint8Array(1)), TypeError, 'seal on an open state');
  t.throws(() => sealer.open({ type: 23, version: TLS_1_0, fragment: new Uint8Array(32) }), TypeError, 'open on a seal state');
  t.throws(() => RecordProtection.create(pureProvider, s, { ...keys, key: new Uint8Array(15) }, 'seal'), RangeError, 'short key');
  t.throws(() => RecordProtection.create(pureProvider, s, { ...keys, macKey: new Uint8Array(16) }, 'seal'), RangeError, 'MD5-sized MAC key for SHA');
  t.throws(() => RecordProtection.create(pureProvider, s, { ...keys, iv: new Uint8Array(8) }, 'seal'), RangeError, 'short IV');
  const exp = suiteByName('EXP-RC4-MD5')!;
  t.throws(() => RecordProtection.create(pureProvider, exp, { macKey: new Uint8Array(16), key: new Uint8Array(16), iv: new Uint8Array(0) }, 'seal'), TypeError, 'RC4_40 has no implementation');
});

t.test("open() never returns a view of the record reader's (possibly shared) buffer, whatever the cipher", async (t) => {
  for (const s of [...SUITES, null]) {
    const keys = s ? keysFor(s, 5) : null;
    const tx = s ? RecordProtection.create(pureProvider, s, keys!, 'seal') : RecordProtection.none();
    const rx = s ? RecordProtection.create(pureProvider, s, keys!, 'open') : RecordProtection.none();
    const reader = new RecordReader();
    reader.push(tx.seal(23, TLS_1_0, pattern(300, 1)));
    const record = reader.next() as TLSRecord;
    const content = rx.open(record);
    t.equal(toHex(content), toHex(pattern(300, 1)), `${s?.openssl ?? 'NULL state'}: content`);
    t.not(content.buffer, record.fragment.buffer, `${s?.openssl ?? 'NULL state'}: content has its own buffer`);
  }
});

t.test('sealInto writes exactly what seal returns, at any offset, and sealedLength predicts it', async (t) => {
  const sizes = [0, 1, 15, 16, 17, 63, 64, 255, 1023, 1024, 16383, 16384];
  for (const s of [...SUITES, null]) {
    const name = s?.openssl ?? 'NULL state';
    const keys = s ? keysFor(s, 11) : null;
    const make = (): RecordProtection => (s ? RecordProtection.create(pureProvider, s, keys!, 'seal') : RecordProtection.none());
    const a = make();
    const b = make();
    const expected = sizes.map((n, i) => a.seal(i % 2 ? 23 : 22, TLS_1_0, pattern(n, i)));
    t.same(sizes.map((n) => b.sealedLength(n)), expected.map((r) => r.length), `${name}: sealedLength`);
    // All records into one array after a 3-byte prefix, with 2 spare bytes at the end.
    const total = expected.reduce((sum, r) => sum + r.length, 0);
    const out = new Uint8Array(3 + total + 2).fill(0xa5);
    let offset = 3;
    for (const [i, n] of sizes.entries()) offset += b.sealInto(out, offset, i % 2 ? 23 : 22, TLS_1_0, pattern(n, i));
    t.equal(offset, 3 + total);
    t.equal(toHex(out.subarray(3, 3 + total)), toHex(Buffer.concat(expected)), `${name}: same bytes as seal(), CBC chaining and RC4 state included`);
    t.equal(toHex(out.subarray(0, 3)) + toHex(out.subarray(3 + total)), 'a5a5a5a5a5', `${name}: nothing written outside the records`);
    t.equal(b.sequenceNumber, BigInt(sizes.length));
  }
});

t.test('sealInto refuses a record that does not fit, before changing any state', async (t) => {
  const s = suiteByName('AES128-SHA')!;
  const keys = keysFor(s, 12);
  const tx = RecordProtection.create(pureProvider, s, keys, 'seal');
  const rx = RecordProtection.create(pureProvider, s, keys, 'open');
  const need = tx.sealedLength(100);
  t.equal(need, 5 + 128, '100 + 20 (MAC) + 1 → 8 blocks of 16');
  const out = new Uint8Array(need + 10);
  t.throws(() => tx.sealInto(out, 11, 23, TLS_1_0, pattern(100, 1)), RangeError, 'one byte short');
  t.throws(() => tx.sealInto(out, -1, 23, TLS_1_0, pattern(100, 1)), RangeError, 'negative offset');
  t.throws(() => tx.sealInto(out, 0.5, 23, TLS_1_0, pattern(100, 1)), RangeError, 'fractional offset');
  t.throws(() => tx.sealInto(new Uint8Array(20000), 0, 23, TLS_1_0, new Uint8Array(MAX_PLAINTEXT + 1)), RangeError, 'oversized plaintext');
  t.throws(() => rx.sealInto(out, 0, 23, TLS_1_0, pattern(1, 1)), TypeError, 'on an open state');
  t.equal(tx.sequenceNumber, 0n);
  t.equal(tx.sealInto(out, 10, 23, TLS_1_0, pattern(100, 1)), need);
  t.equal(toHex(rx.open(parse(out.subarray(10)))), toHex(pattern(100, 1)), 'the first record that fits is still the first of the stream');
});
