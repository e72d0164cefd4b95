/**
 * Sessions on the wire (issue 5): the abbreviated handshake with GnuTLS in both roles, seen both in
 * the bytes (a TCP relay reads the cleartext handshake messages: no Certificate the second time)
 * and in isSessionReused(); the 24-hour lifetime with injected clocks on real sockets; the empty
 * Certificate of a UE without one (TS 33.141 6.1.4) under both AP policies; the authentication
 * record coming back marked for re-authentication; and the node:tls-style session hooks.
 */
import t from 'tap';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import * as net from 'node:net';
import { join } from 'node:path';
import { connect, createServer, type TLSSocket } from '../../lib/index.js';
import type { SessionData } from '../../lib/engine/types.js';
import { decodeSession, encodeSession } from '../../lib/session/codec.js';
import {
  GNUTLS_PRIORITY,
  HS,
  helloSessionId,
  runCliClient,
  runGnutlsClient,
  spawnCollected,
  CLI,
  startCliServer,
  startGnutlsServer,
  startRelay,
  tempDir,
  waitForOutput,
  withoutPeer,
} from '../helpers/peers.js';
import { testPki } from '../helpers/pki.js';
import { echoPeers, listen } from '../helpers/echo.js';

const pki = await testPki();
const BOUNDED = { timeout: 30_000 };
const PRIORITY = GNUTLS_PRIORITY['TLS_RSA_WITH_AES_128_CBC_SHA']!;
const DAY = 86_400_000;
/**
 * These tests are about session-ID resumption and the flights of RFC 2246. gnutls-cli asks for an
 * RFC 5077 ticket (even with --noticket, GnuTLS 3.7 still sends the extension), which a ut-tls server
 * would issue and which resumes without the store, so their servers issue none
 * (test/socket/session-tickets-wire.test.ts has the tickets).
 */
const NO_TICKETS = '--no-tickets';

const { echoServer, roundTrip } = echoPeers(pki);

// ---- resumption with GnuTLS -----------------------------------------------------------------------

t.test('gnutls-cli --resume -> ut-tls server: the second handshake is abbreviated (no Certificate)', BOUNDED, async (t) => {
  const server = await startCliServer(t, ['--key', pki.keyFile, '--cert', pki.certFile, '--echo', NO_TICKETS]);
  const relay = await startRelay(t, server.port);
  const r = await runGnutlsClient(t, { port: relay.port, caFile: pki.caFile, priority: PRIORITY, input: 'x\n', extraArgs: ['--resume'] });
  t.equal(r.code, 0, r.stderr.slice(-300));
  t.match(r.stdout, /\*\*\* This is a resumed session/, 'gnutls-cli says so');
  await waitForOutput(() => withoutPeer(server.stderr()), /(^handshake .*\n){2}/m);
  t.equal(
    withoutPeer(server.stderr()),
    'handshake suite=TLS_RSA_WITH_AES_128_CBC_SHA resumed=no servername=-\nhandshake suite=TLS_RSA_WITH_AES_128_CBC_SHA resumed=yes servername=-\n',
    'isSessionReused() false then true',
  );
  await Promise.all(relay.connections.map((c) => c.closed));
  const [full, short] = relay.connections;
  t.same(full!.fromServer().handshakeTypes, [HS.server_hello, HS.certificate, HS.server_hello_done]);
  t.same(short!.fromServer().handshakeTypes, [HS.server_hello], 'only a ServerHello in the clear, then CCS and Finished');
  t.same(short!.fromClient().handshakeTypes, [HS.client_hello], 'no ClientKeyExchange');
  const offered = helloSessionId(short!.fromClient().handshakeMessages[0]!.body);
  const issued = helloSessionId(full!.fromServer().handshakeMessages[0]!.body);
  t.equal(offered.length, 32);
  t.same(Buffer.from(offered), Buffer.from(issued), 'gnutls-cli offered the id our server issued');
  t.same(Buffer.from(helloSessionId(short!.fromServer().handshakeMessages[0]!.body)), Buffer.from(issued), 'and got it back');
});

