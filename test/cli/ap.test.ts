/**
 * `ut-tls ap --config FILE` as a real process: node dist/lib/cli.js, demo certificates made here, a
 * plain-HTTP AS on 127.0.0.1:0, and a ut-tls/http client (TLS 1.0) doing a GET through the AP.
 */
import t from 'tap';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from '../../lib/http/index.js';
import { demoDir, startBackend, twoHostConfig, writeConfig } from '../ap/helpers.js';

const EXAMPLE = fileURLToPath(new URL('../../../docs/examples/ap.json', import.meta.url));
const CLI = fileURLToPath(new URL('../../lib/cli.js', import.meta.url));
const DEMO_CERTS = fileURLToPath(new URL('../../bench/ap-demo-certs.js', import.meta.url));
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function runCli(args: string[], t: { teardown(fn: () => void): void }): Run {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** The port from "listening on HOST:PORT", waiting at most 10 s. */
async function listeningPort(run: Run): Promise<number> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const m = /^listening on 127\.0\.0\.1:(\d+)\n/.exec(run.stdout());
    if (m) return Number(m[1]);
    if (run.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no listening line; stdout=${JSON.stringify(run.stdout())} stderr=${JSON.stringify(run.stderr())}`);
}

const withTimeout = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms).unref())]);

t.test('ut-tls ap --config: a GET through the AP reaches the AS with the asserted identity; SIGTERM exits 0', async (t) => {
  const dir = await demoDir(t);
  const as1 = await startBackend(t, 'as1');
  const as2 = await startBackend(t, 'as2');
  const cfg = twoHostConfig(as1.url, as2.url) as { hosts: Array<Record<string, unknown>> };
  // One multi-identity certificate for both names (TS 33.141 Annex A option 2), as the proxy serves today.
  for (const h of cfg.hosts) Object.assign(h, { cert: 'multi.pem', key: 'multi.key' });
  const run = runCli(['ap', '--config', writeConfig(dir, cfg)], t);
  const port = await listeningPort(run);
  t.equal(run.stdout(), `listening on 127.0.0.1:${port}\n`, 'exactly one line on stdout');
  const ca = readFileSync(join(dir, 'ca.pem'), 'utf8');
  const res = await withTimeout(
    new Promise<{ status: number; body: string; protocol: string | null }>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, servername: 'as1.example.test', ca, path: '/hello', headers: { host: 'as1.example.test', authorization: basic('alice', 'alice-secret'), connection: 'close' } },
        (res) => {
          let body = '';
          const protocol = (res.socket as unknown as { getProtocol?: () => string | null }).getProtocol?.() ?? null;
          res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode!, body, protocol }));
        },
      );
      req.on('error', reject);
      req.end();
    }),
    10_000,
    'GET through the AP',
  );
  t.equal(res.status, 200);
  t.equal(res.body, 'as1 GET /hello\n', 'the AS answer came back through the AP');
  t.equal(res.protocol, 'TLSv1', 'the UE side is TLS 1.0');
  t.equal(as1.seen.length, 1, 'the AS saw the request');
  t.equal(as1.seen[0]!.url, '/hello');
  t.equal(as1.seen[0]!.headers['x-3gpp-asserted-identity'], '"sip:alice@example.test"', 'trusted AS gets the asserted identity');
  t.equal(as2.seen.length, 0, 'the other AS saw nothing');

  run.child.kill('SIGTERM');
  const exit = await withTimeout(run.exited, 10_000, 'exit after SIGTERM');
  t.same(exit, { code: 0, signal: null }, 'SIGTERM: exit code 0');
  t.match(run.stderr(), /stopping signal=SIGTERM/);
  t.match(run.stderr(), /stopped/);
});

t.test('ut-tls ap: a bad config file is one line on stderr and exit 2; no --config is exit 2; --help exit 0', async (t) => {
  const dir = await demoDir(t);
  const bad = writeConfig(dir, { hosts: [], authenticator: { type: 'static', file: 'users.json' } }, 'bad.json');
  const run = runCli(['ap', '--config', bad], t);
  const exit = await withTimeout(run.exited, 10_000, 'exit on a bad config');
  t.equal(exit.code, 2, 'usage exit code');
  t.equal(run.stdout(), '', 'nothing on stdout');
  const lines = run.stderr().split('\n').filter(Boolean);
  t.equal(lines.length, 1, 'exactly one line on stderr');
  t.match(lines[0], /^ut-tls ap: .*bad\.json: hosts: expected a non-empty list of virtual hosts; see ut-tls ap --help$/);

  const notJson = join(dir, 'broken.json');
  writeFileSync(notJson, '{"hosts": [');
  const run2 = runCli(['ap', '--config', notJson], t);
  t.equal((await withTimeout(run2.exited, 10_000, 'exit on broken JSON')).code, 2);
  t.equal(run2.stderr().split('\n').filter(Boolean).length, 1, 'broken JSON: one line');
  t.match(run2.stderr(), /not JSON/);

  // The users file is read by the static authenticator, after the configuration itself: still a usage error.
  writeFileSync(join(dir, 'users.json'), '{"users": {"eve": {"password": "x", "identities": ["mailto:eve@example.test"]}}}');
  const badUsers = writeConfig(dir, twoHostConfig('http://127.0.0.1:1', 'http://127.0.0.1:1'), 'users-bad.json');
  const run5 = runCli(['ap', '--config', badUsers], t);
  t.equal((await withTimeout(run5.exited, 10_000, 'exit on a bad users file')).code, 2);
  t.match(run5.stderr(), /^ut-tls ap: .*users\.json: users\.eve\.identities\[0\]: expected a sip:, sips: or tel: URI; see ut-tls ap --help\n$/);

  const run3 = runCli(['ap'], t);
  t.equal((await withTimeout(run3.exited, 10_000, 'exit without --config')).code, 2);
  t.match(run3.stderr(), /^ut-tls ap: ap needs --config FILE; see ut-tls ap --help\n$/);

  const run4 = runCli(['ap', '--help'], t);
  t.equal((await withTimeout(run4.exited, 10_000, 'exit on --help')).code, 0);
  t.match(run4.stdout(), /^usage: ut-tls ap --config FILE/);
});

t.test('docs/examples/ap.json works as shipped once npm run ap:demo-certs made its demo/ directory', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ut-tls-ap-example-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const certs = spawnSync(process.execPath, [DEMO_CERTS, join(dir, 'demo')], { encoding: 'utf8', timeout: 60_000 });
  t.equal(certs.status, 0, 'the repository script exits 0');
  // The shipped command no longer carries the test CA.
  const shipped = runCli(['ap', '--demo-certs', join(dir, 'x')], t);
  t.equal((await withTimeout(shipped.exited, 10_000, 'ut-tls ap --demo-certs')).code, 2, 'ut-tls ap --demo-certs is a usage error');
  // The example as shipped, but on free ports: the AP on 0 and the two ASs where this test runs them.
  const as1 = await startBackend(t, 'as1');
  const as2 = await startBackend(t, 'as2');
  const text = readFileSync(EXAMPLE, 'utf8').replace('"port": 8443', '"port": 0').replace('http://127.0.0.1:8081', as1.url).replace('http://127.0.0.1:8082', as2.url);
  t.not(text, readFileSync(EXAMPLE, 'utf8'));
  const file = join(dir, 'ap.json');
  writeFileSync(file, text);
  const run = runCli(['ap', '--config', file], t);
  const port = await listeningPort(run);
  const ca = readFileSync(join(dir, 'demo', 'ca.pem'), 'utf8');
  const res = await withTimeout(
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, servername: 'as2.example.test', ca, path: '/two', headers: { host: 'as2.example.test', authorization: basic('bob', 'bob-secret'), connection: 'close' } },
        (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode!, body }));
        },
      );
      req.on('error', reject);
      req.end();
    }),
    10_000,
    'GET through the example AP',
  );
  t.equal(res.status, 200);
  t.equal(res.body, 'as2 GET /two\n');
  t.equal(as2.seen.length, 1);
  t.notOk(as2.seen[0]!.headers['x-3gpp-asserted-identity'], 'as2 is not in the trust domain');
  run.child.kill('SIGINT');
  t.equal((await withTimeout(run.exited, 10_000, 'exit after SIGINT')).code, 0, 'SIGINT: exit code 0');
});
