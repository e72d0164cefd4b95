/**
 * The benchmark suite: ut-tls side by side with node:tls (OpenSSL 3), node-forge and GnuTLS, in one
 * run, on this machine. Nothing is asserted; figures are printed as a table (with ut-tls / peer
 * ratios) and written to bench/results/latest.json and bench/results/chart.svg.
 *
 *   npm run build && npm run bench [-- --quick] [-- --only <metric>[,<metric>]] [-- --impl <impl>[,...]]
 *                                  [-- --transport socket|memory] [-- --write-docs]
 *
 * --quick        short cells and fewer connections (under 2 minutes; what CI may run)
 * --only         metrics to measure (full_handshakes_per_s, resumed_handshakes_per_s, handshake_p50_ms,
 *                handshake_p99_ms, throughput_MBps, heap_bytes_per_connection, bytes_per_cached_session)
 * --impl         implementations (ut-tls, ut-tls-pure, node:tls, node-forge, gnutls)
 * --transport    socket (127.0.0.1) or memory (no sockets)
 * --write-docs   also refresh the table in docs/benchmarks.md and copy the chart to docs/benchmarks-chart.svg
 *
 * impl "ut-tls" runs with resolveProvider('auto') (node:crypto where OpenSSL has the algorithm),
 * "ut-tls-pure" with the pure TypeScript provider; both through the `provider` option.
 * Every server and process started here is stopped before the run ends; the process exits by itself.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { handshakeResults, memoryHandshakes, socketHandshakes } from './handshake.js';
import { runMemoryBench } from './memory.js';
import { forgeMemoryPeer, forgeSocketPeer } from './peers/forge.js';
import { canWatchReads, gnutlsAvailable } from './peers/gnutls.js';
import { nodeTlsMemoryPeer } from './peers/node-tls-memory.js';
import { nodeTlsSocketPeer } from './peers/node-tls.js';
import { createBenchPki, type BenchPki } from './peers/pki.js';
import { SUITES, type MemoryPeer, type SocketPeer } from './peers/types.js';
import { utTlsMemoryPeer } from './peers/ut-tls-memory.js';
import { utTlsSocketPeer } from './peers/ut-tls.js';
import {
  IMPLS,
  METRICS,
  formatMarkdownTable,
  formatTable,
  machineInfo,
  renderSvg,
  result,
  type BenchReport,
  type BenchResult,
  type Impl,
  type Metric,
  type Transport,
} from './report.js';
import { formatHelp, parseCommand, UsageError, usageLine, type CommandSpec } from '../lib/cli/args.js';
import { gnutlsCliToPeer, gnutlsThroughput, memoryThroughput, socketThroughput, utTlsToGnutlsServ } from './throughput.js';

/** dist/bench/run.js → the repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface BenchConfig {
  /** --help was given: print the help and run nothing. */
  help?: boolean;
  quick: boolean;
  /** null = all. */
  metrics: ReadonlySet<Metric> | null;
  impls: ReadonlySet<Impl> | null;
  transports: ReadonlySet<Transport> | null;
  writeDocs: boolean;
}

/** Durations and sizes per mode. */
export interface Budget {
  /** Seconds measured per handshake cell. */
  handshakeSeconds: number;
  /** Seconds measured per throughput cell (after a warm-up connection). */
  throughputSeconds: number;
  /** gnutls: bytes per transfer and seconds of transfer time per figure. */
  gnutlsFileBytes: number;
  gnutlsSeconds: number;
  connections: number;
  sessions: number;
}

export const BUDGETS: Record<'quick' | 'full', Budget> = {
  quick: { handshakeSeconds: 0.5, throughputSeconds: 0.4, gnutlsFileBytes: 8e6, gnutlsSeconds: 0.3, connections: 100, sessions: 100_000 },
  full: { handshakeSeconds: 3, throughputSeconds: 2, gnutlsFileBytes: 32e6, gnutlsSeconds: 1.5, connections: 1000, sessions: 100_000 },
};