t.test('ut-tls client --sess-out then --sess-in against gnutls-serv: resumed, abbreviated', BOUNDED, async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'session.bin');
  const gs = await startGnutlsServer(t, { certFile: pki.certFile, keyFile: pki.keyFile, priority: PRIORITY });
  const relay = await startRelay(t, gs.port);
  const first = await runCliClient(t, [`127.0.0.1:${relay.port}`, '--ca', pki.caFile, '--sess-out', file], 'one\n');
  t.equal(first.code, 0, first.stderr);
  t.equal(first.stderr, 'protocol TLSv1 suite TLS_RSA_WITH_AES_128_CBC_SHA resumed: no\n');
  t.ok(existsSync(file), '--sess-out wrote the session');
  const saved = decodeSession(new Uint8Array(readFileSync(file)));
  t.equal(saved.id.length, 32, 'a gnutls-serv session id');
  t.equal(saved.masterSecret.length, 48);
  const second = await runCliClient(t, [`127.0.0.1:${relay.port}`, '--ca', pki.caFile, '--sess-in', file], 'two\n');
  t.equal(second.code, 0, second.stderr);
  t.equal(second.stderr, 'protocol TLSv1 suite TLS_RSA_WITH_AES_128_CBC_SHA resumed: yes\n');
  t.equal(second.stdout, 'two\n');
  await Promise.all(relay.connections.map((c) => c.closed));
  t.same(relay.connections[0]!.fromServer().handshakeTypes, [HS.server_hello, HS.certificate, HS.certificate_request, HS.server_hello_done]);
  t.same(relay.connections[1]!.fromServer().handshakeTypes, [HS.server_hello], 'gnutls-serv sent no Certificate the second time');
  t.same(Buffer.from(helloSessionId(relay.connections[1]!.fromClient().handshakeMessages[0]!.body)), Buffer.from(saved.id), 'we offered the saved id');
});

t.test('our client resumes with gnutls-serv through the API: isSessionReused() and the same master secret', BOUNDED, async (t) => {
  const gs = await startGnutlsServer(t, { certFile: pki.certFile, keyFile: pki.keyFile, priority: PRIORITY });
  const first = await roundTrip({ port: gs.port });
  const session = first.getSession()!;
  t.equal(first.isSessionReused(), false);
  // The serialised form (as the 'session' event's consumers would store it) resumes too.
  const second = await roundTrip({ port: gs.port, session: encodeSession(session) });
  t.equal(second.isSessionReused(), true);
  t.same(Buffer.from(second.getSession()!.masterSecret), Buffer.from(session.masterSecret));
  t.same(second.getPeerCertificate().fingerprint256, first.getPeerCertificate().fingerprint256, 'the peer certificate comes with the session');
});

t.test('ut-tls client and server: --sess-in/--sess-out round trip; --session-timeout 0 gives nothing to resume', BOUNDED, async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'session.bin');
  const server = await startCliServer(t, ['--key', pki.keyFile, '--cert', pki.certFile, '--echo']);
  const a = await runCliClient(t, [`127.0.0.1:${server.port}`, '--ca', pki.caFile, '--sess-out', file], 'a\n');
  t.equal(a.code, 0, a.stderr);
  const b = await runCliClient(t, [`127.0.0.1:${server.port}`, '--ca', pki.caFile, '--sess-in', file, '--sess-out', file], 'b\n', 15_000, /b\n/);
  t.equal(b.stderr, 'protocol TLSv1 suite TLS_RSA_WITH_AES_256_CBC_SHA resumed: yes\n');
  t.equal(b.stdout, 'b\n');
  await waitForOutput(() => withoutPeer(server.stderr()), /resumed=yes/);

  const noCache = await startCliServer(t, ['--key', pki.keyFile, '--cert', pki.certFile, '--echo', '--session-timeout', '0']);
  const other = join(dir, 'none.bin');
  const c = await runCliClient(t, [`127.0.0.1:${noCache.port}`, '--ca', pki.caFile, '--sess-out', other], 'c\n');
  t.equal(c.code, 0);
  t.equal(c.stderr, 'protocol TLSv1 suite TLS_RSA_WITH_AES_256_CBC_SHA resumed: no\nsession: none to write (the server gave no session id)\n');
  t.notOk(existsSync(other));
  const d = await runCliClient(t, [`127.0.0.1:${noCache.port}`, '--ca', pki.caFile, '--sess-in', file], 'd\n');
  t.match(d.stderr, /resumed: no\n/, 'the session of another server is not resumed');
});

