/**
 * Memory figures, measured in a child process started with --expose-gc (runMemoryBench spawns it;
 * npm cannot pass node flags to the parent):
 *
 * - heap_bytes_per_connection: the growth of V8 heap + external memory (ArrayBuffer backing stores,
 *   where large Uint8Arrays live) after a full GC, divided by the number of established, idle server
 *   connections, at `connections` connections (the `concurrency` field of the row).
 *   - socket: the server (ut-tls, node:tls, node-forge) runs in the measuring process; the clients
 *     (node:tls, TLS 1.0 AES128-SHA) in a third process, so only the server side is counted.
 *     node:tls keeps its SSL objects in OpenSSL's malloc'd memory, which V8 does not see: its figure
 *     is the JavaScript side only. (RSS growth is logged too, but it is too noisy to report: freed
 *     warm-up memory is reused, and the allocator grows in steps.)
 *   - memory: full handshakes through the in-memory peers, keeping only the server ends.
 *   Servers keep no sessions here (a session cache entry is the next figure).
 * - bytes_per_cached_session: heap growth of a MemorySessionStore holding `sessions` server-side
 *   sessions shaped like the ones the engine stores (copies of a real one with fresh IDs and keys).
 *
 * Run directly:  node --expose-gc dist/bench/memory.js --pki <dir> [--connections N] [--sessions N]
 * The parent reads one JSON line ({"results": [...], "notes": [...]}) from stdout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants as cryptoConstants, randomFillSync } from 'node:crypto';
import { createInterface } from 'node:readline';
import * as tls from 'node:tls';
import { getHeapSpaceStatistics } from 'node:v8';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SessionData } from '../lib/engine/types.js';
import { encodeSession } from '../lib/session/codec.js';
import { MemorySessionStore } from '../lib/session/memory-store.js';
import { result, type BenchResult, type Impl } from './report.js';
import { forgeMemoryPeer, forgeSocketPeer } from './peers/forge.js';
import { nodeClientOptions, nodeTlsSocketPeer } from './peers/node-tls.js';
import { createBenchPki, loadBenchPki, type BenchPki } from './peers/pki.js';
import { HANDSHAKE_SUITE, type MemoryPeer, type SocketPeer, type SuiteName } from './peers/types.js';
import { utTlsMemoryPeer } from './peers/ut-tls-memory.js';
import { utTlsSocketPeer } from './peers/ut-tls.js';

const THIS_FILE = fileURLToPath(import.meta.url);

export interface MemoryBenchOptions {
  pkiDir: string;
  /** Established connections held per implementation (default 1000). */
  connections?: number;
  /** Sessions in the store (default 100,000). */
  sessions?: number;
  impls?: readonly Impl[];
  transports?: readonly ('socket' | 'memory')[];
  /** Skip bytes_per_cached_session. */
  skipSessions?: boolean;
  /** Give up after this long (default 10 minutes). */
  timeoutMs?: number;
}

export interface MemoryBenchOutput {
  results: BenchResult[];
  notes: string[];
  /** Per socket implementation: server-process and client-process growth per connection (standalone table). */
  rows?: MemoryRow[];
}

/** Bytes per idle established connection, each end in its own process (the clients are always node:tls). */
export interface MemoryRow {
  impl: Impl;
  connections: number;
  serverHeap: number;
  serverRss: number;
  clientHeap: number;
  clientRss: number;
}

/** What the client process measured about itself (heap + external, RSS), per connection. */
interface ClientGrowth {
  heap: number;
  rss: number;
}

/** Spawns `node --expose-gc memory.js` and returns what it measured. */
export function runMemoryBench(opts: MemoryBenchOptions): Promise<MemoryBenchOutput> {
  const args = ['--expose-gc', THIS_FILE, '--pki', opts.pkiDir];
  if (opts.connections !== undefined) args.push('--connections', String(opts.connections));
  if (opts.sessions !== undefined) args.push('--sessions', String(opts.sessions));
  if (opts.impls) args.push('--impl', opts.impls.join(','));
  if (opts.transports) args.push('--transport', opts.transports.join(','));
  if (opts.skipSessions) args.push('--no-sessions');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 600_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`memory bench exited with ${code ?? signal}: ${line.slice(0, 500)}`));
      try {
        resolve(JSON.parse(line) as MemoryBenchOutput);
      } catch {
        reject(new Error(`memory bench: no JSON result in its output: ${line.slice(0, 500)}`));
      }
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Inside the child.

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('memory.js needs node --expose-gc');
  for (let i = 0; i < 4; i++) gc();
}

