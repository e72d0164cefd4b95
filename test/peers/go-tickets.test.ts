/**
 * Go client -> ut-tls server, resumed from an RFC 5077 ticket: Go's client resumes only from tickets
 * (it keeps no session IDs), so this is the ut-tls server's tickets working with a foreign client.
 * The server's store is bypassed on purpose (its gets are counted): the ticket alone resumes.
 */
import t from 'tap';
import { echoPeers, listen } from '../helpers/echo.js';
import { goPeer } from '../helpers/go-peer.js';
import { testPki } from '../helpers/pki.js';

const pki = await testPki();
const go = await goPeer(t);
const { echoServer } = echoPeers(pki);

t.test('Go client resumes from a ut-tls server ticket: DidResume and isSessionReused() both true', { timeout: 60_000 }, async (t) => {
  const { server, sockets } = echoServer();
  // When the store is asked, counted by how many connections were established before: Go sends a
  // random session ID in its first hello (looked up, unknown), the second carries the ticket.
  const lookupsAfter: number[] = [];
  server.on('resumeSession', (_id: Buffer, done: (err: null, data: null) => void) => {
    lookupsAfter.push(sockets.length);
    done(null, null);
  });
  const port = await listen(t, server);
  const r = await go.client(t, { port, caFile: pki.caFile, connections: 2 });
  t.equal(r.code, 0, r.stderr);
  t.same(
    r.reports.map((x) => [x.resumed, x.echo]),
    [
      [false, 'ping\n'],
      [true, 'ping\n'],
    ],
    'Go client: ConnectionState.DidResume false, then true',
  );
  t.same(
    sockets.map((s) => s.isSessionReused()),
    [false, true],
  );
  t.notOk(lookupsAfter.includes(1), 'the store was not asked on the resumed connection: the ticket did it');
});
