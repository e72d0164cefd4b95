/**
 * SSLKEYLOGFILE, node's --tls-keylog and the keylogFile option (issue 15 item 5), through the socket
 * API on the wire: a node child process with the variable set runs a ut-tls client or server against a
 * real peer (node:tls, gnutls-serv) and the CLIENT_RANDOM line it appended must equal the one the peer
 * logged for the same connection (node:tls's 'keylog' event, GnuTLS's own SSLKEYLOGFILE). A child
 * process, because the variable is read from the environment of the process that makes the socket.
 */
import t, { type Test } from 'tap';
import * as tls from 'node:tls';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AddressInfo } from 'node:net';
import { connect } from '../../lib/index.js';
import { testPki } from '../helpers/pki.js';
import { repoRoot } from '../helpers/paths.js';
import { GNUTLS_PRIORITY, freePort, spawnPeer, waitForPort } from '../helpers/peers.js';

const pki = await testPki();
const BOUNDED = { timeout: 30_000 };
const NODE_TLS1 = { minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'AES128-SHA:@SECLEVEL=0' } as const;
const LIB = pathToFileURL(join(repoRoot, 'dist/lib/index.js')).href;
const LINE = /^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$/;

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'ut-tls-keylog-'));
}

function lines(file: string): string[] {
  return lines2(readFileSync(file));
}

function lines2(bytes: Buffer): string[] {
  return bytes.toString('latin1').split('\n').filter((l) => l.startsWith('CLIENT_RANDOM'));
}

