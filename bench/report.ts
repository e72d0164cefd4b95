/**
 * The benchmark's one result shape, and its three renderings: a text table with ratios
 * (ut-tls / peer), the JSON file (bench/results/latest.json) and a hand-written SVG bar chart
 * (no dependencies). Nothing here measures anything.
 */
import { cpus } from 'node:os';

export type Impl = 'ut-tls' | 'ut-tls-pure' | 'node:tls' | 'node-forge' | 'gnutls';
export type Metric =
  | 'full_handshakes_per_s'
  | 'resumed_handshakes_per_s'
  | 'throughput_MBps'
  | 'handshake_p50_ms'
  | 'handshake_p99_ms'
  | 'heap_bytes_per_connection'
  | 'bytes_per_cached_session';
export type Transport = 'socket' | 'memory';

export const IMPLS: readonly Impl[] = ['ut-tls', 'ut-tls-pure', 'node:tls', 'node-forge', 'gnutls'];
export const METRICS: readonly Metric[] = [
  'full_handshakes_per_s',
  'resumed_handshakes_per_s',
  'handshake_p50_ms',
  'handshake_p99_ms',
  'throughput_MBps',
  'heap_bytes_per_connection',
  'bytes_per_cached_session',
];

export const UNITS: Record<Metric, string> = {
  full_handshakes_per_s: '1/s',
  resumed_handshakes_per_s: '1/s',
  throughput_MBps: 'MB/s',
  handshake_p50_ms: 'ms',
  handshake_p99_ms: 'ms',
  heap_bytes_per_connection: 'B',
  bytes_per_cached_session: 'B',
};

/** Metrics where a smaller value is better (ratios are then inverted in the "better by" sense). */
const LOWER_IS_BETTER = new Set<Metric>(['handshake_p50_ms', 'handshake_p99_ms', 'heap_bytes_per_connection', 'bytes_per_cached_session']);

export interface BenchResult {
  impl: Impl;
  metric: Metric;
  /** RFC name of the suite, e.g. TLS_RSA_WITH_AES_128_CBC_SHA. */
  suite: string;
  transport: Transport;
  /** Simultaneous clients (handshakes), connections held (heap), 1 for throughput, null when meaningless. */
  concurrency: number | null;
  /** Bytes per application write (throughput only), else null. */
  write_size: number | null;
  value: number;
  unit: string;
  /**
   * Only on rows where the two ends are different implementations: the other end. `impl` is the
   * measured (receiving) side, e.g. impl "ut-tls" with peer "gnutls-cli" = our server receiving from
   * gnutls-cli; with peer "gnutls-serv", impl is the sending side (our client writing to gnutls-serv).
   * The gnutls value on those rows is gnutls-cli → gnutls-serv, the yardstick for both directions.
   * Rows without it have the same implementation at both ends.
   */
  peer?: string;
  /**
   * Only on the latency rows (handshake_p50_ms, handshake_p99_ms): which handshakes they time, since
   * full and resumed latencies otherwise share every other field.
   */
  handshake?: 'full' | 'resumed';
}

export interface Machine {
  cpu: string;
  cores: number;
  node: string;
  date: string;
}

export interface BenchReport {
  machine: Machine;
  results: BenchResult[];
}

export function machineInfo(): Machine {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    node: process.version,
    date: new Date().toISOString(),
  };
}

export function result(
  impl: Impl,
  metric: Metric,
  fields: {
    suite: string;
    transport: Transport;
    concurrency?: number | null;
    write_size?: number | null;
    value: number;
    peer?: string;
    handshake?: 'full' | 'resumed';
  },
): BenchResult {
  const r: BenchResult = {
    impl,
    metric,
    suite: fields.suite,
    transport: fields.transport,
    concurrency: fields.concurrency ?? null,
    write_size: fields.write_size ?? null,
    value: fields.value,
    unit: UNITS[metric],
  };
  if (fields.peer !== undefined) r.peer = fields.peer;
  if (fields.handshake !== undefined) r.handshake = fields.handshake;
  return r;
}

// ---------------------------------------------------------------------------------------------
// Grouping: one table row per (metric, suite, transport, concurrency, write size, peer); one column per impl.

export interface Row {
  metric: Metric;
  suite: string;
  transport: Transport;
  concurrency: number | null;
  writeSize: number | null;
  peer: string | undefined;
  handshake: 'full' | 'resumed' | undefined;
  values: Partial<Record<Impl, number>>;
}

function rowKey(r: BenchResult): string {
  return [r.metric, r.suite, r.transport, r.concurrency, r.write_size, r.peer ?? '', r.handshake ?? ''].join('|');
}