t.test('--session-timeout above 24 hours is refused with the rule named', BOUNDED, async (t) => {
  const peer = spawnCollected(t, process.execPath, [CLI, 'server', '--port', '0', '--key', pki.keyFile, '--cert', pki.certFile, '--session-timeout', '86401']);
  t.equal(await peer.exited, 2);
  t.match(withoutPeer(peer.stderr()), /^ut-tls server: --session-timeout 86401: TS 33\.141 7\.1 allows at most 86400 seconds \(24 hours\); see ut-tls server --help\n/);
  t.equal(peer.stdout(), '', 'never listened');
  const bad = await runCliClient(t, ['127.0.0.1:1', '--sess-in', join(pki.dir, 'ca.pem')], '');
  t.equal(bad.code, 1);
  t.match(bad.stderr, /^ut-tls: code=ERR_TLS_INVALID_CONFIG alert=- reason=session: /, 'a file that is not a session');
});

// ---- TS 33.141 7.1: 24 hours, with injected clocks on both sides ---------------------------------

t.test('TS 33.141 7.1 on real sockets: a session is resumable for 24 hours, then obsolete on either side', BOUNDED, async (t) => {
  let serverClock = Date.now();
  const { server, sockets } = echoServer({ now: () => serverClock });
  const port = await listen(t, server);
  const relay = await startRelay(t, port);
  let clientClock = serverClock;
  const client = { port: relay.port, now: () => clientClock };
  const first = await roundTrip(client);
  const session = first.getSession()!;
  t.equal(session.lifetime, 86400);

  clientClock = serverClock = session.createdAt + DAY - 1000;
  const justInTime = await roundTrip({ ...client, session });
  t.equal(justInTime.isSessionReused(), true, '23:59:59 later: resumed');
  t.equal(sockets[1]!.isSessionReused(), true);

  // The client's clock says 24 hours: it does not even offer the session.
  clientClock = session.createdAt + DAY;
  serverClock = session.createdAt; // (the server would still take it)
  const clientSide = await roundTrip({ ...client, session });
  t.equal(clientSide.isSessionReused(), false, 'client side: obsolete');

  // The client's clock is behind; the server's says 24 hours: a full handshake.
  clientClock = session.createdAt + 1000;
  serverClock = session.createdAt + DAY;
  const serverSide = await roundTrip({ ...client, session });
  t.equal(serverSide.isSessionReused(), false, 'server side: obsolete');
  t.equal(sockets[3]!.isSessionReused(), false);

  await Promise.all(relay.connections.map((c) => c.closed));
  const offered = relay.connections.map((c) => helloSessionId(c.fromClient().handshakeMessages[0]!.body).length);
  t.same(offered, [0, 32, 0, 32], 'what each ClientHello offered');
  const serverFlights = relay.connections.map((c) => c.fromServer().handshakeTypes);
  t.same(serverFlights[1], [HS.server_hello], 'resumed: abbreviated');
  t.same(serverFlights[3], [HS.server_hello, HS.certificate, HS.server_hello_done], 'expired on the server: full handshake');
  t.not(
    Buffer.from(helloSessionId(relay.connections[3]!.fromServer().handshakeMessages[0]!.body)).toString('hex'),
    Buffer.from(session.id).toString('hex'),
    'the server issued a new session id',
  );
});

t.test('sessionTimeout shorter than 24 hours, on the wire', BOUNDED, async (t) => {
  let clock = Date.now();
  const { server } = echoServer({ now: () => clock, sessionTimeout: 60 });
  const port = await listen(t, server);
  const first = await roundTrip({ port, now: () => clock });
  const session = first.getSession()!;
  clock += 59_000;
  t.equal((await roundTrip({ port, now: () => clock, session })).isSessionReused(), true, 'within 60 s');
  clock += 2_000;
  t.equal((await roundTrip({ port, now: () => clock, session })).isSessionReused(), false, 'after 60 s');
});

// ---- TS 33.141 6.1.4: a UE without a certificate --------------------------------------------------