/** V8 heap + external (ArrayBuffer backing stores), after a full collection. */
function heapBytes(): number {
  collect();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/** Committed and used bytes per V8 heap space (new_space, old_space, code_space, ...). */
function heapSpaces(): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  for (const sp of getHeapSpaceStatistics()) out[sp.space_name] = [sp.space_size, sp.space_used_size];
  return out;
}

function rssBytes(): number {
  return process.memoryUsage().rss;
}

const log = (s: string) => process.stderr.write(`  [memory] ${s}\n`);

/** A third process holding `n` node:tls client connections to 127.0.0.1:port until told to go. */
async function startClients(pki: BenchPki, port: number, n: number, suite: SuiteName): Promise<{ stop(): Promise<void>; growth: ClientGrowth }> {
  const child: ChildProcess = spawn(process.execPath, ['--expose-gc', THIS_FILE, '--clients', '--pki', pki.dir, '--port', String(port), '--n', String(n), '--suite', suite], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let growth: ClientGrowth = { heap: NaN, rss: NaN };
  const ready = await new Promise<boolean>((resolve) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (l) => {
      if (l.startsWith('ready')) {
        if (l.length > 6) growth = JSON.parse(l.slice(6)) as ClientGrowth;
        resolve(true);
      }
    });
    child.once('exit', () => resolve(false));
  });
  const stop = async () => {
    child.stdin!.end();
    await Promise.race([exited, new Promise<void>((r) => setTimeout(r, 10_000).unref())]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  if (!ready) {
    await stop();
    throw new Error('memory bench: the client process did not connect');
  }
  return { stop, growth };
}

async function waitUntil(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`memory bench: ${what} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function socketHeap(peer: SocketPeer, pki: BenchPki, n: number): Promise<{ perConnection: number; rssPerConnection: number; client: ClientGrowth }> {
  const server = await peer.listen(HANDSHAKE_SUITE);
  try {
    // Warm-up: connections through every code path, then gone. Enough of them (a tenth of n, at
    // least 4) that V8 has grown its young generation to the size this load gives it (up to 16 MiB
    // at 1000 connections, otherwise counted as per-connection memory), for every implementation alike.
    const warmCount = Math.max(4, Math.ceil(n / 10));
    const warm = await startClients(pki, server.port, warmCount, HANDSHAKE_SUITE);
    await waitUntil(() => server.established() >= warmCount, 120_000, 'warm-up connections not established');
    await warm.stop();
    await waitUntil(() => server.established() === 0, 30_000, 'warm-up connections not closed');
    const base = heapBytes();
    const rss0 = rssBytes();
    const m0 = process.memoryUsage();
    const spaces0 = heapSpaces();
    const clients = await startClients(pki, server.port, n, HANDSHAKE_SUITE);
    try {
      await waitUntil(() => server.established() >= n, 600_000, `${n} connections not established on the server`);
      const after = heapBytes();
      const rss1 = rssBytes();
      const m1 = process.memoryUsage();
      const spaces1 = heapSpaces();
      log(
        `V8 space growth per connection (committed / used): ` +
          Object.keys(spaces1)
            .map((k) => `${k} ${Math.round((spaces1[k]![0] - (spaces0[k]?.[0] ?? 0)) / n)}/${Math.round((spaces1[k]![1] - (spaces0[k]?.[1] ?? 0)) / n)}`)
            .join(', '),
      );
      const per = (a: number, b: number) => Math.round((b - a) / n);
      log(
        `per connection: heapUsed ${per(m0.heapUsed, m1.heapUsed)} B, heapTotal ${per(m0.heapTotal, m1.heapTotal)} B, ` +
          `external ${per(m0.external, m1.external)} B, arrayBuffers ${per(m0.arrayBuffers, m1.arrayBuffers)} B, rss ${per(rss0, rss1)} B`,
      );
      return { perConnection: (after - base) / n, rssPerConnection: (rss1 - rss0) / n, client: clients.growth };
    } finally {
      await clients.stop();
    }
  } finally {
    await server.close();
  }
}

async function memoryHeap(peer: MemoryPeer, n: number): Promise<number> {
  for (let i = 0; i < 3; i++) (await peer.handshake(HANDSHAKE_SUITE)).close();
  const base = heapBytes();
  const kept: unknown[] = [];
  for (let i = 0; i < n; i++) kept.push((await peer.handshake(HANDSHAKE_SUITE)).serverOnly());
  const after = heapBytes();
  const per = (after - base) / n;
  kept.length = 0;
  return per;
}

/** A server-side session as the engine stores it, from one real in-memory handshake. */
async function sampleSession(pki: BenchPki): Promise<SessionData> {
  const peer = utTlsMemoryPeer('ut-tls-pure', pki);
  const conn = await peer.handshake(HANDSHAKE_SUITE);
  const server = conn.serverOnly() as { session: SessionData | null };
  if (!server.session) throw new Error('memory bench: the server has no session after a full handshake');
  return server.session;
}

async function sessionCost(pki: BenchPki, count: number): Promise<{ perSession: number; encoded: number }> {
  const sample = await sampleSession(pki);
  const store = new MemorySessionStore({ maxEntries: count });
  const base = heapBytes();
  for (let i = 0; i < count; i++) {
    store.set({
      ...sample,
      id: randomFillSync(new Uint8Array(32)),
      masterSecret: randomFillSync(new Uint8Array(48)),
      peerCertificates: [],
    });
  }
  const after = heapBytes();
  if (store.size !== count) throw new Error(`memory bench: store holds ${store.size} of ${count} sessions`);
  return { perSession: (after - base) / count, encoded: encodeSession(sample).length };
}

function socketPeerFor(impl: Impl, pki: BenchPki): SocketPeer | null {
  switch (impl) {
    case 'ut-tls':
    case 'ut-tls-pure':
      return utTlsSocketPeer(impl, pki, { cacheSessions: false });
    case 'node:tls':
      return nodeTlsSocketPeer(pki);
    case 'node-forge':
      return forgeSocketPeer(pki, { cacheSessions: false });
    default:
      return null;
  }
}

function memoryPeerFor(impl: Impl, pki: BenchPki): MemoryPeer | null {
  switch (impl) {
    case 'ut-tls':
    case 'ut-tls-pure':
      return utTlsMemoryPeer(impl, pki, { cacheSessions: false });
    case 'node-forge':
      return forgeMemoryPeer(pki, { cacheSessions: false });
    default:
      return null;
  }
}

function arg(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

async function measure(argv: string[]): Promise<MemoryBenchOutput> {
  const pki = loadBenchPki(arg(argv, '--pki') ?? '');
  const n = Number(arg(argv, '--connections') ?? 1000);
  const sessions = Number(arg(argv, '--sessions') ?? 100_000);
  const impls = (arg(argv, '--impl')?.split(',') ?? ['ut-tls', 'ut-tls-pure', 'node:tls', 'node-forge']) as Impl[];
  const transports = arg(argv, '--transport')?.split(',') ?? ['socket', 'memory'];
  const results: BenchResult[] = [];
  const notes: string[] = [];
  const rows: MemoryRow[] = [];
  const common = { suite: HANDSHAKE_SUITE, concurrency: n };
  if (transports.includes('socket')) {
    for (const impl of impls) {
      const peer = socketPeerFor(impl, pki);
      if (!peer) continue;
      const t = Date.now();
      const m = await socketHeap(peer, pki, n);
      log(`${impl} socket: ${Math.round(m.perConnection)} B heap, ${Math.round(m.rssPerConnection)} B RSS per connection (${Date.now() - t} ms)`);
      results.push(result(impl, 'heap_bytes_per_connection', { ...common, transport: 'socket', value: m.perConnection }));
      rows.push({ impl, connections: n, serverHeap: m.perConnection, serverRss: m.rssPerConnection, clientHeap: m.client.heap, clientRss: m.client.rss });
      if (impl === 'node:tls') notes.push(`heap_bytes_per_connection node:tls: the JavaScript side only; OpenSSL's per-connection state is outside the V8 heap`);
    }
  }
  if (transports.includes('memory')) {
    for (const impl of impls) {
      const peer = memoryPeerFor(impl, pki);
      if (!peer) continue;
      const t = Date.now();
      const per = await memoryHeap(peer, n);
      log(`${impl} memory: ${Math.round(per)} B heap per server connection (${Date.now() - t} ms)`);
      results.push(result(impl, 'heap_bytes_per_connection', { ...common, transport: 'memory', value: per }));
    }
  }
  if (!argv.includes('--no-sessions') && (impls.includes('ut-tls') || impls.includes('ut-tls-pure'))) {
    const s = await sessionCost(pki, sessions);
    log(`MemorySessionStore: ${Math.round(s.perSession)} B per session at ${sessions} sessions; encodeSession() gives ${s.encoded} B`);
    results.push(result('ut-tls', 'bytes_per_cached_session', { suite: HANDSHAKE_SUITE, transport: 'memory', concurrency: sessions, value: s.perSession }));
    notes.push(`bytes_per_cached_session: MemorySessionStore at ${sessions} sessions; one session serialised by encodeSession() is ${s.encoded} B`);
  }
  return { results, notes, rows };
}