export function toRows(results: readonly BenchResult[]): Row[] {
  const rows = new Map<string, Row>();
  for (const r of results) {
    const key = rowKey(r);
    let row = rows.get(key);
    if (!row) {
      row = { metric: r.metric, suite: r.suite, transport: r.transport, concurrency: r.concurrency, writeSize: r.write_size, peer: r.peer, handshake: r.handshake, values: {} };
      rows.set(key, row);
    }
    row.values[r.impl] = r.value;
  }
  const order = (m: Metric) => METRICS.indexOf(m);
  return [...rows.values()].sort(
    (a, b) =>
      order(a.metric) - order(b.metric) ||
      a.transport.localeCompare(b.transport) ||
      (a.peer ?? '').localeCompare(b.peer ?? '') ||
      (a.handshake ?? '').localeCompare(b.handshake ?? '') ||
      a.suite.localeCompare(b.suite) ||
      (a.writeSize ?? 0) - (b.writeSize ?? 0) ||
      (a.concurrency ?? 0) - (b.concurrency ?? 0),
  );
}

/** Short suite label for tables. */
export function shortSuite(suite: string): string {
  return suite
    .replace(/^TLS_RSA_WITH_/, '')
    .replace(/_CBC_SHA$/, '')
    .replace(/_SHA$/, '')
    .replace('3DES_EDE', '3DES')
    .replace('RC4_128', 'RC4')
    .replace(/_/g, '-');
}

