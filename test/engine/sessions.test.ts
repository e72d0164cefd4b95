/**
 * Resumption (RFC 2246 7.3), the 24-hour lifetime (TS 33.141 7.1), the empty-certificate flow and
 * client certificates (TS 33.141 6.1.4), and the SSLv2-compatible hello (RFC 2246 E.1), in memory.
 */
import t from 'tap';
import { AlertDescription } from '../../lib/alerts.js';
import { MemorySessionStore } from '../../lib/session/memory-store.js';
import type { TLSAlertError } from '../../lib/errors.js';
import { HandshakeType } from '../../lib/messages/types.js';
import { encodeClientHello } from '../../lib/messages/client-hello.js';
import { encodeHandshake } from '../../lib/messages/handshake.js';
import { encodeServerNameList } from '../../lib/messages/extensions/server-name.js';
import { encodeRecord } from '../../lib/record/framing.js';
import { handshake, makePair, sharedPki } from '../helpers/engine-pair.js';
import { plaintextHandshakeTypes } from '../helpers/wire-messages.js';

t.test('the abbreviated handshake resumes a session: same master secret, no Certificate', async (t) => {
  let clock = Date.now(); // the engine verifies the test PKI at this clock
  const now = () => clock;
  const store = new MemorySessionStore({ now });
  const first = await handshake({ now }, { now, sessionStore: store });
  t.equal(first.client.sessions.length, 1, "client 'session' event");
  t.equal(first.server.sessions.length, 1, "server 'session' event");
  const session = first.client.sessions[0]!;
  t.equal(session.id.length, 32, 'a 32-byte session id');
  t.equal(store.size, 1);
  t.notOk(first.client.conn.resumed);

  clock += 60_000;
  const second = await handshake({ now, session }, { now, sessionStore: store });
  t.ok(second.client.conn.resumed, 'client resumed');
  t.ok(second.server.conn.resumed, 'server resumed');
  t.same(plaintextHandshakeTypes(second.server.wire), [HandshakeType.server_hello], 'only a ServerHello before ChangeCipherSpec');
  t.equal(second.client.conn.cipherSuite?.id, session.cipherSuite);
  t.equal(second.client.keylog[0]!.split(' ')[2], first.client.keylog[0]!.split(' ')[2], 'same master secret');
  t.not(second.client.keylog[0]!.split(' ')[1], first.client.keylog[0]!.split(' ')[1], 'new client random');
  second.client.conn.write(new Uint8Array([42]));
  second.flush();
  t.same([...second.receivedBy(second.server)], [42]);
  t.equal(second.client.conn.peerCertificates.length, first.client.conn.peerCertificates.length, 'peer certificates come back with the session');
});

t.test('after 24 hours the session is obsolete on both sides (TS 33.141 7.1)', async (t) => {
  let clock = Date.now(); // within the test certificates' 30 days, 24 hours included
  const now = () => clock;
  const store = new MemorySessionStore({ now });
  const first = await handshake({ now }, { now, sessionStore: store });
  const session = first.client.sessions[0]!;
  clock += 86_400_000 - 1;
  const stillValid = await handshake({ now, session }, { now, sessionStore: store });
  t.ok(stillValid.server.conn.resumed, 'resumed 1 ms before 24 hours');
  clock += 1;
  const clientSide = await handshake({ now, session }, { now, sessionStore: store });
  t.notOk(clientSide.client.conn.resumed, 'at 24 hours the client no longer offers it');
  t.same(plaintextHandshakeTypes(clientSide.client.wire).slice(0, 1), [HandshakeType.client_hello]);
  // The server refuses it on its own too: a client that still offers an expired session gets a full handshake.
  const lying = await handshake({ now: () => clock - 10_000, session }, { now, sessionStore: store });
  t.notOk(lying.server.conn.resumed, 'the server does not resume an expired session');
  t.ok(lying.server.completed);
});

t.test('a shorter sessionTimeout is honoured; a resumed session needs the same server name', async (t) => {
  let clock = 0;
  const now = () => clock;
  const store = new MemorySessionStore({ now });
  const first = await handshake({ insecureSkipVerify: true, now }, { now, sessionStore: store, sessionTimeout: 60 });
  const session = first.client.sessions[0]!;
  clock = 61_000;
  const late = await handshake({ insecureSkipVerify: true, now, session: { ...session, lifetime: 86400 } }, { now, sessionStore: store, sessionTimeout: 60 });
  t.notOk(late.server.conn.resumed, 'server lifetime of 60 s applies');

  clock = 0;
  const store2 = new MemorySessionStore({ now });
  const a = await handshake({ insecureSkipVerify: true, now, servername: 'a.example.org' }, { now, sessionStore: store2 });
  const s2 = a.client.sessions[0]!;
  const other = await handshake({ insecureSkipVerify: true, now, servername: 'b.example.org', session: { ...s2, servername: undefined } }, { now, sessionStore: store2 });
  t.notOk(other.server.conn.resumed, 'a different server name means a full handshake');
  t.ok(other.server.completed);
});

