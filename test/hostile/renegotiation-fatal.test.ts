/**
 * Issue 21 item 8: after a secure renegotiation, a fatal alert voids every session of the connection
 * (RFC 2246 7.2), the first one too, not only the newest.
 */
import t from 'tap';
import { MemorySessionStore } from '../../lib/session/memory-store.js';
import { handshake } from '../helpers/engine-pair.js';

t.test('renegotiate, then a fatal alert: neither session is resumable', async (t) => {
  const store = new MemorySessionStore();
  const p = await handshake({ renegotiation: 'secure', cipherSuites: ['TLS_RSA_WITH_AES_128_CBC_SHA'] }, { renegotiation: 'secure', sessionStore: store });
  const first = p.client.sessions[0]!;
  t.ok(await store.get(first.id), 'first session stored');
  // A full handshake on renegotiation: the client offers no session.
  (p.client.conn as unknown as { options: { session?: unknown } }).options.session = undefined;
  p.client.conn.renegotiate();
  p.flush();
  t.same(p.server.errors, []);
  const second = p.server.sessions.at(-1) ?? p.client.sessions.at(-1)!;
  t.notSame([...second.id], [...first.id], 'a second session');
  t.ok(await store.get(second.id), 'second session stored');
  // A fatal alert from the client (an unknown content type record makes the server fail).
  p.server.conn.receive(Uint8Array.of(99, 3, 1, 0, 1, 0));
  t.equal(p.server.errors.length, 1, 'the server failed the connection');
  await new Promise((r) => setImmediate(r));
  t.notOk(await store.get(second.id), 'newest session voided');
  t.notOk(await store.get(first.id), 'first session voided too');
});