export function formatValue(v: number | undefined, metric?: Metric): string {
  if (v === undefined || !Number.isFinite(v)) return '—';
  if (metric === 'heap_bytes_per_connection' || metric === 'bytes_per_cached_session') return Math.round(v).toLocaleString('en-US');
  if (v >= 1000) return Math.round(v).toLocaleString('en-US');
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

/**
 * ut-tls / peer, as "how many times the figure": for rates this is the speed-up (2.0 = twice as
 * many per second); for latencies and bytes, the plain quotient too (0.5 = half the time/bytes).
 */
export function ratio(row: Row, impl: Impl, peer: Impl): number | undefined {
  const a = row.values[impl];
  const b = row.values[peer];
  if (a === undefined || b === undefined || b === 0) return undefined;
  return a / b;
}

export function formatRatio(x: number | undefined): string {
  if (x === undefined) return '—';
  return x >= 10 ? `${x.toFixed(0)}×` : `${x.toFixed(2)}×`;
}

/** 16384 → "16KiB", 4095 → "4095B". */
export function formatSize(bytes: number, space = ''): string {
  return bytes % 1024 === 0 ? `${bytes / 1024}${space}KiB` : `${bytes}${space}B`;
}

function describe(row: Row): string {
  const parts: string[] = [row.metric];
  if (row.handshake) parts.push(row.handshake);
  parts.push(shortSuite(row.suite), row.transport);
  if (row.writeSize !== null) parts.push(formatSize(row.writeSize));
  if (row.concurrency !== null && row.metric !== 'throughput_MBps') parts.push(row.metric === 'heap_bytes_per_connection' ? `n=${row.concurrency}` : `c=${row.concurrency}`);
  // impl is the measured side: the receiver of gnutls-cli's bytes, or the sender to gnutls-serv.
  if (row.peer) parts.push(row.peer === 'gnutls-serv' ? 'to gnutls-serv' : `from ${row.peer}`);
  return parts.join(' ');
}

const PEERS: readonly Impl[] = ['node:tls', 'node-forge', 'gnutls'];

/** Columns present in the results (impls in fixed order). */
function presentImpls(rows: readonly Row[]): Impl[] {
  return IMPLS.filter((i) => rows.some((r) => r.values[i] !== undefined));
}

function presentRatios(rows: readonly Row[]): Impl[] {
  return PEERS.filter((p) => rows.some((r) => r.values['ut-tls'] !== undefined && r.values[p] !== undefined));
}

/** A plain-text table for the terminal. */
export function formatTable(results: readonly BenchResult[]): string {
  const rows = toRows(results);
  const impls = presentImpls(rows);
  const ratios = presentRatios(rows);
  const header = ['measurement', ...impls, ...ratios.map((p) => `ut-tls/${p}`)];
  const lines: string[][] = [header];
  for (const row of rows) {
    lines.push([describe(row), ...impls.map((i) => formatValue(row.values[i], row.metric)), ...ratios.map((p) => formatRatio(ratio(row, 'ut-tls', p)))]);
  }
  const widths = header.map((_, c) => Math.max(...lines.map((l) => l[c]!.length)));
  return lines.map((l, n) => l.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ') + (n === 0 ? '\n' + widths.map((w) => '-'.repeat(w)).join('  ') : '')).join('\n');
}

/** The same table in Markdown (docs/benchmarks.md). */
export function formatMarkdownTable(results: readonly BenchResult[]): string {
  const rows = toRows(results);
  const impls = presentImpls(rows);
  const ratios = presentRatios(rows);
  const header = ['metric', 'suite', 'transport', 'write', 'conc.', 'peer', ...impls.map((i) => `${i}`), ...ratios.map((p) => `ut-tls / ${p}`)];
  const out = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i < 6 ? '---' : '---:')).join('|')}|`];
  for (const row of rows) {
    const unit = UNITS[row.metric];
    out.push(
      `| ${[
        `${row.metric}${row.handshake ? ` ${row.handshake}` : ''} (${unit})`,
        shortSuite(row.suite),
        row.transport,
        row.writeSize === null ? '' : formatSize(row.writeSize, ' '),
        row.concurrency === null ? '' : String(row.concurrency),
        row.peer ?? '',
        ...impls.map((i) => formatValue(row.values[i], row.metric)),
        ...ratios.map((p) => formatRatio(ratio(row, 'ut-tls', p))),
      ].join(' | ')} |`,
    );
  }
  return out.join('\n');
}

export function lowerIsBetter(metric: Metric): boolean {
  return LOWER_IS_BETTER.has(metric);
}

// ---------------------------------------------------------------------------------------------
// SVG: one panel per chosen row (handshakes/s and MB/s), one bar per implementation, each panel
// scaled to its own largest value (rates differ by orders of magnitude between panels).

const COLORS: Record<Impl, string> = {
  'ut-tls': '#1f77b4',
  'ut-tls-pure': '#7fb3e0',
  'node:tls': '#2ca02c',
  'node-forge': '#d62728',
  gnutls: '#9467bd',
};

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export interface Panel {
  title: string;
  unit: string;
  bars: { impl: Impl; label: string; value: number }[];
}

/** The panels the chart shows: handshake rates and throughput, at the settings the docs discuss. */
export function chartPanels(results: readonly BenchResult[]): Panel[] {
  const rows = toRows(results).filter((r) => r.peer === undefined);
  const panels: Panel[] = [];
  const pick = (title: string, match: (r: Row) => boolean, extra?: (r: Row) => boolean) => {
    const row = rows.find(match);
    if (!row) return;
    const bars: Panel['bars'] = IMPLS.filter((i) => row.values[i] !== undefined).map((impl) => ({ impl, label: impl, value: row.values[impl]! }));
    // Implementations that cannot do the panel's exact setting, at their own (e.g. gnutls-cli's 4095-byte writes).
    for (const other of extra ? rows.filter((r) => r !== row && extra(r)) : []) {
      for (const impl of IMPLS) {
        if (other.values[impl] === undefined || bars.some((b) => b.impl === impl)) continue;
        bars.push({ impl, label: `${impl} (${formatSize(other.writeSize ?? 0, ' ')})`, value: other.values[impl]! });
      }
    }
    bars.sort((a, b) => IMPLS.indexOf(a.impl) - IMPLS.indexOf(b.impl));
    if (bars.length > 0) panels.push({ title, unit: UNITS[row.metric], bars });
  };
  for (const transport of ['socket', 'memory'] as const) {
    for (const [metric, label] of [
      ['full_handshakes_per_s', 'Full handshakes/s'],
      ['resumed_handshakes_per_s', 'Resumed handshakes/s'],
    ] as const) {
      for (const c of transport === 'socket' ? [1, 16] : [1]) {
        pick(`${label}, AES128-SHA, ${transport}${transport === 'socket' ? `, ${c} client${c > 1 ? 's' : ''}` : ''}`, (r) => r.metric === metric && r.transport === transport && r.concurrency === c);
      }
    }
  }
  const suites = [...new Set(rows.filter((r) => r.metric === 'throughput_MBps' && r.transport === 'socket').map((r) => r.suite))];
  for (const suite of suites.sort()) {
    const same = (r: Row) => r.metric === 'throughput_MBps' && r.transport === 'socket' && r.suite === suite;
    pick(`Throughput MB/s, ${shortSuite(suite)}, 16 KiB writes, loopback`, (r) => same(r) && r.writeSize === 16384, same);
  }
  return panels;
}

export function renderSvg(results: readonly BenchResult[], machine: Machine): string {
  const panels = chartPanels(results);
  const width = 760;
  const labelW = 170;
  const barH = 16;
  const gap = 4;
  const valueW = 70;
  const plotW = width - labelW - valueW - 20;
  const parts: string[] = [];
  let y = 40;
  parts.push(`<text x="10" y="22" font-size="15" font-weight="bold">ut-tls benchmarks (higher is better)</text>`);
  parts.push(`<text x="10" y="36" font-size="10" fill="#555">${escapeXml(`${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ${machine.date.slice(0, 10)}; each panel has its own scale`)}</text>`);
  for (const panel of panels) {
    y += 18;
    parts.push(`<text x="10" y="${y}" font-size="12" font-weight="bold">${escapeXml(panel.title)}</text>`);
    y += 6;
    const max = Math.max(...panel.bars.map((b) => b.value), 1e-9);
    for (const bar of panel.bars) {
      const w = Math.max(1, (bar.value / max) * plotW);
      parts.push(`<text x="${labelW - 6}" y="${y + barH - 4}" font-size="11" text-anchor="end">${escapeXml(bar.label)}</text>`);
      parts.push(`<rect x="${labelW}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${COLORS[bar.impl]}"/>`);
      parts.push(`<text x="${(labelW + w + 4).toFixed(1)}" y="${y + barH - 4}" font-size="11">${escapeXml(formatValue(bar.value))} ${escapeXml(panel.unit)}</text>`);
      y += barH + gap;
    }
  }
  const height = y + 14;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    ...parts,
    `</svg>`,
    '',
  ].join('\n');
}
