/**
 * One socket throughput cell on its own, for profiling the socket record path:
 *
 *   npm run build && node --cpu-prof --cpu-prof-dir=/tmp/prof dist/bench/record-socket-profile.js \
 *     [--impl ut-tls|node:tls] [--suite TLS_RSA_WITH_AES_128_CBC_SHA] [--write 16384] [--seconds 3] [--runs 1]
 *
 * Prints MB/s per run (same measurement as `npm run bench`: bench/throughput.ts socketThroughput),
 * and MB per CPU-second of this process (both ends run in it; user + system time over the run, warm-up
 * and handshake included), which a loaded machine disturbs far less than the wall-clock rate.
 */
import { nodeTlsSocketPeer } from './peers/node-tls.js';
import { createBenchPki } from './peers/pki.js';
import type { SuiteName } from './peers/types.js';
import { utTlsSocketPeer } from './peers/ut-tls.js';
import { socketThroughput } from './throughput.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}
const impl = arg('--impl', 'ut-tls');
const suite = arg('--suite', 'TLS_RSA_WITH_AES_128_CBC_SHA') as SuiteName;
const write = Number(arg('--write', '16384'));
const seconds = Number(arg('--seconds', '3'));
const runs = Number(arg('--runs', '1'));

const pki = await createBenchPki();
try {
  const peer = impl === 'node:tls' ? nodeTlsSocketPeer(pki) : utTlsSocketPeer(impl === 'ut-tls-pure' ? 'ut-tls-pure' : 'ut-tls', pki);
  for (let r = 0; r < runs; r++) {
    const cpu0 = process.cpuUsage();
    const f = await socketThroughput(peer, suite, write, seconds, 0);
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const mb = f.bytes / 1e6;
    console.log(`${impl} ${suite} ${write} B writes: ${f.MBps.toFixed(1)} MB/s, ${(mb / cpuSeconds).toFixed(1)} MB per CPU-second`);
  }
} finally {
  pki.cleanup();
}
