/**
 * Record-layer micro benchmark: seal and open throughput per implemented cipher suite, in memory,
 * with the pure provider (or --provider native: node:crypto), for 16 KiB and 1 KiB records; plus
 * framing (RecordReader) throughput, and with --limit what node:crypto's AES-CBC and HMAC-SHA1
 * alone do on the same sizes (the ceiling for any TLS record path on this machine).
 *
 *   npx tsc -p tsconfig.json && node dist/bench/record.js [--seconds 0.5] [--provider pure|native]
 *                                                         [--suites AES] [--limit] [--json out.json]
 *
 * Figures are MB/s of plaintext (1 MB = 10^6 bytes). "seal+open" is the throughput of one
 * connection direction end to end (both sides on one core). Nothing here is asserted.
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';
import { nativeProvider } from '../lib/crypto/native.js';
import type { CryptoProvider } from '../lib/crypto/provider.js';
import { pureProvider as pure } from '../lib/crypto/pure.js';
import { TLS_1_0 } from '../lib/record/constants.js';
import { RecordReader, type TLSRecord } from '../lib/record/framing.js';
import { RecordProtection, type TrafficKeys } from '../lib/record/protection.js';
import { CIPHER_SUITES, cipherInfo, macInfo, type CipherSuite } from '../lib/suites.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const SECONDS = Number(arg('--seconds') ?? '0.5');
const JSON_OUT = arg('--json');
const PROVIDER_NAME = arg('--provider') ?? 'pure';
const pureProvider: CryptoProvider = PROVIDER_NAME === 'native' ? nativeProvider : pure;
const SUITE_FILTER = arg('--suites');
const LIMIT = process.argv.includes('--limit');

function keys(suite: CipherSuite): TrafficKeys {
  const c = cipherInfo(suite);
  const fill = (n: number, v: number) => new Uint8Array(n).map((_, i) => (i * 13 + v) & 0xff);
  return { macKey: fill(macInfo(suite).length, 1), key: fill(c.expandedKeyMaterial, 2), iv: fill(c.ivSize, 3) };
}

function parse(wire: Uint8Array): TLSRecord {
  return { type: wire[0]!, version: (wire[1]! << 8) | wire[2]!, fragment: wire.subarray(5) };
}

/** Runs fn until `seconds` have passed (after a short warm-up); returns MB/s for `bytes` per call. */
function measure(bytesPerCall: number, fn: () => void, seconds = SECONDS): number {
  const warmEnd = performance.now() + Math.min(100, seconds * 200);
  while (performance.now() < warmEnd) fn();
  let calls = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  let now = start;
  while (now < end) {
    for (let i = 0; i < 8; i++) fn();
    calls += 8;
    now = performance.now();
  }
  return (calls * bytesPerCall) / ((now - start) / 1000) / 1e6;
}

interface Row {
  suite: string;
  recordSize: number;
  seal: number;
  open: number;
  sealOpen: number;
}

function benchSuite(suite: CipherSuite, size: number): Row {
  const k = keys(suite);
  const plaintext = new Uint8Array(size).fill(0x61);

  const sealer = RecordProtection.create(pureProvider, suite, k, 'seal');
  const seal = measure(size, () => void sealer.seal(23, TLS_1_0, plaintext));

  // open needs records sealed in sequence: pre-seal a batch, then open it in order, repeatedly,
  // with a fresh opener per batch (creation cost is part of the figure but negligible per batch).
  const batch = Math.max(16, Math.ceil((4 * 1024 * 1024) / size));
  const batchSealer = RecordProtection.create(pureProvider, suite, k, 'seal');
  const records = Array.from({ length: batch }, () => parse(batchSealer.seal(23, TLS_1_0, plaintext)));
  let opener = RecordProtection.create(pureProvider, suite, k, 'open');
  let next = 0;
  const open = measure(size, () => {
    if (next === batch) {
      opener = RecordProtection.create(pureProvider, suite, k, 'open');
      next = 0;
    }
    opener.open(records[next++]!);
  });

  const tx = RecordProtection.create(pureProvider, suite, k, 'seal');
  const rx = RecordProtection.create(pureProvider, suite, k, 'open');
  const sealOpen = measure(size, () => void rx.open(parse(tx.seal(23, TLS_1_0, plaintext))));
  return { suite: suite.openssl, recordSize: size, seal, open, sealOpen };
}