const WRITE_SIZES = [16384, 1024] as const;
const UT_TLS: readonly ('ut-tls' | 'ut-tls-pure')[] = ['ut-tls', 'ut-tls-pure'];
const HANDSHAKE_METRICS: readonly Metric[] = ['full_handshakes_per_s', 'resumed_handshakes_per_s', 'handshake_p50_ms', 'handshake_p99_ms'];

/** `ut-tls bench` / `npm run bench --` options, parsed like every ut-tls command (lib/cli/args.ts). */
export const BENCH_SPEC: CommandSpec = {
  name: 'bench',
  synopsis: 'ut-tls bench [--quick] [--only METRIC,...] [--impl IMPL,...] [--transport socket|memory] [--write-docs]',
  description: `ut-tls side by side with node:tls, node-forge and GnuTLS on this machine; prints a table and
writes bench/results/latest.json and bench/results/chart.svg (from a source checkout).`,
  positionals: { min: 0, max: 0, name: 'argument' },
  options: [
    { name: 'quick', kind: 'flag', help: 'short cells and fewer connections (under 2 minutes; what CI may run)' },
    { name: 'only', kind: 'value', metavar: 'LIST', repeatable: true, help: `metrics to measure: ${METRICS.join(', ')}` },
    { name: 'impl', kind: 'value', metavar: 'LIST', repeatable: true, help: `implementations: ${IMPLS.join(', ')}` },
    { name: 'transport', kind: 'value', metavar: 'T', repeatable: true, help: 'socket (127.0.0.1) or memory (no sockets)' },
    { name: 'write-docs', kind: 'flag', help: 'also refresh the table in docs/benchmarks.md and the chart' },
  ],
};

/** The configuration for argv; a UsageError for anything unknown. */
export function parseArgs(argv: readonly string[]): BenchConfig {
  const p = parseCommand(BENCH_SPEC, argv);
  const list = (name: string): string[] | null => {
    const values = p.values(name).flatMap((v) => v.split(','));
    return values.length > 0 ? values.map((v) => v.trim()).filter(Boolean) : null;
  };
  const check = <T extends string>(values: string[] | null, allowed: readonly T[], what: string): ReadonlySet<T> | null => {
    if (!values) return null;
    for (const v of values) if (!allowed.includes(v as T)) throw new UsageError(`${what}: unknown value ${JSON.stringify(v)} (one of ${allowed.join(', ')})`, 'bench');
    return new Set(values as T[]);
  };
  return {
    help: p.help,
    quick: p.has('quick'),
    metrics: check(list('only'), METRICS, '--only'),
    impls: check(list('impl'), IMPLS, '--impl'),
    transports: check(list('transport'), ['socket', 'memory'] as const, '--transport'),
    writeDocs: p.has('write-docs'),
  };
}

const progress = (s: string) => process.stderr.write(`${s}\n`);

class Runner {
  readonly results: BenchResult[] = [];
  readonly failures: string[] = [];
  readonly notes: string[] = [];
  constructor(
    readonly config: BenchConfig,
    readonly budget: Budget,
    readonly pki: BenchPki,
  ) {}

  wants(metric: Metric): boolean {
    return this.config.metrics === null || this.config.metrics.has(metric);
  }
  wantsAny(metrics: readonly Metric[]): boolean {
    return metrics.some((m) => this.wants(m));
  }
  uses(impl: Impl): boolean {
    return this.config.impls === null || this.config.impls.has(impl);
  }
  over(transport: Transport): boolean {
    return this.config.transports === null || this.config.transports.has(transport);
  }
  add(rows: BenchResult[]): void {
    for (const r of rows) if (this.wants(r.metric)) this.results.push(r);
  }

