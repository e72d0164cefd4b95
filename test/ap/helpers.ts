/** Shared pieces of the AP tests: demo certificates in a temp dir, configs, plain-HTTP ASs. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeDemoCerts } from '../helpers/ap-demo-certs.js';
import { sleep, spawnCollected, type SpawnedPeer } from '../helpers/peers.js';

const AP_CLI = fileURLToPath(new URL('../../lib/cli.js', import.meta.url));

export interface Teardown {
  teardown(fn: () => void | Promise<void>): void;
}

/** A fresh directory with the demo certificates and users.json, removed at teardown. */
export async function demoDir(t: Teardown): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'ut-tls-ap-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  await writeDemoCerts(dir);
  return dir;
}

export function writeConfig(dir: string, config: unknown, name = 'ap.json'): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Backend {
  port: number;
  url: string;
  seen: SeenRequest[];
  server: http.Server;
}

/** A plain-HTTP AS on 127.0.0.1 that records each request and answers "NAME METHOD URL". */
export async function startBackend(t: Teardown, name: string, handler?: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => boolean): Promise<Backend> {
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      if (handler?.(req, res, body)) return;
      res.setHeader('content-type', 'text/plain');
      res.end(`${name} ${req.method} ${req.url}${body ? ` body=${body.length}` : ''}\n`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  const port = (server.address() as AddressInfo).port;
  return { port, url: `http://127.0.0.1:${port}`, seen, server };
}

/** The two-AS configuration the tests use: as1 trusted (default host), as2 not trusted. */
export function twoHostConfig(as1: string, as2: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    listen: { host: '127.0.0.1', port: 0 },
    hosts: [
      { names: ['as1.example.test', 'localhost'], cert: 'as1.pem', key: 'as1.key', default: true, routes: [{ path: '/', upstream: as1, trustDomain: true }] },
      { names: ['as2.example.test'], cert: 'as2.pem', key: 'as2.key', routes: [{ path: '/', upstream: as2, trustDomain: false }] },
    ],
    authenticator: { type: 'static', file: 'users.json' },
    accessLog: 'off',
    ...extra,
  };
}

/** createProxy(loadApConfig(file)) listening on 127.0.0.1:0, closed at teardown. */
export async function startProxy(t: Teardown, file: string): Promise<{ proxy: import('../../lib/ap/proxy.js').AuthenticationProxy; port: number }> {
  const { loadApConfig } = await import('../../lib/ap/config.js');
  const { createProxy } = await import('../../lib/ap/proxy.js');
  const proxy = createProxy(loadApConfig(file));
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', () => resolve()));
  t.teardown(() => new Promise<void>((resolve) => { proxy.closeAllConnections(); proxy.close(() => resolve()); }));
  return { proxy, port: (proxy.address() as AddressInfo).port };
}

/** One `ut-tls ap --config FILE` process (a farm node); resolves once it says where it listens. */
export async function startApNode(t: Teardown, config: string): Promise<{ peer: SpawnedPeer; port: number }> {
  const peer = spawnCollected(t, process.execPath, [AP_CLI, 'ap', '--config', config]);
  const until = Date.now() + 15_000;
  while (Date.now() < until) {
    const m = /listening on 127\.0\.0\.1:(\d+)\n/.exec(peer.stdout());
    if (m) return { peer, port: Number(m[1]) };
    if (peer.child.exitCode !== null) break;
    await sleep(20);
  }
  throw new Error(`ap node did not start: ${peer.stderr()}`);
}
