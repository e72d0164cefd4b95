/**
 * enableTrace() (issue 15 item 4): the handshake messages as `ut-tls decode` prints them, live, on a
 * real connection. Client role against a node:tls TLSv1 server (enableTrace(write) called before the
 * TCP connection is up: the ClientHello is still shown); server role with the `enableTrace` option's
 * (line, socket) form; the default writes to stderr (a child process). No secret is ever printed.
 */
import t from 'tap';
import * as tls from 'node:tls';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AddressInfo } from 'node:net';
import { connect, createServer, TLSSocket } from '../../lib/index.js';
import { testPki } from '../helpers/pki.js';
import { repoRoot } from '../helpers/paths.js';

const pki = await testPki();
const BOUNDED = { timeout: 30_000 };
const NODE_TLS1 = { minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'AES128-SHA:@SECLEVEL=0' } as const;
const CLIENT_FLIGHTS = ['ClientHello', 'ServerHello', 'Certificate', 'ServerHelloDone', 'ClientKeyExchange', 'ChangeCipherSpec', 'Finished', 'ChangeCipherSpec', 'Finished'];
/** node's client asks for a ticket: a ut-tls server sends NewSessionTicket before its ChangeCipherSpec (RFC 5077 3.3). */
const TICKET_FLIGHTS = [...CLIENT_FLIGHTS.slice(0, 7), 'NewSessionTicket', ...CLIENT_FLIGHTS.slice(7)];

/** The handshake message names of a trace, in order. */
function messages(lines: string[]): string[] {
  return lines.map((l) => /^\s+(\w+):?/.exec(l)?.[1]).filter((m): m is string => !!m && /^[A-Z]/.test(m));
}

t.test('client role against node:tls: every handshake message, in order, and no secret', BOUNDED, async (t) => {
  const server = tls.createServer({ key: pki.keyPem, cert: pki.certPem, ...NODE_TLS1 }, (s) => s.end('hi'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  const lines: string[] = [];
  const keylog: string[] = [];
  const c = connect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, servername: 'localhost', ca: pki.caPem });
  c.enableTrace((l) => lines.push(l));
  c.on('keylog', (l: Buffer) => keylog.push(l.toString('latin1').trim()));
  const closed = once(c, 'close');
  c.resume();
  await closed;
  t.same(messages(lines).slice(0, CLIENT_FLIGHTS.length), CLIENT_FLIGHTS);
  t.match(lines.join('\n'), /ChangeCipherSpec: the client now writes with TLS_RSA_WITH_AES_128_CBC_SHA/);
  t.match(lines.join('\n'), /application data: 2 bytes/, 'the decrypted records too');
  const [, , master] = keylog[0]!.split(' ');
  t.equal(lines.join('\n').includes(master!), false, 'the master secret is not printed');
});

t.test('server role: the enableTrace option with (line, socket)', BOUNDED, async (t) => {
  const lines: string[] = [];
  const sockets = new Set<unknown>();
  const server = createServer({ key: pki.keyPem, cert: pki.certPem, enableTrace: (l, s) => (lines.push(l), sockets.add(s)) }, (s) => s.end('hi'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  const c = tls.connect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, servername: 'localhost', ca: pki.caPem, ...NODE_TLS1 });
  const closed = once(c, 'close');
  c.resume();
  await closed;
  await new Promise((r) => setImmediate(r));
  t.same(messages(lines).slice(0, TICKET_FLIGHTS.length), TICKET_FLIGHTS);
  t.equal(sockets.size, 1);
  t.ok([...sockets][0] instanceof TLSSocket, 'the server-side socket is passed');
});

t.test('enableTrace() without a writer prints to stderr', BOUNDED, async (t) => {
  const lib = pathToFileURL(join(repoRoot, 'dist/lib/index.js')).href;
  const program = `import { connect, createServer } from ${JSON.stringify(lib)};
const server = createServer({ key: ${JSON.stringify(pki.keyPem)}, cert: ${JSON.stringify(pki.certPem)} }, (s) => s.end());
server.listen(0, '127.0.0.1', () => {
  const c = connect({ host: '127.0.0.1', port: server.address().port, servername: 'localhost', ca: ${JSON.stringify(pki.caPem)} });
  c.enableTrace();
  c.resume();
  c.on('close', () => server.close());
});`;
  const p = spawn(process.execPath, ['--input-type=module', '-e', program], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SSLKEYLOGFILE: '' } });
  t.teardown(() => void p.kill());
  let out = '';
  let err = '';
  p.stdout.on('data', (d: Buffer) => (out += d));
  p.stderr.on('data', (d: Buffer) => (err += d));
  const [code] = (await once(p, 'close')) as [number];
  t.equal(code, 0);
  t.equal(out, '', 'nothing on stdout');
  t.same(messages(err.split('\n')).slice(0, CLIENT_FLIGHTS.length), CLIENT_FLIGHTS);
});
