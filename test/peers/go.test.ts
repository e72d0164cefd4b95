/**
 * Issue 17: interop on the wire with Go crypto/tls (Debian's Go 1.19; test/peers/go/main.go), both
 * roles, TLS 1.0 forced on the Go side (MinVersion = MaxVersion = VersionTLS10). Go 1.19 has no
 * extended master secret and no encrypt-then-MAC, resumes only from RFC 5077 tickets (its server
 * keeps no session-id cache; its client offers tickets only), and does ALPN with the server's
 * preference. Go-client ticket resumption against the ut-tls server waits for server-side tickets
 * (test/peers/go-tickets.pending.ts).
 */
import t from 'tap';
import { echoPeers, listen } from '../helpers/echo.js';
import { goPeer } from '../helpers/go-peer.js';
import { peerClientGetsOurAlpn, resumedFlags } from '../helpers/peer-checks.js';
import { testPki } from '../helpers/pki.js';

const pki = await testPki();
const go = await goPeer(t);
const { echoServer, roundTrip } = echoPeers(pki);
const BOUNDED = { timeout: 60_000 };
const SUITES = ['TLS_RSA_WITH_AES_128_CBC_SHA', 'TLS_RSA_WITH_AES_256_CBC_SHA'];
const serverFiles = { certFile: pki.certFile, keyFile: pki.keyFile };

t.comment(go.version);

for (const suite of SUITES) {
  t.test(`ut-tls client -> Go server, ${suite}: full handshake, data echoed`, BOUNDED, async (t) => {
    const gs = await go.server(t, { ...serverFiles, suites: [suite] });
    const c = await roundTrip({ port: gs.port }, 'hello go\n');
    t.equal(c.getProtocol(), 'TLSv1');
    t.equal(c.getCipher()?.standardName, suite, 'the one suite the Go server allows');
    t.equal(c.isSessionReused(), false);
    const session = c.getSession()!;
    t.notOk(session.extendedMasterSecret, 'Go 1.19 does not answer extended_master_secret');
    t.notOk(session.encryptThenMac, 'nor encrypt_then_mac');
    const [report] = await gs.reports(1);
    t.same(report, { role: 'server', version: 'TLSv1', suite, resumed: false, alpn: '' }, 'what the Go server negotiated');
  });

  t.test(`Go client -> ut-tls server, ${suite}: full handshake, data echoed`, BOUNDED, async (t) => {
    const { server, sockets } = echoServer();
    const port = await listen(t, server);
    const r = await go.client(t, { port, caFile: pki.caFile, suites: [suite], message: 'hello ut-tls\n' });
    t.equal(r.code, 0, r.stderr);
    t.same(r.reports, [{ role: 'client', version: 'TLSv1', suite, resumed: false, alpn: '', echo: 'hello ut-tls\n' }], 'the Go client verified our chain and got its bytes back');
    t.equal(sockets.length, 1);
    t.equal(sockets[0]!.getCipher()?.standardName, suite);
    t.equal(sockets[0]!.isSessionReused(), false);
  });
}

t.test('ut-tls client with sessionTickets resumes from the Go server ticket (RFC 5077)', BOUNDED, async (t) => {
  const gs = await go.server(t, { ...serverFiles, suites: SUITES });
  const first = await roundTrip({ port: gs.port, sessionTickets: true });
  const session = first.getSession()!;
  t.equal(first.isSessionReused(), false);
  t.ok(session.ticket && session.ticket.length > 0, 'the Go server sent a NewSessionTicket, kept with the session');
  const second = await roundTrip({ port: gs.port, sessionTickets: true, session });
  t.equal(second.isSessionReused(), true, 'our side: abbreviated handshake');
  t.same(Buffer.from(second.getSession()!.masterSecret), Buffer.from(session.masterSecret), 'the same master secret');
  t.equal(second.getCipher()?.standardName, first.getCipher()?.standardName);
  t.same(await resumedFlags(gs, 2), [false, true], 'the Go server: ConnectionState.DidResume false, then true');
});

t.test('without sessionTickets the Go server does not resume (it keeps no session-id cache)', BOUNDED, async (t) => {
  const gs = await go.server(t, { ...serverFiles });
  const first = await roundTrip({ port: gs.port });
  t.equal(first.getSession()!.ticket, undefined, 'no ticket asked for, none kept');
  const second = await roundTrip({ port: gs.port, session: first.getSession()! });
  t.equal(second.isSessionReused(), false, 'the offered session id is not resumed: a full handshake');
  t.same(await resumedFlags(gs, 2), [false, false]);
});

t.test('a ticket from a Go server with SessionTicketsDisabled: none is issued', BOUNDED, async (t) => {
  const gs = await go.server(t, { ...serverFiles, extraArgs: ['--no-tickets'] });
  const first = await roundTrip({ port: gs.port, sessionTickets: true });
  t.equal(first.getSession()!.ticket, undefined, 'no NewSessionTicket');
  const second = await roundTrip({ port: gs.port, sessionTickets: true, session: first.getSession()! });
  t.equal(second.isSessionReused(), false);
  t.same(await resumedFlags(gs, 2), [false, false]);
});

t.test('ALPN, ut-tls client -> Go server: the Go server chooses by its own preference', BOUNDED, async (t) => {
  const gs = await go.server(t, { ...serverFiles, alpn: ['http/1.1', 'h2'] });
  const c = await roundTrip({ port: gs.port, ALPNProtocols: ['h2', 'http/1.1'] });
  t.equal(c.alpnProtocol, 'http/1.1', 'our socket sees the Go server choice');
  const only = await roundTrip({ port: gs.port, ALPNProtocols: ['h2'] });
  t.equal(only.alpnProtocol, 'h2', 'the one we offer when it is the only overlap');
  t.same(
    (await gs.reports(2)).map((r) => r.alpn),
    ['http/1.1', 'h2'],
  );
});

t.test('ALPN with no overlap: Go refuses with no_application_protocol, except http/1.1 offered to an h2 server', BOUNDED, async (t) => {
  const gs = await go.server(t, { ...serverFiles, alpn: ['h2'] });
  const err = await roundTrip({ port: gs.port, ALPNProtocols: ['spdy/3.1'] }).then(
    () => undefined,
    (e: Error & { code?: string }) => e,
  );
  t.match(err?.code, /NO_APPLICATION_PROTOCOL/, 'alert 120 from the Go server (Go >= 1.17)');
  const [report] = await gs.reports(1);
  t.match(report!.error, /unsupported application protocols/);
  // Go's special case (negotiateALPN): an http/1.1 client connects to an h2 server as if it had not offered ALPN.
  const c = await roundTrip({ port: gs.port, ALPNProtocols: ['http/1.1'] });
  t.equal(c.alpnProtocol, false, 'no ALPN in the ServerHello: our socket reports false');
  t.equal((await gs.reports(2))[1]!.alpn, '');
});

t.test('ALPN, Go client -> ut-tls server: the ut-tls server chooses by its own preference', BOUNDED, (t) =>
  peerClientGetsOurAlpn(t, go, pki, 'Go client: NegotiatedProtocol'),
);
