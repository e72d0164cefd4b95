/**
 * Resumption re-checks the stored verification in the engine (issue 19 item 5): a session skips the
 * Certificate message, so what it stored of the verification (peer-verification.ts) is judged again
 * at the engine's clock and against today's trust anchors before a verifying side resumes it.
 */
import t from 'tap';
import { AlertDescription } from '../../lib/alerts.js';
import type { TLSAlertError } from '../../lib/errors.js';
import { MemorySessionStore } from '../../lib/session/memory-store.js';
import { decodeSession, encodeSession } from '../../lib/session/codec.js';
import { createTestPki } from '../helpers/testca.js';
import { handshake, sharedPki } from '../helpers/engine-pair.js';

const HOUR = 3_600_000;

/** The session id the client's ClientHello offers (0 bytes: none). */
function offeredIdLength(wire: Uint8Array[]): number {
  const rec = wire[0]!;
  // record(5) | handshake header(4) | version(2) | random(32) | session_id<1>
  return rec[5 + 4 + 2 + 32]!;
}

t.test('client: a session whose server leaf has expired since is not offered', async (t) => {
  const start = Date.now();
  const pki = await createTestPki({ notBefore: new Date(start - HOUR), notAfter: new Date(start + 2 * HOUR) });
  let clock = start;
  const now = () => clock;
  const store = new MemorySessionStore({ now });
  const server = { certificateChain: pki.chain, privateKey: pki.server.key, now, sessionStore: store };
  const first = await handshake({ now, trustAnchors: [pki.root.der] }, server);
  t.ok(first.client.completed);
  const session = first.client.sessions[0]!;
  t.equal(session.peerVerification?.authorized, true, 'the session records the verified verdict');
  t.equal(session.peerVerification?.validUntil, pki.server.cert.notAfter.getTime(), 'and the end of the path validity');

  clock = start + HOUR;
  const inDate = await handshake({ now, trustAnchors: [pki.root.der], session }, server);
  t.ok(inDate.client.conn.resumed, 'resumed while the chain is in date');
  t.same(inDate.client.conn.peerVerdict, { authorized: true }, 'with the re-checked verdict');

  clock = start + 3 * HOUR; // within the 24 h session lifetime, past the leaf's notAfter
  const late = await handshake({ now, trustAnchors: [pki.root.der], session }, server);
  t.equal(offeredIdLength(late.client.wire), 0, 'the session is not offered');
  t.notOk(late.client.conn.resumed);
  t.equal((late.client.errors[0] as TLSAlertError).alert, AlertDescription.certificate_expired, 'the full handshake meets the expired certificate');

  const lenient = await handshake({ now, trustAnchors: [pki.root.der], rejectUnauthorized: false, session }, server);
  t.ok(lenient.client.conn.resumed, 'rejectUnauthorized: false still resumes');
  t.equal(lenient.client.conn.peerVerdict?.code, 'CERT_HAS_EXPIRED', 'and reports why it is not authorized');
});

t.test('client: a session stored unverified, or by an anchor no longer trusted, is not offered', async (t) => {
  const pki = await sharedPki();
  const store = new MemorySessionStore();
  const skipped = await handshake({ insecureSkipVerify: true }, { sessionStore: store });
  const unverified = skipped.client.sessions[0]!;
  t.equal(unverified.peerVerification?.authorized, false);
  const a = await handshake({ trustAnchors: [pki.root.der], session: unverified }, { sessionStore: store });
  t.equal(offeredIdLength(a.client.wire), 0, 'an unverified session is not offered by a verifying client');
  t.ok(a.client.completed, 'a full handshake verifies instead');

  const verified = a.client.sessions[0]!;
  const other = await createTestPki({ organization: 'Other CA' });
  const b = await handshake({ trustAnchors: [other.root.der], rejectUnauthorized: false, session: verified }, { sessionStore: store });
  t.ok(b.client.conn.resumed, 'rejectUnauthorized: false resumes');
  t.equal(b.client.conn.peerVerdict?.code, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'the anchor that verified it is not among today\'s');
  const c = await handshake({ trustAnchors: [other.root.der], session: verified }, { sessionStore: store });
  t.equal(offeredIdLength(c.client.wire), 0, 'a verifying client does not offer it');

  // A session without any record (e.g. written before the record existed) counts as unverified.
  const { peerVerification: _dropped, ...bare } = decodeSession(encodeSession(verified));
  const d = await handshake({ trustAnchors: [pki.root.der], session: bare }, { sessionStore: store });
  t.equal(offeredIdLength(d.client.wire), 0, 'a session without a verification record is not offered');

  // Same anchors, other name: the stored leaf is checked against the name again.
  const e = await handshake({ trustAnchors: [pki.root.der], servername: 'localhost', serverIdentity: 'other.example.org', session: verified }, { sessionStore: store });
  t.equal(offeredIdLength(e.client.wire), 0, 'a name the stored leaf does not match: not offered');
});