/** Runs an ESM program in a child node with `env` added; resolves with its stdout, rejects on failure. */
async function child(t: Test, source: string, env: Record<string, string>, nodeArgs: string[] = []): Promise<string> {
  const p = spawn(process.execPath, [...nodeArgs, '--input-type=module', '-e', source], {
    env: { ...process.env, SSLKEYLOGFILE: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.teardown(() => void p.kill());
  let out = '';
  let err = '';
  p.stdout.on('data', (d: Buffer) => (out += d));
  p.stderr.on('data', (d: Buffer) => (err += d));
  const [code] = (await once(p, 'close')) as [number];
  if (code !== 0) throw new Error(`child exited ${code}: ${err}`);
  return out + (err ? `\nstderr: ${err}` : '');
}

/** A node:tls TLSv1 server on 127.0.0.1 that records its 'keylog' lines. */
async function nodeTlsServer(t: Test): Promise<{ port: number; logged: string[] }> {
  const logged: string[] = [];
  const server = tls.createServer({ key: pki.keyPem, cert: pki.certPem, ...NODE_TLS1 }, (s) => {
    s.resume();
    s.end('hi');
  });
  server.on('keylog', (line: Buffer) => logged.push(line.toString('latin1').trim()));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  return { port: (server.address() as AddressInfo).port, logged };
}

/** A ut-tls client program: `n` connections to the port, each read to the end. */
function clientProgram(port: number, n: number, extra = ''): string {
  return `import { connect } from ${JSON.stringify(LIB)};
for (let i = 0; i < ${n}; i++) {
  const s = connect({ host: '127.0.0.1', port: ${port}, ca: ${JSON.stringify(pki.caPem)}, servername: 'localhost'${extra} });
  s.resume();
  s.on('secureConnect', () => s.end());
  await new Promise((resolve, reject) => { s.on('close', resolve); s.on('error', reject); });
}`;
}

t.test('client role: SSLKEYLOGFILE in a child gets the line node:tls logs for the same connection', BOUNDED, async (t) => {
  const { port, logged } = await nodeTlsServer(t);
  const file = join(scratch(), 'keys.log');
  await child(t, clientProgram(port, 2), { SSLKEYLOGFILE: file });
  const got = lines(file);
  t.equal(got.length, 2, 'one line per connection, appended');
  for (const l of got) t.match(l, LINE);
  t.same(got, logged, 'the lines equal node:tls\'s keylog events, in order');
  t.not(got[0], got[1], 'two connections, two secrets');
  t.equal(statSync(file).mode & 0o777, 0o600, 'created readable by the owner only');
});

t.test('server role: SSLKEYLOGFILE in a child ut-tls server, a node:tls client logs the same line', BOUNDED, async (t) => {
  const file = join(scratch(), 'keys.log');
  const program = `import { createServer } from ${JSON.stringify(LIB)};
const server = createServer({ key: ${JSON.stringify(pki.keyPem)}, cert: ${JSON.stringify(pki.certPem)} }, (s) => { s.resume(); s.end('hi'); });
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.stdin.resume(); process.stdin.on('end', () => server.close());
setTimeout(() => server.close(), 20000).unref();`;
  const p = spawn(process.execPath, ['--input-type=module', '-e', program], { env: { ...process.env, SSLKEYLOGFILE: file }, stdio: ['pipe', 'pipe', 'inherit'] });
  t.teardown(() => void p.kill());
  const [first] = (await once(p.stdout, 'data')) as [Buffer];
  const port = Number(first.toString().trim());
  const logged: string[] = [];
  const c = tls.connect({ host: '127.0.0.1', port, ca: pki.caPem, servername: 'localhost', ...NODE_TLS1 });
  // OpenSSL's client also logs an `RSA <encrypted pre-master prefix> <pre-master>` line: keep CLIENT_RANDOM.
  c.on('keylog', (line: Buffer) => logged.push(...lines2(line)));
  c.resume();
  await once(c, 'close');
  p.stdin.end();
  await once(p, 'close');
  t.equal(logged.length, 1);
  t.same(lines(file), logged, 'the ut-tls server appended the line node:tls logged');
});

t.test('client role against gnutls-serv: both write SSLKEYLOGFILE, the lines agree', BOUNDED, async (t) => {
  const dir = scratch();
  const ours = join(dir, 'ours.log');
  const theirs = join(dir, 'gnutls.log');
  const port = await freePort();
  const args = ['--x509certfile', pki.certFile, '--x509keyfile', pki.keyFile, '-p', String(port), '--priority', GNUTLS_PRIORITY['TLS_RSA_WITH_AES_128_CBC_SHA']!, '-q', '--echo'];
  const serv = spawnPeer('gnutls-serv', args, { env: { ...process.env, SSLKEYLOGFILE: theirs } });
  t.teardown(() => serv.kill());
  await waitForPort(port, 15_000, serv.child);
  await child(t, clientProgram(port, 1), { SSLKEYLOGFILE: ours });
  const got = lines(ours);
  t.equal(got.length, 1);
  t.match(got[0], LINE);
  // gnutls-serv appends when its own keys are made; give it the moment to flush, bounded.
  for (let i = 0; i < 50 && !(existsSync(theirs) && lines(theirs).length > 0); i++) await new Promise((r) => setTimeout(r, 20));
  t.same(lines(theirs), got, 'GnuTLS logged the same CLIENT_RANDOM line');
});

t.test('node --tls-keylog=FILE is honoured, and the keylogFile option wins over both', BOUNDED, async (t) => {
  const { port, logged } = await nodeTlsServer(t);
  const dir = scratch();
  const env = join(dir, 'env.log');
  const flag = join(dir, 'flag.log');
  const option = join(dir, 'option.log');
  await child(t, clientProgram(port, 1), { SSLKEYLOGFILE: env }, [`--tls-keylog=${flag}`]);
  t.same(lines(flag), logged.slice(0, 1), '--tls-keylog wins over SSLKEYLOGFILE');
  t.notOk(existsSync(env), 'SSLKEYLOGFILE untouched when the flag is given');
  await child(t, clientProgram(port, 1, `, keylogFile: ${JSON.stringify(option)}`), { SSLKEYLOGFILE: env }, [`--tls-keylog=${flag}`]);
  t.same(lines(option), logged.slice(1, 2), 'keylogFile wins over the flag and the variable');
  t.equal(lines(flag).length, 1, 'the flag file got nothing more');
  t.notOk(existsSync(env));
});

t.test('without any of them nothing is written; an unwritable file warns once and the connection works', BOUNDED, async (t) => {
  const { port, logged } = await nodeTlsServer(t);
  const dir = scratch();
  const out = await child(t, clientProgram(port, 1), {});
  t.equal(logged.length, 1, 'the connection happened');
  t.notMatch(out, /CLIENT_RANDOM/, 'nothing printed');
  const bad = join(dir, 'no-such-dir', 'keys.log');
  const warned = await child(t, clientProgram(port, 2), { SSLKEYLOGFILE: bad });
  t.equal(logged.length, 3, 'both connections completed');
  t.equal(warned.match(/cannot append to the key-log file/g)?.length, 1, 'one warning for the path');
});

t.test('in-process: the keylogFile option on connect() appends the line the socket emits', BOUNDED, async (t) => {
  const { port, logged } = await nodeTlsServer(t);
  const file = join(scratch(), 'keys.log');
  const s = connect({ host: '127.0.0.1', port, ca: pki.caPem, servername: 'localhost', keylogFile: file });
  const emitted: string[] = [];
  s.on('keylog', (l: Buffer) => emitted.push(l.toString('latin1').trim()));
  s.resume();
  await once(s, 'close');
  t.same(lines(file), emitted);
  t.same(emitted, logged);
  t.throws(() => connect({ host: '127.0.0.1', port, keylogFile: '' }), { code: 'ERR_TLS_INVALID_CONFIG' }, 'an empty path is refused');
  // ... without leaving a TCP connection behind whose close would be an unhandled 'error'.
  await new Promise((r) => setTimeout(r, 100));
  t.equal(logged.length, 1, 'no second handshake was started');
});