t.test('a session that ended in a fatal alert is removed', async (t) => {
  const store = new MemorySessionStore();
  const first = await handshake({}, { sessionStore: store });
  const session = first.client.sessions[0]!;
  const second = await handshake({ session }, { sessionStore: store });
  t.ok(second.server.conn.resumed);
  t.equal(store.size, 1);
  // A bit flip after the resumption: fatal bad_record_mac, and the session is gone.
  second.client.conn.write(new Uint8Array(10));
  const rec = second.client.queue.pop()!.slice();
  rec[rec.length - 1]! ^= 1;
  second.server.conn.receive(rec);
  t.equal((second.server.errors[0] as TLSAlertError).alert, AlertDescription.bad_record_mac);
  await new Promise((r) => setImmediate(r));
  t.equal(store.size, 0, 'session removed from the cache');
  const third = await handshake({ session }, { sessionStore: store });
  t.notOk(third.server.conn.resumed, 'it cannot be resumed');
});

t.test('resuming while no longer offering the session suite: illegal_parameter', async (t) => {
  const store = new MemorySessionStore();
  // Without EMS and EtM: the hand-built hello below has neither; an EMS session would be refused first
  // (RFC 7627 5.3), an EtM one sent through a full handshake (RFC 7366 3.1).
  const first = await handshake({ cipherSuites: ['TLS_RSA_WITH_AES_128_CBC_SHA'], extendedMasterSecret: false, encryptThenMac: false }, { sessionStore: store });
  const session = first.client.sessions[0]!;
  // A hand-built ClientHello that offers the session id but not the session's suite.
  const p = await makePair({}, { sessionStore: store });
  const hello = encodeClientHello({
    version: 0x0301,
    random: new Uint8Array(32).fill(3),
    sessionId: session.id,
    cipherSuites: [0x000a],
    compressionMethods: [0],
    extensions: [{ type: 0, data: encodeServerNameList(['localhost']) }],
  });
  p.server.conn.receive(encodeRecord(22, 0x0301, encodeHandshake(HandshakeType.client_hello, hello)));
  t.equal((p.server.errors[0] as TLSAlertError)?.alert, AlertDescription.illegal_parameter);
  t.match(p.server.errors[0]!.message, /no longer offers/);
});

t.test('an async session store (an AP keeping sessions outside the process)', async (t) => {
  const inner = new MemorySessionStore();
  const calls: string[] = [];
  const asyncStore = {
    get: async (id: Uint8Array) => (calls.push('get'), await new Promise((r) => setTimeout(r, 5)), inner.get(id)),
    set: async (s: Parameters<typeof inner.set>[0]) => (calls.push('set'), inner.set(s)),
    delete: async (id: Uint8Array) => (calls.push('delete'), inner.delete(id)),
  };
  const first = await handshake({}, { sessionStore: asyncStore });
  const session = first.client.sessions[0]!;
  const p = await makePair({ session }, { sessionStore: asyncStore });
  p.client.conn.start();
  p.flush();
  t.notOk(p.server.completed, 'waiting for the store');
  await new Promise((r) => setTimeout(r, 30));
  p.flush();
  t.ok(p.server.conn.resumed && p.client.conn.resumed, 'resumed after the async lookup');
  t.same(calls, ['set', 'get']);
});

t.test('TS 33.141 6.1.4: a UE without a certificate answers with an empty Certificate', async (t) => {
  const p = await handshake({}, { requestCert: true });
  t.ok(p.server.completed, 'default policy: continue, UE unauthenticated');
  t.equal(p.server.conn.peerVerdict?.authorized, false);
  t.equal(p.server.conn.peerCertificates.length, 0);
  const types = plaintextHandshakeTypes(p.client.wire);
  t.same(types, [HandshakeType.client_hello, HandshakeType.certificate, HandshakeType.client_key_exchange], 'Certificate (empty), no CertificateVerify');
  const strict = await handshake({}, { requestCert: true, rejectUnauthorized: true });
  t.equal((strict.server.errors[0] as TLSAlertError).alert, AlertDescription.handshake_failure);
  t.match(strict.server.errors[0]!.message, /TS 33\.141 6\.1\.4/);
  t.equal(strict.client.errors[0]?.code, 'ERR_TLS_ALERT_RECEIVED_HANDSHAKE_FAILURE');
});

