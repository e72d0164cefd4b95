/**
 * The benchmark suite, run with tiny budgets: every bench function and adapter produces results of
 * the documented shape, and what it claims to measure really happened (handshakes resumed when
 * asked, every byte sent was received, TLS 1.0 with the asked suite). No speed is ever asserted.
 */
import t from 'tap';
import { handshakeResults, memoryHandshakes, percentile, socketHandshakes } from '../../bench/handshake.js';
import { runMemoryBench } from '../../bench/memory.js';
import { forgeMemoryPeer, forgeSocketPeer, negotiatedVersion } from '../../bench/peers/forge.js';
import { gnutlsPriority } from '../../bench/peers/gnutls.js';
import { nodeTlsMemoryPeer } from '../../bench/peers/node-tls-memory.js';
import { nodeTlsSocketPeer } from '../../bench/peers/node-tls.js';
import { createBenchPki, type BenchPki } from '../../bench/peers/pki.js';
import type { MemoryPeer, SocketPeer } from '../../bench/peers/types.js';
import { utTlsMemoryPeer } from '../../bench/peers/ut-tls-memory.js';
import { providerFor, utTlsSocketPeer } from '../../bench/peers/ut-tls.js';
import {
  chartPanels,
  formatMarkdownTable,
  formatTable,
  machineInfo,
  ratio,
  renderSvg,
  result,
  toRows,
  type BenchResult,
} from '../../bench/report.js';
import { parseArgs } from '../../bench/run.js';
import { gnutlsCliToPeer, gnutlsThroughput, memoryThroughput, payload, socketThroughput, utTlsToGnutlsServ } from '../../bench/throughput.js';
import { Connection } from '../../lib/engine/connection.js';

const KEYS = ['impl', 'metric', 'suite', 'transport', 'concurrency', 'write_size', 'value', 'unit'];

/** What is wrong with a result row (empty when nothing). */
function shapeProblems(r: BenchResult): string[] {
  const problems = KEYS.filter((k) => !(k in r)).map((k) => `missing ${k}`);
  if (!(Number.isFinite(r.value) && r.value > 0)) problems.push(`value ${r.value} is not a positive number`);
  return problems;
}

let pki: BenchPki;
t.before(async () => {
  pki = await createBenchPki();
});
t.teardown(() => pki.cleanup());

t.test('percentile is nearest-rank', async (t) => {
  const xs = Array.from({ length: 100 }, (_, i) => i + 1);
  t.equal(percentile(xs, 50), 50);
  t.equal(percentile(xs, 99), 99);
  t.equal(percentile([7], 99), 7);
  t.equal(percentile([1, 2, 3, 4], 50), 2);
  t.ok(Number.isNaN(percentile([], 50)));
});

t.test('parseArgs: flags, lists, and refusals', async (t) => {
  const c = parseArgs(['--quick', '--only', 'throughput_MBps,full_handshakes_per_s', '--impl', 'ut-tls', '--transport', 'memory']);
  t.equal(c.quick, true);
  t.same([...c.metrics!].sort(), ['full_handshakes_per_s', 'throughput_MBps']);
  t.same([...c.impls!], ['ut-tls']);
  t.same([...c.transports!], ['memory']);
  t.equal(parseArgs([]).metrics, null);
  t.throws(() => parseArgs(['--only', 'speed']), /unknown value "speed"/);
  t.throws(() => parseArgs(['--impl', 'openssl']), /unknown value/);
});

