/**
 * Issue 17 item 4: RFC 7301 ALPN at TLS 1.0, on the wire, both roles: node:tls (OpenSSL 3) and
 * GnuTLS 3.7 as peers, the no-overlap alert (no_application_protocol, 120), ALPNCallback, and the
 * server answering only when asked.
 */
import t, { type Test } from 'tap';
import * as tls from 'node:tls';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect, createServer, type TLSSocket } from '../../lib/index.js';
import { runGnutlsClient, startGnutlsServer, startRelay } from '../helpers/peers.js';
import { testPki } from '../helpers/pki.js';

const pki = await testPki();
const BOUNDED = { timeout: 30_000 };
const NODE10 = { minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'AES128-SHA:@SECLEVEL=0' } as const;
const GNUTLS10 = 'NORMAL:-VERS-ALL:+VERS-TLS1.0:%COMPAT';
const ALPN_EXT = 16;

async function listening(t: Test, server: tls.Server | ReturnType<typeof createServer>): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  return (server.address() as AddressInfo).port;
}

/** Ends our side and waits for the close (a peer killed at teardown may reset it first). */
async function closed(c: TLSSocket): Promise<void> {
  c.on('error', () => {});
  c.end();
  if (!c.destroyed) await once(c, 'close');
}

/** An ut-tls server whose connections report their alpnProtocol. */
async function ourServer(t: Test, options: Record<string, unknown>) {
  const seen: (string | false)[] = [];
  const errors: Error[] = [];
  const server = createServer({ key: pki.keyPem, cert: pki.certPem, ...options } as never, (s: TLSSocket) => {
    seen.push(s.alpnProtocol);
    s.pipe(s);
  });
  server.on('tlsClientError', (e: Error) => errors.push(e));
  return { port: await listening(t, server), seen, errors };
}

t.test('node:tls client -> ut-tls server: server preference among the offered protocols', BOUNDED, async (t) => {
  const s = await ourServer(t, { ALPNProtocols: ['http/1.1', 'h2'] });
  const c = tls.connect({ host: '127.0.0.1', port: s.port, ca: pki.caPem, ...NODE10, ALPNProtocols: ['h2', 'http/1.1'] });
  await once(c, 'secureConnect');
  t.equal(c.getProtocol(), 'TLSv1');
  t.equal(c.alpnProtocol, 'http/1.1', 'node:tls sees our choice');
  c.end();
  await once(c, 'close');
  t.same(s.seen, ['http/1.1'], 'our socket reports it');
});

t.test('ut-tls client -> node:tls server, ALPNProtocols in node wire form', BOUNDED, async (t) => {
  const server = tls.createServer({ key: pki.keyPem, cert: pki.certPem, ...NODE10, ALPNProtocols: ['http/1.1'] }, (s) => {
    s.end(String(s.alpnProtocol));
  });
  const port = await listening(t, server);
  const c = connect({ host: '127.0.0.1', port, ca: pki.caPem, servername: 'localhost', ALPNProtocols: Buffer.from('\x02h2\x08http/1.1', 'latin1') });
  await once(c, 'secureConnect');
  t.equal(c.alpnProtocol, 'http/1.1');
  const chunks: Buffer[] = [];
  c.on('data', (d: Buffer) => chunks.push(d));
  await once(c, 'end');
  t.equal(Buffer.concat(chunks).toString(), 'http/1.1', 'node:tls selected it too');
  c.destroy();
});

t.test('gnutls-cli --alpn -> ut-tls server', BOUNDED, async (t) => {
  const s = await ourServer(t, { ALPNProtocols: ['http/1.1'] });
  const r = await runGnutlsClient(t, { port: s.port, caFile: pki.caFile, priority: GNUTLS10, input: 'x\n', extraArgs: ['--alpn', 'h2', '--alpn', 'http/1.1'] });
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /Application protocol: http\/1\.1/);
  t.same(s.seen, ['http/1.1']);
});

t.test('ut-tls client -> gnutls-serv --alpn', BOUNDED, async (t) => {
  const gs = await startGnutlsServer(t, { certFile: pki.certFile, keyFile: pki.keyFile, priority: GNUTLS10, echo: true, extraArgs: ['--alpn', 'http/1.1', '--alpn', 'h2'] });
  const c = connect({ host: '127.0.0.1', port: gs.port, ca: pki.caPem, servername: 'localhost', ALPNProtocols: ['h2'] });
  await once(c, 'secureConnect');
  t.equal(c.alpnProtocol, 'h2');
  await closed(c);
});

t.test('no protocol in common: no_application_protocol (120), seen by node:tls and by our client', BOUNDED, async (t) => {
  const s = await ourServer(t, { ALPNProtocols: ['h2'] });
  const c = tls.connect({ host: '127.0.0.1', port: s.port, ca: pki.caPem, ...NODE10, ALPNProtocols: ['http/1.1'] });
  const [err] = (await once(c, 'error')) as [Error & { code?: string }];
  t.match(err.message + (err.code ?? ''), /no application protocol|NO_APPLICATION_PROTOCOL|alert number 120/i, 'node:tls got alert 120');
  const ours = connect({ host: '127.0.0.1', port: s.port, ca: pki.caPem, servername: 'localhost', ALPNProtocols: ['spdy/3'] });
  const [e2] = (await once(ours, 'error')) as [Error & { alert?: number }];
  t.equal(e2.alert, 120, 'our client got alert 120');
  t.ok(s.errors.length >= 1 && s.seen.length === 0, 'the server refused both');
});

