/**
 * Failures at the socket layer: handshake timeouts (and timers that do not outlive the socket),
 * certificate rejection with Node's codes, peers that speak garbage, suite mismatches, transports that
 * close early, and configuration mistakes.
 */
import t, { type Test } from 'tap';
import * as net from 'node:net';
import { once } from 'node:events';
import { connect, createServer, TLSConfigError, type Server, type TLSSocket } from '../../lib/index.js';
import { createCertificate, generateRsaKey } from '../helpers/testca.js';
import { testPki } from '../helpers/pki.js';

const pki = await testPki();
const otherKey = await generateRsaKey(1024);
const otherCa = await createCertificate({ key: otherKey.key, subject: { CN: 'some other CA' }, isCA: true });

/** Every test has a bounded wait: a hang fails in seconds, not at tap's 5-minute limit. */
const BOUNDED = { timeout: 15_000 };

type CodedError = Error & { code?: string; alert?: number };

async function listen(t: Test, server: net.Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  return (server.address() as net.AddressInfo).port;
}

/** A TCP server that records what it receives and optionally answers with fixed bytes. */
async function rawServer(t: Test, answer?: Buffer): Promise<{ port: number; received: () => Buffer; sockets: net.Socket[] }> {
  const chunks: Buffer[] = [];
  const sockets: net.Socket[] = [];
  const srv = net.createServer((s) => {
    sockets.push(s);
    s.on('data', (d) => {
      chunks.push(d);
      if (answer) s.write(answer);
      answer = undefined;
    });
    s.on('error', () => {});
  });
  t.teardown(() => sockets.forEach((s) => s.destroy()));
  const port = await listen(t, srv);
  return { port, received: () => Buffer.concat(chunks), sockets };
}

/** Unlike events.once, does not reject when 'error' comes first. */
function closeOf(emitter: NodeJS.EventEmitter): Promise<void> {
  return new Promise((resolve) => emitter.once('close', () => resolve()));
}

function errorOf(emitter: NodeJS.EventEmitter, event = 'error'): Promise<CodedError> {
  return once(emitter, event).then(([err]) => err as CodedError);
}

function tlsServer(t: Test, opts: Parameters<typeof createServer>[0] = { key: pki.keyPem, cert: pki.certPem }): Promise<{ server: Server; port: number }> {
  const server = createServer(opts, (s) => s.end('hi'));
  return listen(t, server).then((port) => ({ server, port }));
}

/** Alert records (content type 21) in a byte stream of plaintext records: [level, description] pairs. */
function plainAlerts(bytes: Buffer): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i + 5 <= bytes.length; ) {
    const len = bytes.readUInt16BE(i + 3);
    if (bytes[i] === 21 && len === 2) out.push([bytes[i + 5]!, bytes[i + 6]!]);
    i += 5 + len;
  }
  return out;
}

t.test('handshake timeout: a TCP peer that never speaks', BOUNDED, async (t) => {
  const raw = await rawServer(t);
  const started = Date.now();
  const client = connect({ host: '127.0.0.1', port: raw.port, ca: pki.caPem, handshakeTimeout: 300 });
  const closed = closeOf(client);
  const err = await errorOf(client);
  t.equal(err.code, 'ERR_TLS_HANDSHAKE_TIMEOUT');
  const elapsed = Date.now() - started;
  t.ok(elapsed >= 290 && elapsed < 5000, `fired after ${elapsed} ms`);
  await closed;
  t.equal(client.destroyed, true, 'socket destroyed');
  t.ok(raw.received().length > 0 && raw.received()[0] === 22, 'the ClientHello went out first');
});

t.test('server handshake timeout: tlsClientError, connection closed', BOUNDED, async (t) => {
  const { server, port } = await tlsServer(t, { key: pki.keyPem, cert: pki.certPem, handshakeTimeout: 300 });
  const sock = net.connect({ host: '127.0.0.1', port });
  sock.on('error', () => {});
  const sockClosed = closeOf(sock);
  const [err, tlsSocket] = (await once(server, 'tlsClientError')) as [CodedError, TLSSocket];
  t.equal(err.code, 'ERR_TLS_HANDSHAKE_TIMEOUT');
  t.equal(typeof tlsSocket.getProtocol, 'function', 'the TLSSocket is passed along');
  await sockClosed;
  t.pass('the silent client was disconnected');
});

