/**
 * RFC 5077 session tickets on real sockets: GnuTLS and node:tls clients resume from tickets a ut-tls
 * server issued, with a server store that never finds anything (so the ticket did it, not the session
 * ID); two servers sharing ticketKeys resume each other's sessions (an AP farm without a shared
 * store); noTickets turns them off on both sides; bad keys are refused at configuration time.
 */
import t, { type Test } from 'tap';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { connect, createServer, TLSConfigError, type ConnectOptions, type Server, type ServerOptions, type TLSSocket } from '../../lib/index.js';
import type { SessionStore } from '../../lib/engine/types.js';
import { NEW_SESSION_TICKET, SESSION_TICKET_EXTENSION } from '../../lib/engine/session-ticket.js';
import { GNUTLS_PRIORITY, HS, helloExtensions, runCliClient, runGnutlsClient, startCliServer, startRelay, tempDir, waitForOutput, withoutPeer } from '../helpers/peers.js';
import { testPki } from '../helpers/pki.js';

const pki = await testPki();
const BOUNDED = { timeout: 30_000 };
const PRIORITY = GNUTLS_PRIORITY['TLS_RSA_WITH_AES_128_CBC_SHA']!;

/** A store that keeps nothing: a server using it resumes only from tickets. */
function forgetfulStore(): SessionStore & { sets: number; gets: number } {
  const s = {
    sets: 0,
    gets: 0,
    get: () => {
      s.gets++;
      return undefined;
    },
    set: () => {
      s.sets++;
    },
    delete: () => undefined,
  };
  return s;
}

async function echoServer(t: Test, options: Partial<ServerOptions> = {}): Promise<{ server: Server; port: number; resumed: boolean[] }> {
  const resumed: boolean[] = [];
  const server = createServer({ key: pki.keyPem, cert: pki.certPem, ...options }, (s) => {
    resumed.push(s.isSessionReused());
    s.on('error', () => {});
    s.pipe(s);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  return { server, port: (server.address() as AddressInfo).port, resumed };
}

/** One line there and back with the ut-tls client; resolves with the closed socket. */
async function roundTrip(options: ConnectOptions): Promise<TLSSocket> {
  // Clients ask for tickets only when told (sessionTickets: true); noTickets wins over it.
  const socket = connect({ host: '127.0.0.1', ca: pki.caPem, sessionTickets: true, ...options });
  const echoed = once(socket, 'data');
  await once(socket, 'secureConnect');
  socket.write('ping\n');
  await echoed;
  socket.end();
  await once(socket, 'close');
  return socket;
}

t.test('gnutls-cli --resume: the second handshake resumes from the ticket alone, abbreviated on the wire', BOUNDED, async (t) => {
  const store = forgetfulStore();
  const { port } = await echoServer(t, { sessionStore: store });
  const relay = await startRelay(t, port);
  const r = await runGnutlsClient(t, { port: relay.port, caFile: pki.caFile, priority: PRIORITY, input: 'x\n', extraArgs: ['--resume'] });
  t.equal(r.code, 0, r.stderr.slice(-300));
  t.match(r.stdout, /\*\*\* This is a resumed session/, 'gnutls-cli resumed');
  await Promise.all(relay.connections.map((c) => c.closed));
  const [full, short] = relay.connections;
  t.same(full!.fromServer().handshakeTypes, [HS.server_hello, HS.certificate, HS.server_hello_done, NEW_SESSION_TICKET], 'NewSessionTicket before our ChangeCipherSpec');
  t.ok(helloExtensions(full!.fromServer().handshakeMessages[0]!.body, 'server').has(SESSION_TICKET_EXTENSION), 'the ServerHello acknowledged SessionTicket');
  const offered = helloExtensions(short!.fromClient().handshakeMessages[0]!.body, 'client').get(SESSION_TICKET_EXTENSION);
  t.ok(offered && offered.length > 32, 'gnutls-cli offered the ticket back');
  t.same(short!.fromServer().handshakeTypes, [HS.server_hello], 'resumed: only a ServerHello in the clear');
  t.same(short!.fromClient().handshakeTypes, [HS.client_hello], 'no ClientKeyExchange');
  t.equal(store.gets, 0, 'the store was not asked: the ticket opened');
});

t.test('node:tls client: resumes from a ut-tls ticket; with noTickets it gets none and, storeless, no resumption', BOUNDED, async (t) => {
  const nodeRoundTrip = async (port: number, session?: Buffer): Promise<{ reused: boolean; session: Buffer | undefined; ticket: boolean }> => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca: pki.caPem, servername: 'localhost', minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'AES128-SHA:@SECLEVEL=0', ...(session ? { session } : {}) });
    let newSession: Buffer | undefined;
    socket.on('session', (s: Buffer) => (newSession = s));
    await once(socket, 'secureConnect');
    const echoed = once(socket, 'data');
    socket.write('hi');
    await echoed;
    const reused = socket.isSessionReused();
    const ticket = socket.getTLSTicket() !== undefined;
    socket.end();
    await once(socket, 'close');
    return { reused, session: newSession, ticket };
  };
  const on = await echoServer(t, { sessionStore: forgetfulStore() });
  const first = await nodeRoundTrip(on.port);
  t.ok(first.ticket, 'node holds a ticket from ut-tls');
  const second = await nodeRoundTrip(on.port, first.session);
  t.ok(second.reused, 'node resumed');
  t.same(on.resumed, [false, true], 'and so did the server');

  const off = await echoServer(t, { sessionStore: forgetfulStore(), noTickets: true });
  const a = await nodeRoundTrip(off.port);
  t.notOk(a.ticket, 'noTickets: no ticket issued');
  const b = await nodeRoundTrip(off.port, a.session);
  t.notOk(b.reused, 'and, with a store that keeps nothing, no resumption');
});

