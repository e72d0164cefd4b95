/**
 * The limit of this machine for a TLS 1.0 CBC record path built on node:crypto (issue 18): what
 * node:crypto's AES-CBC and SHA-1 alone cost per record at 1 KiB and 16 KiB fragments, in CPU time
 * (process.cpuUsage, user + system), and therefore the best MB per CPU-second a record path made of
 * them can reach with both ends in one process (one seal + one open per record: encrypt, decrypt and
 * two HMAC-SHA1s), which is how bench/throughput.ts socketThroughput runs.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/crypto-limit.js [--ms 400] [--rounds 5]
 *
 * Each primitive runs the way the record path calls it: one long-lived Cipher per direction (TLS 1.0
 * chains CBC across records), one `crypto.hash()` over ipad || header || fragment for the inner HMAC
 * and one over opad || inner for the outer (two one-shot calls, no Hmac object). Median of `rounds`.
 * Nothing is asserted.
 */
import { createCipheriv, createDecipheriv, createHmac, hash } from 'node:crypto';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}
const ms = Number(arg('--ms', '400'));
const rounds = Number(arg('--rounds', '5'));

/** CPU nanoseconds per call of fn, median of `rounds` batches of about `ms` CPU milliseconds. */
function cpuNsPerCall(fn: () => void): number {
  for (let i = 0; i < 200; i++) fn();
  const results: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let calls = 0;
    const c0 = process.cpuUsage();
    let spent = 0;
    while (spent < ms * 1000) {
      for (let i = 0; i < 50; i++) fn();
      calls += 50;
      const c = process.cpuUsage(c0);
      spent = c.user + c.system;
    }
    results.push((spent * 1000) / calls);
  }
  return results.sort((a, b) => a - b)[Math.floor(results.length / 2)]!;
}

const MAC = 20;
const rows: string[] = [];
for (const [name, keyLen] of [['aes-128-cbc', 16], ['aes-256-cbc', 32]] as const) {
  for (const size of [1024, 16384]) {
    // Fragment + MAC + padding to the 16-byte block, as a TLS 1.0 CBC record.
    const padded = Math.ceil((size + MAC + 1) / 16) * 16;
    const plain = Buffer.alloc(padded, 7);
    const key = Buffer.alloc(keyLen, 1);
    const iv = Buffer.alloc(16, 2);
    const enc = createCipheriv(name, key, iv).setAutoPadding(false);
    const ciphertext = enc.update(plain);
    const dec = createDecipheriv(name, key, iv).setAutoPadding(false);
    const encNs = cpuNsPerCall(() => enc.update(plain));
    const decNs = cpuNsPerCall(() => dec.update(ciphertext));
    const inner = Buffer.alloc(64 + 13 + size, 3);
    const outer = Buffer.alloc(64 + MAC, 4);
    const macNs = cpuNsPerCall(() => {
      hash('sha1', inner, 'buffer');
      hash('sha1', outer, 'buffer');
    });
    const macKey = Buffer.alloc(20, 5);
    const fragment = inner.subarray(64);
    const hmacNs = cpuNsPerCall(() => createHmac('sha1', macKey).update(fragment).digest());
    // Both ends in one process: encrypt + decrypt + two MACs per record.
    const recordNs = encNs + decNs + 2 * macNs;
    const mbPerCpuSecond = size / recordNs * 1e3; // bytes per ns * 1e9 / 1e6
    rows.push(`| ${name} | ${size === 1024 ? '1 KiB' : '16 KiB'} | ${encNs.toFixed(0)} | ${decNs.toFixed(0)} | ${macNs.toFixed(0)} | ${hmacNs.toFixed(0)} | ${(size / encNs * 1e3).toFixed(0)} | ${(size / macNs * 1e3).toFixed(0)} | ${recordNs.toFixed(0)} | ${mbPerCpuSecond.toFixed(0)} |`);
  }
}
console.log(`node:crypto alone, CPU ns per record (median of ${rounds} x ${ms} ms), Node ${process.version}, OpenSSL ${process.versions.openssl}`);
console.log('| cipher | fragment | encrypt ns | decrypt ns | HMAC-SHA1 (2 x hash()) ns | HMAC-SHA1 (Hmac object) ns | encrypt MB/CPU-s | HMAC MB/CPU-s | seal + open ns | ceiling, both ends in one process, MB/CPU-s |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(r);
