/**
 * Interop with GnuTLS 3.7 (gnutls-bin): our client against `gnutls-serv --echo`, and `gnutls-cli`
 * against our server, for each suite TS 33.141 / WAP-219 names plus the RFC 3268 AES suites, with
 * each crypto provider: 'auto' (node:crypto where it has the algorithm) and 'pure' (ours only).
 */
import t from 'tap';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect, createServer, type TLSSocket } from '../../lib/index.js';
import { GNUTLS_PRIORITY, GNUTLS_PRIORITY_EXTRA, gnutlsDhParams, runGnutlsClient, startGnutlsServer, tempDir } from '../helpers/peers.js';
import { testPki } from '../helpers/pki.js';

const pki = await testPki();
const PRIORITY: Record<string, string> = { ...GNUTLS_PRIORITY, ...GNUTLS_PRIORITY_EXTRA };
const SUITES = Object.keys(PRIORITY);
const dir = tempDir(t);
// gnutls-serv with DHE: RFC 7919 ffdhe2048 parameters (GnuTLS 3.7 would also pick a group itself).
const dhparams = gnutlsDhParams(dir);

/** Sends `payload`, ends, and resolves with everything received until the peer closed. */
function exchange(socket: TLSSocket, payload: Buffer): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.on('data', (d: Buffer) => chunks.push(d));
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('secureConnect', () => {
      socket.write(payload);
    });
    socket.once('end', () => resolve(Buffer.concat(chunks)));
  });
}

const PROVIDERS = ['auto', 'pure'] as const;

