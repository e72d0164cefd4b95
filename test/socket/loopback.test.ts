/**
 * Our client against our server over real 127.0.0.1 sockets: every suite both profiles require,
 * bulk data both ways, the node:tls-shaped API, resumption, key logging and stream behaviour.
 */
import t, { type Test } from 'tap';
import { DEFAULT_CLIENT_SUITES } from '../../lib/policy/suite-selection.js';
import * as net from 'node:net';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { connect, createServer, encodeSession, TLSSocket, type Server } from '../../lib/index.js';
import type { SessionData } from '../../lib/engine/types.js';
import { testPki, type TestPkiFiles } from '../helpers/pki.js';

// The UE's default suites (TS 33.141 6.2), each by its RFC and its OpenSSL name.
const SUITES = DEFAULT_CLIENT_SUITES.map((s) => [s.name, s.openssl] as const);

const pki: TestPkiFiles = await testPki();

async function listen(t: Test, server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  return (server.address() as net.AddressInfo).port;
}

function collect(socket: TLSSocket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.on('data', (d: Buffer) => chunks.push(d));
  return new Promise((resolve, reject) => {
    socket.once('end', () => resolve(Buffer.concat(chunks)));
    socket.once('error', reject);
  });
}

function pattern(length: number, seed: number): Buffer {
  const b = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

for (const [suite, openssl] of SUITES) {
  t.test(`${suite}: 1 MiB each way and a single byte`, async (t) => {
    const toServer = pattern(1 << 20, 1);
    const toClient = pattern(1 << 20, 2);
    let serverGot: Promise<Buffer> | undefined;
    const server = createServer({ key: pki.keyPem, cert: pki.certPem, cipherSuites: [suite] }, (s) => {
      serverGot = collect(s);
      s.write(toClient);
      s.end(Buffer.from([0x7f]));
    });
    const port = await listen(t, server);
    const client = connect({ host: '127.0.0.1', port, ca: pki.caPem });
    const clientGot = collect(client);
    await once(client, 'secureConnect');
    t.equal(client.getProtocol(), 'TLSv1');
    t.same(client.getCipher(), { name: openssl, standardName: suite, version: 'TLSv1' });
    t.equal(client.authorized, true, 'chain verified against the test CA and 127.0.0.1');
    t.equal(client.authorizationError, null);
    client.write(toServer);
    client.end(Buffer.from([0x01]));
    const [c, s] = await Promise.all([clientGot, serverGot ?? Promise.reject(new Error('no server socket'))]);
    t.equal(c.length, (1 << 20) + 1);
    t.equal(sha(c), sha(Buffer.concat([toClient, Buffer.from([0x7f])])), 'client received exactly what the server sent');
    t.equal(s.length, (1 << 20) + 1);
    t.equal(sha(s), sha(Buffer.concat([toServer, Buffer.from([0x01])])), 'server received exactly what the client sent');
  });
}

t.test('API after the handshake: certificate, finished, session, servername, addresses', async (t) => {
  let serverSide: TLSSocket | undefined;
  const server = createServer({ key: pki.keyPem, cert: pki.certPem }, (s) => {
    serverSide = s;
    s.end('bye');
  });
  const port = await listen(t, server);
  const client = connect({ host: 'localhost', port, ca: pki.caPem });
  const sessions: SessionData[] = [];
  client.on('session', (s: SessionData) => sessions.push(s));
  const done = collect(client);
  t.equal(client.getProtocol(), null, 'no protocol before the handshake');
  t.equal(client.getCipher(), undefined);
  await once(client, 'secureConnect');
  t.equal(client.encrypted, true);
  t.equal(client.alpnProtocol, false);
  t.equal(client.servername, 'localhost', 'servername defaults to host when it is a name');
  const cert = client.getPeerCertificate();
  t.same(cert['subject'], { O: 'ut-tls test', CN: 'localhost' });
  t.match(cert['subjectaltname'], /DNS:localhost/);
  t.ok(Buffer.isBuffer(cert['raw']), 'raw is a Buffer, as in node:tls');
  const detailed = client.getPeerCertificate(true);
  // node:tls links the leaf on to the root from its trust store (and the root to itself): so do we.
  const issuer = detailed['issuerCertificate'] as unknown as Record<string, unknown> | undefined;
  t.same(issuer?.['subject'], { O: 'ut-tls test', CN: 'ut-tls test root CA' }, 'one certificate sent: the issuer link comes from ca');
  t.equal(issuer?.['issuerCertificate'], issuer, 'the self-signed root is its own issuer');
  const fin = client.getFinished();
  const peerFin = client.getPeerFinished();
  t.equal(fin?.length, 12, 'TLS 1.0 verify_data is 12 bytes');
  t.equal(peerFin?.length, 12);
  t.equal(client.isSessionReused(), false);
  t.equal(client.remoteAddress, '127.0.0.1');
  t.equal(client.remotePort, port);
  t.equal(typeof client.localPort, 'number');
  t.equal(await done.then((b) => b.toString()), 'bye');
  t.ok(serverSide, 'secureConnection fired');
  t.equal(serverSide!.servername, 'localhost', 'server sees the SNI name');
  t.same(serverSide!.getFinished(), peerFin, "server's Finished is the client's peer Finished");
  t.same(serverSide!.getPeerFinished(), fin);
  t.same(serverSide!.getPeerCertificate(), {}, 'no client certificate: {}');
  t.equal(serverSide!.authorized, false, 'server without requestCert: not authorized (as node:tls)');
  t.equal(sessions.length, 1, "one 'session' event");
  t.same(client.getSession()?.id, sessions[0]!.id);
  client.destroy();
});

t.test('an IP host sends no server_name and checks the IP against iPAddress names', async (t) => {
  let sni: string | null | undefined;
  const server = createServer({ key: pki.keyPem, cert: pki.certPem }, (s) => {
    sni = s.servername;
    s.end();
  });
  const port = await listen(t, server);
  const client = connect({ host: '127.0.0.1', port, ca: pki.caPem });
  const done = collect(client);
  await once(client, 'secureConnect');
  t.equal(client.servername, null);
  t.equal(client.authorized, true);
  await done;
  t.equal(sni, null);
});

t.test('session resumption through the session event', async (t) => {
  const server = createServer({ key: pki.keyPem, cert: pki.certPem, cipherSuites: 'TLS_RSA_WITH_RC4_128_SHA' }, (s) => s.end('x'));
  const port = await listen(t, server);
  const first = connect({ host: 'localhost', port, ca: pki.caPem });
  const [session] = (await once(first, 'session')) as [SessionData];
  await collect(first);
  t.equal(first.isSessionReused(), false);
  const second = connect({ host: 'localhost', port, ca: pki.caPem, session });
  const got = collect(second);
  await once(second, 'secureConnect');
  t.equal(second.isSessionReused(), true, 'abbreviated handshake');
  t.equal(second.getCipher()?.standardName, 'TLS_RSA_WITH_RC4_128_SHA');
  t.equal(second.authorized, true, 'the stored chain is judged again on resumption');
  t.equal((await got).toString(), 'x');
});

t.test('a serialised session (encodeSession bytes) resumes too', async (t) => {
  const server = createServer({ key: pki.keyPem, cert: pki.certPem }, (s) => s.end());
  const port = await listen(t, server);
  const first = connect({ host: 'localhost', port, ca: pki.caPem });
  const [session] = (await once(first, 'session')) as [SessionData];
  await collect(first);
  const bytes = Buffer.from(encodeSession(session));
  const second = connect({ host: 'localhost', port, ca: pki.caPem, session: bytes });
  await once(second, 'secureConnect');
  t.equal(second.isSessionReused(), true);
  second.destroy();
  t.throws(() => connect({ host: 'localhost', port, session: Buffer.from('not a session') }), { code: 'ERR_TLS_INVALID_CONFIG' });
});

t.test('keylog lines in NSS format, on the socket and the server', async (t) => {
  const serverLines: Buffer[] = [];
  const server = createServer({ key: pki.keyPem, cert: pki.certPem }, (s) => s.end());
  server.on('keylog', (line: Buffer) => serverLines.push(line));
  const port = await listen(t, server);
  const client = connect({ host: 'localhost', port, ca: pki.caPem });
  const lines: Buffer[] = [];
  client.on('keylog', (line: Buffer) => lines.push(line));
  await collect(client);
  t.equal(lines.length, 1);
  t.match(lines[0]!.toString(), /^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}\n$/);
  t.same(serverLines.map(String), lines.map(String), 'both ends log the same secret');
});

