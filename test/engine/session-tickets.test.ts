/**
 * RFC 5077 session tickets, server and client, in memory: the ticket is issued before the server's
 * ChangeCipherSpec, resumes on a server that shares only the keys (no store), is never accepted past
 * the 24 hours of TS 33.141 7.1 counted from the full handshake, and a forged, truncated or
 * foreign ticket sends the client through a full handshake without an alert (3.4).
 */
import t from 'tap';
import { HandshakeType } from '../../lib/messages/types.js';
import { NEW_SESSION_TICKET, decodeNewSessionTicket } from '../../lib/engine/session-ticket.js';
import { TicketKeys } from '../../lib/session/tickets.js';
import { MemorySessionStore } from '../../lib/session/memory-store.js';
import { systemRandom } from '../../lib/crypto/random.js';
import { createPureProvider } from '../../lib/crypto/pure.js';
import type { SessionData } from '../../lib/engine/types.js';
import { handshake } from '../helpers/engine-pair.js';
import { plaintextHandshakeMessages } from '../helpers/wire-messages.js';

const DAY = 86_400_000;

function clockAt(start: number): { now: () => number; advance(ms: number): void } {
  let clock = start;
  return { now: () => clock, advance: (ms) => (clock += ms) };
}

/** A server with its own empty store: whatever it resumes came from the ticket. */
function storeless(now: () => number, ticketKeys: TicketKeys) {
  return { now, ticketKeys, sessionStore: new MemorySessionStore({ now }) };
}

t.test('a full handshake issues a ticket before the server ChangeCipherSpec; another server with the same keys resumes it', async (t) => {
  const c = clockAt(Date.now());
  const keys = new TicketKeys({ random: systemRandom, now: c.now });
  const first = await handshake({ sessionTickets: true, now: c.now }, storeless(c.now, keys));
  t.ok(first.client.completed && first.server.completed);
  const types = plaintextHandshakeMessages(first.server.wire).map((m) => m.type);
  t.same(types.slice(-1), [NEW_SESSION_TICKET], 'NewSessionTicket is the last plaintext handshake message (before CCS)');
  const nst = decodeNewSessionTicket(plaintextHandshakeMessages(first.server.wire).at(-1)!.body);
  t.equal(nst.lifetimeHint, 86_400, 'lifetime hint: the whole 24 hours of a new session');
  const session = first.client.sessions[0]!;
  t.same(session.ticket, nst.ticket, 'the client keeps the ticket with the session');

  c.advance(60_000);
  const second = await handshake({ sessionTickets: true, now: c.now, session }, storeless(c.now, keys));
  t.ok(second.client.conn.resumed, 'client resumed');
  t.ok(second.server.conn.resumed, 'server resumed from the ticket alone (its store is empty)');
  t.same(plaintextHandshakeMessages(second.server.wire).map((m) => m.type), [HandshakeType.server_hello], 'abbreviated: only a ServerHello before CCS, no new ticket');
  t.equal(second.client.keylog[0]!.split(' ')[2], first.client.keylog[0]!.split(' ')[2], 'same master secret');
  second.client.conn.write(new Uint8Array([7, 8]));
  second.flush();
  t.same([...second.receivedBy(second.server)], [7, 8]);
  t.equal(second.server.conn.peerCertificates.length, 0);
});

t.test('the ServerHello echoes the session ID the client sent with the ticket (RFC 5077 3.4)', async (t) => {
  const c = clockAt(Date.now());
  const keys = new TicketKeys({ random: systemRandom, now: c.now });
  const first = await handshake({ sessionTickets: true, now: c.now }, storeless(c.now, keys));
  const session = first.client.sessions[0]!;
  const second = await handshake({ sessionTickets: true, now: c.now, session }, storeless(c.now, keys));
  const hello = plaintextHandshakeMessages(second.server.wire)[0]!.body;
  const idLength = hello[34]!;
  t.same([...hello.subarray(35, 35 + idLength)], [...session.id]);
});

t.test('tickets past 24 hours from the full handshake are not accepted, even through a resumption in between', async (t) => {
  const c = clockAt(Date.now());
  const keys = new TicketKeys({ random: systemRandom, now: c.now });
  const first = await handshake({ sessionTickets: true, now: c.now }, storeless(c.now, keys));
  const session = first.client.sessions[0]!;
  c.advance(DAY - 60_000);
  const late = await handshake({ sessionTickets: true, now: c.now, session }, storeless(c.now, keys));
  t.ok(late.server.conn.resumed, 'resumed one minute before the 24 hours end');
  c.advance(60_000);
  // The client would drop the session itself; a client that offers it anyway (its clock says otherwise) is refused by the server.
  const skewedClient = () => c.now() - 3_600_000;
  const expired = await handshake({ sessionTickets: true, now: skewedClient, session }, storeless(c.now, keys));
  t.notOk(expired.server.conn.resumed, 'at 24 hours: a full handshake');
  t.ok(expired.client.completed && expired.server.completed, 'and it completes');
  t.same(expired.client.errors, []);
  const nst = decodeNewSessionTicket(plaintextHandshakeMessages(expired.server.wire).at(-1)!.body);
  t.equal(nst.lifetimeHint, 86_400, 'with a new ticket for the new session');
});