for (const crypto of PROVIDERS)
for (const suite of SUITES) {
  t.test(`our client (${crypto}) -> gnutls-serv --echo, ${suite}`, { timeout: 20_000 }, async (t) => {
    const extraArgs = suite.includes('_DHE_') ? ['--dhparams', dhparams] : [];
    const peer = await startGnutlsServer(t, { certFile: pki.certFile, keyFile: pki.keyFile, priority: PRIORITY[suite]!, extraArgs });
    const client = connect({ host: '127.0.0.1', port: peer.port, ca: pki.caPem, cipherSuites: [suite], crypto });
    // 64 KiB in one write: several full records. gnutls-serv --echo works line by line (it answers
    // each received line), so the payload is text lines.
    const payload = Buffer.from(`${'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(3)}\n`.repeat(600));
    const chunks: Buffer[] = [];
    client.on('data', (d: Buffer) => {
      chunks.push(d);
      if (Buffer.concat(chunks).length >= payload.length) client.end();
    });
    await once(client, 'secureConnect');
    t.equal(client.getCipher()?.standardName, suite);
    t.equal(client.authorized, true, 'gnutls-serv chain verified');
    client.write(payload);
    await once(client, 'close');
    t.same(Buffer.concat(chunks), payload, 'echoed bytes are identical');
  });

  t.test(`gnutls-cli -> our server (${crypto}), ${suite}`, { timeout: 20_000 }, async (t) => {
    const handshakes: string[] = [];
    // The profile's suites are in the AP's default list; the others must be named.
    const cipherSuites = suite in GNUTLS_PRIORITY ? undefined : [suite];
    const server = createServer({ key: pki.keyPem, cert: pki.certPem, cipherSuites, crypto }, (s) => {
      handshakes.push(s.getCipher()!.standardName);
      s.pipe(s);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    t.teardown(() => new Promise<void>((r) => server.close(() => r())));
    const port = (server.address() as AddressInfo).port;
    const line = `hello from gnutls-cli over ${suite}\n`;
    const r = await runGnutlsClient(t, { port, caFile: pki.caFile, priority: PRIORITY[suite]!, input: line });
    t.equal(r.code, 0, `gnutls-cli exit code (stderr: ${r.stderr.slice(-300)})`);
    t.match(r.stdout, line.trim(), 'echoed line printed by gnutls-cli');
    t.match(r.stdout, 'The certificate is trusted', 'gnutls-cli verified our chain');
    t.same(handshakes, [suite]);
  });
}

t.test('gnutls-cli --resume: second connection is an abbreviated handshake', { timeout: 20_000 }, async (t) => {
  const resumed: boolean[] = [];
  const server = createServer({ key: pki.keyPem, cert: pki.certPem }, (s) => {
    resumed.push(s.isSessionReused());
    s.pipe(s);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  const port = (server.address() as AddressInfo).port;
  const r = await runGnutlsClient(t, {
    port,
    caFile: pki.caFile,
    priority: GNUTLS_PRIORITY['TLS_RSA_WITH_3DES_EDE_CBC_SHA']!,
    input: 'x\n',
    extraArgs: ['--resume'],
  });
  t.equal(r.code, 0);
  t.match(r.stdout, 'This is a resumed session');
  t.same(resumed, [false, true]);
});

t.test('our client resumes with gnutls-serv', { timeout: 20_000 }, async (t) => {
  const suite = 'TLS_RSA_WITH_AES_128_CBC_SHA';
  const peer = await startGnutlsServer(t, { certFile: pki.certFile, keyFile: pki.keyFile, priority: GNUTLS_PRIORITY[suite]! });
  const first = connect({ host: '127.0.0.1', port: peer.port, ca: pki.caPem });
  const got1 = exchange(first, Buffer.from('a\n'));
  first.on('data', () => first.end());
  await got1;
  const session = first.getSession();
  t.ok(session, 'a session to resume');
  const second = connect({ host: '127.0.0.1', port: peer.port, ca: pki.caPem, session });
  const got2 = exchange(second, Buffer.from('b\n'));
  second.on('data', () => second.end());
  t.equal((await got2).toString(), 'b\n');
  t.equal(second.isSessionReused(), true);
});

t.test('client certificates with GnuTLS: CertificateVerify both ways', { timeout: 20_000 }, async (t) => {
  const priority = GNUTLS_PRIORITY['TLS_RSA_WITH_3DES_EDE_CBC_SHA']!;
  // Our client presents its certificate to a gnutls-serv that requires one.
  const gs = await startGnutlsServer(t, { certFile: pki.certFile, keyFile: pki.keyFile, priority, extraArgs: ['--x509cafile', pki.caFile, '--require-client-cert'] });
  const ours = connect({ host: '127.0.0.1', port: gs.port, ca: pki.caPem, key: pki.clientKeyPem, cert: pki.clientCertPem });
  const echoed = exchange(ours, Buffer.from('with cert\n'));
  ours.on('data', () => ours.end());
  t.equal((await echoed).toString(), 'with cert\n', 'gnutls-serv accepted our certificate and echoed');
  const without = connect({ host: '127.0.0.1', port: gs.port, ca: pki.caPem });
  const err = await new Promise<{ code?: string }>((resolve) => without.once('error', resolve));
  t.match(err.code, /^ERR_TLS_ALERT_RECEIVED_/, 'without a certificate gnutls-serv refuses the handshake');

  // gnutls-cli presents its certificate to our server with requestCert.
  let seen: { authorized: boolean; cn: unknown } | undefined;
  const server = createServer({ key: pki.keyPem, cert: pki.certPem, requestCert: true, ca: pki.caPem }, (s) => {
    seen = { authorized: s.authorized, cn: (s.getPeerCertificate()['subject'] as Record<string, unknown>)['CN'] };
    s.pipe(s);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  const port = (server.address() as AddressInfo).port;
  const r = await runGnutlsClient(t, {
    port,
    caFile: pki.caFile,
    priority,
    input: 'cert ping\n',
    extraArgs: ['--x509certfile', pki.clientCertFile, '--x509keyfile', pki.clientKeyFile],
  });
  t.equal(r.code, 0);
  t.match(r.stdout, /cert ping/);
  t.same(seen, { authorized: true, cn: 'ut-tls test client' }, 'our server verified the GnuTLS client certificate');
});