t.test('report: rows, ratios, table, markdown, SVG', async (t) => {
  const rows: BenchResult[] = [
    result('ut-tls', 'full_handshakes_per_s', { suite: 'TLS_RSA_WITH_AES_128_CBC_SHA', transport: 'socket', concurrency: 1, value: 200 }),
    result('node:tls', 'full_handshakes_per_s', { suite: 'TLS_RSA_WITH_AES_128_CBC_SHA', transport: 'socket', concurrency: 1, value: 250 }),
    result('node-forge', 'full_handshakes_per_s', { suite: 'TLS_RSA_WITH_AES_128_CBC_SHA', transport: 'socket', concurrency: 1, value: 20 }),
    result('ut-tls', 'throughput_MBps', { suite: 'TLS_RSA_WITH_3DES_EDE_CBC_SHA', transport: 'socket', concurrency: 1, write_size: 16384, value: 30 }),
    result('gnutls', 'throughput_MBps', { suite: 'TLS_RSA_WITH_3DES_EDE_CBC_SHA', transport: 'socket', concurrency: 1, write_size: 4095, value: 28 }),
    result('ut-tls', 'handshake_p50_ms', { suite: 'TLS_RSA_WITH_AES_128_CBC_SHA', transport: 'socket', concurrency: 1, value: 1.5, handshake: 'full' }),
    result('ut-tls', 'throughput_MBps', { suite: 'TLS_RSA_WITH_RC4_128_SHA', transport: 'socket', concurrency: 1, write_size: 4095, value: 90, peer: 'gnutls-cli' }),
  ];
  t.same(Object.keys(rows[0]!), KEYS, 'exactly the documented keys, in order');
  t.equal(rows[0]!.unit, '1/s');
  t.equal(rows[3]!.unit, 'MB/s');
  t.equal(rows[5]!.handshake, 'full');
  t.equal(rows[6]!.peer, 'gnutls-cli');
  const grouped = toRows(rows);
  t.equal(grouped.length, 5, 'one row per metric/suite/transport/size/peer');
  const hs = grouped.find((r) => r.metric === 'full_handshakes_per_s')!;
  t.equal(ratio(hs, 'ut-tls', 'node:tls'), 0.8);
  t.equal(ratio(hs, 'ut-tls', 'node-forge'), 10);
  t.equal(ratio(hs, 'ut-tls', 'gnutls'), undefined);
  const table = formatTable(rows);
  t.match(table, /ut-tls\/node:tls/);
  t.match(table, /0\.80×/);
  t.match(table, /10\.00×|10×/);
  t.match(table, /4095B/);
  t.match(table, /from gnutls-cli/);
  const md = formatMarkdownTable(rows);
  t.equal(md.split('\n').length, 2 + grouped.length);
  t.match(md, /\| full_handshakes_per_s \(1\/s\) \| AES-128 \| socket \|/);
  const panels = chartPanels(rows);
  t.same(
    panels.map((p) => p.title),
    ['Full handshakes/s, AES128-SHA, socket, 1 client', 'Throughput MB/s, 3DES, 16 KiB writes, loopback'],
    'chart panels: handshake rates, and throughput per suite (none for RC4: no 16 KiB row, and peer rows are left out)',
  );
  t.same(panels[0]!.bars.map((b) => b.label), ['ut-tls', 'node:tls', 'node-forge']);
  t.same(panels[1]!.bars.map((b) => b.label), ['ut-tls', 'gnutls (4095 B)'], 'gnutls at its own write size, labelled');
  const svg = renderSvg(rows, machineInfo());
  t.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  t.equal((svg.match(/<rect x=/g) ?? []).length, 5, 'one bar per implementation and panel');
  t.match(svg, /node-forge/);
  t.notMatch(svg, /[<>&]"|&(?!amp;|lt;|gt;|quot;)/, 'text is escaped');
});

t.test('payload and gnutls priority strings', async (t) => {
  const p = payload(1024);
  t.equal(p.length, 1024);
  t.not(p[0], p[1]);
  t.equal(gnutlsPriority('TLS_RSA_WITH_RC4_128_SHA'), 'NORMAL:-VERS-ALL:+VERS-TLS1.0:-CIPHER-ALL:+ARCFOUR-128:-KX-ALL:+RSA:-MAC-ALL:+SHA1:%COMPAT');
  t.match(gnutlsPriority('TLS_RSA_WITH_3DES_EDE_CBC_SHA'), /:\+3DES-CBC:/);
});

t.test('providers: ut-tls is the auto provider, ut-tls-pure the pure one', async (t) => {
  t.equal(providerFor('ut-tls-pure').name, 'pure');
  t.equal(providerFor('ut-tls').name, 'native', 'on Node the native provider is registered');
});

const tiny = { seconds: 0, warmup: 1, minHandshakes: 2 };

function socketPeers(): SocketPeer[] {
  return [utTlsSocketPeer('ut-tls', pki), utTlsSocketPeer('ut-tls-pure', pki), nodeTlsSocketPeer(pki), forgeSocketPeer(pki)];
}
function memoryPeers(): MemoryPeer[] {
  return [utTlsMemoryPeer('ut-tls', pki), utTlsMemoryPeer('ut-tls-pure', pki), nodeTlsMemoryPeer(pki), forgeMemoryPeer(pki)];
}

t.test('socket handshakes, full and resumed, for every implementation', async (t) => {
  for (const peer of socketPeers()) {
    for (const resumed of [false, true]) {
      const concurrency = resumed ? 2 : 1;
      // socketHandshakes throws if a "resumed" handshake was not resumed (or a full one was).
      const f = await socketHandshakes(peer, { ...tiny, concurrency, resumed });
      t.ok(f.handshakes >= 2, `${peer.impl} ${resumed ? 'resumed' : 'full'}: ${f.handshakes} handshakes`);
      t.ok(f.p50 > 0 && f.p50 <= f.p99, `${peer.impl}: 0 < p50 <= p99`);
      const rows = handshakeResults(peer.impl, 'socket', concurrency, resumed, f);
      t.same(
        rows.map((r) => r.metric),
        [resumed ? 'resumed_handshakes_per_s' : 'full_handshakes_per_s', 'handshake_p50_ms', 'handshake_p99_ms'],
      );
      for (const r of rows) {
        t.same(shapeProblems(r), [], `${peer.impl} ${r.metric}`);
        t.equal(r.suite, 'TLS_RSA_WITH_AES_128_CBC_SHA');
        t.equal(r.concurrency, concurrency);
        t.equal(r.write_size, null);
      }
    }
  }
});

t.test('memory handshakes, full and resumed, for every implementation', async (t) => {
  for (const peer of memoryPeers()) {
    for (const resumed of [false, true]) {
      const f = await memoryHandshakes(peer, { ...tiny, resumed });
      t.ok(f.handshakes >= 2 && f.perSecond > 0, `${peer.impl} ${resumed ? 'resumed' : 'full'} in memory`);
    }
    peer.dispose?.();
  }
});

t.test('the in-memory ends are what they claim: TLS 1.0 and the asked suite', async (t) => {
  const ut = await utTlsMemoryPeer('ut-tls', pki).handshake('TLS_RSA_WITH_RC4_128_SHA');
  const server = ut.serverOnly() as Connection;
  t.equal(server.cipherSuite?.name, 'TLS_RSA_WITH_RC4_128_SHA');
  t.equal(server.protocol, 'TLSv1');
  const forge = await forgeMemoryPeer(pki).handshake('TLS_RSA_WITH_AES_256_CBC_SHA');
  t.equal(negotiatedVersion(forge.serverOnly()), '3.1', 'forge to forge is TLS 1.0');
});

t.test('socket throughput: every byte sent is received, for every implementation', async (t) => {
  for (const peer of socketPeers()) {
    const suites = peer.impl === 'ut-tls' ? peer.suites : [peer.suites[0]!];
    for (const suite of suites) {
      // socketThroughput throws if the receiver did not get exactly what was sent.
      const f = await socketThroughput(peer, suite, 1024, 0.02, 0);
      t.ok(f.bytes >= 1024 && f.MBps > 0 && f.seconds > 0, `${peer.impl} ${suite}: ${f.bytes} bytes`);
    }
  }
});

t.test('memory throughput', async (t) => {
  for (const peer of [utTlsMemoryPeer('ut-tls', pki), utTlsMemoryPeer('ut-tls-pure', pki), forgeMemoryPeer(pki)]) {
    const f = await memoryThroughput(peer, peer.suites[peer.suites.length - 1]!, 16384, 0.02);
    t.ok(f.bytes > 0 && f.bytes % 16384 === 0, `${peer.impl}: whole writes delivered (${f.bytes} bytes)`);
  }
});

t.test('node:tls in memory has no throughput or heap figures (it says so)', async (t) => {
  const peer = nodeTlsMemoryPeer(pki);
  const c = await peer.handshake('TLS_RSA_WITH_AES_128_CBC_SHA');
  await t.rejects(c.send(payload(16), () => true), /handshakes only/);
  t.throws(() => c.serverOnly(), /no heap figure/);
  c.close();
  peer.dispose?.();
});

t.test('gnutls: gnutls-cli to gnutls-serv, and to our server', async (t) => {
  const f = await gnutlsThroughput(pki, 'TLS_RSA_WITH_3DES_EDE_CBC_SHA', 0, 4e6);
  t.ok(f.bytes > 0 && f.bytes < 4e6 && f.MBps > 0, `gnutls → gnutls: ${f.bytes} bytes timed (the 10%-90% span of 4 MB)`);
  // gnutlsCliToPeer throws unless our server received exactly the file.
  const g = await gnutlsCliToPeer(pki, utTlsSocketPeer('ut-tls', pki), 'TLS_RSA_WITH_RC4_128_SHA', 0, 1e6);
  t.equal(g.bytes, 1e6, 'our server received the whole file from gnutls-cli');
  // utTlsToGnutlsServ throws unless gnutls-serv closed after every byte was written (its close
  // follows our close_notify, which follows the last record).
  const s = await utTlsToGnutlsServ(pki, 'ut-tls', 'TLS_RSA_WITH_3DES_EDE_CBC_SHA', 0, 1e6 + 7);
  t.equal(s.bytes, 1e6 + 7, 'our client sent the whole file to gnutls-serv, the last write short');
});

t.test('memory figures from the --expose-gc child', async (t) => {
  const out = await runMemoryBench({ pkiDir: pki.dir, connections: 3, sessions: 500 });
  const heap = out.results.filter((r) => r.metric === 'heap_bytes_per_connection');
  t.same(
    heap.map((r) => `${r.impl}/${r.transport}`),
    ['ut-tls/socket', 'ut-tls-pure/socket', 'node:tls/socket', 'node-forge/socket', 'ut-tls/memory', 'ut-tls-pure/memory', 'node-forge/memory'],
  );
  for (const r of heap) {
    t.equal(r.concurrency, 3);
    t.equal(r.unit, 'B');
    t.ok(Number.isFinite(r.value), `${r.impl}/${r.transport} is a number`);
  }
  const sessions = out.results.filter((r) => r.metric === 'bytes_per_cached_session');
  t.equal(sessions.length, 1);
  t.same(shapeProblems(sessions[0]!), []);
  t.equal(sessions[0]!.concurrency, 500);
  t.match(out.notes.join('\n'), /encodeSession\(\) is \d+ B/);
});
