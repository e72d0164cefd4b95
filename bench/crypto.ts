/**
 * Crypto primitives benchmark: ut-tls (pure provider) side by side with node:crypto (OpenSSL) and
 * node-forge, in one run.
 *
 *   npm run build && npm run bench:crypto [-- --quick]
 *
 * Bulk ciphers and HMAC are measured in MB/s (10^6 bytes/s) on 16 KiB buffers (the TLS maximum
 * record), with one keyed object per run so CBC chaining carries across calls as in TLS; HMAC-SHA1
 * is also measured on 100-byte messages (typical small records) in ops/s. RSA-2048 private and public
 * raw operations are in ops/s. Ratios > 1 mean ut-tls is faster. Nothing here is asserted.
 * Results are printed as a table and written to bench/results/crypto.json.
 */
import { createCipheriv, createDecipheriv, createHmac, generateKeyPairSync, privateDecrypt, publicEncrypt, constants, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import forge from 'node-forge';
import { aesCbc, aesImplementation } from '../lib/crypto/aes.js';
import { des3Cbc } from '../lib/crypto/des.js';
import { createMac } from '../lib/crypto/hash.js';
import { rc4 } from '../lib/crypto/rc4.js';
import { rsaPrivateKey, rsaPrivateRawOp, rsaPublicRawOp } from '../lib/crypto/rsa-math.js';

const QUICK = process.argv.includes('--quick');
/** Seconds of measurement per cell (after a short warm-up). */
const SECONDS = QUICK ? 0.15 : 0.7;
const RECORD = 16384;
const SMALL = 100;

/** dist/bench/crypto.js -> repository root */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Runs fn repeatedly for SECONDS; returns calls per second. */
function rate(fn: () => void, seconds = SECONDS): number {
  const warmEnd = performance.now() + Math.min(150, seconds * 250);
  while (performance.now() < warmEnd) fn();
  let calls = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  let now = start;
  while (now < end) {
    fn();
    calls++;
    now = performance.now();
  }
  return calls / ((now - start) / 1000);
}
const mbps = (bytesPerCall: number, fn: () => void): number => (rate(fn) * bytesPerCall) / 1e6;

type Impl = (() => number) | null;
interface Row {
  name: string;
  unit: 'MB/s' | 'ops/s';
  utTls: number;
  node: number | null;
  forge: number | null;
  note?: string;
}

const rows: Row[] = [];
function bench(name: string, unit: Row['unit'], ut: () => number, node: Impl, frg: Impl, note?: string): void {
  const row: Row = { name, unit, utTls: ut(), node: node ? node() : null, forge: frg ? frg() : null };
  if (note) row.note = note;
  rows.push(row);
  process.stderr.write(`  ${name} done\n`);
}

const bytes = (n: number): Uint8Array => new Uint8Array(randomBytes(n));
const bin = (b: Uint8Array): string => Buffer.from(b).toString('binary');
const data = bytes(RECORD);
const dataBin = bin(data);
const small = bytes(SMALL);
const smallBin = bin(small);

// ------------------------------------------------------------------ RC4
function nodeHasRc4(): boolean {
  try {
    createCipheriv('rc4', Buffer.alloc(16), null);
    return true;
  } catch {
    return false;
  }
}
{
  const key = bytes(16);
  const c = rc4(key);
  const n = nodeHasRc4() ? createCipheriv('rc4', key, null) : null;
  bench(
    'RC4-128',
    'MB/s',
    () => mbps(RECORD, () => c.update(data)),
    n ? () => mbps(RECORD, () => n.update(data)) : null,
    null,
    n ? undefined : "node:crypto: OpenSSL 3 default provider has no RC4; node-forge has no RC4",
  );
}

// ------------------------------------------------------------------ 3DES-CBC, AES-128-CBC
function forgeCbc(name: '3DES-CBC' | 'AES-CBC', key: Uint8Array, iv: Uint8Array, decrypt: boolean): () => void {
  const c = decrypt ? forge.cipher.createDecipher(name, bin(key)) : forge.cipher.createCipher(name, bin(key));
  c.start({ iv: bin(iv) });
  return () => {
    c.update(forge.util.createBuffer(dataBin));
    c.output.getBytes(); // drain, as a caller would
  };
}
for (const [label, nodeName, forgeName, keyLen, blockLen, make] of [
  ['3DES-EDE-CBC', 'des-ede3-cbc', '3DES-CBC', 24, 8, des3Cbc],
  ['AES-128-CBC', 'aes-128-cbc', 'AES-CBC', 16, 16, aesCbc],
] as const) {
  const key = bytes(keyLen);
  const iv = bytes(blockLen);
  for (const decrypt of [false, true]) {
    const ours = make(key, iv);
    const n = decrypt ? createDecipheriv(nodeName, key, iv) : createCipheriv(nodeName, key, iv);
    n.setAutoPadding(false);
    const f = forgeCbc(forgeName, key, iv, decrypt);
    bench(
      `${label} ${decrypt ? 'decrypt' : 'encrypt'}`,
      'MB/s',
      () => mbps(RECORD, decrypt ? () => ours.decrypt(data) : () => ours.encrypt(data)),
      () => mbps(RECORD, () => n.update(data)),
      () => mbps(RECORD, f),
      label.startsWith('AES') ? `ut-tls AES path: ${aesImplementation}` : undefined,
    );
  }
}

// ------------------------------------------------------------------ HMAC-SHA1
{
  const key = bytes(20);
  const keyBin = bin(key);
  const mac = createMac('sha1', key);
  const fh = forge.hmac.create();
  for (const [label, msg, msgBin, unit] of [
    [`HMAC-SHA1 ${RECORD} B`, data, dataBin, 'MB/s'],
    [`HMAC-SHA1 ${SMALL} B`, small, smallBin, 'ops/s'],
  ] as const) {
    const measure = (fn: () => void): number => (unit === 'MB/s' ? mbps(msg.length, fn) : rate(fn));
    bench(
      label,
      unit,
      () => measure(() => mac.mac(msg)),
      // node: a keyed HMAC object cannot be reused, so every message pays the key setup
      () => measure(() => createHmac('sha1', key).update(msg).digest()),
      () =>
        measure(() => {
          fh.start('sha1', keyBin);
          fh.update(msgBin);
          fh.digest();
        }),
      'node:crypto and forge re-key per message; ut-tls clones precomputed pad states',
    );
  }
}

// ------------------------------------------------------------------ RSA-2048 raw operations
{
  const t0 = performance.now();
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  process.stderr.write(`  RSA-2048 key generated in ${(performance.now() - t0).toFixed(0)} ms\n`);
  const jwk = privateKey.export({ format: 'jwk' });
  const hex = (s: string | undefined): string => Buffer.from(s!, 'base64url').toString('hex');
  const big = (s: string | undefined): bigint => BigInt('0x' + hex(s));
  const key = rsaPrivateKey({ n: big(jwk.n), e: big(jwk.e), d: big(jwk.d), p: big(jwk.p), q: big(jwk.q), dp: big(jwk.dp), dq: big(jwk.dq), qinv: big(jwk.qi) });
  const BI = forge.jsbn.BigInteger;
  const fb = (s: string | undefined) => new BI(hex(s), 16);
  const fPriv = forge.pki.rsa.setPrivateKey(fb(jwk.n), fb(jwk.e), fb(jwk.d), fb(jwk.p), fb(jwk.q), fb(jwk.dp), fb(jwk.dq), fb(jwk.qi));
  const fPub = forge.pki.rsa.setPublicKey(fb(jwk.n), fb(jwk.e));
  const m = new Uint8Array(256);
  m.set(bytes(255), 1); // leading zero: m < n
  const c = rsaPublicRawOp(key, m);
  const mBin = bin(m);
  const cBin = bin(c);
  const rsaSeconds = QUICK ? 0.3 : 1.0;
  bench(
    'RSA-2048 private (CRT)',
    'ops/s',
    () => rate(() => rsaPrivateRawOp(key, c), rsaSeconds),
    () => rate(() => privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, c), rsaSeconds),
    () => rate(() => fPriv.decrypt(cBin, 'RAW'), rsaSeconds),
    'ut-tls and forge blind the private operation; ut-tls also re-checks the result with e',
  );
  bench(
    'RSA-2048 public (e=65537)',
    'ops/s',
    () => rate(() => rsaPublicRawOp(key, m), rsaSeconds),
    () => rate(() => publicEncrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, m), rsaSeconds),
    () => rate(() => fPub.encrypt(mBin, 'RAW'), rsaSeconds),
  );
}