t.test('writes before the handshake are kept and sent in order', async (t) => {
  let received: Promise<Buffer> | undefined;
  const server = createServer({ key: pki.keyPem, cert: pki.certPem }, (s) => {
    received = collect(s);
    s.end();
  });
  const port = await listen(t, server);
  const client = connect({ host: 'localhost', port, ca: pki.caPem });
  client.write('one,');
  client.write('two,');
  client.end('three');
  await collect(client);
  await new Promise((r) => setImmediate(r));
  t.equal((await received!).toString(), 'one,two,three');
});

t.test('backpressure: a slow reader pauses the transport instead of buffering without bound', async (t) => {
  const size = 4 << 20;
  const server = createServer({ key: pki.keyPem, cert: pki.certPem, cipherSuites: ['RC4-SHA'] }, (s) => {
    s.end(Buffer.alloc(size, 0x61));
  });
  const port = await listen(t, server);
  const client = connect({ host: 'localhost', port, ca: pki.caPem });
  await once(client, 'secureConnect');
  // Do not read for a while: the readable buffer must stop near its high-water mark.
  await new Promise((r) => setTimeout(r, 300));
  const buffered = client.readableLength;
  t.ok(buffered < 1 << 20, `buffered ${buffered} bytes while paused (< 1 MiB of ${size})`);
  const all = await collect(client);
  t.equal(all.length, size, 'everything arrives once the reader drains');
});

