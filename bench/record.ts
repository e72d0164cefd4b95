/**
 * Record-layer micro benchmark: seal and open throughput per implemented cipher suite, in memory,
 * with the pure provider, for 16 KiB and 1 KiB records; plus framing (RecordReader) throughput.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/record.js [--seconds 0.5] [--json out.json]
 *
 * Figures are MB/s of plaintext (1 MB = 10^6 bytes). "seal+open" is the throughput of one
 * connection direction end to end (both sides on one core). Nothing here is asserted.
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pureProvider } from '../lib/crypto/pure.js';
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
for (const s of CIPHER_SUITES.filter((x) => x.implemented && !x.nullMac)) {
  if (!suites.some((o) => o.cipher === s.cipher && o.mac === s.mac)) suites.push(s);
}

const rows: Row[] = [];
for (const s of suites) for (const size of [16384, 1024]) rows.push(benchSuite(s, size));
const framing = benchFraming();

const f = (x: number) => x.toFixed(1).padStart(9);
console.log(`ut-tls record layer, pure provider, node ${process.version}, ${SECONDS}s per figure, MB/s of plaintext`);
console.log('suite            record     seal      open  seal+open');
for (const r of rows) {
  console.log(`${r.suite.padEnd(16)} ${String(r.recordSize).padStart(6)} ${f(r.seal)} ${f(r.open)} ${f(r.sealOpen)}`);
}
console.log('\nRecordReader framing (16 KiB records)');
for (const x of framing) console.log(`  ${String(x.chunk).padStart(6)}-byte chunks ${f(x.mbps)} MB/s`);

if (JSON_OUT) {
  writeFileSync(JSON_OUT, JSON.stringify({ node: process.version, seconds: SECONDS, rows, framing }, null, 2));
  console.log(`\nwrote ${JSON_OUT}`);
}