t.test('server: requestCert + rejectUnauthorized does not resume an expired or unverified client', async (t) => {
  const start = Date.now();
  const pki = await createTestPki({ client: 'ue.example.org', notBefore: new Date(start - HOUR), notAfter: new Date(start + 2 * HOUR) });
  let clock = start;
  const now = () => clock;
  const store = new MemorySessionStore({ now });
  const client = { now, trustAnchors: [pki.root.der], certificateChain: [pki.client!.der], privateKey: pki.client!.key };
  const server = { now, certificateChain: pki.chain, privateKey: pki.server.key, sessionStore: store, requestCert: true, rejectUnauthorized: true, trustAnchors: [pki.root.der] };
  const first = await handshake(client, server);
  t.ok(first.server.completed);
  const session = first.client.sessions[0]!;
  t.equal(first.server.sessions[0]!.peerVerification?.authorized, true, "the server's session records the client's verdict");

  clock = start + HOUR;
  const again = await handshake({ ...client, session }, server);
  t.ok(again.server.conn.resumed, 'resumed while the client certificate is in date');
  t.same(again.server.conn.peerVerdict, { authorized: true });
  t.equal(again.server.conn.peerCertificates.length, 1, 'the stored leaf comes back');

  clock = start + 3 * HOUR;
  // The server's leaf has expired too; a lenient client still offers the session.
  const late = await handshake({ ...client, rejectUnauthorized: false, session }, server);
  t.equal(offeredIdLength(late.client.wire), 32, 'the (lenient) client offers it');
  t.notOk(late.server.conn.resumed, 'the server does not resume it');
  t.equal((late.server.errors[0] as TLSAlertError).alert, AlertDescription.certificate_expired, 'and the full handshake refuses the expired certificate');

  // A session from a server that did not ask for a certificate holds no client verdict.
  clock = start;
  const shared = new MemorySessionStore({ now });
  const plain = await handshake(client, { ...server, requestCert: false, sessionStore: shared });
  const noCert = plain.client.sessions[0]!;
  const strict = await handshake({ ...client, session: noCert }, { ...server, sessionStore: shared });
  t.notOk(strict.server.conn.resumed, 'an unverified session is not resumed by a requestCert + rejectUnauthorized server');
  t.ok(strict.server.completed, 'the full handshake verifies the client');
  const lenient = await handshake({ ...client, session: noCert }, { ...server, rejectUnauthorized: false, sessionStore: shared });
  t.ok(lenient.server.conn.resumed, 'without rejectUnauthorized it is resumed');
  t.equal(lenient.server.conn.peerVerdict?.code, 'ERR_TLS_SESSION_UNVERIFIED', 'and reported as unverified');

  // A UE without a certificate (TS 33.141 6.1.4) on a lenient AP: the resumption says so again.
  const open = new MemorySessionStore({ now });
  const anonymous = { now, trustAnchors: [pki.root.der] };
  const noCertFirst = await handshake(anonymous, { ...server, rejectUnauthorized: false, sessionStore: open });
  t.equal(noCertFirst.server.conn.peerVerdict?.code, 'ERR_TLS_CLIENT_CERTIFICATE_ABSENT');
  const noCertAgain = await handshake({ ...anonymous, session: noCertFirst.client.sessions[0]! }, { ...server, rejectUnauthorized: false, sessionStore: open });
  t.ok(noCertAgain.server.conn.resumed);
  t.equal(noCertAgain.server.conn.peerVerdict?.code, 'ERR_TLS_CLIENT_CERTIFICATE_ABSENT', 'resumed: still no client certificate');
  const noCertStrict = await handshake({ ...anonymous, session: noCertFirst.client.sessions[0]! }, { ...server, sessionStore: open });
  t.notOk(noCertStrict.server.conn.resumed, 'a strict AP does not resume it');
});
