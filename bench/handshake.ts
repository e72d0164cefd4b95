/**
 * Handshakes per second and their latency: full (RSA key exchange, certificate check) and resumed
 * (RFC 2246 7.3 abbreviated handshake), TLS_RSA_WITH_AES_128_CBC_SHA, client and server of the same
 * implementation in this process.
 *
 * - socket: over TCP on 127.0.0.1, with `concurrency` clients each running handshakes back to back
 *   (connect, handshake, close_notify) against one server; the rate is handshakes completed over
 *   the wall time, latency is connect() to the client's "handshake complete".
 * - memory: both ends in memory (see peers/*-memory.ts), one handshake at a time.
 *
 * Each worker does one full handshake first (to warm up and, for resumed figures, to get the session
 * it then resumes again and again). A "resumed" handshake that was not resumed is an error, not a figure.
 */
import { performance } from 'node:perf_hooks';
import type { BenchResult, Impl, Transport } from './report.js';
import { result } from './report.js';
import { HANDSHAKE_SUITE, type MemoryPeer, type SocketPeer } from './peers/types.js';

export interface HandshakeRunOptions {
  /** Measuring time, after the warm-up. */
  seconds: number;
  /** Simultaneous clients (socket transport only). */
  concurrency: number;
  resumed: boolean;
  /** Handshakes per worker before measuring (default 2). */
  warmup?: number;
  /** Measure at least this many handshakes in all, even past `seconds` (default 1). */
  minHandshakes?: number;
}

export interface HandshakeFigures {
  handshakes: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  // Nearest-rank: the smallest value with at least p% of the samples at or below it.
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

function figures(latencies: number[], handshakes: number, elapsedMs: number): HandshakeFigures {
  const sorted = latencies.slice().sort((a, b) => a - b);
  const seconds = elapsedMs / 1000;
  return { handshakes, seconds, perSecond: handshakes / seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

/** Runs `concurrency` workers of `once` until `seconds` passed (and minHandshakes done). */
async function drive(
  once: (session: unknown) => Promise<{ resumed: boolean; session: unknown; close(): void }>,
  opts: HandshakeRunOptions,
  what: string,
): Promise<HandshakeFigures> {
  const warmup = opts.warmup ?? 2;
  const min = opts.minHandshakes ?? 1;
  const sessions: unknown[] = [];
  // Warm-up, one worker at a time so every worker holds its own session.
  for (let w = 0; w < opts.concurrency; w++) {
    let session: unknown;
    for (let i = 0; i < Math.max(1, warmup); i++) {
      const c = await once(opts.resumed ? session : undefined);
      if (opts.resumed && session !== undefined && !c.resumed) throw new Error(`${what}: warm-up handshake was not resumed`);
      if (session === undefined) session = c.session;
      c.close();
    }
    if (opts.resumed && (session === null || session === undefined)) throw new Error(`${what}: no session to resume`);
    sessions.push(session);
  }
  const latencies: number[] = [];
  let count = 0;
  const start = performance.now();
  const deadline = start + opts.seconds * 1000;
  const worker = async (session: unknown) => {
    while (performance.now() < deadline || count < min) {
      const t0 = performance.now();
      const c = await once(opts.resumed ? session : undefined);
      latencies.push(performance.now() - t0);
      count++;
      if (opts.resumed && !c.resumed) throw new Error(`${what}: handshake ${count} was not resumed`);
      if (!opts.resumed && c.resumed) throw new Error(`${what}: a full handshake was resumed`);
      c.close();
    }
  };
  await Promise.all(sessions.map((s) => worker(s)));
  return figures(latencies, count, performance.now() - start);
}

export async function socketHandshakes(peer: SocketPeer, opts: HandshakeRunOptions): Promise<HandshakeFigures> {
  const server = await peer.listen(HANDSHAKE_SUITE);
  try {
    return await drive((session) => peer.connect(server.port, HANDSHAKE_SUITE, session), opts, `${peer.impl} socket`);
  } finally {
    await server.close();
  }
}

export async function memoryHandshakes(peer: MemoryPeer, opts: Omit<HandshakeRunOptions, 'concurrency'>): Promise<HandshakeFigures> {
  return drive((session) => peer.handshake(HANDSHAKE_SUITE, session), { ...opts, concurrency: 1 }, `${peer.impl} memory`);
}

/** The JSON rows for one run: the rate and the two latency percentiles. */
export function handshakeResults(impl: Impl, transport: Transport, concurrency: number, resumed: boolean, f: HandshakeFigures): BenchResult[] {
  const common = { suite: HANDSHAKE_SUITE, transport, concurrency };
  const kind = resumed ? 'resumed' : 'full';
  return [
    result(impl, resumed ? 'resumed_handshakes_per_s' : 'full_handshakes_per_s', { ...common, value: f.perSecond }),
    result(impl, 'handshake_p50_ms', { ...common, value: f.p50, handshake: kind }),
    result(impl, 'handshake_p99_ms', { ...common, value: f.p99, handshake: kind }),
  ];
}
