/**
 * The ceiling of this machine for a TLS 1.0 AES-128-CBC-SHA record path built on node:crypto:
 * AES-128-CBC encryption and HMAC-SHA1 alone, on 16 KiB and 1 KiB records, and what a record path
 * doing exactly one of each per record could reach at best (1 / (1/aes + 1/hmac), no framing, no
 * copies, no socket). bench/crypto.ts compares providers; this one only answers "how fast could it be".
 *
 *   npm run build && node dist/bench/crypto-ceiling.js [--seconds 0.7]
 *
 * MB/s = 10^6 bytes of plaintext per second. Nothing is asserted.
 */
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}
const SECONDS = Number(arg('--seconds', '0.7'));

/** Calls fn for SECONDS after a short warm-up; returns MB/s for `bytes` per call. */
function mbps(bytes: number, fn: () => void): number {
  const warmEnd = performance.now() + 100;
  while (performance.now() < warmEnd) fn();
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now < start + SECONDS * 1000) {
    fn();
    calls++;
    now = performance.now();
  }
  return (calls * bytes) / ((now - start) / 1000) / 1e6;
}

const key = randomBytes(16);
const macKey = randomBytes(20);
const header = randomBytes(13); // seq_num(8) + type + version + length, as TLS 1.0 MACs it
console.log(`node:crypto alone, node ${process.version}, ${SECONDS}s per figure, MB/s of plaintext`);
console.log(['record', 'AES-128-CBC enc', 'HMAC-SHA1', 'both (ceiling)'].map((c, i) => (i === 0 ? c.padEnd(8) : c.padStart(16))).join(' '));
for (const size of [16384, 1024]) {
  const data = randomBytes(size);
  // One long-lived cipher: TLS 1.0 chains the CBC IV across records, so one stream serves a connection.
  const cipher = createCipheriv('aes-128-cbc', key, randomBytes(16)).setAutoPadding(false);
  const aes = mbps(size, () => cipher.update(data));
  // A keyed Hmac per record: node's Hmac cannot be reset or cloned.
  const hmac = mbps(size, () => createHmac('sha1', macKey).update(header).update(data).digest());
  const both = 1 / (1 / aes + 1 / hmac);
  console.log([String(size), aes.toFixed(1), hmac.toFixed(1), both.toFixed(1)].map((c, i) => (i === 0 ? c.padEnd(8) : c.padStart(16))).join(' '));
}
