/**
 * RFC 5077 ticket seal / open cost on the server (lib/session/tickets.ts), per provider, in µs per
 * ticket (CPU time): what every full handshake (seal) and every ticket resumption (open) adds. Nothing asserted.
 *
 *   npm run build && node dist/bench/tickets.js [--quick]
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createNativeProvider } from '../lib/crypto/native.js';
import { createPureProvider } from '../lib/crypto/pure.js';
import type { CryptoProvider } from '../lib/crypto/provider.js';
import { TicketKeys } from '../lib/session/tickets.js';
import type { SessionData } from '../lib/session/types.js';

const SECONDS = process.argv.includes('--quick') ? 0.2 : 1;
const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n));

/** A session as a full handshake leaves it: a 1 KB client leaf kept, EMS and EtM on. */
const session: SessionData = {
  id: random(32),
  masterSecret: random(48),
  cipherSuite: 0x002f,
  compressionMethod: 0,
  createdAt: Date.now(),
  lifetime: 86400,
  servername: 'ap.example.org',
  peerCertificates: [random(1024)],
  extendedMasterSecret: true,
  encryptThenMac: true,
};

/** CPU µs per call (process CPU time, so a busy machine skews it less than wall time would). */
function microseconds(fn: () => void): number {
  const warm = performance.now() + 100;
  while (performance.now() < warm) fn();
  let n = 0;
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  while (performance.now() - wallStart < SECONDS * 1000) {
    for (let i = 0; i < 100; i++) fn();
    n += 100;
  }
  const cpu = process.cpuUsage(cpuStart);
  return (cpu.user + cpu.system) / n;
}

const providers: [string, CryptoProvider][] = [
  ['auto (node:crypto)', createNativeProvider()],
  ['pure', createPureProvider()],
];
console.log('provider             seal µs   open µs   ticket bytes   (CPU time per ticket)');
for (const [name, provider] of providers) {
  const keys = new TicketKeys({ random });
  const ticket = keys.seal(session, provider);
  if (!keys.open(ticket, provider)) throw new Error('the sealed ticket does not open');
  const seal = microseconds(() => keys.seal(session, provider));
  const open = microseconds(() => keys.open(ticket, provider));
  console.log(`${name.padEnd(20)} ${seal.toFixed(1).padStart(7)}   ${open.toFixed(1).padStart(7)}   ${ticket.length}`);
}