t.test('ALPNCallback chooses (with the servername), or refuses with 120', BOUNDED, async (t) => {
  const calls: { servername: string | undefined; protocols: string[] }[] = [];
  const s = await ourServer(t, {
    ALPNCallback: (info: { servername: string | undefined; protocols: string[] }) => {
      calls.push(info);
      return info.protocols.includes('acme-tls/1') ? undefined : info.protocols.at(-1);
    },
  });
  const c = connect({ host: '127.0.0.1', port: s.port, ca: pki.caPem, servername: 'localhost', ALPNProtocols: ['h2', 'http/1.1'] });
  await once(c, 'secureConnect');
  t.equal(c.alpnProtocol, 'http/1.1', 'the callback picked the last');
  await closed(c);
  t.same(calls[0], { servername: 'localhost', protocols: ['h2', 'http/1.1'] });
  const refused = connect({ host: '127.0.0.1', port: s.port, ca: pki.caPem, servername: 'localhost', ALPNProtocols: ['acme-tls/1'] });
  const [e] = (await once(refused, 'error')) as [Error & { alert?: number }];
  t.equal(e.alert, 120);
});

t.test('answered only when asked; no ALPN on either side leaves alpnProtocol false', BOUNDED, async (t) => {
  const s = await ourServer(t, { ALPNProtocols: ['http/1.1'] });
  const relay = await startRelay(t, s.port);
  const c = connect({ host: '127.0.0.1', port: relay.port, ca: pki.caPem, servername: 'localhost' });
  await once(c, 'secureConnect');
  t.equal(c.alpnProtocol, false);
  c.end();
  await relay.connections[0]!.closed;
  const hello = relay.connections[0]!.fromServer().handshakeMessages[0]!.body;
  // ServerHello: version(2) random(32) session_id<1> suite(2) compression(1) [extensions<2>]
  const sidLen = hello[34]!;
  let at = 35 + sidLen + 3;
  const types: number[] = [];
  if (at < hello.length) {
    const end = at + 2 + ((hello[at]! << 8) | hello[at + 1]!);
    at += 2;
    while (at < end) {
      types.push((hello[at]! << 8) | hello[at + 1]!);
      at += 4 + ((hello[at + 2]! << 8) | hello[at + 3]!);
    }
  }
  t.notOk(types.includes(ALPN_EXT), 'no ALPN extension in the ServerHello');
  t.same(s.seen, [false]);
  // A server without ALPNProtocols ignores a client that offers it (node:tls does too).
  const plain = await ourServer(t, {});
  const c2 = connect({ host: '127.0.0.1', port: plain.port, ca: pki.caPem, servername: 'localhost', ALPNProtocols: ['h2'] });
  await once(c2, 'secureConnect');
  t.equal(c2.alpnProtocol, false);
  await closed(c2);
});

t.test('CLI: ut-tls server --alpn with gnutls-cli, ut-tls client --alpn with gnutls-serv', BOUNDED, async (t) => {
  const { startCliServer, runCliClient, waitForOutput, withoutPeer } = await import('../helpers/peers.js');
  const server = await startCliServer(t, ['--key', pki.keyFile, '--cert', pki.certFile, '--echo', '--alpn', 'http/1.1,h2']);
  const r = await runGnutlsClient(t, { port: server.port, caFile: pki.caFile, priority: GNUTLS10, input: 'x\n', extraArgs: ['--alpn', 'h2', '--alpn', 'http/1.1'] });
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /Application protocol: http\/1\.1/, 'our preference wins');
  t.match(withoutPeer((await waitForOutput(server.stderr, /^handshake .*$/m))[0]), / alpn=http\/1\.1$/);
  const gs = await startGnutlsServer(t, { certFile: pki.certFile, keyFile: pki.keyFile, priority: GNUTLS10, echo: true, extraArgs: ['--alpn', 'h2'] });
  const c = await runCliClient(t, [`127.0.0.1:${gs.port}`, '--ca', pki.caFile, '--servername', 'localhost', '--alpn', 'h2,http/1.1'], 'y\n', 15_000, /y\n/);
  t.equal(c.code, 0, c.stderr);
  t.match(c.stderr, /^alpn: h2$/m);
});

t.test('curl --tlsv1.0 (offers h2,http/1.1) against ut-tls server --http --alpn http/1.1', BOUNDED, async (t) => {
  const { startCliServer } = await import('../helpers/peers.js');
  const { spawnSync } = await import('node:child_process');
  const server = await startCliServer(t, ['--key', pki.keyFile, '--cert', pki.certFile, '--http', '--alpn', 'http/1.1']);
  const r = spawnSync('curl', ['-sv', '--tlsv1.0', '--tls-max', '1.0', '--ciphers', 'DEFAULT@SECLEVEL=0', '--cacert', pki.caFile, '--resolve', `localhost:${server.port}:127.0.0.1`, `https://localhost:${server.port}/`], { encoding: 'latin1', timeout: 20_000 });
  t.match(r.stderr, /ALPN.*offers h2/i, 'curl offered h2');
  t.match(r.stderr, /ALPN.*(server accepted|accepted) http\/1\.1/i, 'and got http/1.1');
  t.equal(r.status, 0, r.stderr.slice(-500));
});
