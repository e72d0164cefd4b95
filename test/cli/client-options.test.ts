/**
 * `ut-tls client` as a process, on the options a lab uses beyond the handshake line:
 * - `--ign-eof`: `printf 'GET / ...' | ut-tls client --ign-eof` against a node:https server that
 *   answers after a delay gets the answer every time (10 of 10): nothing is sent at the end of
 *   stdin, so the server never sees the request's connection end before it answers;
 * - `--wait-close`: "close: close_notify received" and exit 0 against gnutls-serv, "close: no
 *   close_notify" and exit 1 against a server that just drops TCP;
 * - `--keylog-file FILE`: the CLIENT_RANDOM line openssl s_server -keylogfile writes for the same
 *   connection, appended per connection;
 * - `--connect-timeout MS` against a listener whose accept queue is full (the SYN goes unanswered),
 *   `--handshake-timeout MS` against a server that accepts and says nothing: exit 1, the code named.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import { join } from 'node:path';
import { TLSSocket } from 'node:tls';
import { deadline, freePort, runCliClient, spawnCollected, startGnutlsServer, tempDir, waitForOutput, waitForPort, type Teardown } from '../helpers/peers.js';
import { testPki } from '../helpers/pki.js';

const pki = await testPki();
const BOUNDED = { timeout: 90_000 };
const NODE_TLS1 = { minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' } as const;
const CA = ['--ca', pki.caFile, '--servername', 'localhost'];

function listen(t: Teardown, server: net.Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
    t.teardown(() => {
      (server as https.Server).closeAllConnections?.();
      server.close();
    });
  });
}

t.test('--ign-eof: 10 of 10 answers from an HTTPS server that answers after a delay', BOUNDED, async (t) => {
  let endedBeforeAnswer = 0;
  const server = https.createServer({ key: pki.keyPem, cert: pki.certPem, ...NODE_TLS1 }, (req, res) => {
    let ended = false;
    req.socket.once('end', () => (ended = true));
    setTimeout(() => {
      if (ended) endedBeforeAnswer++;
      res.setHeader('connection', 'close');
      res.end(`late answer to ${req.method} ${req.url}\n`);
    }, 150);
  });
  const port = await listen(t, server);
  let answered = 0;
  for (let i = 0; i < 10; i++) {
    const r = await runCliClient(t, [`127.0.0.1:${port}`, ...CA, '--ign-eof'], `GET /try-${i} HTTP/1.0\r\nHost: localhost\r\n\r\n`, 20_000);
    if (r.code === 0 && r.stdout.includes(`late answer to GET /try-${i}\n`) && /^HTTP\/1\.1 200 OK\r\n/.test(r.stdout)) answered++;
    else t.comment(`try ${i}: exit ${r.code}, stdout ${JSON.stringify(r.stdout.slice(0, 200))}, stderr ${r.stderr.slice(-300)}`);
  }
  t.equal(answered, 10, '10 of 10 answers received, each on stdout, exit 0');
  t.equal(endedBeforeAnswer, 0, 'the server never saw the connection end before it answered');
});

t.test('--wait-close: close_notify from gnutls-serv is reported, exit 0', BOUNDED, async (t) => {
  const server = await startGnutlsServer(t, { certFile: pki.certFile, keyFile: pki.keyFile, priority: 'NORMAL:-VERS-ALL:+VERS-TLS1.0' });
  const r = await runCliClient(t, [`127.0.0.1:${server.port}`, ...CA, '--wait-close'], 'ping\n', 20_000, /ping\n/);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stderr, /^close: close_notify received$/m);
  t.equal(r.stdout, 'ping\n', 'the echo on stdout');
});

t.test('--wait-close: a server that drops TCP without close_notify is reported, exit 1', BOUNDED, async (t) => {
  // A node:tls server over a socket of our own, so that the drop is a bare TCP close.
  const server = net.createServer((raw) => {
    const s = new TLSSocket(raw, { isServer: true, key: pki.keyPem, cert: pki.certPem, ...NODE_TLS1 });
    s.on('error', () => {});
    s.on('data', (d: Buffer) => s.write(d));
    s.on('end', () => raw.destroy()); // the client's close_notify: no answer, just gone
  });
  const port = await listen(t, server);
  const r = await runCliClient(t, [`127.0.0.1:${port}`, ...CA, '--wait-close'], 'ping\n', 20_000, /ping\n/);
  t.equal(r.code, 1, 'exit 1');
  t.match(r.stderr, /^close: no close_notify/m);
  t.equal(r.stdout, 'ping\n');
  // Without --wait-close the same end is a normal one.
  const plain = await runCliClient(t, [`127.0.0.1:${port}`, ...CA], 'ping\n', 20_000, /ping\n/);
  t.equal(plain.code, 0, 'without --wait-close: exit 0');
  t.notMatch(plain.stderr, /^close:/m, 'and no close: line');
});

t.test('--keylog-file: the line openssl s_server -keylogfile writes, one per connection, appended', BOUNDED, async (t) => {
  const dir = tempDir(t, 'ut-tls-cli-');
  const serverLog = join(dir, 's_server.log');
  const ours = join(dir, 'client.log');
  const port = await freePort();
  const server = spawnCollected(t, 'openssl', [
    's_server', '-accept', String(port), '-tls1', '-cipher', 'DEFAULT:@SECLEVEL=0', '-cert', pki.certFile, '-key', pki.keyFile,
    '-keylogfile', serverLog, '-www', '-naccept', '3', // waitForPort's probe is one
  ], port);
  await waitForPort(port, 15_000, server.child);
  for (let i = 0; i < 2; i++) {
    const r = await runCliClient(t, [`127.0.0.1:${port}`, ...CA, '--keylog-file', ours, '--ign-eof'], 'GET / HTTP/1.0\r\n\r\n', 20_000);
    t.equal(r.code, 0, r.stderr);
    t.match(r.stdout, /^HTTP\/1\.0 200 ok/, 'the s_server -www page');
  }
  const lines = readFileSync(ours, 'utf8').trim().split('\n');
  t.equal(lines.length, 2, 'two connections, two lines');
  for (const l of lines) t.match(l, /^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$/);
  const theirs = readFileSync(serverLog, 'utf8').split('\n').filter((l) => l.startsWith('CLIENT_RANDOM '));
  t.same(lines, theirs, "the same lines as OpenSSL's own key log, in order");
});

t.test('--connect-timeout: a SYN nobody answers is given up on, exit 1, ETIMEDOUT named', BOUNDED, async (t) => {
  // A listener that never accepts: a node process that listens with backlog 1 (0 would mean node's
  // default, 511), prints its port, then blocks its event loop (Atomics.wait: no CPU) so that libuv
  // never calls accept(). Once the kernel's queue is full, further SYNs are dropped.
  const listener = spawn(process.execPath, ['-e', [
    "const s = require('net').createServer();",
    "s.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {",
    "  process.stdout.write(s.address().port + '\\n', () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120000));",
    '});',
  ].join('\n')], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => {
    listener.kill('SIGKILL');
  });
  let out = '';
  listener.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const port = Number((await waitForOutput(() => out, /^(\d+)\n/, 15_000))[1]);
  const fillers: net.Socket[] = [];
  t.teardown(() => fillers.forEach((s) => s.destroy()));
  let hung = false;
  for (let i = 0; i < 8 && !hung; i++) {
    const s = net.connect(port, '127.0.0.1');
    s.on('error', () => {});
    fillers.push(s);
    hung = await Promise.race([
      new Promise<boolean>((resolve) => s.once('connect', () => resolve(false))),
      deadline(1000).then(() => true),
    ]);
  }
  t.ok(hung, 'the accept queue is full: a connection attempt now goes unanswered');
  const r = await runCliClient(t, [`127.0.0.1:${port}`, '--connect-timeout', '400'], '', 20_000);
  t.equal(r.code, 1, 'exit 1');
  t.match(r.stderr, /^handshake failed code=ETIMEDOUT alert=- reason=TCP connection to 127\.0\.0\.1:\d+ not made within 400 ms$/m);
});

t.test('--handshake-timeout: a server that accepts and says nothing, exit 1, ERR_TLS_HANDSHAKE_TIMEOUT', BOUNDED, async (t) => {
  const silent = net.createServer(() => {});
  const port = await listen(t, silent);
  const r = await runCliClient(t, [`127.0.0.1:${port}`, '--handshake-timeout', '300'], '', 20_000);
  t.equal(r.code, 1, 'exit 1');
  t.match(r.stderr, /^handshake failed code=ERR_TLS_HANDSHAKE_TIMEOUT alert=- reason=TLS handshake not finished within 300 ms$/m);
  t.equal(r.stdout, '');
});
