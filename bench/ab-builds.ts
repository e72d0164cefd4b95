/**
 * Two builds of ut-tls side by side, interleaved in one process, with node:tls as the yardstick:
 * socket throughput (both ends in this process over 127.0.0.1, bench/throughput.ts socketThroughput)
 * counted in MB per CPU-second (user + system time of this process) and in wall MB/s, median of the
 * rounds. On a loaded machine the wall-clock rate of one run moves 2-4x; interleaving the builds in
 * one process and counting CPU time is what made the issue 18 before/after figures comparable.
 *
 *   npx tsc -p tsconfig.json
 *   git worktree add /tmp/old <commit> && (cd /tmp/old && npm ci && npx tsc -p tsconfig.json)
 *   node dist/bench/ab-builds.js --base /tmp/old/dist [--write 16384] [--suite TLS_RSA_WITH_AES_128_CBC_SHA]
 *                                [--rounds 5] [--seconds 1.5]
 *
 * Nothing is asserted.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, resolve } from 'node:path';
import type { SocketPeer, SuiteName } from './peers/types.js';
import type { ThroughputFigures } from './throughput.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

interface Build {
  socketThroughput: (peer: SocketPeer, suite: SuiteName, size: number, seconds: number, warmup?: number) => Promise<ThroughputFigures>;
  peer: SocketPeer;
  cleanup: () => void;
}

async function load(distDir: string, impl: 'ut-tls' | 'node:tls'): Promise<Build> {
  const url = (p: string) => pathToFileURL(resolve(distDir, p)).href;
  const { socketThroughput } = (await import(url('bench/throughput.js'))) as Pick<Build, 'socketThroughput'>;
  const { createBenchPki } = (await import(url('bench/peers/pki.js'))) as typeof import('./peers/pki.js');
  const pki = await createBenchPki();
  let peer: SocketPeer;
  if (impl === 'node:tls') peer = ((await import(url('bench/peers/node-tls.js'))) as typeof import('./peers/node-tls.js')).nodeTlsSocketPeer(pki);
  else peer = ((await import(url('bench/peers/ut-tls.js'))) as typeof import('./peers/ut-tls.js')).utTlsSocketPeer('ut-tls', pki);
  return { socketThroughput, peer, cleanup: () => pki.cleanup() };
}

const base = arg('--base', '');
if (!base) {
  console.error('usage: node dist/bench/ab-builds.js --base <other build\'s dist dir> [--write N] [--suite S] [--rounds N] [--seconds S]');
  process.exit(2);
}
const write = Number(arg('--write', '16384'));
const suite = arg('--suite', 'TLS_RSA_WITH_AES_128_CBC_SHA') as SuiteName;
const rounds = Number(arg('--rounds', '5'));
const seconds = Number(arg('--seconds', '1.5'));
const thisDist = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const builds: Record<'old' | 'new' | 'node:tls', Build> = {
  old: await load(base, 'ut-tls'),
  new: await load(thisDist, 'ut-tls'),
  'node:tls': await load(thisDist, 'node:tls'),
};
const names = Object.keys(builds) as (keyof typeof builds)[];
const cpu: Record<string, number[]> = {};
const wall: Record<string, number[]> = {};
try {
  for (let r = 0; r < rounds; r++) {
    for (const name of names) {
      const b = builds[name];
      const c0 = process.cpuUsage();
      const f = await b.socketThroughput(b.peer, suite, write, seconds, 0);
      const c = process.cpuUsage(c0);
      (cpu[name] ??= []).push(f.bytes / 1e6 / ((c.user + c.system) / 1e6));
      (wall[name] ??= []).push(f.MBps);
    }
  }
} finally {
  for (const b of Object.values(builds)) b.cleanup();
}
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
const row = (label: string, m: Record<string, number[]>) => {
  const [o, n, t] = names.map((k) => median(m[k]!));
  console.log(`  ${label.padEnd(18)} old ${o!.toFixed(1)}  new ${n!.toFixed(1)}  node:tls ${t!.toFixed(1)}  new/old ${(n! / o!).toFixed(2)}x  new/node:tls ${(n! / t!).toFixed(2)}x`);
};
console.log(`sockets, one process, ${suite}, ${write} B writes, median of ${rounds} interleaved rounds of ${seconds} s`);
row('MB per CPU-second', cpu);
row('MB/s (wall)', wall);