t.test('TS 33.141 6.1.4: gnutls-cli without a certificate; --request-cert continues, --require-cert refuses', BOUNDED, async (t) => {
  const lenient = await startCliServer(t, ['--key', pki.keyFile, '--cert', pki.certFile, '--echo', '--request-cert', '--ca', pki.caFile, NO_TICKETS]);
  const relay = await startRelay(t, lenient.port);
  const ok = await runGnutlsClient(t, { port: relay.port, caFile: pki.caFile, priority: PRIORITY, input: 'no cert\n' });
  t.equal(ok.code, 0, ok.stderr.slice(-300));
  t.match(ok.stdout, /no cert/, 'echoed: the AP continued');
  await waitForOutput(() => withoutPeer(lenient.stderr()), /^handshake .*\n/m);
  t.equal(withoutPeer(lenient.stderr()), 'handshake suite=TLS_RSA_WITH_AES_128_CBC_SHA resumed=no servername=- client-cert=none\n');
  await relay.connections[0]!.closed;
  const wire = relay.connections[0]!;
  t.same(wire.fromServer().handshakeTypes, [HS.server_hello, HS.certificate, HS.certificate_request, HS.server_hello_done]);
  t.same(wire.fromClient().handshakeTypes, [HS.client_hello, HS.certificate, HS.client_key_exchange], 'an empty Certificate, no CertificateVerify');
  t.same([...wire.fromClient().handshakeMessages[1]!.body], [0, 0, 0], 'certificate_list<0..2^24-1> is empty');

  const strict = await startCliServer(t, ['--key', pki.keyFile, '--cert', pki.certFile, '--echo', '--require-cert', '--ca', pki.caFile]);
  const refused = await runGnutlsClient(t, { port: strict.port, caFile: pki.caFile, priority: PRIORITY, input: 'no cert\n' });
  t.equal(refused.code, 1);
  t.match(refused.stdout + refused.stderr, /\*\*\* Received alert \[40\]: Handshake failed/);
  t.equal(
    (await waitForOutput(() => withoutPeer(strict.stderr()), /^refused .*$/m))[0],
    'refused code=ERR_TLS_ALERT_HANDSHAKE_FAILURE alert=handshake_failure(40) reason=TS 33.141 6.1.4: client sent no certificate and the AP requires one (sent handshake_failure alert 40)',
  );

  // With a certificate the strict AP verifies it against --ca.
  const withCert = await runGnutlsClient(t, {
    port: strict.port,
    caFile: pki.caFile,
    priority: PRIORITY,
    input: 'with cert\n',
    extraArgs: ['--x509certfile', pki.clientCertFile, '--x509keyfile', pki.clientKeyFile],
  });
  t.equal(withCert.code, 0);
  await waitForOutput(() => withoutPeer(strict.stderr()), /^handshake .*\n/m);
  t.match(withoutPeer(strict.stderr()), /^handshake suite=TLS_RSA_WITH_AES_128_CBC_SHA resumed=no servername=- client-cert=verified$/m);
});

t.test('our client without a certificate against gnutls-serv --verify-client-cert: an empty Certificate, and it continues', BOUNDED, async (t) => {
  const gs = await startGnutlsServer(t, { certFile: pki.certFile, keyFile: pki.keyFile, priority: PRIORITY, extraArgs: ['--verify-client-cert', '--x509cafile', pki.caFile] });
  const relay = await startRelay(t, gs.port);
  const r = await runCliClient(t, [`127.0.0.1:${relay.port}`, '--ca', pki.caFile], 'anonymous UE\n');
  t.equal(r.code, 0, r.stderr);
  t.equal(r.stdout, 'anonymous UE\n');
  await relay.connections[0]!.closed;
  const wire = relay.connections[0]!;
  t.same(wire.fromServer().handshakeTypes, [HS.server_hello, HS.certificate, HS.certificate_request, HS.server_hello_done], 'gnutls-serv asked');
  t.same(wire.fromClient().handshakeTypes, [HS.client_hello, HS.certificate, HS.client_key_exchange]);
  t.same([...wire.fromClient().handshakeMessages[1]!.body], [0, 0, 0], 'we answered with an empty list');
});

t.test('our client with --cert/--key against gnutls-serv --require-client-cert: Certificate and CertificateVerify', BOUNDED, async (t) => {
  const gs = await startGnutlsServer(t, { certFile: pki.certFile, keyFile: pki.keyFile, priority: PRIORITY, extraArgs: ['--require-client-cert', '--x509cafile', pki.caFile] });
  const relay = await startRelay(t, gs.port);
  const r = await runCliClient(t, [`127.0.0.1:${relay.port}`, '--ca', pki.caFile, '--cert', pki.clientCertFile, '--key', pki.clientKeyFile], 'authenticated UE\n');
  t.equal(r.code, 0, r.stderr);
  t.equal(r.stdout, 'authenticated UE\n');
  await relay.connections[0]!.closed;
  t.same(relay.connections[0]!.fromClient().handshakeTypes, [HS.client_hello, HS.certificate, HS.client_key_exchange, HS.certificate_verify]);
  const without = await runCliClient(t, [`127.0.0.1:${gs.port}`, '--ca', pki.caFile], 'x\n');
  t.equal(without.code, 1, 'without one gnutls-serv refuses');
  t.match(without.stderr, /^handshake failed code=ERR_TLS_ALERT_RECEIVED_/);
});