/** The client process: n node:tls connections, "ready" on stdout once all are up, gone when stdin ends. */
async function holdClients(argv: string[]): Promise<void> {
  const pki = loadBenchPki(arg(argv, '--pki') ?? '');
  const port = Number(arg(argv, '--port'));
  const n = Number(arg(argv, '--n'));
  const suite = (arg(argv, '--suite') ?? HANDSHAKE_SUITE) as SuiteName;
  const sockets: tls.TLSSocket[] = [];
  let next = 0;
  // Measure this process too when it can (started with --expose-gc): the client end of each connection.
  const canGc = typeof (globalThis as { gc?: () => void }).gc === 'function';
  const heap0 = canGc ? heapBytes() : NaN;
  const rss0 = rssBytes();
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      // node-forge has no RFC 5746 renegotiation_info, which OpenSSL 3 clients refuse unless told otherwise.
      const s = tls.connect({ host: '127.0.0.1', port, ...nodeClientOptions(pki, suite), secureOptions: cryptoConstants.SSL_OP_LEGACY_SERVER_CONNECT });
      s.once('secureConnect', () => {
        s.removeListener('error', reject);
        s.on('error', () => {});
        sockets.push(s);
        resolve();
      });
      s.once('error', reject);
    });
  const worker = async () => {
    while (next < n) {
      next++;
      await one();
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, n) }, worker));
  const growth: ClientGrowth = { heap: canGc ? (heapBytes() - heap0) / n : NaN, rss: (rssBytes() - rss0) / n };
  process.stdout.write(`ready ${JSON.stringify(growth)}\n`);
  process.stdin.resume();
  await new Promise<void>((resolve) => process.stdin.once('end', resolve));
  for (const s of sockets) s.destroy();
}