t.test('a configured sessionTimeout caps the ticket (hint and acceptance)', async (t) => {
  const c = clockAt(Date.now());
  const keys = new TicketKeys({ random: systemRandom, now: c.now });
  const server = { ...storeless(c.now, keys), sessionTimeout: 600 };
  const first = await handshake({ sessionTickets: true, now: c.now }, server);
  t.equal(decodeNewSessionTicket(plaintextHandshakeMessages(first.server.wire).at(-1)!.body).lifetimeHint, 600);
  c.advance(600_000);
  const second = await handshake({ sessionTickets: true, now: () => c.now() - 300_000, session: first.client.sessions[0]! }, { ...server, sessionStore: new MemorySessionStore({ now: c.now }) });
  t.notOk(second.server.conn.resumed, 'not after 600 s');
});

function tampered(session: SessionData, change: (ticket: Uint8Array) => Uint8Array): SessionData {
  return { ...session, ticket: change(session.ticket!.slice()) };
}

t.test('forged, truncated and foreign tickets: a full handshake without an alert (RFC 5077 3.4)', async (t) => {
  const c = clockAt(Date.now());
  const keys = new TicketKeys({ random: systemRandom, now: c.now });
  const first = await handshake({ sessionTickets: true, now: c.now }, storeless(c.now, keys));
  const session = first.client.sessions[0]!;
  const cases: [string, SessionData, TicketKeys][] = [
    ['one bit flipped in the encrypted state', tampered(session, (b) => ((b[40] ^= 1), b)), keys],
    ['one bit flipped in the MAC', tampered(session, (b) => ((b[b.length - 1] ^= 0x80), b)), keys],
    ['truncated by one byte', tampered(session, (b) => b.subarray(0, b.length - 1)), keys],
    ['truncated to the key name', tampered(session, (b) => b.subarray(0, 16)), keys],
    ['garbage of the same length', tampered(session, (b) => b.fill(0x5a)), keys],
    ['sealed under other keys', session, new TicketKeys({ random: systemRandom, now: c.now })],
  ];
  for (const [what, offered, serverKeys] of cases) {
    const p = await handshake({ sessionTickets: true, now: c.now, session: offered }, storeless(c.now, serverKeys));
    t.ok(p.client.completed && p.server.completed, `${what}: completes`);
    t.notOk(p.server.conn.resumed, `${what}: not resumed`);
    t.same([p.client.errors, p.server.errors, p.client.warnings, p.server.warnings], [[], [], [], []], `${what}: no alert`);
  }
});

t.test('a ticket that fails falls back to the session ID when the store knows it', async (t) => {
  const c = clockAt(Date.now());
  const store = new MemorySessionStore({ now: c.now });
  const first = await handshake({ sessionTickets: true, now: c.now }, { now: c.now, sessionStore: store });
  const forged = tampered(first.client.sessions[0]!, (b) => ((b[20] ^= 1), b));
  const second = await handshake({ sessionTickets: true, now: c.now, session: forged }, { now: c.now, sessionStore: store });
  t.ok(second.server.conn.resumed, 'resumed by session ID');
});

t.test('off switches: sessionTickets false on either side (the client default) means no ticket; resumption by ID still works', async (t) => {
  const c = clockAt(Date.now());
  for (const [who, client, server] of [
    ['client', { sessionTickets: false }, {}],
    ['client by default', {}, {}],
    ['server', { sessionTickets: true }, { sessionTickets: false }],
    ['server without resumption (sessionTimeout 0)', { sessionTickets: true }, { sessionTimeout: 0 }],
  ] as const) {
    const store = new MemorySessionStore({ now: c.now });
    const first = await handshake({ now: c.now, ...client }, { now: c.now, sessionStore: store, ...server });
    const types = plaintextHandshakeMessages(first.server.wire).map((m) => m.type);
    t.notOk(types.includes(NEW_SESSION_TICKET), `${who}: no NewSessionTicket`);
    t.notOk(first.client.sessions[0]?.ticket, `${who}: no ticket in the session`);
    if (who === 'server without resumption (sessionTimeout 0)') continue;
    const second = await handshake({ now: c.now, session: first.client.sessions[0]!, ...client }, { now: c.now, sessionStore: store, ...server });
    t.ok(second.server.conn.resumed, `${who}: resumes by session ID`);
  }
  // A server with tickets off ignores a ticket it is offered (its store is empty: full handshake).
  const keys = new TicketKeys({ random: systemRandom, now: c.now });
  const first = await handshake({ sessionTickets: true, now: c.now }, storeless(c.now, keys));
  const offTicket = await handshake({ sessionTickets: true, now: c.now, session: first.client.sessions[0]! }, { ...storeless(c.now, keys), sessionTickets: false });
  t.notOk(offTicket.server.conn.resumed, 'sessionTickets false: the ticket is not opened');
});