t.test('TS 33.141 6.1.4: the authentication record comes back marked for re-authentication when gnutls-cli resumes', BOUNDED, async (t) => {
  const seen: { resumed: boolean; record: { data: string; needsReauthentication: boolean } | null }[] = [];
  // A ticket is issued before the application sets its record, so it cannot carry one: resumed from
  // a ticket, authRecord is null (docs/sessions.md). The record lives with the session ID.
  const server = createServer({ key: pki.keyPem, cert: pki.certPem, noTickets: true }, (s) => {
    const record = s.authRecord;
    seen.push({ resumed: s.isSessionReused(), record: record && { data: Buffer.from(record.data).toString(), needsReauthentication: record.needsReauthentication } });
    if (!s.isSessionReused()) s.setAuthRecord(Buffer.from('impi=user1@ims.example.com'));
    s.pipe(s);
  });
  const port = await listen(t, server);
  const r = await runGnutlsClient(t, { port, caFile: pki.caFile, priority: PRIORITY, input: 'x\n', extraArgs: ['--resume'] });
  t.equal(r.code, 0);
  t.same(seen, [
    { resumed: false, record: null },
    { resumed: true, record: { data: 'impi=user1@ims.example.com', needsReauthentication: true } },
  ]);
});

// ---- node:tls-style session hooks -----------------------------------------------------------------

t.test("Server 'newSession' / 'resumeSession': gnutls-cli --resume through the application's store", BOUNDED, async (t) => {
  const store = new Map<string, Buffer>();
  const calls: string[] = [];
  const { server, sockets } = echoServer({ noTickets: true });
  server.on('newSession', (id: Buffer, data: Buffer, done: () => void) => {
    calls.push(`new ${id.length}`);
    // An asynchronous store: answer later.
    setTimeout(() => {
      store.set(id.toString('hex'), data);
      done();
    }, 20);
  });
  server.on('resumeSession', (id: Buffer, done: (err: Error | null, data: Buffer | null) => void) => {
    setTimeout(() => {
      calls.push(`resume ${store.has(id.toString('hex')) ? 'hit' : 'miss'}`);
      done(null, store.get(id.toString('hex')) ?? null);
    }, 20);
  });
  const port = await listen(t, server);
  const r = await runGnutlsClient(t, { port, caFile: pki.caFile, priority: PRIORITY, input: 'x\n', extraArgs: ['--resume'] });
  t.equal(r.code, 0, r.stderr.slice(-300));
  t.match(r.stdout, /\*\*\* This is a resumed session/);
  t.same(calls, ['new 32', 'resume hit'], 'stored once, found on the second connection');
  t.same(sockets.map((s) => s.isSessionReused()), [false, true]);
  const [stored] = [...store.values()];
  const decoded = decodeSession(new Uint8Array(stored!));
  t.equal(decoded.cipherSuite, 0x002f, 'the serialised session (session/codec.ts)');
  t.equal((server.sessionStore as unknown as { size: number }).size, 0, 'the built-in store was bypassed');
});