  /** Runs one measurement; a failure is recorded and the run goes on. */
  async cell(label: string, fn: () => Promise<string>): Promise<void> {
    const t = Date.now();
    try {
      const summary = await fn();
      progress(`  ${label}: ${summary} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
    } catch (err) {
      const message = `${label}: ${err instanceof Error ? err.message : String(err)}`;
      this.failures.push(message);
      progress(`  FAILED ${message}`);
    }
  }

  socketPeers(): SocketPeer[] {
    const peers: SocketPeer[] = [];
    for (const impl of UT_TLS) if (this.uses(impl)) peers.push(utTlsSocketPeer(impl, this.pki));
    if (this.uses('node:tls')) peers.push(nodeTlsSocketPeer(this.pki));
    if (this.uses('node-forge')) peers.push(forgeSocketPeer(this.pki));
    return peers;
  }

  memoryPeers(withNode: boolean): MemoryPeer[] {
    const peers: MemoryPeer[] = [];
    for (const impl of UT_TLS) if (this.uses(impl)) peers.push(utTlsMemoryPeer(impl, this.pki));
    if (withNode && this.uses('node:tls')) peers.push(nodeTlsMemoryPeer(this.pki));
    if (this.uses('node-forge')) peers.push(forgeMemoryPeer(this.pki));
    return peers;
  }

  async handshakes(): Promise<void> {
    const kinds = [false, true].filter((resumed) =>
      this.wantsAny(resumed ? ['resumed_handshakes_per_s', 'handshake_p50_ms', 'handshake_p99_ms'] : ['full_handshakes_per_s', 'handshake_p50_ms', 'handshake_p99_ms']),
    );
    const seconds = this.budget.handshakeSeconds;
    if (this.over('socket')) {
      progress('handshakes over 127.0.0.1 (TLS_RSA_WITH_AES_128_CBC_SHA)');
      for (const peer of this.socketPeers()) {
        for (const resumed of kinds) {
          for (const concurrency of [1, 16]) {
            await this.cell(`${peer.impl} ${resumed ? 'resumed' : 'full'} c=${concurrency}`, async () => {
              const f = await socketHandshakes(peer, { seconds, concurrency, resumed, minHandshakes: 2 });
              this.add(handshakeResults(peer.impl, 'socket', concurrency, resumed, f));
              return `${f.perSecond.toFixed(1)}/s, p50 ${f.p50.toFixed(2)} ms, p99 ${f.p99.toFixed(2)} ms (${f.handshakes} handshakes)`;
            });
          }
        }
      }
    }
    if (this.over('memory')) {
      progress('handshakes in memory (no sockets)');
      for (const peer of this.memoryPeers(true)) {
        for (const resumed of kinds) {
          await this.cell(`${peer.impl} ${resumed ? 'resumed' : 'full'} in memory`, async () => {
            const f = await memoryHandshakes(peer, { seconds, resumed, minHandshakes: 2 });
            this.add(handshakeResults(peer.impl, 'memory', 1, resumed, f));
            return `${f.perSecond.toFixed(1)}/s, p50 ${f.p50.toFixed(2)} ms, p99 ${f.p99.toFixed(2)} ms (${f.handshakes} handshakes)`;
          });
        }
        peer.dispose?.();
      }
    }
  }

  async throughput(): Promise<void> {
    const seconds = this.budget.throughputSeconds;
    if (this.over('socket')) {
      progress('throughput over 127.0.0.1, one direction');
      const peers = this.socketPeers();
      for (const suite of SUITES) {
        for (const writeSize of WRITE_SIZES) {
          for (const peer of peers) {
            if (!peer.suites.includes(suite)) continue;
            await this.cell(`${peer.impl} ${suite} ${writeSize} B writes`, async () => {
              const f = await socketThroughput(peer, suite, writeSize, seconds);
              this.add([result(peer.impl, 'throughput_MBps', { suite, transport: 'socket', concurrency: 1, write_size: writeSize, value: f.MBps })]);
              return `${f.MBps.toFixed(1)} MB/s`;
            });
          }
        }
      }
      await this.gnutls();
    }
    if (this.over('memory')) {
      progress('throughput in memory (no sockets)');
      for (const peer of this.memoryPeers(false)) {
        for (const suite of SUITES) {
          if (!peer.suites.includes(suite)) continue;
          for (const writeSize of WRITE_SIZES) {
            await this.cell(`${peer.impl} ${suite} ${writeSize} B writes in memory`, async () => {
              const f = await memoryThroughput(peer, suite, writeSize, seconds);
              this.add([result(peer.impl, 'throughput_MBps', { suite, transport: 'memory', concurrency: 1, write_size: writeSize, value: f.MBps })]);
              return `${f.MBps.toFixed(1)} MB/s`;
            });
          }
        }
        peer.dispose?.();
      }
    }
  }

  /** GnuTLS → GnuTLS, and GnuTLS (gnutls-cli) → our server. gnutls-cli writes 4095 bytes at a time. */
  async gnutls(): Promise<void> {
    if (!gnutlsAvailable()) {
      this.notes.push('gnutls-serv/gnutls-cli not found: no GnuTLS figures (Debian: apt-get install gnutls-bin)');
      progress('  gnutls-serv/gnutls-cli not found: skipping GnuTLS figures');
      return;
    }
    const { gnutlsFileBytes: bytes, gnutlsSeconds: seconds } = this.budget;
    const GNUTLS_WRITE = 4095;
    for (const suite of SUITES) {
      if (this.uses('gnutls')) {
        if (!canWatchReads()) {
          this.notes.push('gnutls → gnutls needs /proc/<pid>/io (Linux): skipped');
        } else {
          await this.cell(`gnutls-cli → gnutls-serv ${suite}`, async () => {
            const f = await gnutlsThroughput(this.pki, suite, seconds, bytes);
            // Also the yardstick of the rows where one end is ours (same figure): gnutls-serv receiving
            // from gnutls-cli, and gnutls-cli sending to gnutls-serv; so those rows get a ut-tls / gnutls ratio.
            this.add([
              result('gnutls', 'throughput_MBps', { suite, transport: 'socket', concurrency: 1, write_size: GNUTLS_WRITE, value: f.MBps }),
              result('gnutls', 'throughput_MBps', { suite, transport: 'socket', concurrency: 1, write_size: GNUTLS_WRITE, value: f.MBps, peer: 'gnutls-cli' }),
              result('gnutls', 'throughput_MBps', { suite, transport: 'socket', concurrency: 1, write_size: GNUTLS_WRITE, value: f.MBps, peer: 'gnutls-serv' }),
            ]);
            return `${f.MBps.toFixed(1)} MB/s`;
          });
        }
      }
      for (const impl of UT_TLS) {
        if (!this.uses(impl)) continue;
        await this.cell(`gnutls-cli → ${impl} server ${suite}`, async () => {
          const f = await gnutlsCliToPeer(this.pki, utTlsSocketPeer(impl, this.pki), suite, seconds, bytes);
          this.add([result(impl, 'throughput_MBps', { suite, transport: 'socket', concurrency: 1, write_size: GNUTLS_WRITE, value: f.MBps, peer: 'gnutls-cli' })]);
          return `${f.MBps.toFixed(1)} MB/s`;
        });
        await this.cell(`${impl} client → gnutls-serv ${suite}`, async () => {
          const f = await utTlsToGnutlsServ(this.pki, impl, suite, seconds, bytes);
          this.add([result(impl, 'throughput_MBps', { suite, transport: 'socket', concurrency: 1, write_size: GNUTLS_WRITE, value: f.MBps, peer: 'gnutls-serv' })]);
          return `${f.MBps.toFixed(1)} MB/s`;
        });
      }
    }
  }

  async memory(): Promise<void> {
    const impls = IMPLS.filter((i) => i !== 'gnutls' && this.uses(i));
    const transports = (['socket', 'memory'] as const).filter((t) => this.over(t));
    const heap = this.wants('heap_bytes_per_connection') && impls.length > 0 && transports.length > 0;
    const sessions = this.wants('bytes_per_cached_session') && (this.uses('ut-tls') || this.uses('ut-tls-pure')) && this.over('memory');
    if (!heap && !sessions) return;
    progress(`memory (child process with --expose-gc; ${this.budget.connections} connections, ${this.budget.sessions} sessions)`);
    await this.cell('memory', async () => {
      const out = await runMemoryBench({
        pkiDir: this.pki.dir,
        connections: this.budget.connections,
        sessions: this.budget.sessions,
        impls: heap ? impls : ['ut-tls'],
        transports: heap ? transports : [],
        skipSessions: !sessions,
      });
      this.add(out.results);
      this.notes.push(...out.notes);
      return `${out.results.length} figures`;
    });
  }
}

export async function runBench(config: BenchConfig): Promise<{ report: BenchReport; failures: string[]; notes: string[] }> {
  const budget = BUDGETS[config.quick ? 'quick' : 'full'];
  const machine = machineInfo();
  progress(`ut-tls benchmarks (${config.quick ? 'quick' : 'full'}): ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}`);
  const pki = await createBenchPki();
  const runner = new Runner(config, budget, pki);
  try {
    if (runner.wantsAny(HANDSHAKE_METRICS)) await runner.handshakes();
    if (runner.wants('throughput_MBps')) await runner.throughput();
    await runner.memory();
  } finally {
    pki.cleanup();
  }
  return { report: { machine, results: runner.results }, failures: runner.failures, notes: runner.notes };
}

const DOCS_START = '<!-- bench:table:start -->';
const DOCS_END = '<!-- bench:table:end -->';

/** Replaces the generated part of docs/benchmarks.md (between the markers) with this run's table. */
export function refreshDocs(report: BenchReport, notes: readonly string[], docsFile: string): void {
  const text = readFileSync(docsFile, 'utf8');
  const a = text.indexOf(DOCS_START);
  const b = text.indexOf(DOCS_END);
  if (a < 0 || b < a) throw new Error(`${docsFile}: no ${DOCS_START} ... ${DOCS_END} markers`);
  const m = report.machine;
  const generated = [
    DOCS_START,
    '',
    `Measured ${m.date.slice(0, 10)} on ${m.cpu} (${m.cores} cores), Node ${m.node}, by \`npm run bench\`.`,
    '',
    formatMarkdownTable(report.results),
    '',
    ...notes.map((n) => `- ${n}`),
    '',
    DOCS_END,
  ].join('\n');
  writeFileSync(docsFile, text.slice(0, a) + generated + text.slice(b + DOCS_END.length));
}

async function main(): Promise<number> {
  let config: BenchConfig;
  try {
    config = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(usageLine(err));
    return 2;
  }
  if (config.help) {
    process.stdout.write(formatHelp(BENCH_SPEC));
    return 0;
  }
  const started = Date.now();
  const { report, failures, notes } = await runBench(config);
  const resultsDir = join(ROOT, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, 'latest.json'), JSON.stringify(report, null, 2) + '\n');
  const svg = renderSvg(report.results, report.machine);
  writeFileSync(join(resultsDir, 'chart.svg'), svg);
  process.stdout.write('\n' + formatTable(report.results) + '\n\n');
  for (const n of notes) process.stdout.write(`note: ${n}\n`);
  process.stdout.write(`wrote bench/results/latest.json and bench/results/chart.svg (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
  if (config.writeDocs) {
    refreshDocs(report, notes, join(ROOT, 'docs', 'benchmarks.md'));
    copyFileSync(join(resultsDir, 'chart.svg'), join(ROOT, 'docs', 'benchmarks-chart.svg'));
    process.stdout.write('updated docs/benchmarks.md and docs/benchmarks-chart.svg\n');
  }
  if (failures.length > 0) {
    process.stdout.write(`\n${failures.length} measurement(s) failed:\n${failures.map((f) => `  ${f}`).join('\n')}\n`);
    return 1;
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
