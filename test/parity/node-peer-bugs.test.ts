/**
 * Two behaviours a ut-tls client showed against a node:tls TLSv1 server (issue 15 parity work):
 * end() with a server that only resume()s must still reach 'close' (net.Socket's EOF read(0)), and
 * a session from 'session' / getSession() passed back as `session` resumes.
 */
import t, { type Test } from 'tap';
import * as tls from 'node:tls';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect, createServer, decodeSession, encodeSession, type SessionData, type TLSSocket } from '../../lib/index.js';
import { testPki } from '../helpers/pki.js';

const pki = await testPki();
const BOUNDED = { timeout: 40_000 };
const NODE_TLS1 = { minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'AES128-SHA:@SECLEVEL=0' } as const;

async function nodeServer(t: Test, handler: (s: tls.TLSSocket) => void, extra: tls.TlsOptions = {}): Promise<{ server: tls.Server; port: number }> {
  const server = tls.createServer({ key: pki.keyPem, cert: pki.certPem, ...NODE_TLS1, ...extra }, handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  return { server, port: (server.address() as AddressInfo).port };
}

/** Resolves with what happened first: the event, or 'timeout' after ms (a bound, not an assertion on time). */
function first(emitter: TLSSocket, event: 'close', ms: number): Promise<string> {
  return new Promise((resolve) => {
    if (event === 'close' && emitter.closed) return resolve(event);
    const timer = setTimeout(() => resolve('timeout'), ms);
    emitter.once(event, () => {
      clearTimeout(timer);
      resolve(event);
    });
  });
}

t.test("end() reaches 'close' when nobody reads, with a server that only resume()s", BOUNDED, async (t) => {
  const { port } = await nodeServer(t, (s) => s.resume());
  const client = connect({ host: 'localhost', port, ca: pki.caPem });
  await once(client, 'secureConnect');
  client.end();
  t.equal(await first(client, 'close', 30_000), 'close', "'close' after the server's close_notify");
  t.equal(client.closeNotifyReceived, true, 'the server answered with close_notify');
  t.equal(client.readableEnded, true);
});

t.test('end() with unread data buffered keeps it for a later reader', BOUNDED, async (t) => {
  const { port } = await nodeServer(t, (s) => {
    s.resume();
    s.end('bye');
  });
  const client = connect({ host: 'localhost', port, ca: pki.caPem });
  await once(client, 'secureConnect');
  await new Promise((r) => setTimeout(r, 200)); // let 'bye' and close_notify arrive unread
  t.equal(client.readableEnded, false, "no 'end' while data waits");
  const chunks: Buffer[] = [];
  client.on('data', (d: Buffer) => chunks.push(d));
  t.equal(await first(client, 'close', 30_000), 'close');
  t.equal(Buffer.concat(chunks).toString(), 'bye');
});

async function resumes(t: Test, from: 'event' | 'getSession', extra: tls.TlsOptions, hooks: boolean, client: { sessionTickets?: boolean } = {}): Promise<boolean> {
  const { server, port } = await nodeServer(
    t,
    (s) => {
      s.resume();
      s.end();
    },
    extra,
  );
  if (hooks) {
    const store = new Map<string, Buffer>();
    server.on('newSession', (id: Buffer, data: Buffer, cb: () => void) => {
      store.set(id.toString('hex'), data);
      cb();
    });
    server.on('resumeSession', (id: Buffer, cb: (err: Error | null, data: Buffer | null) => void) => cb(null, store.get(id.toString('hex')) ?? null));
  }
  const one = connect({ host: 'localhost', port, ca: pki.caPem, ...client });
  const closed = first(one, 'close', 30_000);
  let fromEvent: unknown;
  one.on('session', (s) => (fromEvent = s));
  one.resume();
  await once(one, 'secureConnect');
  await closed;
  const session = from === 'event' ? fromEvent : one.getSession();
  t.ok(session, `a session from ${from}`);
  const two = connect({ host: 'localhost', port, ca: pki.caPem, ...client, session: session as never });
  two.resume();
  await once(two, 'secureConnect');
  const reused = two.isSessionReused();
  t.equal(two.authorized, true, 'the resumed connection is still authorized');
  two.destroy();
  return reused;
}

t.test('resumes with a node:tls server that caches by session ID (newSession/resumeSession)', BOUNDED, async (t) => {
  t.equal(await resumes(t, 'event', {}, true), true);
});


// A node:tls server keeps no session-ID cache of its own (SSL_SESS_CACHE_NO_INTERNAL): without the
// hooks above it resumes only from RFC 5077 tickets, which the client asks for with sessionTickets.
for (const from of ['event', 'getSession'] as const) {
  t.test(`sessionTickets: resumes with a default node:tls server, session from ${from}`, BOUNDED, async (t) => {
    t.equal(await resumes(t, from, {}, false, { sessionTickets: true }), true);
  });
}

t.test('sessionTickets: the ticket survives encodeSession / decodeSession', BOUNDED, async (t) => {
  const { port } = await nodeServer(t, (s) => {
    s.resume();
    s.end();
  });
  const one = connect({ host: 'localhost', port, ca: pki.caPem, sessionTickets: true });
  const closed = first(one, 'close', 30_000);
  const [session] = (await once(one, 'session')) as [SessionData];
  one.resume();
  await closed;
  t.ok(session.ticket && session.ticket.length > 0, 'the session carries the ticket');
  const bytes = encodeSession(session);
  t.same(decodeSession(bytes).ticket, session.ticket);
  const two = connect({ host: 'localhost', port, ca: pki.caPem, sessionTickets: true, session: Buffer.from(bytes) });
  two.resume();
  await once(two, 'secureConnect');
  t.equal(two.isSessionReused(), true);
  two.destroy();
});

t.test('sessionTickets against a ut-tls server: it issues a ticket, and the ticket resumes', BOUNDED, async (t) => {
  const server = createServer({ key: pki.keyPem, cert: pki.certPem }, (s) => {
    s.resume();
    s.end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  const port = (server.address() as AddressInfo).port;
  const one = connect({ host: 'localhost', port, ca: pki.caPem, sessionTickets: true });
  const closed = first(one, 'close', 30_000);
  const [session] = (await once(one, 'session')) as [SessionData];
  one.resume();
  await closed;
  t.ok(session.ticket && session.ticket.length > 0, 'a ticket from a ut-tls server (RFC 5077)');
  const two = connect({ host: 'localhost', port, ca: pki.caPem, sessionTickets: true, session });
  two.resume();
  await once(two, 'secureConnect');
  t.equal(two.isSessionReused(), true);
  two.destroy();
});