t.test('peer close_notify ends the stream; our end() sends close_notify and the transport closes', async (t) => {
  let serverEnded = false;
  const server = createServer({ key: pki.keyPem, cert: pki.certPem }, (s) => {
    s.on('end', () => (serverEnded = true));
    s.resume();
  });
  const port = await listen(t, server);
  const client = connect({ host: 'localhost', port, ca: pki.caPem });
  await once(client, 'secureConnect');
  client.resume();
  client.end();
  await once(client, 'close');
  t.equal(serverEnded, true, "server saw 'end' from our close_notify");
  t.equal(client.destroyed, true);
});

t.test('TLSSocket wraps a socket the application accepted itself (isServer)', async (t) => {
  const raw = net.createServer((sock) => {
    const tls = new TLSSocket(sock, { isServer: true, key: pki.keyPem, cert: pki.certPem });
    tls.on('secure', () => tls.end('wrapped'));
  });
  raw.listen(0, '127.0.0.1');
  await once(raw, 'listening');
  t.teardown(() => new Promise<void>((r) => raw.close(() => r())));
  const port = (raw.address() as net.AddressInfo).port;
  const client = connect({ host: 'localhost', port, ca: pki.caPem });
  t.equal((await collect(client)).toString(), 'wrapped');
});

t.test('connect over a socket the UE brought (options.socket)', async (t) => {
  const server = createServer({ key: pki.keyPem, cert: pki.certPem }, (s) => s.end('own transport'));
  const port = await listen(t, server);
  const sock = net.connect({ host: '127.0.0.1', port });
  await once(sock, 'connect');
  const client = connect({ socket: sock, servername: 'localhost', ca: pki.caPem });
  t.equal((await collect(client)).toString(), 'own transport');
  t.equal(client.authorized, true);
});

t.test('client certificates: requestCert with ca authorizes the client', async (t) => {
  let result: { authorized: boolean; error: string | null; cn: unknown } | undefined;
  const server = createServer({ key: pki.keyPem, cert: pki.certPem, requestCert: true, ca: pki.caPem }, (s) => {
    result = { authorized: s.authorized, error: s.authorizationError, cn: (s.getPeerCertificate()['subject'] as Record<string, unknown>)['CN'] };
    s.end();
  });
  const port = await listen(t, server);
  const client = connect({ host: 'localhost', port, ca: pki.caPem, key: pki.clientKeyPem, cert: pki.clientCertPem });
  await collect(client);
  t.same(result, { authorized: true, error: null, cn: 'ut-tls test client' });
});

t.test('connect(port, host, options, cb) overload', async (t) => {
  const server = createServer({ key: pki.keyPem, cert: pki.certPem }, (s) => s.end('ok'));
  const port = await listen(t, server);
  let called = false;
  const client = connect(port, 'localhost', { ca: pki.caPem }, () => (called = true));
  t.equal((await collect(client)).toString(), 'ok');
  t.equal(called, true, 'callback attached to secureConnect');
});
