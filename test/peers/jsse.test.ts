/**
 * Issue 17: interop on the wire with Java JSSE (Debian's OpenJDK 17; test/peers/java/Jsse.java),
 * both roles, TLS 1.0 forced on the Java side (setProtocols TLSv1, re-enabled by
 * test/peers/java/tls10.security). JSSE 17 negotiates extended master secret at TLS 1.0 and resumes
 * by session id; it resumes only sessions with extended master secret (RFC 7627 5.3). JSSE has no
 * "did resume" flag: the peer reports a connection resumed when its session (id and creation time)
 * is one an earlier connection of the same process had.
 */
import t from 'tap';
import { echoPeers, listen } from '../helpers/echo.js';
import { jssePeer } from '../helpers/jsse.js';
import { peerClientGetsOurAlpn, resumedFlags } from '../helpers/peer-checks.js';
import { testPki } from '../helpers/pki.js';

const pki = await testPki();
const jsse = await jssePeer(t);
const { echoServer, roundTrip } = echoPeers(pki);
const BOUNDED = { timeout: 90_000 };
const SUITES = ['TLS_RSA_WITH_AES_128_CBC_SHA', 'TLS_RSA_WITH_AES_256_CBC_SHA'];
const serverFiles = { certFile: pki.certFile, keyFile: pki.keyFile };
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

t.comment(jsse.version);

for (const suite of SUITES) {
  t.test(`ut-tls client -> JSSE server, ${suite}: full handshake with extended master secret, data echoed`, BOUNDED, async (t) => {
    const js = await jsse.server(t, { ...serverFiles, suites: [suite] });
    const c = await roundTrip({ port: js.port }, 'hello java\n');
    t.equal(c.getProtocol(), 'TLSv1');
    t.equal(c.getCipher()?.standardName, suite);
    t.equal(c.getSession()!.extendedMasterSecret, true, 'JSSE answered extended_master_secret');
    t.notOk(c.getSession()!.encryptThenMac, 'JSSE does not do encrypt_then_mac');
    const [report] = await js.reports(1);
    t.same(report, { role: 'server', version: 'TLSv1', suite, resumed: false, alpn: '', sessionId: hex(c.getSession()!.id) }, 'what JSSE negotiated');
  });

  t.test(`JSSE client -> ut-tls server, ${suite}: full handshake, then resumption by session id`, BOUNDED, async (t) => {
    const { server, sockets } = echoServer();
    const port = await listen(t, server);
    const r = await jsse.client(t, { port, caFile: pki.caFile, suites: [suite], connections: 2, message: 'hello ut-tls\n' });
    t.equal(r.code, 0, r.stderr);
    t.equal(r.reports.length, 2, r.stderr);
    for (const report of r.reports) t.match(report, { role: 'client', version: 'TLSv1', suite, alpn: '', echo: 'hello ut-tls\n' });
    t.same(
      r.reports.map((x) => x.resumed),
      [false, true],
      'JSSE: the second connection has the first one session',
    );
    t.same(
      sockets.map((s) => s.isSessionReused()),
      [false, true],
      'our server: full, then abbreviated',
    );
    t.equal(r.reports[0]!.sessionId, hex(sockets[0]!.getSession()!.id), 'the id our server issued');
    t.equal(sockets[0]!.getSession()!.extendedMasterSecret, true, 'the JSSE client offered extended_master_secret');
  });
}

t.test('ut-tls client resumes with a JSSE server (default settings): both sides see it', BOUNDED, async (t) => {
  const js = await jsse.server(t, { ...serverFiles });
  const first = await roundTrip({ port: js.port });
  const session = first.getSession()!;
  t.equal(session.extendedMasterSecret, true);
  const second = await roundTrip({ port: js.port, session });
  t.equal(second.isSessionReused(), true, 'our side: abbreviated handshake');
  t.same(Buffer.from(second.getSession()!.masterSecret), Buffer.from(session.masterSecret));
  const reports = await js.reports(2);
  t.same(
    reports.map((r) => [r.resumed, r.sessionId]),
    [
      [false, hex(session.id)],
      [true, hex(session.id)],
    ],
    'JSSE: the same session, resumed',
  );
});

t.test('ut-tls client without extended master secret: JSSE does not resume the session (RFC 7627 5.3)', BOUNDED, async (t) => {
  const js = await jsse.server(t, { ...serverFiles });
  const first = await roundTrip({ port: js.port, extendedMasterSecret: false });
  const session = first.getSession()!;
  t.notOk(session.extendedMasterSecret, 'not offered, so not used');
  const second = await roundTrip({ port: js.port, extendedMasterSecret: false, session });
  t.equal(second.isSessionReused(), false, 'a full handshake');
  t.not(hex(second.getSession()!.id), hex(session.id), 'with a new session id');
  t.same(await resumedFlags(js, 2), [false, false], 'JSSE: two full handshakes');
});

t.test('ALPN, ut-tls client -> JSSE server: JSSE chooses by its own preference', BOUNDED, async (t) => {
  const js = await jsse.server(t, { ...serverFiles, alpn: ['http/1.1', 'h2'] });
  const c = await roundTrip({ port: js.port, ALPNProtocols: ['h2', 'http/1.1'] });
  t.equal(c.alpnProtocol, 'http/1.1', 'our socket sees the JSSE choice');
  const none = await roundTrip({ port: js.port });
  t.equal(none.alpnProtocol, false, 'no ALPN offered, none answered');
  t.same(
    (await js.reports(2)).map((r) => r.alpn),
    ['http/1.1', ''],
    'getApplicationProtocol()',
  );
});

t.test('ALPN, JSSE client -> ut-tls server: the ut-tls server chooses by its own preference', BOUNDED, (t) =>
  peerClientGetsOurAlpn(t, jsse, pki, 'JSSE client: getApplicationProtocol()'),
);