t.test('the ticket carries the client certificate verdict and the extensions of the session', async (t) => {
  const c = clockAt(Date.now());
  const keys = new TicketKeys({ random: systemRandom, now: c.now });
  const { sharedPki } = await import('../helpers/engine-pair.js');
  const pki = await sharedPki();
  const client = { sessionTickets: true, now: c.now, certificateChain: [pki.client!.der], privateKey: pki.client!.key };
  const server = { ...storeless(c.now, keys), requestCert: true, rejectUnauthorized: true, trustAnchors: [pki.root.der] };
  const first = await handshake(client, server);
  t.ok(first.server.conn.peerVerdict?.authorized, 'client certificate verified in the full handshake');
  t.ok(first.server.conn.agreement.extendedMasterSecret, 'EMS agreed');
  const second = await handshake({ ...client, session: first.client.sessions[0]! }, { ...server, sessionStore: new MemorySessionStore({ now: c.now }) });
  t.ok(second.server.conn.resumed);
  t.ok(second.server.conn.peerVerdict?.authorized, 'the verdict came back from the ticket and was judged again');
  t.equal(second.server.conn.peerCertificates.length, 1, 'the client leaf came back too');
  t.ok(second.server.conn.agreement.extendedMasterSecret, 'EMS kept across the resumption');
});

t.test('TicketKeys: node:tls 48-byte keys, rotation, and the keys kept for opening', async (t) => {
  const provider = createPureProvider();
  const c = clockAt(1_700_000_000_000);
  const session: SessionData = {
    id: new Uint8Array(32).fill(1),
    masterSecret: new Uint8Array(48).fill(2),
    cipherSuite: 0x002f,
    compressionMethod: 0,
    createdAt: c.now(),
    lifetime: 86_400,
    peerCertificates: [],
  };
  t.throws(() => new TicketKeys({ keys: new Uint8Array(47), random: systemRandom }), /48 bytes/);
  const supplied = new Uint8Array(48).map((_, i) => i);
  const fixed = new TicketKeys({ keys: supplied, random: systemRandom, now: c.now });
  t.same([...fixed.get()], [...supplied], 'get() gives back the supplied keys');
  const ticket = fixed.seal(session, provider);
  t.same([...ticket.subarray(0, 16)], [...supplied.subarray(0, 16)], 'the ticket starts with the key name');
  t.same(new TicketKeys({ keys: supplied, random: systemRandom }).open(ticket, provider)?.masterSecret, session.masterSecret, 'another holder of the same bytes opens it');
  fixed.set(new Uint8Array(48).fill(9));
  t.ok(fixed.open(ticket, provider), 'after set(): the previous keys still open');
  fixed.set(new Uint8Array(48).fill(10));
  fixed.set(new Uint8Array(48).fill(11));
  t.equal(fixed.open(ticket, provider), null, 'three rotations later: no longer');

  const auto = new TicketKeys({ random: systemRandom, now: c.now, rotateAfterSeconds: 3600 });
  const before = auto.get();
  const old = auto.seal(session, provider);
  c.advance(3_600_000);
  const sealedAfter = auto.seal(session, provider);
  t.notSame([...auto.get()], [...before], 'self-made keys rotate after the period');
  t.notSame([...sealedAfter.subarray(0, 16)], [...old.subarray(0, 16)], 'new tickets under the new key name');
  c.advance(DAY - 1000);
  auto.seal(session, provider);
  t.ok(auto.open(old, provider), 'a retired key opens tickets until rotation + 24 h');
  c.advance(2000);
  auto.seal(session, provider);
  t.equal(auto.open(old, provider), null, 'and not after');
});

t.test('the authentication record (TS 33.141 6.1.4) stays with the session ID: a ticket cannot carry it', async (t) => {
  const c = clockAt(Date.now());
  const store = new MemorySessionStore({ now: c.now });
  const server = { now: c.now, sessionStore: store, ticketKeys: new TicketKeys({ random: systemRandom, now: c.now }) };
  const first = await handshake({ sessionTickets: true, now: c.now }, server);
  first.server.conn.setAuthRecord(new Uint8Array([1, 2, 3]));
  const session = first.client.sessions[0]!;
  const byTicket = await handshake({ sessionTickets: true, now: c.now, session }, server);
  t.ok(byTicket.server.conn.resumed);
  t.equal(byTicket.server.conn.authRecord, null, 'resumed from the ticket: no record, so the application authenticates again');
  const byId = await handshake({ sessionTickets: false, now: c.now, session }, server);
  t.ok(byId.server.conn.resumed);
  t.same(byId.server.conn.authRecord, { data: new Uint8Array([1, 2, 3]), needsReauthentication: true }, 'resumed by ID: the record, marked');
});