t.test("session hooks: a miss, bytes that are not a session, and an error from the store", BOUNDED, async (t) => {
  const { server, sockets } = echoServer();
  let answer: (done: (err: Error | null, data?: Buffer | null) => void) => void = (done) => done(null, null);
  server.on('resumeSession', (_id: Buffer, done: (err: Error | null, data?: Buffer | null) => void) => answer(done));
  const errors: { code?: string; message: string }[] = [];
  server.on('tlsClientError', (err: { code?: string; message: string }) => errors.push(err));
  const port = await listen(t, server);
  const first = await roundTrip({ port });
  const session = first.getSession()!;
  // Without a newSession listener the session went to the built-in store, but lookups go to the hook.
  t.equal((await roundTrip({ port, session })).isSessionReused(), false, 'a miss: full handshake');
  answer = (done) => done(null, Buffer.from('not a session'));
  t.equal((await roundTrip({ port, session })).isSessionReused(), false, 'garbage: full handshake');
  // What the AP itself stored for this session (its peerCertificates are the client's: none).
  const apSession = (await server.sessionStore.get(session.id))!;
  t.same(Buffer.from(apSession.masterSecret), Buffer.from(session.masterSecret));
  answer = (done) => done(null, Buffer.from(encodeSession({ ...apSession, id: new Uint8Array(32).fill(7) })));
  t.equal((await roundTrip({ port, session })).isSessionReused(), false, 'a session for another id: full handshake');
  answer = (done) => done(null, Buffer.from(encodeSession(apSession)));
  t.equal((await roundTrip({ port, session })).isSessionReused(), true, 'the right bytes: resumed');
  answer = (done) => done(new Error('store unavailable'));
  const failing = connect({ host: '127.0.0.1', port, ca: pki.caPem, session });
  const err = await new Promise<{ code?: string }>((resolve) => failing.once('error', resolve));
  t.equal(err.code, 'ERR_TLS_ALERT_RECEIVED_INTERNAL_ERROR', 'the client is told internal_error');
  await waitForOutput(() => errors.map((e) => `${e.code} ${e.message}`).join('\n'), /store unavailable/);
  t.match(errors[0], { code: 'ERR_TLS_ALERT_INTERNAL_ERROR' });
  t.equal(sockets.length, 5);
});

t.test("session hooks: setAuthRecord stores again; a fatal alert emits 'removeSession'", BOUNDED, async (t) => {
  const stored: SessionData[] = [];
  const removed: string[] = [];
  const { server } = echoServer();
  server.on('newSession', (_id: Buffer, data: Buffer, done: () => void) => {
    stored.push(decodeSession(new Uint8Array(data)));
    done();
  });
  server.on('removeSession', (id: Buffer) => removed.push(id.toString('hex')));
  server.on('secureConnection', (s: TLSSocket) => void s.setAuthRecord(Buffer.from('gba:ok')));
  server.on('tlsClientError', () => {});
  const port = await listen(t, server);
  // A raw TCP connection under our client, so the test can send a forged record after the handshake.
  const raw = net.connect({ host: '127.0.0.1', port });
  const socket = connect({ socket: raw, host: '127.0.0.1', ca: pki.caPem });
  socket.on('error', () => {});
  await once(socket, 'secureConnect');
  await waitForOutput(() => String(stored.length), /^2$/);
  t.same(stored.map((s) => (s.appData ? Buffer.from(s.appData).toString() : null)), [null, 'gba:ok'], 'stored after the handshake, then with the record');
  t.same(Buffer.from(stored[1]!.id), Buffer.from(stored[0]!.id), 'under the same id');
  // An application_data record whose MAC cannot verify: the AP answers bad_record_mac and voids the session.
  const closed = new Promise((resolve) => socket.once('close', resolve));
  raw.write(Buffer.concat([Buffer.from([23, 3, 1, 0, 32]), Buffer.alloc(32, 0xa5)]));
  await closed;
  await waitForOutput(() => removed.join(','), /^[0-9a-f]{64}$/);
  t.same(removed, [Buffer.from(stored[0]!.id).toString('hex')], "'removeSession' with the session id");
});

t.test("session hooks: an error from 'newSession' fails that connection with internal_error", BOUNDED, async (t) => {
  const { server } = echoServer();
  const serverErrors: string[] = [];
  server.on('secureConnection', (s: TLSSocket) => s.on('error', (err: { code?: string }) => serverErrors.push(err.code ?? '')));
  server.on('newSession', (_id: Buffer, _data: Buffer, done: (err?: Error) => void) => setTimeout(() => done(new Error('store full')), 10));
  const port = await listen(t, server);
  const socket = connect({ host: '127.0.0.1', port, ca: pki.caPem });
  const err = await new Promise<{ code?: string }>((resolve) => socket.once('error', resolve));
  t.equal(err.code, 'ERR_TLS_ALERT_RECEIVED_INTERNAL_ERROR', 'the client is told internal_error');
  await waitForOutput(() => serverErrors.join(','), /ERR_TLS_ALERT_INTERNAL_ERROR/);
  t.same(serverErrors, ['ERR_TLS_ALERT_INTERNAL_ERROR'], "the AP's socket reports it (after 'secureConnection')");
});