t.test('a UE with a certificate sends it and a CertificateVerify the AP checks', async (t) => {
  const pki = await sharedPki();
  const client = { certificateChain: [pki.client!.der], privateKey: pki.client!.key };
  const p = await handshake(client, { requestCert: true, rejectUnauthorized: true, verifyPeer: () => ({ authorized: true }) });
  t.ok(p.server.completed);
  t.same(plaintextHandshakeTypes(p.client.wire), [
    HandshakeType.client_hello,
    HandshakeType.certificate,
    HandshakeType.client_key_exchange,
    HandshakeType.certificate_verify,
  ]);
  t.equal(p.server.conn.peerCertificates.length, 1);
  // The wrong private key for that certificate: decrypt_error at CertificateVerify.
  const wrong = await handshake({ certificateChain: [pki.client!.der], privateKey: pki.server.key }, { requestCert: true, verifyPeer: () => ({ authorized: true }) });
  t.equal((wrong.server.errors[0] as TLSAlertError).alert, AlertDescription.decrypt_error);
  // No ca for client certificates and rejectUnauthorized: unknown_ca.
  const unknown = await handshake(client, { requestCert: true, rejectUnauthorized: true });
  t.equal((unknown.server.errors[0] as TLSAlertError).alert, AlertDescription.unknown_ca);
});

t.test('SSLv2-compatible ClientHello (RFC 2246 E.1) asking for TLS 1.0 is accepted', async (t) => {
  const p = await makePair({ cipherSuites: ['TLS_RSA_WITH_3DES_EDE_CBC_SHA'] });
  p.client.conn.start();
  const v3 = p.client.queue.shift()!;
  const random = v3.subarray(11, 43);
  // V2 hello: msg_type 1, version 3.1, cipher specs (an SSLv2 one, then 3DES and the SCSV as TLS specs), no session id, 32-byte challenge.
  const specs = [0x07, 0x00, 0xc0, 0x00, 0x00, 0x0a, 0x00, 0x00, 0xff];
  const body = new Uint8Array([1, 3, 1, 0, specs.length, 0, 0, 0, 32, ...specs, ...random]);
  const record = new Uint8Array([0x80 | (body.length >> 8), body.length & 0xff, ...body]);
  // Our client hashed its v3 ClientHello; the server hashes the v2 body (E.1). Make the client's transcript match.
  (p.client.conn.transcript as unknown as { messages: Uint8Array[] }).messages[0] = body;
  p.server.conn.receive(record);
  p.flush();
  t.same(p.server.errors, []);
  t.ok(p.server.completed && p.client.completed, 'handshake completes after a v2 hello');
  t.equal(p.server.conn.cipherSuite?.name, 'TLS_RSA_WITH_3DES_EDE_CBC_SHA');
  t.ok(p.server.conn.secureRenegotiation, 'the SCSV in a v2 hello counts (RFC 5746 3.3)');
});

t.test('TS 33.141 6.1.4: an authentication record rides with the session and needs re-authentication on resumption', async (t) => {
  const store = new MemorySessionStore();
  const first = await handshake({}, { sessionStore: store });
  t.equal(first.server.conn.authRecord, null, 'none before the application sets one');
  const identity = new TextEncoder().encode('sip:alice@ims.example.org (GBA B-TID 42)');
  first.server.conn.setAuthRecord(identity);
  t.same(first.server.conn.authRecord, { data: identity, needsReauthentication: false }, 'fresh on the connection that authenticated');
  const session = first.client.sessions[0]!;
  const second = await handshake({ session }, { sessionStore: store });
  t.ok(second.server.conn.resumed);
  t.same(second.server.conn.authRecord?.data, identity, 'the record comes back on the resumed connection');
  t.equal(second.server.conn.authRecord?.needsReauthentication, true, 'marked as needing re-authentication');
  second.server.conn.setAuthRecord(identity);
  t.equal(second.server.conn.authRecord?.needsReauthentication, false, 'cleared once the application authenticated again');
  const lenient = await handshake({ session }, { sessionStore: store, reauthenticateResumed: false });
  t.equal(lenient.server.conn.authRecord?.needsReauthentication, false, 'operator policy may trust a resumed session');
  t.throws(() => first.client.conn.setAuthRecord(identity), { code: 'ERR_TLS_INVALID_STATE' });
});