t.test('two servers with the same ticketKeys resume each other; different keys do not', BOUNDED, async (t) => {
  const keys = Buffer.alloc(48, 7);
  const a = await echoServer(t, { ticketKeys: keys });
  const b = await echoServer(t, { ticketKeys: keys });
  const other = await echoServer(t, {});
  const first = await roundTrip({ port: a.port });
  const session = first.getSession()!;
  t.ok(session.ticket, 'the ut-tls client kept the ticket');
  t.ok((await roundTrip({ port: b.port, session })).isSessionReused(), 'resumed on the other node');
  t.notOk((await roundTrip({ port: other.port, session })).isSessionReused(), 'a server with its own keys: full handshake');
  t.same(other.resumed, [false]);
  t.same([...a.server.getTicketKeys()], [...keys], 'getTicketKeys() gives the configured keys');
  other.server.setTicketKeys(keys);
  t.ok((await roundTrip({ port: other.port, session })).isSessionReused(), 'after setTicketKeys(): resumed there too');
  t.ok((await roundTrip({ port: a.port, session, noTickets: true })).isSessionReused(), 'without the ticket, the issuing node still resumes it by session ID');
  t.notOk((await roundTrip({ port: b.port, session, noTickets: true })).isSessionReused(), 'the other node cannot: it never stored the ID');
});

t.test('a client with noTickets offers none and resumes by session ID', BOUNDED, async (t) => {
  const { port } = await echoServer(t);
  const relay = await startRelay(t, port);
  const first = await roundTrip({ port: relay.port, noTickets: true });
  const session = first.getSession()!;
  t.notOk(session.ticket, 'no ticket in the session');
  t.ok((await roundTrip({ port: relay.port, noTickets: true, session })).isSessionReused(), 'resumed by ID');
  await Promise.all(relay.connections.map((c) => c.closed));
  for (const c of relay.connections) {
    t.notOk(helloExtensions(c.fromClient().handshakeMessages[0]!.body, 'client').has(SESSION_TICKET_EXTENSION), 'no SessionTicket in the ClientHello');
  }
});

t.test('bad ticket keys are refused when configured', async (t) => {
  t.throws(() => createServer({ key: pki.keyPem, cert: pki.certPem, ticketKeys: Buffer.alloc(47) }), TLSConfigError);
  try {
    createServer({ key: pki.keyPem, cert: pki.certPem, ticketKeys: 'x'.repeat(48) as unknown as Buffer });
    t.fail('a string is not keys');
  } catch (err) {
    t.equal((err as TLSConfigError).option, 'ticketKeys');
  }
  const server = createServer({ key: pki.keyPem, cert: pki.certPem });
  t.equal(server.getTicketKeys().length, 48, 'random keys by default');
  t.throws(() => server.setTicketKeys(Buffer.alloc(3)), /48-byte/);
});

t.test('CLI: two `ut-tls server --ticket-keys FILE` processes resume each other; the client reports the ticket', BOUNDED, async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'ticket-keys.bin');
  writeFileSync(file, Buffer.alloc(48, 0x42));
  const serverArgs = ['--key', pki.keyFile, '--cert', pki.certFile, '--echo', '--ticket-keys', file];
  const a = await startCliServer(t, serverArgs);
  const b = await startCliServer(t, serverArgs);
  const sess = join(dir, 'session.bin');
  const first = await runCliClient(t, [`127.0.0.1:${a.port}`, '--ca', pki.caFile, '--sess-out', sess, '--tickets'], 'one\n');
  t.equal(first.code, 0, first.stderr);
  t.match(first.stderr, /^ems: yes etm: yes ticket: yes$/m);
  const second = await runCliClient(t, [`127.0.0.1:${b.port}`, '--ca', pki.caFile, '--sess-in', sess], 'two\n'); // the saved session's ticket is offered
  t.equal(second.code, 0, second.stderr);
  t.match(second.stderr, /resumed: yes/, 'resumed on the second process');
  await waitForOutput(() => withoutPeer(b.stderr()), /resumed=yes/);
  const none = await runCliClient(t, [`127.0.0.1:${a.port}`, '--ca', pki.caFile, '--require-ems'], 'three\n');
  t.match(none.stderr, /^ems: yes etm: yes ticket: no$/m, 'without --tickets: no ticket');
  // --no-tickets: the saved session's ticket is not offered, so process b (which never saw its
  // session ID) does a full handshake; process a still resumes it by session ID.
  const noTicketB = await runCliClient(t, [`127.0.0.1:${b.port}`, '--ca', pki.caFile, '--sess-in', sess, '--no-tickets'], 'four\n');
  t.equal(noTicketB.code, 0, noTicketB.stderr);
  t.match(noTicketB.stderr, /resumed: no/, '--no-tickets: no ticket offered, no resumption on the other process');
  t.match(noTicketB.stderr, /^ems: yes etm: yes ticket: no$/m);
  const noTicketA = await runCliClient(t, [`127.0.0.1:${a.port}`, '--ca', pki.caFile, '--sess-in', sess, '--no-tickets'], 'five\n');
  t.match(noTicketA.stderr, /resumed: yes/, '--no-tickets: resumed by session ID where the session is stored');
  const both = await runCliClient(t, [`127.0.0.1:${a.port}`, '--tickets', '--no-tickets'], '');
  t.not(both.code, 0, '--tickets with --no-tickets is a usage error');
  t.match(both.stderr, /give --tickets or --no-tickets, not both/);
});