const kb = (b: number): string => (Number.isFinite(b) ? (b / 1024).toFixed(1) : 'n/a');
const ratio = (a: number, b: number): string => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}x` : 'n/a');

/**
 * `npm run bench:memory [-- --connections N] [-- --sessions N]`: ut-tls and node:tls servers (AES128-SHA,
 * TLS 1.0) each with N idle node:tls clients in another process; prints KiB per connection for each end
 * and the ut-tls/node:tls ratio (< 1 means ut-tls keeps less), then the session cache figures.
 */
async function standalone(argv: string[]): Promise<void> {
  const pki = await createBenchPki();
  try {
    const n = Number(arg(argv, '--connections') ?? 1000);
    // One process per server implementation: run in the same process, the second one reuses the
    // memory the first one freed and its RSS growth reads low (even negative).
    const runs = [];
    for (const impl of ['ut-tls', 'node:tls'] as const) {
      runs.push(
        await runMemoryBench({
          pkiDir: pki.dir,
          connections: n,
          sessions: Number(arg(argv, '--sessions') ?? 10_000),
          impls: [impl],
          transports: ['socket'],
          skipSessions: impl !== 'ut-tls',
        }),
      );
    }
    const out: MemoryBenchOutput = { results: runs.flatMap((r) => r.results), notes: runs.flatMap((r) => r.notes), rows: runs.flatMap((r) => r.rows ?? []) };
    const rows = out.rows ?? [];
    const ut = rows.find((r) => r.impl === 'ut-tls');
    const node = rows.find((r) => r.impl === 'node:tls');
    const line = (cells: string[]) => console.log(cells.map((c, i) => (i === 0 ? c.padEnd(34) : c.padStart(10))).join(' '));
    console.log(`Memory per idle established connection, ${n} connections, ${HANDSHAKE_SUITE} (KiB = 1024 B)`);
    console.log('server end: ut-tls or node:tls in the measuring process; client end: node:tls clients in a second process');
    line(['figure', 'ut-tls', 'node:tls', 'ratio']);
    const fig = (name: string, k: keyof MemoryRow) => {
      const a = ut ? (ut[k] as number) : NaN;
      const b = node ? (node[k] as number) : NaN;
      line([name, kb(a), kb(b), ratio(a, b)]);
    };
    fig('server RSS growth / conn', 'serverRss');
    fig('server heap+external growth / conn', 'serverHeap');
    fig('client RSS growth / conn (node:tls)', 'clientRss');
    fig('client heap+external / conn', 'clientHeap');
    const sessions = out.results.find((r) => r.metric === 'bytes_per_cached_session');
    if (sessions) console.log(`bytes per cached session (MemorySessionStore): ${Math.round(sessions.value)} B`);
    for (const note of out.notes) console.log(`note: ${note}`);
  } finally {
    pki.cleanup();
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--clients')) {
    await holdClients(argv);
    return;
  }
  if (!argv.includes('--pki')) {
    await standalone(argv);
    return;
  }
  const out = await measure(argv);
  process.stdout.write(JSON.stringify(out) + '\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // No process.exit() on success: every server and child is closed, so the process ends by itself.
  main().catch((err: unknown) => {
    process.stderr.write(`memory bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