function benchFraming(): { chunk: number; mbps: number }[] {
  // 16 KiB NULL records cut into network-sized chunks that do not line up with them.
  const one = RecordProtection.none().seal(23, TLS_1_0, new Uint8Array(16384));
  const stream = new Uint8Array(one.length * 64);
  for (let i = 0; i < 64; i++) stream.set(one, i * one.length);
  return [1460, 16384, 65536].map((chunk) => ({
    chunk,
    mbps: measure(stream.length, () => {
      const r = new RecordReader();
      for (let o = 0; o < stream.length; o += chunk) {
        r.push(stream.subarray(o, o + chunk));
        while (r.next() !== null);
      }
    }),
  }));
}

const suites: CipherSuite[] = [];
for (const s of CIPHER_SUITES.filter((x) => x.implemented && !x.nullMac && (!SUITE_FILTER || x.openssl.includes(SUITE_FILTER)))) {
  if (!suites.some((o) => o.cipher === s.cipher && o.mac === s.mac)) suites.push(s);
}

/**
 * node:crypto alone, per record-sized call, each in its cheapest form: one long-lived CBC cipher
 * (no padding) over size+32 bytes (content, MAC, padding), and one HMAC-SHA1 over size+13 bytes.
 * "both" is one of each per record: no TLS record path over node:crypto can beat it.
 */
function benchLimit(): { what: string; size: number; mbps: number }[] {
  const out: { what: string; size: number; mbps: number }[] = [];
  for (const size of [16384, 1024]) {
    const data = new Uint8Array(size + 32).fill(0x61);
    const header = new Uint8Array(13);
    for (const bits of [128, 256]) {
      const key = new Uint8Array(bits / 8).fill(2);
      const enc = createCipheriv(`aes-${bits}-cbc`, key, new Uint8Array(16)).setAutoPadding(false);
      const dec = createDecipheriv(`aes-${bits}-cbc`, key, new Uint8Array(16)).setAutoPadding(false);
      out.push({ what: `AES-${bits}-CBC encrypt`, size, mbps: measure(size, () => void enc.update(data)) });
      out.push({ what: `AES-${bits}-CBC decrypt`, size, mbps: measure(size, () => void dec.update(data)) });
    }
    const macKey = new Uint8Array(20).fill(1);
    const body = data.subarray(0, size);
    out.push({ what: 'HMAC-SHA1', size, mbps: measure(size, () => void createHmac('sha1', macKey).update(header).update(body).digest()) });
    const enc = createCipheriv('aes-128-cbc', new Uint8Array(16), new Uint8Array(16)).setAutoPadding(false);
    out.push({
      what: 'AES-128-CBC + HMAC-SHA1',
      size,
      mbps: measure(size, () => {
        createHmac('sha1', macKey).update(header).update(body).digest();
        enc.update(data);
      }),
    });
  }
  return out;
}

const rows: Row[] = [];
for (const s of suites) for (const size of [16384, 1024]) rows.push(benchSuite(s, size));
const framing = benchFraming();
const limit = LIMIT ? benchLimit() : [];

const f = (x: number) => x.toFixed(1).padStart(9);
console.log(`ut-tls record layer, ${PROVIDER_NAME} provider, node ${process.version}, ${SECONDS}s per figure, MB/s of plaintext`);
console.log('suite            record     seal      open  seal+open');
for (const r of rows) {
  console.log(`${r.suite.padEnd(16)} ${String(r.recordSize).padStart(6)} ${f(r.seal)} ${f(r.open)} ${f(r.sealOpen)}`);
}
console.log('\nRecordReader framing (16 KiB records)');
for (const x of framing) console.log(`  ${String(x.chunk).padStart(6)}-byte chunks ${f(x.mbps)} MB/s`);

if (limit.length > 0) {
  console.log('\nnode:crypto alone (the limit), MB/s');
  for (const x of limit) console.log(`  ${x.what.padEnd(26)} ${String(x.size).padStart(6)} ${f(x.mbps)}`);
}

if (JSON_OUT) {
  writeFileSync(JSON_OUT, JSON.stringify({ node: process.version, seconds: SECONDS, provider: PROVIDER_NAME, rows, framing, limit }, null, 2));
  console.log(`\nwrote ${JSON_OUT}`);
}
