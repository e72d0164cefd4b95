/**
 * CBC padding timing probe (Lucky 13, issue 21 item 5): how long RecordProtection.open() takes on
 * a CBC record with valid 255-byte padding (and a wrong MAC, as an attacker's record has) against
 * one of the same length with bad padding, per provider. Both end in bad_record_mac; a difference
 * is what a padding oracle measures.
 *
 *   npm run build && npm run bench:cbc-timing [-- --seconds 3] [-- --json out.json]
 *
 * Records come in CBC chains (one long-lived opener per kind and batch, as on a connection); each
 * record is timed alone, the two kinds interleaved, and each figure is the median of those times
 * (robust to the pauses a shared machine makes). "noise" is an A/A figure: the difference between
 * the medians of the even and the odd samples of one kind (the larger of the two kinds). The rows "countermeasure off"
 * run the same records with Mac.compress() made a no-op: the record layer as it was before, to
 * show the probe sees the difference when there is one. Nothing is asserted.
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { nativeProvider } from '../lib/crypto/native.js';
import type { CryptoProvider } from '../lib/crypto/provider.js';
import { pureProvider } from '../lib/crypto/pure.js';
import { TLS_1_0 } from '../lib/record/constants.js';
import type { TLSRecord } from '../lib/record/framing.js';
import { RecordProtection, type TrafficKeys } from '../lib/record/protection.js';
import { cipherInfo, macInfo, suiteByName, type CipherSuite } from '../lib/suites.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const SECONDS = Number(arg('--seconds') ?? '2');
const JSON_OUT = arg('--json');
const SUITE: CipherSuite = suiteByName('TLS_RSA_WITH_AES_128_CBC_SHA')!;
const LENGTHS = [288, 1024, 16400];

const fill = (n: number, v: number): Uint8Array => new Uint8Array(n).map((_, i) => (i * 13 + v) & 0xff);
function keys(s: CipherSuite): TrafficKeys {
  const c = cipherInfo(s);
  return { macKey: fill(macInfo(s).length, 1), key: fill(c.expandedKeyMaterial, 2), iv: fill(c.ivSize, 3) };
}

/** `count` chained records of `length` bytes: valid 255-byte padding with a wrong MAC, or bad padding. */
function records(provider: CryptoProvider, length: number, kind: 'valid-padding' | 'bad-padding', count: number): TLSRecord[] {
  const k = keys(SUITE);
  const enc = provider.createCipher(cipherInfo(SUITE).provider!, k.key, k.iv, true);
  const out: TLSRecord[] = [];
  for (let r = 0; r < count; r++) {
    const plain = fill(length, r);
    plain[length - 1] = 255;
    // valid: 255 padding bytes of value 255; bad: the same with the farthest one wrong.
    plain.fill(255, length - 256, length - 1);
    if (kind === 'bad-padding') plain[length - 256] = 254;
    out.push({ type: 23, version: TLS_1_0, fragment: enc.update(plain) });
  }
  return out;
}

/** The provider with Mac.compress() a no-op: the record layer without the dummy compressions. */
function withoutCountermeasure(base: CryptoProvider): CryptoProvider {
  return {
    ...base,
    createCipher: (...a) => base.createCipher(...a),
    createMac: (hash, key) => {
      const m = base.createMac(hash, key);
      return { outputLength: m.outputLength, mac: (...parts: Uint8Array[]) => m.mac(...parts), compress: () => {} };
    },
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

interface Row {
  provider: string;
  countermeasure: boolean;
  length: number;
  validPaddingNs: number;
  badPaddingNs: number;
  differenceNs: number;
  differencePercent: number;
  noiseNs: number;
  batches: number;
}

function probe(name: string, provider: CryptoProvider, countermeasure: boolean, length: number): Row {
  const batch = Math.max(50, Math.round(400_000 / length));
  const kinds = ['valid-padding', 'bad-padding'] as const;
  const sets = { 'valid-padding': records(provider, length, 'valid-padding', batch), 'bad-padding': records(provider, length, 'bad-padding', batch) };
  const times: Record<(typeof kinds)[number], number[]> = { 'valid-padding': [], 'bad-padding': [] };
  const k = keys(SUITE);
  // One record at a time, the two kinds interleaved (order alternating): a pause of the machine
  // (GC, another process) hits a few samples of both, and the medians ignore them.
  const runBatch = (keep: boolean): void => {
    const openers = { 'valid-padding': RecordProtection.create(provider, SUITE, k, 'open'), 'bad-padding': RecordProtection.create(provider, SUITE, k, 'open') };
    for (let i = 0; i < batch; i++) {
      for (let j = 0; j < 2; j++) {
        const kind = kinds[(i + j) & 1]!;
        const opener = openers[kind];
        const record = sets[kind][i]!;
        let failed = false;
        const start = performance.now();
        try {
          opener.open(record);
        } catch {
          failed = true;
        }
        const ns = (performance.now() - start) * 1e6;
        if (!failed) throw new Error(`${kind}: record ${i} opened; all must fail`);
        if (keep) times[kind].push(ns);
      }
    }
  };
  const warmEnd = performance.now() + 300;
  while (performance.now() < warmEnd) runBatch(false);
  const end = performance.now() + SECONDS * 1000;
  let rounds = 0;
  while (performance.now() < end || rounds < 5) {
    runBatch(true);
    rounds++;
  }
  const valid = median(times['valid-padding']);
  const bad = median(times['bad-padding']);
  // A/A: the same kind split into even and odd samples; any difference there is noise.
  const aa = (xs: number[]) => Math.abs(median(xs.filter((_, i) => i % 2 === 0)) - median(xs.filter((_, i) => i % 2 === 1)));
  const noise = Math.max(aa(times['valid-padding']), aa(times['bad-padding']));
  return {
    provider: name,
    countermeasure,
    length,
    validPaddingNs: valid,
    badPaddingNs: bad,
    differenceNs: bad - valid,
    differencePercent: ((bad - valid) / bad) * 100,
    noiseNs: noise,
    batches: rounds,
  };
}

const rows: Row[] = [];
for (const [name, provider] of [['native', nativeProvider], ['pure', pureProvider]] as const) {
  for (const length of LENGTHS) {
    for (const countermeasure of [true, false]) {
      rows.push(probe(name, countermeasure ? provider : withoutCountermeasure(provider), countermeasure, length));
    }
  }
}

console.log(`CBC padding timing (${SUITE.openssl}), node ${process.version}, ${SECONDS}s per row; ns per record, median of batches`);
console.log('provider  countermeasure  record   valid-pad    bad-pad   bad-valid      %   noise(+-)');
const n = (x: number, w = 10) => x.toFixed(0).padStart(w);
for (const r of rows) {
  console.log(
    `${r.provider.padEnd(9)} ${(r.countermeasure ? 'on' : 'off').padEnd(14)} ${String(r.length).padStart(7)} ${n(r.validPaddingNs, 11)} ${n(r.badPaddingNs)} ${n(r.differenceNs, 11)} ${r.differencePercent.toFixed(2).padStart(6)} ${n(r.noiseNs, 10)}`,
  );
}
if (JSON_OUT) {
  writeFileSync(JSON_OUT, JSON.stringify({ node: process.version, seconds: SECONDS, suite: SUITE.name, rows }, null, 2));
  console.log(`\nwrote ${JSON_OUT}`);
}