// ------------------------------------------------------------------ report
const fmt = (v: number | null): string => {
  if (v === null) return 'n/a';
  if (v >= 1000) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  return v.toFixed(2);
};
const ratio = (a: number, b: number | null): number | null => (b ? a / b : null);
const ratioText = (r: number | null): string => (r === null ? 'n/a' : `${r.toFixed(2)}x`);

const table = rows.map((r) => ({
  primitive: r.name,
  unit: r.unit,
  'ut-tls': fmt(r.utTls),
  'node:crypto': fmt(r.node),
  forge: fmt(r.forge),
  'ut-tls/node': ratioText(ratio(r.utTls, r.node)),
  'ut-tls/forge': ratioText(ratio(r.utTls, r.forge)),
}));
const headers = Object.keys(table[0]!) as (keyof (typeof table)[number])[];
const widths = headers.map((h) => Math.max(h.length, ...table.map((r) => r[h].length)));
const line = (cells: string[]): string => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
console.log(`\nut-tls crypto primitives (${QUICK ? 'quick' : 'full'} run; Node ${process.version}, OpenSSL ${process.versions.openssl}, ${cpus()[0]?.model ?? 'unknown CPU'})\n`);
console.log(line(headers));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const r of table) console.log(line(headers.map((h) => r[h])));
const notes = rows.filter((r) => r.note).map((r) => `  ${r.name}: ${r.note}`);
if (notes.length) console.log(`\nNotes:\n${notes.join('\n')}`);

const outDir = join(ROOT, 'bench', 'results');
mkdirSync(outDir, { recursive: true });
const outFile = join(outDir, 'crypto.json');
writeFileSync(
  outFile,
  JSON.stringify(
    {
      benchmark: 'crypto primitives',
      date: new Date().toISOString(),
      quick: QUICK,
      node: process.version,
      openssl: process.versions.openssl,
      cpu: cpus()[0]?.model ?? null,
      bufferBytes: RECORD,
      results: rows.map((r) => ({ ...r, ratioNode: ratio(r.utTls, r.node), ratioForge: ratio(r.utTls, r.forge) })),
    },
    null,
    2,
  ) + '\n',
);
console.log(`\nJSON written to ${outFile}`);
