/**
 * `npm run bench:ap`: requests per second through the Authentication Proxy (lib/ap), small GETs to
 * one plain-HTTP AS, for
 *   - `ut-tls ap --workers 1` and `--workers 2` (separate processes, as deployed),
 *   - the same request logic on node:https + node:http (bench/ap-node-proxy.ts, OpenSSL),
 * each with two loads from this process's node:https client (OpenSSL, so the client costs little):
 *   - keep-alive: CONCURRENCY connections, requests back to back on each;
 *   - one request per connection: a new TCP connection and a resumed TLS handshake each time
 *     (the client's session cache), the share actually resumed is printed too.
 * Suite TLS_RSA_WITH_AES_128_CBC_SHA for all (the only TLS 1.0 suite OpenSSL 3 still has).
 * BENCH_AP_SECONDS (default 4) and BENCH_AP_CONCURRENCY (default 8) tune it; BENCH_AP_ONLY (a
 * substring of a row name) runs only the matching rows, and BENCH_AP_NODE_ARGS (e.g. `--cpu-prof
 * --cpu-prof-dir=/tmp/prof`) goes to the proxies' node, for profiling. Figures vary with the
 * machine's load: compare rows of one run, not runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TLSSocket } from 'node:tls';
import { writeDemoCerts } from '../test/helpers/ap-demo-certs.js';

const SECONDS = Number(process.env.BENCH_AP_SECONDS ?? 4);
const CONCURRENCY = Number(process.env.BENCH_AP_CONCURRENCY ?? 8);
const ONLY = process.env.BENCH_AP_ONLY;
const NODE_ARGS = (process.env.BENCH_AP_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
const CLI = fileURLToPath(new URL('../lib/cli.js', import.meta.url));
const NODE_PROXY = fileURLToPath(new URL('./ap-node-proxy.js', import.meta.url));
const AUTH = `Basic ${Buffer.from('alice:alice-secret').toString('base64')}`;

async function startAs(): Promise<{ server: http.Server; url: string }> {
  const body = Buffer.from('hello from the AS\n');
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length }).end(body));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function startProcess(args: string[]): Promise<{ child: ChildProcess; port: number }> {
  // stderr ignored: the proxies' stop lines would mix with the table.
  const child = spawn(process.execPath, [...NODE_ARGS, ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  for (let i = 0; i < 1000; i++) {
    const m = /listening on 127\.0\.0\.1:(\d+)\n/.exec(out);
    if (m) return { child, port: Number(m[1]) };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill('SIGKILL');
  throw new Error(`${args.join(' ')} did not start`);
}

interface Figures {
  perSecond: number;
  requests: number;
  errors: number;
  resumedShare?: number;
}

async function load(port: number, ca: string, keepAlive: boolean): Promise<Figures> {
  const agent = new https.Agent({ keepAlive, maxSockets: CONCURRENCY, maxCachedSessions: keepAlive ? 0 : 100 });
  const tls = { ca, servername: 'as1.example.test', minVersion: 'TLSv1' as const, maxVersion: 'TLSv1' as const, ciphers: 'AES128-SHA:@SECLEVEL=0' };
  let requests = 0;
  let errors = 0;
  let resumed = 0;
  let measuring = false;
  const one = () =>
    new Promise<void>((resolve) => {
      const req = https.request({ agent, host: '127.0.0.1', port, path: '/', headers: { host: 'as1.example.test', authorization: AUTH }, ...tls }, (res) => {
        const reused = (res.socket as TLSSocket).isSessionReused();
        res.resume();
        res.on('end', () => {
          if (measuring) {
            if (res.statusCode === 200) requests++;
            else errors++;
            if (reused) resumed++;
          }
          resolve();
        });
      });
      req.on('error', () => {
        if (measuring) errors++;
        resolve();
      });
      req.end();
    });
  // Warm-up: every connection once (and a session for the resumption load).
  await Promise.all(Array.from({ length: CONCURRENCY }, () => one()));
  measuring = true;
  const start = performance.now();
  const end = start + SECONDS * 1000;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => { while (performance.now() < end) await one(); }));
  const elapsed = (performance.now() - start) / 1000;
  measuring = false;
  agent.destroy();
  return { perSecond: requests / elapsed, requests, errors, ...(keepAlive ? {} : { resumedShare: requests ? resumed / requests : 0 }) };
}

async function startRedis(): Promise<{ child: ChildProcess; port: number } | undefined> {
  const port = await new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const ok = await new Promise<boolean>((resolve) => {
    child.once('error', () => resolve(false));
    const tryConnect = (left: number) => {
      const c = net.connect({ host: '127.0.0.1', port });
      c.once('connect', () => (c.destroy(), resolve(true)));
      c.once('error', () => (left > 0 ? setTimeout(() => tryConnect(left - 1), 50) : resolve(false)));
    };
    tryConnect(100);
  });
  if (!ok) {
    child.kill('SIGKILL');
    return undefined;
  }
  return { child, port };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ut-tls-bench-ap-'));
  try {
    await writeDemoCerts(dir);
    const as = await startAs();
    const apJson = {
      listen: { host: '127.0.0.1', port: 0 },
      tls: { ciphers: 'TLS_RSA_WITH_AES_128_CBC_SHA' },
      hosts: [{ names: ['as1.example.test'], cert: 'as1.pem', key: 'as1.key', routes: [{ path: '/', upstream: as.url, trustDomain: true }] }],
      authenticator: { type: 'static', file: 'users.json' },
      accessLog: 'off',
    };
    /** Writes ap.json with `changes` over apJson as dir/name; returns its path. */
    const writeVariant = (name: string, changes: Record<string, unknown>): string => {
      const file = join(dir, name);
      writeFileSync(file, JSON.stringify({ ...apJson, ...changes }));
      return file;
    };
    const config = writeVariant('ap.json', {});
    const ca = readFileSync(join(dir, 'ca.pem'), 'utf8');
    const rows: Array<[string, Figures, Figures]> = [];
    // 2 workers with a shared session store: a redis-server of our own on a free port, if installed.
    const redis = await startRedis();
    const redisConfig = redis ? writeVariant('ap-redis.json', { sessionStore: { type: 'redis', url: `redis://127.0.0.1:${redis.port}` } }) : '';
    const runs: Array<[string, string[]]> = [
      ['node:https proxy', [NODE_PROXY, config]],
      ['ut-tls ap, 1 worker', [CLI, 'ap', '--config', config, '--workers', '1']],
      ['ut-tls ap, 2 workers', [CLI, 'ap', '--config', config, '--workers', '2']],
    ];
    if (redis) runs.push(['ut-tls ap, 2 w + redis', [CLI, 'ap', '--config', redisConfig, '--workers', '2']]);
    // RFC 5077 tickets (tls.tickets): the workers share the primary's ticket keys, no store needed.
    const ticketConfig = writeVariant('ap-tickets.json', { tls: { ...apJson.tls, tickets: true } });
    runs.push(['ut-tls ap, 2 w + tickets', [CLI, 'ap', '--config', ticketConfig, '--workers', '2']]);
    for (const [name, args] of runs.filter(([name]) => ONLY === undefined || name.includes(ONLY))) {
      const { child, port } = await startProcess([...args]);
      try {
        const ka = await load(port, ca, true);
        const nc = await load(port, ca, false);
        rows.push([name, ka, nc]);

      } finally {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
    }
    redis?.child.kill('SIGTERM');
    as.server.close();
    as.server.closeAllConnections();
    const pad = (s: string, n: number) => s.padEnd(n);
    console.log(`AP requests/s (small GET, TLS 1.0 AES-128-CBC-SHA, ${CONCURRENCY} concurrent, ${SECONDS} s each, node:https client)`);
    console.log(`${pad('proxy', 26)}${pad('keep-alive req/s', 20)}${pad('new conn + resumption req/s', 30)}resumed  errors`);
    for (const [name, ka, nc] of rows) {
      console.log(`${pad(name, 26)}${pad(ka.perSecond.toFixed(0), 20)}${pad(nc.perSecond.toFixed(0), 30)}${pad(((nc.resumedShare ?? 0) * 100).toFixed(0) + '%', 9)}${ka.errors + nc.errors}`);
    }
    const row = (name: string) => rows.find(([n]) => n === name);
    const [node, one, two] = [row('node:https proxy'), row('ut-tls ap, 1 worker'), row('ut-tls ap, 2 workers')];
    console.log('(2 workers without a shared store or tickets: a UE resumes only when it lands on the worker that has its session)');
    if (node && one && two) {
      console.log(`ratios: ut-tls 1 worker / node:https = ${(one[1].perSecond / node[1].perSecond).toFixed(2)}x keep-alive, ${(one[2].perSecond / node[2].perSecond).toFixed(2)}x new conn; 2 workers / 1 worker = ${(two[1].perSecond / one[1].perSecond).toFixed(2)}x keep-alive, ${(two[2].perSecond / one[2].perSecond).toFixed(2)}x new conn`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