t.test('the handshake timer is cleared on success and on destroy (no timers left behind)', BOUNDED, async (t) => {
  const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  const before = timers();
  const { port } = await tlsServer(t, { key: pki.keyPem, cert: pki.certPem, handshakeTimeout: 400 });
  const client = connect({ host: 'localhost', port, ca: pki.caPem, handshakeTimeout: 400 });
  let errored = false;
  client.on('error', () => (errored = true));
  await once(client, 'secureConnect');
  const closed = closeOf(client);
  client.resume();
  await new Promise((r) => setTimeout(r, 600));
  t.equal(errored, false, 'no timeout error after a completed handshake');
  await closed;
  const raw = await rawServer(t);
  const pending = connect({ host: '127.0.0.1', port: raw.port, ca: pki.caPem, handshakeTimeout: 60_000 });
  pending.on('error', () => (errored = true));
  await once(pending, 'connect');
  const pendingClosed = closeOf(pending);
  pending.destroy();
  await pendingClosed;
  await new Promise((r) => setImmediate(r));
  t.equal(errored, false, 'destroy() without an error emits none');
  t.equal(timers(), before, 'no handshake timer left running');
});

t.test('a server chain from an unknown CA: Node code, alert unknown_ca sent', BOUNDED, async (t) => {
  const { server, port } = await tlsServer(t);
  const serverErr = errorOf(server, 'tlsClientError');
  const client = connect({ host: 'localhost', port, ca: otherCa.pem });
  const err = await errorOf(client);
  t.equal(err.code, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  t.equal(err.alert, 48, 'unknown_ca');
  t.equal((await serverErr).code, 'ERR_TLS_ALERT_RECEIVED_UNKNOWN_CA', 'the server heard the alert');
});

t.test('rejectUnauthorized false: connects, authorized false, authorizationError set', BOUNDED, async (t) => {
  const { port } = await tlsServer(t);
  const client = connect({ host: 'localhost', port, ca: otherCa.pem, rejectUnauthorized: false });
  await once(client, 'secureConnect');
  t.equal(client.authorized, false);
  t.equal(client.authorizationError, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  client.destroy();
});

t.test('wrong server name: ERR_TLS_CERT_ALTNAME_INVALID with certificate_unknown', BOUNDED, async (t) => {
  const { port } = await tlsServer(t);
  const client = connect({ host: '127.0.0.1', port, servername: 'example.com', ca: pki.caPem });
  const err = await errorOf(client);
  t.equal(err.code, 'ERR_TLS_CERT_ALTNAME_INVALID');
  t.equal(err.alert, 46);
  t.match(err.message, /example\.com/);
});

t.test('checkServerIdentity hook replaces the name check', BOUNDED, async (t) => {
  const { port } = await tlsServer(t);
  const seen: string[] = [];
  const ok = connect({
    host: 'localhost',
    port,
    servername: 'not-in-cert.example',
    ca: pki.caPem,
    checkServerIdentity: (host, cert) => {
      seen.push(`${host} ${(cert['subject'] as Record<string, string>)['CN']}`);
      return undefined;
    },
  });
  await once(ok, 'secureConnect');
  t.equal(ok.authorized, true, 'hook accepted the name');
  t.same(seen, ['not-in-cert.example localhost']);
  ok.destroy();
  const refused = connect({
    host: 'localhost',
    port,
    ca: pki.caPem,
    checkServerIdentity: () => Object.assign(new Error('pinned key mismatch'), { code: 'ERR_PINNED' }),
  });
  const err = await errorOf(refused);
  t.equal(err.code, 'ERR_PINNED');
  t.equal(err.message, 'pinned key mismatch');
});

t.test('a server that answers with garbage gets a fatal alert', BOUNDED, async (t) => {
  const raw = await rawServer(t, Buffer.from('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'));
  const client = connect({ host: '127.0.0.1', port: raw.port, ca: pki.caPem });
  const closed = closeOf(client);
  const err = await errorOf(client);
  t.match(err.code, /^ERR_TLS_ALERT_[A-Z_]+$/);
  t.equal(typeof err.alert, 'number');
  await closed;
  await new Promise((r) => setTimeout(r, 50));
  const alerts = plainAlerts(raw.received());
  t.same(alerts, [[2, err.alert]], 'the alert went out on the wire before the close');
});

t.test('a client that sends garbage: tlsClientError with an alert, alert on the wire', BOUNDED, async (t) => {
  const { server, port } = await tlsServer(t);
  const sock = net.connect({ host: '127.0.0.1', port });
  const got: Buffer[] = [];
  sock.on('data', (d) => got.push(d));
  sock.on('error', () => {});
  const sockClosed = closeOf(sock);
  sock.write(Buffer.from('GET / HTTP/1.0\r\n\r\n'));
  const [err] = (await once(server, 'tlsClientError')) as [CodedError];
  t.match(err.code, /^ERR_TLS_ALERT_/);
  t.equal(typeof err.alert, 'number');
  await sockClosed;
  t.same(plainAlerts(Buffer.concat(got)), [[2, err.alert]]);
});

t.test('no common suite: handshake_failure on both sides', BOUNDED, async (t) => {
  const { server, port } = await tlsServer(t, { key: pki.keyPem, cert: pki.certPem, cipherSuites: ['TLS_RSA_WITH_3DES_EDE_CBC_SHA'] });
  const serverErr = errorOf(server, 'tlsClientError');
  const client = connect({ host: 'localhost', port, ca: pki.caPem, cipherSuites: 'RC4-SHA' });
  const err = await errorOf(client);
  t.equal(err.code, 'ERR_TLS_ALERT_RECEIVED_HANDSHAKE_FAILURE');
  t.equal(err.alert, 40);
  const se = await serverErr;
  t.equal(se.code, 'ERR_TLS_ALERT_HANDSHAKE_FAILURE');
  t.equal(se.alert, 40);
});

t.test('the transport closes before the handshake: ECONNRESET', BOUNDED, async (t) => {
  const srv = net.createServer((s) => s.once('data', () => s.destroy()));
  const port = await listen(t, srv);
  const client = connect({ host: '127.0.0.1', port, ca: pki.caPem });
  const err = await errorOf(client);
  t.equal(err.code, 'ECONNRESET');
});

t.test('nothing listening: the transport error is emitted', BOUNDED, async (t) => {
  const srv = net.createServer();
  const port = await listen(t, srv);
  await new Promise<void>((r) => srv.close(() => r()));
  const client = connect({ host: '127.0.0.1', port, ca: pki.caPem });
  const err = await errorOf(client);
  t.equal(err.code, 'ECONNREFUSED');
});

t.test('configuration mistakes throw synchronously', BOUNDED, async (t) => {
  t.throws(() => createServer({ cert: pki.certPem }), TLSConfigError, 'no key');
  t.throws(() => createServer({ key: pki.keyPem, cert: pki.certPem, cipherSuites: ['TLS_RSA_WITH_NOPE'] }), { code: 'ERR_TLS_INVALID_CONFIG', message: /unknown cipher suite/ });
  t.throws(() => createServer({ key: pki.keyPem, cert: pki.certPem, cipherSuites: ['TLS_DH_anon_WITH_3DES_EDE_CBC_SHA'] }), { code: 'ERR_TLS_INVALID_CONFIG' }, 'anonymous suites refused (TS 33.141 6.3)');
  t.throws(() => createServer({ key: pki.keyPem, cert: pki.certPem, sessionTimeout: 86_401 }), { code: 'ERR_TLS_INVALID_CONFIG', message: /7\.1/ });
  t.throws(() => createServer({ key: 'not a key', cert: pki.certPem }), { code: 'ERR_TLS_INVALID_CONFIG' });
  t.throws(() => connect({ port: 1, ca: '-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n' }), { code: 'ERR_TLS_INVALID_CONFIG' });
  t.throws(() => connect({ port: 1, handshakeTimeout: -1 }), { code: 'ERR_TLS_INVALID_CONFIG' });
  t.throws(() => connect({ port: 1, key: pki.clientKeyPem }), { code: 'ERR_TLS_INVALID_CONFIG' }, 'key without cert');
});
