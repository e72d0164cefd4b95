/**
 * Crypto providers side by side: the pure provider vs the native (node:crypto) provider, both
 * through the CryptoProvider interface the record layer uses.
 *
 *   npm run build && node dist/bench/providers.js [--quick]
 *
 * "seal" is what the record layer does per record in TLS 1.0 (RFC 2246 6.2.3): HMAC-SHA1 over
 * seq_num||header and the payload (two parts, no copy), then one cipher update over
 * payload||MAC||padding with the CBC state carried from the previous record. MB/s count payload
 * bytes (10^6 bytes/s). RSA-2048 raw operations are in ops/s. A ratio > 1 means native is faster.
 * Under OpenSSL 3's default provider the native provider runs RC4 on the pure code (the table says
 * so). Nothing is asserted; the table is printed and written to bench/results/providers.json.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createNativeProvider } from '../lib/crypto/native.js';
import type { BulkCipherName, CryptoProvider, RsaPrivateKey } from '../lib/crypto/provider.js';
import { createPureProvider } from '../lib/crypto/pure.js';
import { parsePrivateKey } from '../lib/x509/keys.js';

const QUICK = process.argv.includes('--quick');
/** Seconds of measurement per cell, after a short warm-up. */
const SECONDS = QUICK ? 0.25 : 0.8;
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function rate(fn: () => void): number {
  const warmEnd = performance.now() + SECONDS * 250;
  while (performance.now() < warmEnd) fn();
  let calls = 0;
  const start = performance.now();
  const end = start + SECONDS * 1000;
  let now = start;
  while (now < end) {
    fn();
    calls++;
    now = performance.now();
  }
  return calls / ((now - start) / 1000);
}

const bytes = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 131 + seed * 7 + (i >> 7)) & 0xff);

const pure = createPureProvider();
const native = createNativeProvider();

const SUITES: { label: string; cipher: BulkCipherName; key: number; block: number }[] = [
  { label: '3DES-EDE-CBC', cipher: '3des-cbc', key: 24, block: 8 },
  { label: 'AES-128-CBC', cipher: 'aes-128-cbc', key: 16, block: 16 },
  { label: 'AES-256-CBC', cipher: 'aes-256-cbc', key: 32, block: 16 },
  { label: 'RC4-128', cipher: 'rc4', key: 16, block: 0 },
];

/** One sealing direction: a keyed MAC and cipher, and a sequence number, as a record layer keeps them. */
function sealer(p: CryptoProvider, suite: (typeof SUITES)[number], payload: Uint8Array): () => void {
  const cipher = p.createCipher(suite.cipher, bytes(suite.key, 1), suite.block ? bytes(suite.block, 2) : null, true);
  const mac = p.createMac('sha1', bytes(20, 3));
  const seqHeader = new Uint8Array(13); // seq_num(8) type(1) version(2) length(2)
  seqHeader[8] = 23;
  seqHeader[9] = 3;
  seqHeader[10] = 1;
  seqHeader[11] = payload.length >> 8;
  seqHeader[12] = payload.length & 0xff;
  const macLength = 20;
  // padding_length byte included; the block ciphers pad payload||MAC to a whole block
  const padLength = suite.block ? suite.block - ((payload.length + macLength) % suite.block) : 0;
  const record = new Uint8Array(payload.length + macLength + padLength);
  let seq = 0;
  return () => {
    new DataView(seqHeader.buffer).setUint32(4, seq++);
    const tag = mac.mac(seqHeader, payload);
    record.set(payload, 0);
    record.set(tag, payload.length);
    record.fill(padLength - 1, payload.length + macLength);
    cipher.update(record);
  };
}

interface Row {
  name: string;
  unit: 'MB/s' | 'ops/s';
  pure: number;
  native: number;
  ratio: number;
  note?: string;
}
const rows: Row[] = [];
function add(name: string, unit: Row['unit'], pureValue: number, nativeValue: number, note?: string): void {
  const row: Row = { name, unit, pure: pureValue, native: nativeValue, ratio: nativeValue / pureValue };
  if (note) row.note = note;
  rows.push(row);
  process.stderr.write(`  ${name} done\n`);
}

const fallbacks = new Set<string>(native.pureFallbacks);
for (const size of [16384, 1024]) {
  const payload = bytes(size, 4);
  for (const suite of SUITES) {
    if (size === 1024 && suite.cipher !== 'aes-128-cbc' && suite.cipher !== '3des-cbc') continue;
    const mbps = (p: CryptoProvider): number => (rate(sealer(p, suite, payload)) * size) / 1e6;
    const note = fallbacks.has(suite.cipher) ? `native runs ${suite.cipher} on the pure code (OpenSSL ${process.versions.openssl} lacks it)` : undefined;
    add(`seal ${suite.label} + HMAC-SHA1, ${size === 16384 ? '16 KiB' : '1 KiB'}`, 'MB/s', mbps(pure), mbps(native), note);
  }
}

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const key: RsaPrivateKey = parsePrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
const input = bytes(key.size, 5);
input[0] = 0; // below n
const ciphertext = pure.rsaPublicRaw(key, input);
add('RSA-2048 private (c^d mod n)', 'ops/s', rate(() => pure.rsaPrivateRaw(key, ciphertext)), rate(() => native.rsaPrivateRaw(key, ciphertext)));
add('RSA-2048 public (m^e mod n)', 'ops/s', rate(() => pure.rsaPublicRaw(key, input)), rate(() => native.rsaPublicRaw(key, input)));

const fmt = (x: number): string => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
const table = rows.map((r) => ({ operation: r.name, unit: r.unit, pure: fmt(r.pure), native: fmt(r.native), 'native/pure': r.ratio.toFixed(2) + 'x' }));
const headers = Object.keys(table[0]!) as (keyof (typeof table)[number])[];
const widths = headers.map((h) => Math.max(h.length, ...table.map((r) => r[h].length)));
const line = (cells: string[]): string => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
console.log(`\nut-tls crypto providers: pure vs native (node ${process.version}, OpenSSL ${process.versions.openssl}${QUICK ? ', quick' : ''})\n`);
console.log(line(headers));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const r of table) console.log(line(headers.map((h) => r[h])));
for (const r of rows) if (r.note) console.log(`note: ${r.name}: ${r.note}`);

const outDir = join(ROOT, 'bench', 'results');
mkdirSync(outDir, { recursive: true });
writeFileSync(
  join(outDir, 'providers.json'),
  JSON.stringify(
    {
      benchmark: 'crypto providers (pure vs native)',
      date: new Date().toISOString(),
      quick: QUICK,
      node: process.version,
      openssl: process.versions.openssl,
      cpu: cpus()[0]?.model ?? 'unknown',
      nativePureFallbacks: native.pureFallbacks,
      results: rows,
    },
    null,
    2,
  ) + '\n',
);
console.log(`\nwritten: bench/results/providers.json`);
